#include "customers/domain/field_mask.h"

#include <google/protobuf/util/field_mask_util.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace crm::customers {
namespace {

std::string LowerCamel(const std::string& path) {
  std::string out;
  bool upper = false;
  for (char c : path) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out.push_back(upper ? absl::ascii_toupper(c) : c);
    upper = false;
  }
  return out;
}

}  // namespace

std::vector<std::string> ApplyMask(const google::protobuf::Message& patch,
                                   const google::protobuf::FieldMask& mask,
                                   const PathSet& changeable, google::protobuf::Message* current,
                                   std::vector<platform::FieldViolation>& violations) {
  if (mask.paths_size() == 0) {
    violations.push_back({"updateMask", "names no field to change"});
    return {};
  }
  std::vector<std::string> refused;
  for (const std::string& path : mask.paths()) {
    if (!changeable.contains(path)) refused.push_back(LowerCamel(path));
  }
  if (!refused.empty()) {
    std::vector<std::string> allowed;
    for (const std::string& path : changeable) allowed.push_back(LowerCamel(path));
    violations.push_back(
        {"updateMask", absl::StrCat("cannot change ", absl::StrJoin(refused, ", "),
                                    "; changeable: ", absl::StrJoin(allowed, ", "))});
    return {};
  }
  google::protobuf::util::FieldMaskUtil::MergeOptions options;
  options.set_replace_message_fields(true);
  options.set_replace_repeated_fields(true);
  google::protobuf::util::FieldMaskUtil::MergeMessageTo(patch, mask, options, current);
  return {mask.paths().begin(), mask.paths().end()};
}

}  // namespace crm::customers
