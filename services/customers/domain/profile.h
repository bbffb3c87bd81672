// The rules of a customer's profile, free of I/O: which fields an individual and a company may
// have and what each may hold, and how a partial update (a field mask) applies.
//
//   std::vector<platform::FieldViolation> violations;
//   CheckProfile(customer, "customer.", now, violations);      // names "customer.phone", ...
//   ApplyUpdate(patch, mask, &current, violations);            // names "updateMask" for bad paths
#pragma once

#include <google/protobuf/field_mask.pb.h>

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "crm/customers/v1/customers.pb.h"
#include "platform/base/errors.h"
#include "platform/base/text.h"

namespace crm::customers {

inline constexpr size_t kMaxInterests = 20;
inline constexpr size_t kMaxInterestChars = 50;
inline constexpr size_t kMaxNotesChars = 2000;

// Phones are checked by the platform's rule (text.h).
using platform::IsValidPhone;

// "YYYY-MM-DD", a real calendar day, from 1900-01-01 up to the day of `now` (UTC).
bool IsValidBirthDate(absl::string_view date, absl::Time now);

// Adds every problem with the profile fields of `c` (everything but the email and the display
// name, which registration and updates check themselves), each named `prefix` + its JSON name.
void CheckProfile(const v1::Customer& c, absl::string_view prefix, absl::Time now,
                  std::vector<platform::FieldViolation>& violations);

// Copies into `current` the fields of `patch` that `mask` names (paths in proto names, as the
// JSON mapping's lowerCamelCase arrives converted). A path that is not a changeable profile
// field, or an empty mask, adds a violation naming "updateMask" and changes nothing. Answers
// the paths applied.
std::vector<std::string> ApplyUpdate(const v1::Customer& patch,
                                     const google::protobuf::FieldMask& mask, v1::Customer* current,
                                     std::vector<platform::FieldViolation>& violations);

}  // namespace crm::customers
