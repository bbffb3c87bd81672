#include "platform/rpc/grpc_status.h"

#include "absl/strings/str_cat.h"
#include "platform/base/errors.h"

namespace crm::platform {

namespace {

// An error travels in the answer's metadata, which a client refuses past 8 KiB; messages that
// echo input (a long field mask, hundreds of bad list items) must not get it there. With these
// bounds an error stays under about 5 KiB however large the request was.
constexpr size_t kMaxMessageBytes = 512;
constexpr int kMaxViolations = 20;
constexpr size_t kMaxFieldBytes = 100;
constexpr size_t kMaxDescriptionBytes = 160;

// `text` cut to at most `max` bytes, never inside a UTF-8 sequence, marked when cut.
std::string Bounded(absl::string_view text, size_t max) {
  if (text.size() <= max) return std::string(text);
  size_t end = max - 3;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return absl::StrCat(text.substr(0, end), "...");
}

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  auto code = static_cast<grpc::StatusCode>(status.code());
  std::string message = Bounded(status.message(), kMaxMessageBytes);
  api::v1::ErrorDetails details = DetailsOf(status);
  auto* violations = details.mutable_field_violations();
  if (violations->size() > kMaxViolations) {
    violations->DeleteSubrange(kMaxViolations, violations->size() - kMaxViolations);
  }
  for (auto& violation : *violations) {
    violation.set_field(Bounded(violation.field(), kMaxFieldBytes));
    violation.set_description(Bounded(violation.description(), kMaxDescriptionBytes));
  }
  return grpc::Status(code, message, details.SerializeAsString());
}

std::string CodeName(grpc::StatusCode code) {
  static const char* kNames[] = {"OK",
                                 "CANCELLED",
                                 "UNKNOWN",
                                 "INVALID_ARGUMENT",
                                 "DEADLINE_EXCEEDED",
                                 "NOT_FOUND",
                                 "ALREADY_EXISTS",
                                 "PERMISSION_DENIED",
                                 "RESOURCE_EXHAUSTED",
                                 "FAILED_PRECONDITION",
                                 "ABORTED",
                                 "OUT_OF_RANGE",
                                 "UNIMPLEMENTED",
                                 "INTERNAL",
                                 "UNAVAILABLE",
                                 "DATA_LOSS",
                                 "UNAUTHENTICATED"};
  int i = static_cast<int>(code);
  return i >= 0 && i <= 16 ? kNames[i] : "UNKNOWN";
}

api::v1::ErrorDetails DetailsOf(const grpc::Status& status) {
  api::v1::ErrorDetails details;
  details.ParseFromString(status.error_details());
  return details;
}

}  // namespace crm::platform
