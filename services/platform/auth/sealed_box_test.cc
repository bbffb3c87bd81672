#include "platform/auth/sealed_box.h"

#include <catch2/catch.hpp>

namespace crm::platform {
namespace {

TEST_CASE("a sealed message opens only with the recipient's keys, unaltered", "[sealed_box]") {
  SealedBoxKeys mailer = SealedBoxKeys::Generate();
  auto box = SealedBox::ForPublicKey(mailer.PublicKeyBase64() + "\n");
  REQUIRE(box.ok());
  std::string sealed = box->Seal("reset token 123");
  CHECK(sealed.find("reset token") == std::string::npos);

  auto opened = mailer.Open(sealed);
  REQUIRE(opened.ok());
  CHECK(*opened == "reset token 123");

  CHECK_FALSE(SealedBoxKeys::Generate().Open(sealed).ok());
  std::string altered = sealed;
  altered.back() ^= 1;
  CHECK_FALSE(mailer.Open(altered).ok());

  auto restored = SealedBoxKeys::FromBase64(mailer.PublicKeyBase64(), mailer.SecretKeyBase64());
  REQUIRE(restored.ok());
  CHECK(*restored->Open(sealed) == "reset token 123");
}

TEST_CASE("a public key that is not 32 bytes of base64 is refused", "[sealed_box]") {
  CHECK(SealedBox::ForPublicKey("").status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(SealedBox::ForPublicKey("not base64!").status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(SealedBox::ForPublicKey("AAAA").status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("a secret box opens with its key only, and detects any change", "[sealed_box]") {
  auto box = SecretBox::FromKeyBase64(SecretBox::NewKeyBase64() + "\n");
  REQUIRE(box.ok());
  const std::string secret = "carrier secret 0123456789abcdef0123456789";
  std::string sealed = box->Seal(secret);
  CHECK(sealed.size() == 40 + secret.size());
  CHECK(sealed.find("carrier secret") == std::string::npos);
  CHECK(*box->Open(sealed) == "carrier secret 0123456789abcdef0123456789");
  // A fresh nonce each time: the same secret never looks the same twice.
  CHECK(box->Seal("same") != box->Seal("same"));
  auto other = SecretBox::FromKeyBase64(SecretBox::NewKeyBase64());
  CHECK_FALSE(other->Open(sealed).ok());
  std::string altered = sealed;
  altered[45] ^= 1;
  CHECK_FALSE(box->Open(altered).ok());
  CHECK_FALSE(box->Open("short").ok());
  CHECK(SecretBox::FromKeyBase64("AAAA").status().code() == absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace crm::platform
