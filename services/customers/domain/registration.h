// The rules for registering a customer, free of I/O: what makes an email, a password and a
// display name acceptable, and the form of the email that makes it unique.
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
inline constexpr size_t kMaxEmailBytes = 254;  // RFC 5321 path limit

struct Registration {
  absl::string_view email;
  absl::string_view password;
  absl::string_view display_name;
};

// Every problem with `r`, each naming its JSON field (email, password, displayName).
std::vector<platform::FieldViolation> ValidateRegistration(const Registration& r);

// Free text (names, address lines, notes) is checked by the platform's one rule (text.h).
using platform::CheckText;
using platform::TextRule;
using platform::Utf8Length;

// Adds to `violations`, under `field`, what is wrong with `password` as a new password (the
// same rules at registration, password change and reset).
void CheckNewPassword(absl::string_view field, absl::string_view password,
                      std::vector<platform::FieldViolation>& violations);

// True for an address of the form local@domain.tld a mail server would accept: local part of
// 1..64 characters (letters, digits, !#$%&'*+/=?^_`{|}~.- without leading, trailing or double
// dots), a domain of at least two dot-separated labels of letters, digits and inner hyphens,
// and an alphabetic top-level label of two or more.
bool IsValidEmail(absl::string_view email);

// The case-insensitive form that must be unique.
std::string NormalizeEmail(absl::string_view email);

}  // namespace crm::customers
