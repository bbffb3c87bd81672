// Reading JSON answers in tests: one field by its dotted path.
//
//   JsonField(reply.body, "error.reason") == "TOKEN_REVOKED"
//   JsonField(login.body, "accessToken")
#pragma once

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"

namespace crm::testing {

// The string (or number, printed) at `path` in `json` (numbers in the path index lists:
// "items.0.sku"); "" when the body is not JSON, the path leads nowhere, or the value is a bool
// or an object.
inline std::string JsonField(const std::string& json, const std::string& path) {
  google::protobuf::Value value;
  if (!google::protobuf::util::JsonStringToMessage(json, &value).ok()) return "";
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    google::protobuf::Value next;
    size_t index = 0;
    if (value.has_list_value() && absl::SimpleAtoi(part, &index)) {
      if (index >= static_cast<size_t>(value.list_value().values_size())) return "";
      next = value.list_value().values(static_cast<int>(index));
    } else if (value.has_struct_value()) {
      const auto& fields = value.struct_value().fields();
      auto it = fields.find(std::string(part));
      if (it == fields.end()) return "";
      next = it->second;
    } else {
      return "";
    }
    value = std::move(next);
  }
  if (value.has_number_value()) return std::to_string(static_cast<long long>(value.number_value()));
  return value.string_value();
}

}  // namespace crm::testing
