#include "platform/rpc/service_tokens.h"

#include <catch2/catch.hpp>

#include "platform/testing/test_support.h"

namespace crm::platform {
namespace {

TEST_CASE("a service token verifies under its service's issuer, with role service, and renews",
          "[service_tokens]") {
  testing::KeyPair keys = testing::NewEs256Keys();
  ManualClock clock(absl::FromUnixSeconds(1'800'000'000));
  auto tokens = ServiceTokens::Create(
      {.service = "orders", .private_key_pem = keys.private_pem, .lifetime = absl::Minutes(4)},
      clock);
  REQUIRE(tokens.ok());
  auto verifier =
      TokenVerifier::Create({.issuers = {{"crm/svc/orders", keys.public_pem}}, .audience = "crm"});
  REQUIRE(verifier.ok());

  std::string first = *(*tokens)->Token();
  auto claims = verifier->Verify(first, clock.Now());
  REQUIRE(claims.ok());
  CHECK(claims->subject == "svc:orders");
  CHECK(claims->role == "service");
  CHECK(claims->issuer == "crm/svc/orders");
  CHECK(claims->session_id.empty());
  CHECK(claims->expires_at == clock.Now() + absl::Minutes(4));

  clock.Advance(absl::Minutes(1));
  CHECK(*(*tokens)->Token() == first);  // reused while more than half its life is left
  clock.Advance(absl::Minutes(1));
  std::string second = *(*tokens)->Token();
  CHECK(second != first);
  CHECK(verifier->Verify(second, clock.Now()).ok());
  auto metadata = (*tokens)->Metadata();
  REQUIRE(metadata.size() == 1);
  CHECK(metadata[0].first == "authorization");
  CHECK(metadata[0].second == "Bearer " + second);
}

TEST_CASE("service tokens need a name and a usable key", "[service_tokens]") {
  ManualClock clock(absl::FromUnixSeconds(1'800'000'000));
  CHECK(ServiceTokens::Create(
            {.service = "", .private_key_pem = testing::NewEs256Keys().private_pem}, clock)
            .status()
            .code() == absl::StatusCode::kInvalidArgument);
  CHECK_FALSE(ServiceTokens::Create({.service = "orders", .private_key_pem = "nope"}, clock).ok());
}

}  // namespace
}  // namespace crm::platform
