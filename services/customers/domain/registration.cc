#include "customers/domain/registration.h"

#include "absl/strings/str_cat.h"

namespace crm::customers {

void CheckNewPassword(absl::string_view field, absl::string_view password,
                      std::vector<platform::FieldViolation>& violations) {
  std::string name(field);
  long chars = Utf8Length(password);
  if (password.empty()) {
    violations.push_back({name, "is required"});
  } else if (chars < 0) {
    violations.push_back({name, "is not valid UTF-8"});
  } else if (static_cast<size_t>(chars) < kMinPasswordChars) {
    violations.push_back(
        {name, absl::StrCat("must have at least ", kMinPasswordChars, " characters")});
  } else if (password.size() > kMaxPasswordBytes) {
    violations.push_back({name, absl::StrCat("must be at most ", kMaxPasswordBytes, " bytes")});
  }
}

std::vector<platform::FieldViolation> ValidateRegistration(const Registration& r) {
  std::vector<platform::FieldViolation> violations;
  CheckEmail("email", r.email, violations);

  CheckNewPassword("password", r.password, violations);

  CheckText("displayName", r.display_name, {.max_chars = kMaxDisplayNameChars, .required = true},
            violations);
  return violations;
}

}  // namespace crm::customers
