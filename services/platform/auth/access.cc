#include "platform/auth/access.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "platform/auth/tokens.h"
#include "platform/base/errors.h"

namespace crm::platform {
namespace {

// The string at dotted field path `path` of `message`, and in `json_path` the same path in JSON
// names; false when the path does not lead to a singular string field.
bool StringAt(const google::protobuf::Message& message, const std::string& path, std::string* out,
              std::string* json_path = nullptr) {
  const google::protobuf::Message* current = &message;
  std::vector<std::string> names = absl::StrSplit(path, '.');
  for (size_t i = 0; i < names.size(); ++i) {
    const auto* field = current->GetDescriptor()->FindFieldByName(names[i]);
    if (field == nullptr || field->is_repeated()) return false;
    if (json_path != nullptr) absl::StrAppend(json_path, i ? "." : "", field->json_name());
    const auto* reflection = current->GetReflection();
    if (i + 1 == names.size()) {
      if (field->type() != google::protobuf::FieldDescriptor::TYPE_STRING) return false;
      *out = reflection->GetString(*current, field);
      return true;
    }
    if (field->type() != google::protobuf::FieldDescriptor::TYPE_MESSAGE) return false;
    current = &reflection->GetMessage(*current, field);
  }
  return false;
}

}  // namespace

namespace {

// Re-parsed through the generated type, so options read alike from any descriptor pool.
google::protobuf::MethodOptions OptionsOf(const google::protobuf::MethodDescriptor& method) {
  google::protobuf::MethodOptions options;
  options.ParseFromString(method.options().SerializeAsString());
  return options;
}

}  // namespace

api::v1::Access AccessOf(const google::protobuf::MethodDescriptor& method) {
  return OptionsOf(method).GetExtension(api::v1::access);
}

api::v1::HttpRule HttpOf(const google::protobuf::MethodDescriptor& method) {
  return OptionsOf(method).GetExtension(api::v1::http);
}

std::string RoleName(api::v1::Access::Role role) {
  return absl::AsciiStrToLower(api::v1::Access::Role_Name(role));
}

absl::Status CheckOwner(const Principal& principal, absl::string_view owner) {
  if (principal.role != "customer" || owner == principal.subject) return absl::OkStatus();
  // Indistinguishable from a record that does not exist.
  return Error(absl::StatusCode::kNotFound, kReasonNotFound, "no such record");
}

absl::Status Authorize(const api::v1::Access& access, const Principal& principal,
                       const google::protobuf::Message& request) {
  if (access.anonymous()) return absl::OkStatus();
  if (!principal.authenticated) {
    return Error(absl::StatusCode::kUnauthenticated, kReasonTokenMissing,
                 "this call needs a bearer token");
  }
  const auto& roles = access.roles();
  if (std::none_of(roles.begin(), roles.end(), [&](int role) {
        return RoleName(api::v1::Access::Role(role)) == principal.role;
      })) {
    return Error(absl::StatusCode::kPermissionDenied, kReasonRoleNotAllowed,
                 absl::StrCat("the role ", principal.role, " may not make this call"));
  }
  if (principal.role == kServiceRole && !access.services().empty()) {
    absl::string_view service = principal.subject;
    if (!absl::ConsumePrefix(&service, kServiceSubjectPrefix) ||
        std::find(access.services().begin(), access.services().end(), service) ==
            access.services().end()) {
      return Error(absl::StatusCode::kPermissionDenied, kReasonRoleNotAllowed,
                   absl::StrCat("the service ", principal.subject, " may not make this call"));
    }
  }
  if (principal.role == "customer" && !access.owner_field().empty()) {
    std::string owner;
    if (!StringAt(request, access.owner_field(), &owner)) {
      return absl::InternalError(absl::StrCat("access option names ", access.owner_field(),
                                              ", not a string field of the request"));
    }
    if (absl::Status s = CheckOwner(principal, owner); !s.ok()) return s;
  }
  if (principal.role == kPartnerRole && !access.partner_field().empty()) {
    std::string named, json_path;
    if (!StringAt(request, access.partner_field(), &named, &json_path)) {
      return absl::InternalError(absl::StrCat("access option names ", access.partner_field(),
                                              ", not a string field of the request"));
    }
    absl::string_view partner = principal.subject;
    if (!absl::ConsumePrefix(&partner, kPartnerSubjectPrefix) || named != partner) {
      return Error(absl::StatusCode::kPermissionDenied, kReasonPartnerMismatch,
                   "a partner may only make calls about itself",
                   {{json_path, "is not the calling partner"}});
    }
  }
  return absl::OkStatus();
}

}  // namespace crm::platform
