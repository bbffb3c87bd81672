#include "customers/domain/staff.h"

#include "customers/domain/registration.h"

namespace crm::customers {

std::vector<platform::FieldViolation> ValidateStaffAccount(const StaffAccount& a) {
  // A staff login is an account like a customer's: the same rules keep it as hard to guess.
  std::vector<platform::FieldViolation> violations = ValidateRegistration(
      {.email = a.email, .password = a.password, .display_name = a.display_name});
  CheckStaffRole("role", a.role, violations);
  return violations;
}

std::string StaffRoleName(int role) {
  // The enum's value names are the roles as API.md and the tokens spell them.
  if (role == v1::Staff::ROLE_UNSPECIFIED || !v1::Staff::Role_IsValid(role)) return "";
  return v1::Staff::Role_Name(static_cast<v1::Staff::Role>(role));
}

bool IsStaffRole(absl::string_view role) {
  v1::Staff::Role parsed;
  return v1::Staff::Role_Parse(std::string(role), &parsed) && parsed != v1::Staff::ROLE_UNSPECIFIED;
}

void CheckStaffRole(absl::string_view field, int role,
                    std::vector<platform::FieldViolation>& violations) {
  if (StaffRoleName(role).empty()) {
    violations.push_back({std::string(field), "must be agent, analyst or admin"});
  }
}

}  // namespace crm::customers
