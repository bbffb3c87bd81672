// The token a service presents when it calls another service: a short-lived JWT with role
// "service", subject "svc:<service>" and issuer "crm/svc/<service>", signed with the service's
// own key (--service-private-key; every process trusts the public key through
// --token-public-keys). Made on first use and renewed when half its lifetime has passed, so a
// call never waits for signing more than once per renewal.
//
//   auto tokens = ServiceTokens::Create({.service = "orders", .private_key_pem = pem}, clock);
//   CallRaw(channel, method, request, timeout, tokens->Metadata());
//
// Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "platform/auth/tokens.h"
#include "platform/base/clock.h"
#include "platform/rpc/generic_call.h"

namespace crm::platform {

struct ServiceTokenOptions {
  // The calling service's short name, e.g. "orders". Required.
  std::string service;
  // Its PEM private key. Required.
  std::string private_key_pem;
  // "ES256" (default) or "RS256".
  std::string algorithm = "ES256";
  std::string audience = "crm";
  // Default 5 minutes.
  absl::Duration lifetime = absl::Minutes(5);
};

// The issuer a service's tokens carry: "crm/svc/<service>".
std::string ServiceIssuer(absl::string_view service);

class ServiceTokens {
 public:
  // Errors: INVALID_ARGUMENT for a missing service name or an unusable key.
  static absl::StatusOr<std::unique_ptr<ServiceTokens>> Create(ServiceTokenOptions options,
                                                               const Clock& clock);

  // A token valid for at least half the lifetime. Errors: INTERNAL (signing).
  absl::StatusOr<std::string> Token();
  // {"authorization": "Bearer <token>"} for an outgoing call; empty when signing failed (the
  // call is then refused as unauthenticated, and the failure logged).
  CallMetadata Metadata();

 private:
  ServiceTokens(ServiceTokenOptions options, TokenSigner signer, const Clock& clock);

  const ServiceTokenOptions options_;
  const TokenSigner signer_;
  const Clock& clock_;
  absl::Mutex mu_;
  std::string token_ ABSL_GUARDED_BY(mu_);
  absl::Time renew_at_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace crm::platform
