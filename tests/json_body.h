// Reading JSON answers in tests: one field by its dotted path.
//
//   JsonField(reply.body, "error.reason") == "TOKEN_REVOKED"
//   JsonField(login.body, "accessToken")
#pragma once

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <string>

#include "absl/strings/str_split.h"

namespace crm::testing {

// The string (or number, printed) at `path` in `json`; "" when the body is not JSON or the
// path leads nowhere.
inline std::string JsonField(const std::string& json, const std::string& path) {
  google::protobuf::Value value;
  if (!google::protobuf::util::JsonStringToMessage(json, &value).ok()) return "";
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    if (!value.has_struct_value()) return "";
    const auto& fields = value.struct_value().fields();
    auto it = fields.find(std::string(part));
    if (it == fields.end()) return "";
    google::protobuf::Value next = it->second;
    value = std::move(next);
  }
  if (value.has_number_value()) return std::to_string(static_cast<long long>(value.number_value()));
  return value.string_value();
}

}  // namespace crm::testing
