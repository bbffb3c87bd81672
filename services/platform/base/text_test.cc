#include "platform/base/text.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"

namespace crm::platform {
namespace {

// The description of the violation CheckText finds in `text` under `rule`, or "" when none.
std::string Problem(absl::string_view text, TextRule rule = {}) {
  std::vector<FieldViolation> violations;
  CheckText("customer.displayName", text, rule, violations);
  if (violations.empty()) return "";
  CHECK(violations.size() == 1);
  CHECK(violations[0].field == "customer.displayName");
  return violations[0].description;
}

// `code_point` as UTF-8.
std::string Utf8(uint32_t cp) {
  std::string out;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
  return out;
}

TEST_CASE("Text: controls, bidi, separators, BOM and zero-width characters are refused", "[text]") {
  std::vector<uint32_t> refused;
  for (uint32_t cp = 0; cp < 0x20; ++cp) refused.push_back(cp);
  for (uint32_t cp = 0x7f; cp <= 0x9f; ++cp) refused.push_back(cp);
  for (uint32_t cp : {0x200b, 0x200c, 0x200d, 0x2028, 0x2029, 0x202a, 0x202b, 0x202c, 0x202d,
                      0x202e, 0x2060, 0x2066, 0x2067, 0x2068, 0x2069, 0xfeff}) {
    refused.push_back(cp);
  }
  for (uint32_t cp : refused) {
    std::string text = "Ann" + Utf8(cp) + "Example";
    INFO(absl::StrFormat("U+%04X", cp));
    CHECK(Problem(text) ==
          absl::StrFormat("must not contain control or invisible formatting characters (U+%04X)",
                          cp));
    // Multi-line text keeps only the line break.
    if (cp == '\n') {
      CHECK(Problem(text, {.multiline = true}).empty());
    } else {
      CHECK_FALSE(Problem(text, {.multiline = true}).empty());
    }
  }
}

TEST_CASE("Text: letters of any script, marks and emoji pass", "[text]") {
  CHECK(Problem("Ann Example").empty());
  CHECK(Problem("Ren\xc3\xa9"
                "e M\xc3\xbcller-L\xc3\xbc"
                "dke")
            .empty());
  CHECK(Problem("\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d").empty());          // Hebrew
  CHECK(Problem("\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7").empty());  // Arabic
  CHECK(Problem("\xe5\xb1\xb1\xe7\x94\xb0").empty());                  // CJK
  CHECK(Problem("\xf0\x9f\x94\x91 keys").empty());                     // emoji
  CHECK(Problem(Utf8(0xa0) + "nbsp").empty());                         // right after C1
  CHECK(Problem(Utf8(0x200e) + "mark").empty());                       // LRM is not on the list
  CHECK(Problem("line one\nline two", {.max_chars = 100, .multiline = true}).empty());
}

TEST_CASE("Text: required, length in characters, UTF-8", "[text]") {
  CHECK(Problem("", {.required = true}) == "is required");
  CHECK(Problem("  ", {.required = true}) == "is required");
  CHECK(Problem("").empty());
  CHECK(Problem(std::string(3, 'a'), {.max_chars = 3}).empty());
  CHECK(Problem(std::string(4, 'a'), {.max_chars = 3}) == "must have at most 3 characters");
  CHECK(Problem("\xc3\xa4\xc3\xa4\xc3\xa4", {.max_chars = 3}).empty());  // 3 characters, 6 bytes
  CHECK(Problem("Ann \xff") == "is not valid UTF-8");
  // Blank but for a refused character is still refused, required or not.
  CHECK_FALSE(Problem(" \t ").empty());
}

TEST_CASE("Utf8Length counts code points and rejects broken UTF-8", "[text]") {
  CHECK(Utf8Length("") == 0);
  CHECK(Utf8Length("abc") == 3);
  CHECK(Utf8Length("\xc3\xa4\xe2\x82\xac\xf0\x9f\x94\x91") == 3);
  CHECK(Utf8Length("\xc3") == -1);      // truncated
  CHECK(Utf8Length("\xe2\x82") == -1);  // truncated
  CHECK(Utf8Length("\x80") == -1);      // a continuation byte alone
  CHECK(Utf8Length("\xc3\x28") == -1);  // bad continuation
  CHECK(Utf8Length("\xff\xfe") == -1);
  CHECK(Utf8Length("\xc0\xaf") == -1);          // overlong "/"
  CHECK(Utf8Length("\xe0\x80\xaf") == -1);      // overlong "/" in three bytes
  CHECK(Utf8Length("\xed\xa0\x80") == -1);      // a UTF-16 surrogate
  CHECK(Utf8Length("\xf4\x90\x80\x80") == -1);  // past U+10FFFF
  CHECK(Utf8Length("\xf4\x8f\xbf\xbf") == 1);   // U+10FFFF itself
}

// The description of the violation CheckEmail finds in `email`, or "" when none.
std::string EmailProblem(absl::string_view email) {
  std::vector<FieldViolation> violations;
  CheckEmail("email", email, violations);
  if (violations.empty()) return "";
  CHECK(violations.size() == 1);
  CHECK(violations[0].field == "email");
  return violations[0].description;
}

TEST_CASE("Valid email addresses", "[text][email]") {
  for (const std::string& email : std::vector<std::string>{
           "ann@example.com",
           "Ann.Example@Example.COM",  // upper case is fine
           "a@b.co", "first.last+tag@sub.domain.example.org", "o'brien@example.ie",
           "x_y-z@my-domain.example", "!#$%&'*+/=?^_`{|}~-@example.com", "123@456.example",
           std::string(64, 'a') + "@example.com",  // longest local part
       }) {
    INFO(email);
    CHECK(IsValidEmail(email));
    CHECK(EmailProblem(email).empty());
  }
}

TEST_CASE("Invalid email addresses", "[text][email]") {
  std::string label63(63, 'd');
  std::string too_long = std::string(64, 'a') + "@" + label63 + "." + label63 + "." +
                         std::string(58, 'e') + ".com";  // 255 bytes
  REQUIRE(too_long.size() == 255);
  for (const std::string& email : std::vector<std::string>{
           "annexample.com",                                     // no @
           "ann@@example.com",                                   // two @
           "ann@exa@mple.com",                                   // two @
           "@example.com",                                       // empty local part
           ".ann@example.com",                                   // leading dot
           "ann.@example.com",                                   // trailing dot
           "an..n@example.com",                                  // double dot
           "ann@example",                                        // one label only
           "ann@example.c",                                      // TLD too short
           "ann@example.c0m",                                    // TLD not alphabetic
           "ann@example.123",                                    // numeric TLD
           "ann@-example.com",                                   // label starts with a hyphen
           "ann@example-.com",                                   // label ends with a hyphen
           "ann@exa_mple.com",                                   // underscore in the domain
           "ann@example..com",                                   // empty label
           "ann@.example.com",                                   // leading dot in the domain
           "ann@example.com.",                                   // trailing dot in the domain
           "an n@example.com",                                   // space
           "ann(x)@example.com",                                 // not allowed in the local part
           "ann@ex ample.com",                                   // space in the domain
           "\xc3\xa4nn@example.com",                             // non-ASCII local part
           "ann@example.com\n",                                  // trailing newline
           std::string(65, 'a') + "@example.com",                // local part over 64
           std::string("ann@") + std::string(64, 'd') + ".com",  // label over 63
       }) {
    INFO(email);
    CHECK_FALSE(IsValidEmail(email));
    CHECK(EmailProblem(email) == "is not a valid email address");
  }
  // Too long as a whole although every part is within its own limit.
  CHECK_FALSE(IsValidEmail(too_long));
  CHECK(IsValidEmail(too_long.substr(1)));  // 254 bytes: the limit
}

TEST_CASE("An empty email is required", "[text][email]") {
  CHECK(EmailProblem("") == "is required");
  std::vector<FieldViolation> violations;
  CheckEmail("staff.email", "", violations);
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].field == "staff.email");
}

