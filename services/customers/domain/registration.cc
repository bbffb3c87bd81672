#include "customers/domain/registration.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace crm::customers {
namespace {

bool IsLocalChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
         absl::string_view("!#$%&'*+/=?^_`{|}~.-").find(c) != absl::string_view::npos;
}

bool IsValidLabel(absl::string_view label) {
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
    return false;
  }
  for (char c : label) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
  }
  return true;
}

}  // namespace

bool IsValidEmail(absl::string_view email) {
  if (email.size() > kMaxEmailBytes) return false;
  size_t at = email.find('@');
  if (at == absl::string_view::npos || email.find('@', at + 1) != absl::string_view::npos) {
    return false;
  }
  absl::string_view local = email.substr(0, at);
  absl::string_view domain = email.substr(at + 1);
  if (local.empty() || local.size() > 64 || local.front() == '.' || local.back() == '.' ||
      absl::StrContains(local, "..")) {
    return false;
  }
  for (char c : local) {
    if (!IsLocalChar(c)) return false;
  }
  std::vector<absl::string_view> labels = absl::StrSplit(domain, '.');
  if (labels.size() < 2) return false;
  for (absl::string_view label : labels) {
    if (!IsValidLabel(label)) return false;
  }
  absl::string_view tld = labels.back();
  if (tld.size() < 2) return false;
  for (char c : tld) {
    if (!absl::ascii_isalpha(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::string NormalizeEmail(absl::string_view email) { return absl::AsciiStrToLower(email); }

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
  if (r.email.empty()) {
    violations.push_back({"email", "is required"});
  } else if (!IsValidEmail(r.email)) {
    violations.push_back({"email", "is not a valid email address"});
  }

  CheckNewPassword("password", r.password, violations);

  CheckText("displayName", r.display_name, {.max_chars = kMaxDisplayNameChars, .required = true},
            violations);
  return violations;
}

}  // namespace crm::customers
