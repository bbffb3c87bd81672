#include "gateway/errors/http_errors.h"

#include "absl/strings/str_cat.h"
#include "gateway/errors/reasons.h"
#include "platform/base/errors.h"
#include "platform/base/log.h"
#include "platform/rpc/grpc_status.h"

namespace crm::gateway {

int HttpStatusFor(grpc::StatusCode code, absl::string_view reason) {
  if (int status = HttpStatusOfReason(reason); status != 0) return status;
  return HttpStatusOfCode(code);
}

int HttpStatusOfReason(absl::string_view reason) {
  if (reason == platform::kReasonEtagMismatch) return 412;
  if (reason == platform::kReasonIdempotencyKeyReused) return 422;
  if (reason == platform::kReasonIdempotencyInProgress) return 409;
  if (reason == platform::kReasonOverloaded) return 503;
  if (reason == platform::kReasonBatchTooLarge) return 413;
  return 0;
}

std::optional<grpc::StatusCode> GrpcCodeNamed(absl::string_view name) {
  for (int i = grpc::StatusCode::OK; i <= grpc::StatusCode::UNAUTHENTICATED; ++i) {
    auto code = static_cast<grpc::StatusCode>(i);
    if (platform::CodeName(code) == name) return code;
  }
  return std::nullopt;
}

int HttpStatusOfCode(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return 200;
    case grpc::StatusCode::INVALID_ARGUMENT:
      return 400;
    case grpc::StatusCode::OUT_OF_RANGE:
      return 400;
    case grpc::StatusCode::UNAUTHENTICATED:
      return 401;
    case grpc::StatusCode::PERMISSION_DENIED:
      return 403;
    case grpc::StatusCode::NOT_FOUND:
      return 404;
    case grpc::StatusCode::ALREADY_EXISTS:
      return 409;
    case grpc::StatusCode::ABORTED:
      return 409;
    case grpc::StatusCode::FAILED_PRECONDITION:
      return 409;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return 429;
    case grpc::StatusCode::UNIMPLEMENTED:
      return 501;
    case grpc::StatusCode::UNAVAILABLE:
      return 503;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return 504;
    case grpc::StatusCode::CANCELLED:
      return 499;
    default:
      return 500;
  }
}

HttpError FromGrpc(const grpc::Status& status) {
  HttpError e;
  e.details = platform::DetailsOf(status);
  e.status = platform::CodeName(status.error_code());
  e.message = status.error_message();
  switch (status.error_code()) {
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::DATA_LOSS:
      e.message = "internal error";
      e.details.clear_field_violations();
      break;
    case grpc::StatusCode::UNAVAILABLE:
      if (e.details.reason().empty()) {
        // Raised by the channel, not the service: the service cannot be reached.
        e.message = "the service is unavailable; retry later";
      }
      break;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      if (e.details.reason().empty()) e.message = "the service did not answer in time";
      break;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      if (e.details.reason().empty()) {
        // Raised by gRPC itself (a message or metadata limit), not a rate limit of the
        // service's: retrying the same request would not help, so it is no 429.
        platform::LogError("gRPC refused an answer", {{"error", e.message}});
        e.message = "the service's answer could not be passed on";
        e.details.set_reason(std::string(kReasonBadUpstreamReply));
        e.http_status = 502;
        return e;
      }
      break;
    default:
      break;
  }
  if (e.details.reason().empty()) {
    e.details.set_reason(status.error_code() == grpc::StatusCode::UNAVAILABLE
                             ? std::string(kReasonServiceUnavailable)
                             : platform::CodeName(status.error_code()));
  }
  e.http_status = HttpStatusFor(status.error_code(), e.details.reason());
  return e;
}

HttpError GatewayError(int http_status, grpc::StatusCode code, absl::string_view reason,
                       absl::string_view message) {
  HttpError e;
  e.http_status = http_status;
  e.status = platform::CodeName(code);
  e.details.set_reason(std::string(reason));
  e.message = std::string(message);
  return e;
}

std::string ErrorJson(const HttpError& e, absl::string_view request_id) {
  using platform::JsonQuote;
  std::string json = absl::StrCat(
      "{\"error\":{\"code\":", e.http_status, ",\"status\":", JsonQuote(e.status),
      ",\"reason\":", JsonQuote(e.details.reason()), ",\"message\":", JsonQuote(e.message));
  if (e.details.field_violations_size() > 0) {
    json += ",\"fieldViolations\":[";
    for (int i = 0; i < e.details.field_violations_size(); ++i) {
      const auto& v = e.details.field_violations(i);
      absl::StrAppend(&json, i ? "," : "", "{\"field\":", JsonQuote(v.field()),
                      ",\"description\":", JsonQuote(v.description()), "}");
    }
    json += "]";
  }
  absl::StrAppend(&json, ",\"requestId\":", JsonQuote(request_id), "}}");
  return json;
}

}  // namespace crm::gateway
