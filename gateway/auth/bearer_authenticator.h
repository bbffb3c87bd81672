// Authentication of BEARER routes: `Authorization: Bearer <jwt>`, checked with the platform's
// one verifier (platform/auth/tokens.h: algorithm, signature, issuer, audience, times; not
// revocation, which the services check). A bad token is refused here, before any service is
// called; a good one goes on to the service as it came (stage route forwards the header), and the
// service checks it again. Anonymous routes ignore tokens, as the services do. Tokens no client
// may hold are refused: service tokens (for calls between services) and partner tokens (the
// gateway makes those itself, for a partner's signed request).
//
//   BearerAuthenticator bearer(&verifier, clock);
//
// Thread-safe; answers synchronously.
#pragma once

#include "gateway/stages/authenticate.h"
#include "platform/auth/tokens.h"
#include "platform/base/clock.h"

namespace crm::gateway {

class BearerAuthenticator : public Authenticator {
 public:
  // `verifier`: nullptr trusts no token, so only anonymous routes answer.
  BearerAuthenticator(const platform::TokenVerifier* verifier, const platform::Clock& clock)
      : verifier_(verifier), clock_(clock) {}

  // A call without a token stays unauthenticated here; the access option refuses it later
  // (TOKEN_MISSING) unless the route is anonymous. Refusals: 401 TOKEN_INVALID, TOKEN_EXPIRED,
  // TOKEN_NOT_YET_VALID.
  void Authenticate(std::shared_ptr<Exchange> exchange, Done done) const override;

 private:
  const platform::TokenVerifier* verifier_;
  const platform::Clock& clock_;
};

}  // namespace crm::gateway
