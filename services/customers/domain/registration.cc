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

bool HasControlCharacters(absl::string_view text, bool allow_line_breaks) {
  for (unsigned char c : text) {
    if (allow_line_breaks && (c == '\n' || c == '\r' || c == '\t')) continue;
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

}  // namespace

long Utf8Length(absl::string_view text) {
  long count = 0;
  for (size_t i = 0; i < text.size();) {
    unsigned char c = text[i];
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (n == 0 || i + n > text.size()) return -1;
    uint32_t code_point = n == 1 ? c : c & (0x7f >> n);
    for (size_t k = 1; k < n; ++k) {
      unsigned char next = text[i + k];
      if ((next >> 6) != 0x2) return -1;
      code_point = (code_point << 6) | (next & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and values past U+10FFFF are not UTF-8.
    static constexpr uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code_point < kMinForLength[n] || (code_point >= 0xd800 && code_point <= 0xdfff) ||
        code_point > 0x10ffff) {
      return -1;
    }
    i += n;
    ++count;
  }
  return count;
}

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

void CheckText(absl::string_view field, absl::string_view text, TextRule rule,
               std::vector<platform::FieldViolation>& violations) {
  std::string name(field);
  long chars = Utf8Length(text);
  if (chars < 0) {
    violations.push_back({name, "is not valid UTF-8"});
  } else if (absl::StripAsciiWhitespace(text).empty()) {
    if (rule.required) violations.push_back({name, "is required"});
  } else if (static_cast<size_t>(chars) > rule.max_chars) {
    violations.push_back({name, absl::StrCat("must have at most ", rule.max_chars, " characters")});
  } else if (HasControlCharacters(text, rule.multiline)) {
    violations.push_back({name, "must not contain control characters"});
  }
}

void CheckNewPassword(absl::string_view field, absl::string_view password,
                      std::vector<platform::FieldViolation>& violations) {
  std::string name(field);
  long chars = Utf8Length(password);
  if (password.empty()) {
    violations.push_back({name, "is required"});
  } else if (chars < 0) {
    violations.push_back({name, "is not valid UTF-8"});
  } else if (static_cast<size_t>(chars) < kMinPasswordChars) {
    violations.push_back({name, absl::StrCat("must have at least ", kMinPasswordChars,
                                             " characters")});
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
