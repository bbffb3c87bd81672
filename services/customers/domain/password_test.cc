#include "customers/domain/password.h"

#include <catch2/catch.hpp>

namespace crm::customers {
namespace {

// argon2id at its cheapest that libsodium still accepts comfortably: fast tests, same format.
const PasswordHashing kFast{.ops_limit = 1, .mem_limit = 8192 * 1024};

TEST_CASE("A hashed password verifies and another password does not", "[password]") {
  auto hash = HashPassword("correct horse battery", kFast);
  REQUIRE(hash.ok());
  CHECK(hash->rfind("$argon2id$", 0) == 0);
  CHECK(hash->find("correct horse") == std::string::npos);
  CHECK(hash->find("m=8192,t=1") != std::string::npos);

  CHECK(VerifyPassword(*hash, "correct horse battery"));
  CHECK_FALSE(VerifyPassword(*hash, "correct horse batterY"));
  CHECK_FALSE(VerifyPassword(*hash, "correct horse battery "));
  CHECK_FALSE(VerifyPassword(*hash, ""));
}

TEST_CASE("Hashing the same password twice gives different hashes (random salt)", "[password]") {
  auto first = HashPassword("same password!", kFast);
  auto second = HashPassword("same password!", kFast);
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  CHECK(*first != *second);
  CHECK(VerifyPassword(*first, "same password!"));
  CHECK(VerifyPassword(*second, "same password!"));
}

TEST_CASE("Passwords with multibyte characters and NUL bytes hash whole", "[password]") {
  std::string with_nul("before\0after", 12);
  auto hash = HashPassword(with_nul, kFast);
  REQUIRE(hash.ok());
  CHECK(VerifyPassword(*hash, with_nul));
  CHECK_FALSE(VerifyPassword(*hash, "before"));

  auto unicode = HashPassword("p\xc3\xa4ssw\xc3\xb6rd \xe2\x82\xac\xe2\x82\xac", kFast);
  REQUIRE(unicode.ok());
  CHECK(VerifyPassword(*unicode, "p\xc3\xa4ssw\xc3\xb6rd \xe2\x82\xac\xe2\x82\xac"));
  CHECK_FALSE(VerifyPassword(*unicode, "passwqrd \xe2\x82\xac\xe2\x82\xac"));
}

TEST_CASE("A malformed hash never verifies", "[password]") {
  CHECK_FALSE(VerifyPassword("", "anything"));
  CHECK_FALSE(VerifyPassword("$argon2id$garbage", "anything"));
  CHECK_FALSE(VerifyPassword("plaintext-password", "plaintext-password"));
}

TEST_CASE("The interactive parameters are libsodium's", "[password]") {
  PasswordHashing p = PasswordHashing::Interactive();
  CHECK(p.ops_limit == 2);
  CHECK(p.mem_limit == 64u * 1024 * 1024);
}

}  // namespace
}  // namespace crm::customers
