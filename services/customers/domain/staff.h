// The rules for staff accounts, free of I/O: what makes one acceptable (the registration rules
// of registration.h plus a role) and the role name its access tokens carry.
//
//   auto violations = ValidateStaffAccount({.email = "Bo@Example.com", .password = "...",
//                                           .display_name = "Bo", .role = v1::Staff::agent});
//   StaffRoleName(v1::Staff::admin) == "admin"
//   IsStaffRole("analyst") == true; IsStaffRole("customer") == false
#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "crm/customers/v1/staff.pb.h"
#include "platform/base/errors.h"

namespace crm::customers {

struct StaffAccount {
  absl::string_view email;
  absl::string_view password;
  absl::string_view display_name;
  // A v1::Staff::Role; an int, since a request may carry a number no enum value has.
  int role = v1::Staff::ROLE_UNSPECIFIED;
};

// Every problem with `a`, each naming its JSON field (email, password, displayName, role).
std::vector<platform::FieldViolation> ValidateStaffAccount(const StaffAccount& a);

// The role as access tokens and the protos' access options spell it: "agent", "analyst",
// "admin"; empty for ROLE_UNSPECIFIED and numbers no role has.
std::string StaffRoleName(int role);

// True for the token roles of staff, the names StaffRoleName answers.
bool IsStaffRole(absl::string_view role);

// Adds to `violations`, under `field`, a role that is not agent, analyst or admin.
void CheckStaffRole(absl::string_view field, int role,
                    std::vector<platform::FieldViolation>& violations);

}  // namespace crm::customers
