#include "customers/domain/staff.h"

#include "customers/domain/registration.h"

namespace crm::customers {

std::vector<platform::FieldViolation> ValidateStaffAccount(const StaffAccount& a) {
  // A staff login is an account like a customer's: the same rules keep it as hard to guess.
  std::vector<platform::FieldViolation> violations = ValidateRegistration(
      {.email = a.email, .password = a.password, .display_name = a.display_name});
  if (StaffRoleName(a.role).empty()) {
    violations.push_back({"role", "must be AGENT, ANALYST or ADMIN"});
  }
  return violations;
}

std::string StaffRoleName(int role) {
  switch (role) {
    case v1::Staff::AGENT:
      return "agent";
    case v1::Staff::ANALYST:
      return "analyst";
    case v1::Staff::ADMIN:
      return "admin";
    default:
      return "";
  }
}

bool IsStaffRole(absl::string_view role) {
  return role == "agent" || role == "analyst" || role == "admin";
}

}  // namespace crm::customers
