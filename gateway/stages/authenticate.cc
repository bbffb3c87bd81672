#include "gateway/stages/authenticate.h"

#include "gateway/errors/reasons.h"

namespace crm::gateway {

void Authenticators::Authenticate(std::shared_ptr<Exchange> exchange,
                                  Authenticator::Done done) const {
  switch (exchange->route->access.authentication()) {
    case api::v1::Access::PARTNER_SIGNATURE:
      if (partner_ == nullptr) {
        return done(GatewayError(503, grpc::StatusCode::UNAVAILABLE, kReasonServiceUnavailable,
                                 "this gateway cannot check partner signatures"));
      }
      return partner_->Authenticate(std::move(exchange), std::move(done));
    default:
      return bearer_.Authenticate(std::move(exchange), std::move(done));
  }
}

}  // namespace crm::gateway
