// The rules for registering a customer, free of I/O: what makes an email (the platform's rule,
// text.h), a password and a display name acceptable.
//
//   auto violations = ValidateRegistration({.email = "Ann@Example.com", ...});
//   NormalizeEmail("Ann@Example.com") == "ann@example.com"
#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "platform/base/errors.h"
#include "platform/base/text.h"

namespace crm::customers {

inline constexpr size_t kMinPasswordChars = 10;
inline constexpr size_t kMaxPasswordBytes = 1024;  // argon2 work must stay bounded
inline constexpr size_t kMaxDisplayNameChars = 100;

struct Registration {
  absl::string_view email;
  absl::string_view password;
  absl::string_view display_name;
};

// Every problem with `r`, each naming its JSON field (email, password, displayName).
std::vector<platform::FieldViolation> ValidateRegistration(const Registration& r);

// Free text (names, address lines, notes) and emails are checked by the platform's rules
// (text.h).
using platform::CheckEmail;
using platform::CheckText;
using platform::IsValidEmail;
using platform::kMaxEmailBytes;
using platform::NormalizeEmail;
using platform::TextRule;
using platform::Utf8Length;

// Adds to `violations`, under `field`, what is wrong with `password` as a new password (the
// same rules at registration, password change and reset).
void CheckNewPassword(absl::string_view field, absl::string_view password,
                      std::vector<platform::FieldViolation>& violations);

}  // namespace crm::customers
