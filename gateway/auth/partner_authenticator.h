// Authentication of PARTNER_SIGNATURE routes: the partner's signed request (partner_signature.h)
// is checked against the partner's secrets, read from the service owning the route
// (partner_secrets.h); a request whose signature matches goes on with a short-lived token of the
// gateway's own in its Authorization (partner_tokens.h), never the client's, so the service
// verifies the partner like any caller. The principal is role "partner", subject
// "partner:<X-Partner-Id>".
//
//   PartnerAuthenticator partner(secrets, tokens, clock);
//
// Thread-safe. Answers synchronously when it refuses the headers or the secrets are kept, else on
// the gRPC thread that read them.
#pragma once

#include "gateway/auth/partner_secrets.h"
#include "gateway/auth/partner_tokens.h"
#include "gateway/stages/authenticate.h"
#include "platform/base/clock.h"
#include "platform/base/metrics.h"

namespace crm::gateway {

struct PartnerAuthenticatorOptions {
  // How far X-Timestamp may be from the gateway's clock, either way. Default 300 s.
  absl::Duration window = absl::Seconds(300);
  // Where refusals are counted (crm_gateway_partner_signature_failures_total{partner, reason});
  // null: not counted.
  platform::Metrics* metrics = nullptr;
};

class PartnerAuthenticator : public Authenticator {
 public:
  PartnerAuthenticator(PartnerSecrets& secrets, PartnerTokens& tokens, const platform::Clock& clock,
                       PartnerAuthenticatorOptions options = {})
      : secrets_(secrets), tokens_(tokens), clock_(clock), options_(options) {}

  // Refusals, 401 naming the header: SIGNATURE_MISSING, SIGNATURE_INVALID (malformed header;
  // or a signature that matches none of the partner's secrets, or a partner the service does
  // not know: alike, so partner ids cannot be probed), SIGNATURE_EXPIRED (X-Timestamp outside
  // the window). 503 SERVICE_UNAVAILABLE when the secrets cannot be read; 500 when no token
  // can be signed. Each refusal is counted by reason and partner: the X-Partner-Id of a partner
  // the service knows, "unknown" for any other (ids from outside are not trusted as labels).
  void Authenticate(std::shared_ptr<Exchange> exchange, Done done) const override;

 private:
  PartnerSecrets& secrets_;
  PartnerTokens& tokens_;
  const platform::Clock& clock_;
  // Counts a refusal of `partner` ("unknown" unless the service knows it).
  void Count(absl::string_view partner, absl::string_view reason) const;

  const PartnerAuthenticatorOptions options_;
};

}  // namespace crm::gateway
