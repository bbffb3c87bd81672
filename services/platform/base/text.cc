#include "platform/base/text.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

namespace crm::platform {
namespace {

// Calls `visit` with each code point of `text` until it answers false. False when `text` is not
// valid UTF-8 (overlong forms, UTF-16 surrogates and values past U+10FFFF included).
template <typename Visit>
bool ForEachCodePoint(absl::string_view text, Visit visit) {
  for (size_t i = 0; i < text.size();) {
    unsigned char c = text[i];
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (n == 0 || i + n > text.size()) return false;
    uint32_t code_point = n == 1 ? c : c & (0x7f >> n);
    for (size_t k = 1; k < n; ++k) {
      unsigned char next = text[i + k];
      if ((next >> 6) != 0x2) return false;
      code_point = (code_point << 6) | (next & 0x3f);
    }
    static constexpr uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code_point < kMinForLength[n] || (code_point >= 0xd800 && code_point <= 0xdfff) ||
        code_point > 0x10ffff) {
      return false;
    }
    i += n;
    if (!visit(code_point)) return true;
  }
  return true;
}

bool IsEmailLocalChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
         absl::string_view("!#$%&'*+/=?^_`{|}~.-").find(c) != absl::string_view::npos;
}

bool IsDomainLabel(absl::string_view label) {
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
    return false;
  }
  for (char c : label) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
  }
  return true;
}

}  // namespace

bool IsRefusedInText(uint32_t cp, bool multiline) {
  if (cp == '\n') return !multiline;
  return cp < 0x20 ||                       // C0 controls
         (cp >= 0x7f && cp <= 0x9f) ||      // DEL, C1 controls
         (cp >= 0x200b && cp <= 0x200d) ||  // zero width space, non-joiner, joiner
         cp == 0x2028 || cp == 0x2029 ||    // line and paragraph separators
         (cp >= 0x202a && cp <= 0x202e) ||  // bidi embeddings and overrides
         cp == 0x2060 ||                    // word joiner
         (cp >= 0x2066 && cp <= 0x2069) ||  // bidi isolates
         cp == 0xfeff;                      // byte order mark, zero width no-break space
}

long Utf8Length(absl::string_view text) {
  long count = 0;
  bool valid = ForEachCodePoint(text, [&](uint32_t) {
    ++count;
    return true;
  });
  return valid ? count : -1;
}

void CheckText(absl::string_view field, absl::string_view text, TextRule rule,
               std::vector<FieldViolation>& violations) {
  std::string name(field);
  long chars = Utf8Length(text);
  if (chars < 0) {
    violations.push_back({name, "is not valid UTF-8"});
    return;
  }
  if (absl::StripAsciiWhitespace(text).empty()) {
    // Only ASCII whitespace: refused characters among it are still refused below.
    if (rule.required) {
      violations.push_back({name, "is required"});
      return;
    }
  } else if (static_cast<size_t>(chars) > rule.max_chars) {
    violations.push_back({name, absl::StrCat("must have at most ", rule.max_chars, " characters")});
    return;
  }
  uint32_t refused = 0;
  bool found = false;
  ForEachCodePoint(text, [&](uint32_t cp) {
    found = IsRefusedInText(cp, rule.multiline);
    if (found) refused = cp;
    return !found;
  });
  if (found) {
    violations.push_back(
        {name, absl::StrFormat("must not contain control or invisible formatting characters "
                               "(U+%04X)",
                               refused)});
  }
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
    if (!IsEmailLocalChar(c)) return false;
  }
  std::vector<absl::string_view> labels = absl::StrSplit(domain, '.');
  if (labels.size() < 2) return false;
  for (absl::string_view label : labels) {
    if (!IsDomainLabel(label)) return false;
  }
  absl::string_view tld = labels.back();
  if (tld.size() < 2) return false;
  for (char c : tld) {
    if (!absl::ascii_isalpha(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

void CheckEmail(absl::string_view field, absl::string_view email,
                std::vector<FieldViolation>& violations) {
  if (email.empty()) {
    violations.push_back({std::string(field), "is required"});
  } else if (!IsValidEmail(email)) {
    violations.push_back({std::string(field), "is not a valid email address"});
  }
}

bool IsValidSku(absl::string_view sku) {
  if (sku.empty() || sku.size() > 64) return false;
  for (char c : sku) {
    if (!absl::ascii_isalnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

void CheckSku(absl::string_view field, absl::string_view id,
              std::vector<FieldViolation>& violations) {
  if (!IsValidSku(id)) {
    violations.push_back({std::string(field), "must be 1 to 64 letters, digits, '-', '_' or '.'"});
  }
}

bool IsValidPhone(absl::string_view phone) {
  int digits = 0;
  for (size_t i = 0; i < phone.size(); ++i) {
    char c = phone[i];
    if (absl::ascii_isdigit(c)) {
      ++digits;
    } else if (c == '+') {
      if (i != 0) return false;
    } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')') {
      return false;
    }
  }
  return digits >= 5 && digits <= 15;
}

std::string NormalizeEmail(absl::string_view email) { return absl::AsciiStrToLower(email); }

}  // namespace crm::platform
