#include "gateway/auth/bearer_authenticator.h"

#include "absl/strings/match.h"
#include "platform/base/errors.h"
#include "platform/rpc/grpc_status.h"

namespace crm::gateway {

void BearerAuthenticator::Authenticate(std::shared_ptr<Exchange> exchange, Done done) const {
  const HttpRequest& request = exchange->request;
  auto auth = request.find(boost::beast::http::field::authorization);
  if (auth == request.end() || exchange->route->access.anonymous()) return done(std::nullopt);
  absl::string_view header(auth->value().data(), auth->value().size());
  absl::Status refused;
  if (!absl::StartsWithIgnoreCase(header, "Bearer ") || verifier_ == nullptr) {
    refused = platform::Error(absl::StatusCode::kUnauthenticated, platform::kReasonTokenInvalid,
                              "the Authorization header is not a bearer token");
  } else if (auto claims = verifier_->Verify(header.substr(7), clock_.Now()); !claims.ok()) {
    refused = claims.status();
  } else if (claims->role == platform::kServiceRole) {
    // Service tokens are for calls between services; one arriving from outside was leaked.
    refused = platform::Error(absl::StatusCode::kUnauthenticated, platform::kReasonTokenInvalid,
                              "service tokens are not accepted from outside");
  } else if (claims->role == platform::kPartnerRole) {
    // The gateway makes partner tokens for the services, from a signed request; one arriving
    // from outside was leaked.
    refused = platform::Error(absl::StatusCode::kUnauthenticated, platform::kReasonTokenInvalid,
                              "partner tokens are not accepted from outside: sign the request");
  } else {
    exchange->principal = {.authenticated = true, .subject = claims->subject, .role = claims->role};
  }
  if (!refused.ok()) return done(FromGrpc(platform::ToGrpcStatus(refused)));
  done(std::nullopt);
}

}  // namespace crm::gateway
