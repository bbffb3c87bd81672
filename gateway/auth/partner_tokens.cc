#include "gateway/auth/partner_tokens.h"

#include "absl/strings/str_cat.h"

namespace crm::gateway {

absl::StatusOr<std::unique_ptr<PartnerTokens>> PartnerTokens::Create(PartnerTokenOptions options,
                                                                     const platform::Clock& clock) {
  if (options.lifetime <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("partner tokens: the lifetime must be positive");
  }
  auto signer = platform::TokenSigner::Create({.algorithm = options.algorithm,
                                               .private_key_pem = options.private_key_pem,
                                               .issuer = std::string(platform::kGatewayIssuer)});
  if (!signer.ok()) return signer.status();
  return std::unique_ptr<PartnerTokens>(
      new PartnerTokens(std::move(options), std::move(*signer), clock));
}

PartnerTokens::PartnerTokens(PartnerTokenOptions options, platform::TokenSigner signer,
                             const platform::Clock& clock)
    : options_(std::move(options)), signer_(std::move(signer)), clock_(clock) {}

absl::StatusOr<std::string> PartnerTokens::For(const std::string& partner_id) {
  absl::MutexLock lock(&mu_);
  absl::Time now = clock_.Now();
  if (auto kept = kept_.find(partner_id); kept != kept_.end() && now < kept->second.renew_at) {
    return kept->second.token;
  }
  auto token = signer_.Sign({.subject = absl::StrCat(platform::kPartnerSubjectPrefix, partner_id),
                             .role = std::string(platform::kPartnerRole),
                             .audience = options_.audience,
                             .issued_at = now,
                             .not_before = now,
                             .expires_at = now + options_.lifetime});
  if (!token.ok()) return token.status();
  if (kept_.size() >= options_.max_partners) kept_.clear();
  kept_[partner_id] = {*token, now + options_.lifetime / 2};
  return *token;
}

}  // namespace crm::gateway
