#include "customers/domain/registration.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace crm::customers {
namespace {

constexpr char kGoodPassword[] = "correct horse";
constexpr char kGoodEmail[] = "ann@example.com";
constexpr char kGoodName[] = "Ann Example";

// The fields named by the violations of `r`, in order.
std::vector<std::string> Fields(const Registration& r) {
  std::vector<std::string> fields;
  for (const auto& v : ValidateRegistration(r)) fields.push_back(v.field);
  return fields;
}

std::vector<std::string> EmailFields(absl::string_view email) {
  return Fields({.email = email, .password = kGoodPassword, .display_name = kGoodName});
}
std::vector<std::string> PasswordFields(absl::string_view password) {
  return Fields({.email = kGoodEmail, .password = password, .display_name = kGoodName});
}
std::vector<std::string> NameFields(absl::string_view name) {
  return Fields({.email = kGoodEmail, .password = kGoodPassword, .display_name = name});
}

using Names = std::vector<std::string>;
const Names kNone;

TEST_CASE("The email is checked by the platform's rule, named email", "[registration][email]") {
  CHECK(EmailFields("Ann.Example@Example.COM") == kNone);
  for (const char* email : {"annexample.com", "ann@example", "an..n@example.com"}) {
    INFO(email);
    CHECK(EmailFields(email) == Names{"email"});
  }
}

TEST_CASE("A missing email is required", "[registration][email]") {
  auto violations =
      ValidateRegistration({.email = "", .password = kGoodPassword, .display_name = kGoodName});
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].field == "email");
  CHECK(violations[0].description == "is required");
}

TEST_CASE("Passwords need at least 10 characters", "[registration][password]") {
  CHECK(PasswordFields("123456789") == Names{"password"});  // 9
  CHECK(PasswordFields("1234567890") == kNone);             // 10
  CHECK(PasswordFields("") == Names{"password"});
  auto violations =
      ValidateRegistration({.email = kGoodEmail, .password = "short", .display_name = kGoodName});
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].description == "must have at least 10 characters");
}

TEST_CASE("Password length counts characters not bytes", "[registration][password]") {
  // 9 two-byte characters: 18 bytes but too short.
  CHECK(
      PasswordFields("\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4") ==
      Names{"password"});
  // 10 characters mixing one-, two-, three- and four-byte ones.
  CHECK(PasswordFields("abcdef\xc3\xa4\xe2\x82\xac\xf0\x9f\x94\x91x") == kNone);
  // Not UTF-8 at all.
  CHECK(PasswordFields("abcdefghij\xff") == Names{"password"});
}

TEST_CASE("Passwords over 1024 bytes are refused", "[registration][password]") {
  CHECK(PasswordFields(std::string(1024, 'p')) == kNone);
  CHECK(PasswordFields(std::string(1025, 'p')) == Names{"password"});
  // 342 three-byte characters: 1026 bytes though far fewer characters.
  std::string euros;
  for (int i = 0; i < 342; ++i) euros += "\xe2\x82\xac";
  CHECK(PasswordFields(euros) == Names{"password"});
}

TEST_CASE("Display names", "[registration][displayName]") {
  CHECK(NameFields("Ann") == kNone);
  CHECK(NameFields("  Ann  ") == kNone);
  CHECK(NameFields("") == Names{"displayName"});
  CHECK(NameFields("   ") == Names{"displayName"});
  CHECK(NameFields(" \t ") == Names{"displayName"});
  CHECK(NameFields(std::string(100, 'n')) == kNone);
  CHECK(NameFields(std::string(101, 'n')) == Names{"displayName"});
  // 100 characters of two bytes each: counted as 100.
  std::string umlauts;
  for (int i = 0; i < 100; ++i) umlauts += "\xc3\xa4";
  CHECK(NameFields(umlauts) == kNone);
  CHECK(NameFields(umlauts + "x") == Names{"displayName"});
  CHECK(NameFields("Ann\nExample") == Names{"displayName"});
  CHECK(NameFields("Ann\tExample") == Names{"displayName"});
  CHECK(NameFields(absl::string_view("Ann\0", 4)) == Names{"displayName"});
  CHECK(NameFields("Ann\x7f") == Names{"displayName"});
  CHECK(NameFields("Ann \xff") == Names{"displayName"});  // not UTF-8
}

TEST_CASE("Every problem is reported at once each naming its field", "[registration]") {
  auto violations =
      ValidateRegistration({.email = "not-an-email", .password = "short", .display_name = ""});
  REQUIRE(violations.size() == 3);
  CHECK(violations[0].field == "email");
  CHECK(violations[1].field == "password");
  CHECK(violations[2].field == "displayName");
  for (const auto& v : violations) CHECK_FALSE(v.description.empty());

  CHECK(Fields({.email = kGoodEmail, .password = "short", .display_name = "\n"}) ==
        Names{"password", "displayName"});
  CHECK(Fields({.email = kGoodEmail, .password = kGoodPassword, .display_name = kGoodName}) ==
        kNone);
}

TEST_CASE("Display names refuse what could make them look other than they are",
          "[registration][displayName]") {
  CHECK(NameFields("Ann \xe2\x80\xae"
                   "elpmaxE") == Names{"displayName"});          // U+202E override
  CHECK(NameFields("Ann\xe2\x80\x8b") == Names{"displayName"});  // U+200B zero width
  CHECK(NameFields("\xef\xbb\xbf"
                   "Ann") == Names{"displayName"});  // U+FEFF BOM
  CHECK(NameFields("Ren\xc3\xa9"
                   "e \xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d") == kNone);  // accents, Hebrew
}

}  // namespace
}  // namespace crm::customers
