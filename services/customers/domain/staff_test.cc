#include "customers/domain/staff.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace crm::customers {
namespace {

std::vector<std::string> Fields(const std::vector<platform::FieldViolation>& violations) {
  std::vector<std::string> fields;
  for (const auto& v : violations) fields.push_back(v.field);
  return fields;
}

TEST_CASE("A staff account needs the registration rules and a role", "[staff]") {
  CHECK(ValidateStaffAccount({.email = "bo@example.com",
                              .password = "long enough password",
                              .display_name = "Bo",
                              .role = v1::Staff::agent})
            .empty());
  CHECK(Fields(ValidateStaffAccount({.email = "not an email",
                                     .password = "short",
                                     .display_name = "",
                                     .role = v1::Staff::ROLE_UNSPECIFIED})) ==
        std::vector<std::string>{"email", "password", "displayName", "role"});
  // A number no role has, as a proto3 request may carry.
  CHECK(Fields(ValidateStaffAccount({.email = "bo@example.com",
                                     .password = "long enough password",
                                     .display_name = "Bo",
                                     .role = 42})) == std::vector<std::string>{"role"});
}

TEST_CASE("A bad role is told the roles as API.md spells them, without ROLE_UNSPECIFIED",
          "[staff]") {
  std::vector<platform::FieldViolation> violations;
  CheckStaffRole("staff.role", v1::Staff::ROLE_UNSPECIFIED, violations);
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].field == "staff.role");
  CHECK(violations[0].description == "must be agent, analyst or admin");
  violations.clear();
  CheckStaffRole("role", v1::Staff::analyst, violations);
  CHECK(violations.empty());
}

TEST_CASE("Staff roles are spelled in lower case, as tokens carry them", "[staff]") {
  CHECK(StaffRoleName(v1::Staff::agent) == "agent");
  CHECK(StaffRoleName(v1::Staff::analyst) == "analyst");
  CHECK(StaffRoleName(v1::Staff::admin) == "admin");
  CHECK(StaffRoleName(v1::Staff::ROLE_UNSPECIFIED).empty());
  CHECK(StaffRoleName(-1).empty());
  CHECK(IsStaffRole("agent"));
  CHECK(IsStaffRole("admin"));
  CHECK_FALSE(IsStaffRole("customer"));
  CHECK_FALSE(IsStaffRole("Admin"));
  CHECK_FALSE(IsStaffRole(""));
  CHECK_FALSE(IsStaffRole("ROLE_UNSPECIFIED"));
}

}  // namespace
}  // namespace crm::customers
