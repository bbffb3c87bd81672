#include "gateway/http/forwarded_headers.h"

#include "absl/strings/str_cat.h"
#include "gateway/errors/reasons.h"

namespace crm::gateway {

bool PrintableAscii(absl::string_view value) {
  for (char c : value) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

namespace {

HttpError Refused(const ForwardedHeader& header, absl::string_view why) {
  HttpError error = GatewayError(400, grpc::StatusCode::INVALID_ARGUMENT, kReasonHeaderInvalid,
                                 absl::StrCat("the ", header.name, " header ", why));
  auto* violation = error.details.add_field_violations();
  violation->set_field(header.name);
  violation->set_description(std::string(why));
  return error;
}

}  // namespace

std::optional<HttpError> ForwardedMetadata(const HttpRequest& request,
                                           platform::CallMetadata* metadata) {
  platform::CallMetadata found;
  for (const ForwardedHeader& header : kForwardedHeaders) {
    auto [first, last] = request.equal_range(header.key);
    if (first == last) continue;
    if (std::next(first) != last) return Refused(header, "is sent more than once");
    absl::string_view value(first->value().data(), first->value().size());
    if (value.size() > header.max_bytes) {
      return Refused(header, absl::StrCat("is longer than ", header.max_bytes, " bytes"));
    }
    if (!PrintableAscii(value)) {
      return Refused(header, "may hold only printable ASCII characters (0x20 to 0x7E)");
    }
    found.emplace_back(header.key, std::string(value));
  }
  for (auto& entry : found) metadata->push_back(std::move(entry));
  return std::nullopt;
}

}  // namespace crm::gateway
