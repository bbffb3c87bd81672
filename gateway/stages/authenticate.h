// Stage 2, authenticate: who calls. Each route's access option says how (its `authentication`):
// BEARER, a token in `Authorization` (auth/bearer_authenticator.h), or PARTNER_SIGNATURE, a
// partner's signed request (auth/partner_authenticator.h). Authenticators sets the caller's
// principal on the exchange, and the metadata that carries its credential to the service, or
// refuses the request; the route's access option itself is applied later, to the request message
// (stage transcode).
//
//   Authenticators authenticators(bearer, &partner);
//   authenticators.Authenticate(exchange, [](std::optional<HttpError> refused) { ... });
//
// Thread-safe when its authenticators are.
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "gateway/errors/http_errors.h"
#include "gateway/stages/exchange.h"

namespace crm::gateway {

class Authenticator {
 public:
  // nullopt when the caller is known (exchange->principal and metadata set), else the refusal.
  using Done = std::function<void(std::optional<HttpError>)>;
  virtual ~Authenticator() = default;
  // Calls `done` exactly once, now or later on another thread; never blocks.
  virtual void Authenticate(std::shared_ptr<Exchange> exchange, Done done) const = 0;
};

class Authenticators {
 public:
  // `partner`: nullptr when the gateway cannot check partner signatures (no partner key): its
  // PARTNER_SIGNATURE routes answer 503.
  Authenticators(const Authenticator& bearer, const Authenticator* partner)
      : bearer_(bearer), partner_(partner) {}

  // The route's authenticator on `exchange` (whose route is set).
  void Authenticate(std::shared_ptr<Exchange> exchange, Authenticator::Done done) const;

 private:
  const Authenticator& bearer_;
  const Authenticator* partner_;
};

}  // namespace crm::gateway
