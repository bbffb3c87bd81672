// Partial updates: copying the fields a FieldMask names from a patch into the current value,
// after checking every path is one the caller may change.
//
//   static const PathSet kChangeable = {"phone", "company", "company.name"};
//   auto applied = ApplyMask(patch, request.update_mask(), kChangeable, &current, violations);
#pragma once

#include <google/protobuf/field_mask.pb.h>
#include <google/protobuf/message.h>

#include <set>
#include <string>
#include <vector>

#include "platform/base/errors.h"

namespace crm::customers {

using PathSet = std::set<std::string, std::less<>>;

// Copies into `current` the fields of `patch` that `mask` names (proto names; a message path
// replaces the whole message, a repeated one the whole list). A path not in `changeable`, or an
// empty mask, adds one violation naming "updateMask" (paths shown in lowerCamelCase, as the
// client wrote them) and changes nothing. Answers the paths applied.
std::vector<std::string> ApplyMask(const google::protobuf::Message& patch,
                                   const google::protobuf::FieldMask& mask,
                                   const PathSet& changeable, google::protobuf::Message* current,
                                   std::vector<platform::FieldViolation>& violations);

}  // namespace crm::customers
