#include "platform/rpc/service_tokens.h"

#include "absl/strings/str_cat.h"
#include "platform/base/log.h"

namespace crm::platform {

std::string ServiceIssuer(absl::string_view service) {
  return absl::StrCat(kServiceIssuerPrefix, service);
}

absl::StatusOr<std::unique_ptr<ServiceTokens>> ServiceTokens::Create(ServiceTokenOptions options,
                                                                     const Clock& clock) {
  if (options.service.empty()) return absl::InvalidArgumentError("service tokens: no service");
  if (options.lifetime <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("service tokens: the lifetime must be positive");
  }
  auto signer = TokenSigner::Create({.algorithm = options.algorithm,
                                     .private_key_pem = options.private_key_pem,
                                     .issuer = ServiceIssuer(options.service)});
  if (!signer.ok()) return signer.status();
  return std::unique_ptr<ServiceTokens>(
      new ServiceTokens(std::move(options), std::move(*signer), clock));
}

ServiceTokens::ServiceTokens(ServiceTokenOptions options, TokenSigner signer, const Clock& clock)
    : options_(std::move(options)), signer_(std::move(signer)), clock_(clock) {}

absl::StatusOr<std::string> ServiceTokens::Token() {
  absl::MutexLock lock(&mu_);
  absl::Time now = clock_.Now();
  if (now < renew_at_) return token_;
  auto token = signer_.Sign({.subject = absl::StrCat(kServiceSubjectPrefix, options_.service),
                             .role = std::string(kServiceRole),
                             .audience = options_.audience,
                             .issued_at = now,
                             .not_before = now,
                             .expires_at = now + options_.lifetime});
  if (!token.ok()) return token.status();
  token_ = std::move(*token);
  renew_at_ = now + options_.lifetime / 2;
  return token_;
}

CallMetadata ServiceTokens::Metadata() {
  auto token = Token();
  if (!token.ok()) {
    LogError("cannot sign a service token", {{"error", token.status().ToString()}});
    return {};
  }
  return {{"authorization", absl::StrCat("Bearer ", *token)}};
}

}  // namespace crm::platform
