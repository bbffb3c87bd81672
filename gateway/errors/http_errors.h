// The one JSON error shape of API.md, and how a gRPC status becomes an HTTP status: by the
// ErrorDetails reason first (ETAG_MISMATCH 412, IDEMPOTENCY_KEY_REUSED 422,
// IDEMPOTENCY_IN_PROGRESS 409, OVERLOADED 503), then by the gRPC code.
//
//   HttpError e = FromGrpc(status);
//   std::string body = ErrorJson(e, request_id);
//   // {"error":{"code":404,"status":"NOT_FOUND","reason":"CUSTOMER_NOT_FOUND",
//   //           "message":"no customer with this id","requestId":"..."}}
#pragma once

#include <grpcpp/support/status.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "crm/api/v1/error.pb.h"

namespace crm::gateway {

struct HttpError {
  int http_status = 500;
  // The gRPC code's name, e.g. "INVALID_ARGUMENT".
  std::string status;
  api::v1::ErrorDetails details;
  std::string message;
  // Headers the answer carries besides the error body (Allow on a 405, Retry-After on a 429).
  std::vector<std::pair<std::string, std::string>> headers;
};

// The HTTP status for a gRPC error, by reason first, then code.
int HttpStatusFor(grpc::StatusCode code, absl::string_view reason);
// The parts of it: the status of the reasons answered alike whatever their code (ETAG_MISMATCH
// 412, IDEMPOTENCY_KEY_REUSED 422, IDEMPOTENCY_IN_PROGRESS 409, OVERLOADED 503), else 0; and the
// status of a code.
int HttpStatusOfReason(absl::string_view reason);
int HttpStatusOfCode(grpc::StatusCode code);
// The gRPC code spelled `name` ("NOT_FOUND", as platform::CodeName spells it); nullopt for any
// other word.
std::optional<grpc::StatusCode> GrpcCodeNamed(absl::string_view name);

// A backend's error as the client sees it. INTERNAL and UNKNOWN messages are replaced by a
// generic one; a backend that cannot be reached is 503 SERVICE_UNAVAILABLE.
HttpError FromGrpc(const grpc::Status& status);

// An error the gateway itself answers (unknown route, body too large, ...).
HttpError GatewayError(int http_status, grpc::StatusCode code, absl::string_view reason,
                       absl::string_view message);

std::string ErrorJson(const HttpError& error, absl::string_view request_id);

}  // namespace crm::gateway
