// The token the gateway forwards for a partner whose signature it checked: a short-lived JWT of
// issuer "crm/gateway", role "partner" and subject "partner:<partner id>", signed with the
// gateway's own partner key (--partner-token-key). Services trust that issuer's public key for
// partners only (platform/auth/tokens.h), and check the token like any other. Each partner's
// token is kept and forwarded again until half its lifetime has passed, so the services' token
// cache (one signature check per token) serves a busy partner too.
//
//   auto tokens = PartnerTokens::Create({.private_key_pem = pem}, clock);
//   absl::StatusOr<std::string> token = (*tokens)->For("dhl");
//
// Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "platform/auth/tokens.h"
#include "platform/base/clock.h"

namespace crm::gateway {

struct PartnerTokenOptions {
  // PEM private key of the gateway's partner key pair. Required.
  std::string private_key_pem;
  // "ES256" (default) or "RS256".
  std::string algorithm = "ES256";
  std::string audience = "crm";
  // Default 60 s.
  absl::Duration lifetime = absl::Seconds(60);
  // Partners whose token is kept at most; past it, all are forgotten. Default 10000.
  size_t max_partners = 10000;
};

class PartnerTokens {
 public:
  // Errors: INVALID_ARGUMENT for an unusable key or a lifetime that is not positive.
  static absl::StatusOr<std::unique_ptr<PartnerTokens>> Create(PartnerTokenOptions options,
                                                               const platform::Clock& clock);

  // A token for `partner_id`, valid for at least half the lifetime. Errors: INTERNAL (signing).
  absl::StatusOr<std::string> For(const std::string& partner_id);

 private:
  struct Kept {
    std::string token;
    absl::Time renew_at;
  };
  PartnerTokens(PartnerTokenOptions options, platform::TokenSigner signer,
                const platform::Clock& clock);

  const PartnerTokenOptions options_;
  const platform::TokenSigner signer_;
  const platform::Clock& clock_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Kept> kept_ ABSL_GUARDED_BY(mu_);
};

}  // namespace crm::gateway
