// The customers service assembled on a platform Runtime: its stores, its handlers (api/), its
// event consumer (events/) and its timers. main.cc serves it; tests build the same one.
//
//   auto server = customers::Server::Build(runtime, config);
//   if (!server.ok()) return platform::ExitForStartup(server.status());
//   return runtime.Serve((*server)->services());
#pragma once

#include <grpcpp/impl/service_type.h>

#include <memory>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "customers/api/address_service.h"
#include "customers/api/auth_service.h"
#include "customers/api/customers_service.h"
#include "customers/api/engagement_service.h"
#include "customers/api/interaction_service.h"
#include "customers/api/loyalty_service.h"
#include "customers/api/overview_service.h"
#include "customers/api/password_service.h"
#include "customers/api/privacy_service.h"
#include "customers/api/staff_service.h"
#include "customers/config.h"
#include "customers/domain/session_tokens.h"
#include "customers/store/customer_index.h"
#include "customers/store/customer_store.h"
#include "customers/store/login_throttle_store.h"
#include "customers/store/loyalty_store.h"
#include "customers/store/password_reset_store.h"
#include "customers/store/session_store.h"
#include "customers/store/staff_store.h"
#include "platform/auth/sealed_box.h"
#include "platform/auth/tokens.h"
#include "platform/runtime/runtime.h"
#include "platform/store/owned_records.h"

namespace crm::customers {

class Server {
 public:
  // Wires everything on `rt`, which must not serve yet: its session check (this service owns the
  // sessions), the loyalty consumer and the timers are registered here. Makes the first admin
  // account when `config` names one. Errors: a key file that cannot be read or parsed, a first
  // admin that cannot be made; each message names the flag to fix.
  static absl::StatusOr<std::unique_ptr<Server>> Build(platform::Runtime& rt, const Config& config);

  // The gRPC services to serve.
  std::vector<grpc::Service*> services();

 private:
  Server(platform::Runtime& rt, const Config& config, platform::TokenSigner signer,
         platform::SealedBox mailer);

  std::optional<platform::TokenSigner> signer_;
  std::optional<platform::SealedBox> mailer_;
  SessionTokens tokens_;
  CustomerStore customer_store_;
  SessionStore sessions_;
  StaffStore staff_;
  LoginThrottleStore throttle_;
  PasswordResetStore resets_;
  platform::OwnedRecords addresses_;
  platform::OwnedRecords wishlist_;
  platform::OwnedRecords interactions_;
  LoyaltyStore loyalty_store_;
  CustomerIndex index_;
  std::unique_ptr<LoyaltyService> loyalty_;
  std::unique_ptr<StaffService> staff_service_;
  std::unique_ptr<CustomersService> customers_;
  std::unique_ptr<AuthService> auth_;
  std::unique_ptr<PasswordService> passwords_;
  std::unique_ptr<AddressService> address_service_;
  std::unique_ptr<EngagementService> engagement_;
  std::unique_ptr<InteractionService> interaction_service_;
  std::unique_ptr<OverviewService> overview_;
  std::unique_ptr<PrivacyService> privacy_;
};

}  // namespace crm::customers