TEST_CASE("NormalizeEmail lower-cases the address", "[text][email]") {
  CHECK(NormalizeEmail("Ann.Example@Example.COM") == "ann.example@example.com");
  CHECK(NormalizeEmail("ann@example.com") == "ann@example.com");
  CHECK(NormalizeEmail("ANN@EXAMPLE.COM") == NormalizeEmail("ann@Example.Com"));
}

TEST_CASE("SKUs", "[text][sku]") {
  CHECK(IsValidSku("ABC-123_x.y"));
  CHECK(IsValidSku(std::string(64, 'a')));
  CHECK_FALSE(IsValidSku(""));
  CHECK_FALSE(IsValidSku("has space"));
  CHECK_FALSE(IsValidSku("a/b"));  // never a key separator
  CHECK_FALSE(IsValidSku(std::string(65, 'a')));
}

TEST_CASE("Phone numbers", "[text][phone]") {
  CHECK(IsValidPhone("+49 30 1234567"));
  CHECK(IsValidPhone("(030) 123-45.67"));
  CHECK(IsValidPhone("12345"));
  CHECK_FALSE(IsValidPhone("1234"));               // too few digits
  CHECK_FALSE(IsValidPhone("+1234567890123456"));  // 16 digits
  CHECK_FALSE(IsValidPhone("12+345678"));          // '+' only in front
  CHECK_FALSE(IsValidPhone("call 12345"));
}

}  // namespace
}  // namespace crm::platform
