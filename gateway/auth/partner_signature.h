// The signature a partner puts on each request to a PARTNER_SIGNATURE route (docs/architecture.md,
// "Partner signatures"):
//
//   X-Partner-Id: dhl
//   X-Timestamp: 1767225600                      (Unix seconds; within 300 s of the gateway's time)
//   X-Signature: hex or base64 of HMAC-SHA256(secret, canonical request)
//
// where the canonical request is four lines joined by "\n" (no newline at the end):
//
//   POST                                          the method
//   /v1/partners/dhl/tracking-events?dryRun=true  the request target exactly as sent
//   1767225600                                    X-Timestamp exactly as sent
//   24de1c4a19c43ad4...                           lower-case hex SHA-256 of the body's bytes
//
// So a signature binds the method, the path and query, the time and the body: it cannot be moved
// to another route, another query or another body, and goes stale after the window.
//
//   absl::StatusOr<SignedRequest> signed_request = ReadSignedRequest(request);
//   std::string canonical = CanonicalRequest("POST", target, signed_request->timestamp, body);
//   bool good = SignatureMatches(secret, canonical, signed_request->signature);
//
// Thread-safe: functions of their arguments.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gateway/http/http_server.h"

namespace crm::gateway {

// The reasons of a refused signed request (401).
inline constexpr absl::string_view kReasonSignatureMissing = "SIGNATURE_MISSING";
inline constexpr absl::string_view kReasonSignatureInvalid = "SIGNATURE_INVALID";
inline constexpr absl::string_view kReasonSignatureExpired = "SIGNATURE_EXPIRED";

inline constexpr char kPartnerIdHeader[] = "X-Partner-Id";
inline constexpr char kTimestampHeader[] = "X-Timestamp";
inline constexpr char kSignatureHeader[] = "X-Signature";

struct SignedRequest {
  // 1 to 64 of A-Z, a-z, 0-9, '.', '_', '-'.
  std::string partner_id;
  // X-Timestamp as sent (1 to 12 decimal digits), and its value.
  std::string timestamp;
  int64_t unix_seconds = 0;
  // The 32 bytes of the HMAC, decoded.
  std::string signature;
};

// The three headers of `request`, each sent once and of its form. Errors, all UNAUTHENTICATED
// with one field violation naming the header: SIGNATURE_MISSING (a header absent),
// SIGNATURE_INVALID (sent twice, or not of its form: a signature that is neither 64 hex digits
// nor the base64 of 32 bytes, ...). The message never echoes a value.
absl::StatusOr<SignedRequest> ReadSignedRequest(const HttpRequest& request);

// How every refusal of a signed request reads: UNAUTHENTICATED with `reason`, the message "the
// <header> header <why>", and one field violation naming `header`.
absl::Status SignatureRefused(absl::string_view reason, const char* header, absl::string_view why);

// The canonical request: "<method>\n<target>\n<timestamp>\n<hex SHA-256 of body>".
std::string CanonicalRequest(absl::string_view method, absl::string_view target,
                             absl::string_view timestamp, absl::string_view body);

// Lower-case hex HMAC-SHA256 of `canonical` keyed with `secret`: what a partner sends.
std::string SignRequest(absl::string_view secret, absl::string_view canonical);

// True when `signature` (32 raw bytes) is the HMAC-SHA256 of `canonical` keyed with `secret`;
// compared in constant time.
bool SignatureMatches(absl::string_view secret, absl::string_view canonical,
                      absl::string_view signature);

}  // namespace crm::gateway
