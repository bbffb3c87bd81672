#include "platform/base/errors.h"

#include <algorithm>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace crm::platform {
namespace {

constexpr absl::string_view kDetailsUrl = "type.googleapis.com/crm.api.v1.ErrorDetails";

std::string ReasonForCode(absl::StatusCode code) {
  std::string name = absl::StatusCodeToString(code);  // e.g. "NOT_FOUND"
  return name.empty() ? std::string(kReasonInternal) : name;
}

}  // namespace

absl::Status Error(absl::StatusCode code, absl::string_view reason, absl::string_view message,
                   const std::vector<FieldViolation>& violations) {
  absl::Status status(code, message);
  api::v1::ErrorDetails details;
  details.set_reason(std::string(reason));
  for (const auto& v : violations) {
    auto* out = details.add_field_violations();
    out->set_field(v.field);
    out->set_description(v.description);
  }
  status.SetPayload(kDetailsUrl, absl::Cord(details.SerializeAsString()));
  return status;
}

absl::Status InvalidFields(const std::vector<FieldViolation>& violations) {
  if (violations.empty()) return absl::OkStatus();
  std::string message = "invalid request:";
  for (size_t i = 0; i < violations.size(); ++i) {
    absl::StrAppend(&message, i ? "; " : " ", violations[i].field, " ", violations[i].description);
  }
  return Error(absl::StatusCode::kInvalidArgument, kReasonFieldInvalid, message, violations);
}

absl::Status TooManyRequests(absl::string_view reason, absl::string_view message,
                             absl::Duration retry_after) {
  absl::Status status = Error(absl::StatusCode::kResourceExhausted, reason, message);
  api::v1::ErrorDetails details = DetailsOf(status);
  int64_t seconds =
      std::max<int64_t>(1, absl::ToInt64Seconds(absl::Ceil(retry_after, absl::Seconds(1))));
  (*details.mutable_metadata())["retryAfterSeconds"] = absl::StrCat(seconds);
  status.SetPayload(kDetailsUrl, absl::Cord(details.SerializeAsString()));
  return status;
}

absl::Status Overloaded(absl::string_view what) {
  return Error(absl::StatusCode::kUnavailable, kReasonOverloaded,
               absl::StrCat(what, " is at capacity; retry shortly"));
}

api::v1::ErrorDetails DetailsOf(const absl::Status& status) {
  api::v1::ErrorDetails details;
  if (auto payload = status.GetPayload(kDetailsUrl)) {
    details.ParseFromString(std::string(*payload));
  }
  if (details.reason().empty()) details.set_reason(ReasonForCode(status.code()));
  return details;
}

}  // namespace crm::platform
