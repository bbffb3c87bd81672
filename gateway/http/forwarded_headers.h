// The caller's headers a service needs (Authorization, Idempotency-Key, If-Match, traceparent,
// tracestate), forwarded as gRPC metadata of the same name, and the check each value passes
// first. gRPC's client library aborts the whole process on a metadata value outside printable
// ASCII, and a service refuses metadata past 8 KiB in all, so nothing from a request reaches
// it unchecked: every forwarded value must be printable ASCII (0x20..0x7E), within its own
// length bound, and sent at most once.
//
//   platform::CallMetadata metadata;
//   if (auto refused = ForwardedMetadata(request, &metadata)) return Error(*refused);
//
// Thread-safe: a pure function of its arguments.
#pragma once

#include <optional>

#include "gateway/errors/http_errors.h"
#include "gateway/http/http_server.h"
#include "platform/rpc/generic_call.h"

namespace crm::gateway {

struct ForwardedHeader {
  // As the client writes it, for error messages and the OpenAPI document.
  const char* name;
  // gRPC metadata key (the lower-cased name).
  const char* key;
  // Longest value accepted, bytes.
  size_t max_bytes;
};

// Every header forwarded; their bounds together stay far below the services' 8 KiB.
inline constexpr ForwardedHeader kForwardedHeaders[] = {
    {"Authorization", "authorization", 4096},
    {"Idempotency-Key", "idempotency-key", 255},
    {"If-Match", "if-match", 128},
    {"traceparent", "traceparent", 256},
    {"tracestate", "tracestate", 512},
};

// True when every byte of `value` is printable ASCII (0x20..0x7E): what may go into gRPC metadata
// or, from a service's answer, into an HTTP header (ETag, Retry-After) without splitting it.
bool PrintableAscii(absl::string_view value);

// Appends the forwarded headers `request` carries to `metadata`. On a value that is not
// printable ASCII, longer than its bound, or a header sent twice: nothing is appended and the
// answer is a 400 INVALID_ARGUMENT / HEADER_INVALID whose fieldViolations name the header.
std::optional<HttpError> ForwardedMetadata(const HttpRequest& request,
                                           platform::CallMetadata* metadata);

}  // namespace crm::gateway
