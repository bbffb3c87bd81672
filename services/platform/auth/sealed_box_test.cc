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

}  // namespace
}  // namespace crm::platform
