// Token verification (services/platform/auth/tokens.h) on arbitrary bytes, with a real ES256 key.
//
// The first byte picks a mode, the rest is its input:
//   even:  the rest is a token as a client sends it, verified as is. No input can be signed by
//          the key made at start-up, so Verify must refuse every one: a success is a bypass.
//   odd:   the rest is "<header JSON>\n<payload JSON>" (any bytes); the target signs exactly
//          those bytes with ES256 and verifies the token, so the claim checks behind a valid
//          signature get fuzzed too. With bit 1 set it signs with a key nobody trusts, which
//          must be refused.
// Either way Verify must return, never crash, and an accepted token must carry what the header
// promises (a subject, the trusted issuer, our audience).
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "fuzz/fuzz_support.h"
#include "platform/auth/tokens.h"
#include "platform/base/errors.h"

namespace {

using crm::platform::TokenVerifier;

constexpr char kIssuer[] = "crm/customers";

struct World {
  crm::fuzz::KeyPair trusted = crm::fuzz::NewEs256Keys();
  crm::fuzz::KeyPair stranger = crm::fuzz::NewEs256Keys();
  // Two verifiers, two caches: the one for raw tokens never sees a token signed here, so the
  // fuzzer cannot learn a cached good token from it and replay it.
  TokenVerifier raw = Make();
  TokenVerifier signed_here = Make();

  TokenVerifier Make() const {
    auto v = TokenVerifier::Create(
        {.issuers = {{kIssuer, trusted.public_pem}, {"crm/svc/orders", trusted.public_pem}},
         .audience = "crm"});
    FUZZ_CHECK(v.ok(), "cannot make the verifier");
    return *v;
  }
};

World& TheWorld() {
  static World* world = [] {
    crm::fuzz::QuietLogs();
    return new World();
  }();
  return *world;
}

void CheckOutcome(const absl::StatusOr<crm::platform::TokenClaims>& claims) {
  if (!claims.ok()) {
    FUZZ_CHECK(claims.status().code() == absl::StatusCode::kUnauthenticated,
               "a refused token must be UNAUTHENTICATED");
    return;
  }
  FUZZ_CHECK(!claims->subject.empty(), "an accepted token without subject");
  FUZZ_CHECK(claims->issuer == kIssuer || claims->issuer == "crm/svc/orders",
             "an accepted token from an untrusted issuer");
  FUZZ_CHECK(claims->audience == "crm", "an accepted token for another audience");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  World& world = TheWorld();
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  absl::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  absl::Time now = absl::Now();
  if ((mode & 1) == 0) {
    auto claims = world.raw.Verify(rest, now);
    FUZZ_CHECK(!claims.ok(), "a token nobody signed was accepted");
    CheckOutcome(claims);
    return 0;
  }
  size_t newline = rest.find('\n');
  absl::string_view header = rest.substr(0, newline);
  absl::string_view payload =
      newline == absl::string_view::npos ? absl::string_view() : rest.substr(newline + 1);
  bool stranger = (mode & 2) != 0;
  std::string token = crm::fuzz::SignEs256(
      stranger ? world.stranger.private_pem : world.trusted.private_pem, header, payload);
  auto claims = world.signed_here.Verify(token, now);
  if (stranger) FUZZ_CHECK(!claims.ok(), "a token signed by an untrusted key was accepted");
  CheckOutcome(claims);
  return 0;
}
