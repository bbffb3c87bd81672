#include "customers/server.h"

#include "absl/strings/str_cat.h"
#include "customers/domain/staff.h"
#include "customers/events/loyalty_consumer.h"
#include "platform/base/log.h"
#include "platform/base/process.h"

namespace crm::customers {

namespace {

// The staff account of --admin-email, made unless it exists, with a log line saying which.
absl::Status MakeFirstAdmin(const StaffServiceDeps& deps, const FirstAdmin& first_admin) {
  if (first_admin.email.empty()) {
    platform::LogInfo("no --admin-email given: no admin account made at start");
    return absl::OkStatus();
  }
  auto admin = EnsureFirstAdmin(deps, first_admin);
  if (!admin.ok()) {
    // A fresh status: the message says what to fix; the payload only serves clients.
    return absl::Status(admin.status().code(),
                        absl::StrCat("the first admin account (--admin-email, --admin-password) "
                                     "cannot be made: ",
                                     admin.status().message()));
  }
  const store::v1::StaffRecord& record = admin->staff.record;
  platform::LogFields fields = {{"email", record.email()},
                                {"staffId", record.staff_id()},
                                {"role", StaffRoleName(record.role())}};
  if (admin->created) {
    platform::LogInfo("first admin account created", fields);
  } else if (record.role() == v1::Staff::admin) {
    platform::LogInfo("admin account already exists; left unchanged", fields);
  } else {
    platform::LogWarning("the --admin-email account exists but is not an admin; left unchanged",
                         fields);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Server>> Server::Build(platform::Runtime& rt, const Config& config) {
  auto key = platform::ReadFile(config.token_private_key_file);
  if (!key.ok()) return key.status();
  auto signer = platform::TokenSigner::Create({.algorithm = rt.options().token_algorithm,
                                               .private_key_pem = *key,
                                               .issuer = config.token_issuer});
  if (!signer.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--token-private-key: ", signer.status().message()));
  }
  auto mailer_key = platform::ReadFile(config.mailer_public_key_file);
  if (!mailer_key.ok()) return mailer_key.status();
  auto mailer = platform::SealedBox::ForPublicKey(*mailer_key);
  if (!mailer.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--mailer-public-key ", config.mailer_public_key_file, ": ", mailer.status().message()));
  }
  std::unique_ptr<Server> server(new Server(rt, config, *std::move(signer), *std::move(mailer)));
  Server& s = *server;

  // This service owns the sessions, so it also refuses tokens of sessions that ended. Tokens
  // of other issuers (services' own tokens, partners') have no session here.
  rt.SetSessionCheck([&s, issuer = config.token_issuer](const platform::TokenClaims& claims) {
    return claims.issuer == issuer ? s.sessions_.CheckActive(claims) : absl::OkStatus();
  });
  s.loyalty_ =
      std::make_unique<LoyaltyService>(LoyaltyServiceDeps{.customers = s.customer_store_,
                                                          .loyalty = s.loyalty_store_,
                                                          .index = s.index_,
                                                          .outbox = rt.outbox(),
                                                          .timers = rt.timers(),
                                                          .clock = rt.clock(),
                                                          .metrics = rt.metrics(),
                                                          .rpc = rt.RpcOf<v1::LoyaltyService>(),
                                                          .policy = config.loyalty});
  // Points and tiers follow what other services report.
  ConsumeLoyaltyEvents(rt, *s.loyalty_);

  StaffServiceDeps staff_deps{.store = rt.store(),
                              .staff = s.staff_,
                              .customers = s.customer_store_,
                              .sessions = s.sessions_,
                              .outbox = rt.outbox(),
                              .clock = rt.clock(),
                              .metrics = rt.metrics(),
                              .hashing = config.hashing,
                              .rpc = rt.RpcOf<v1::StaffService>()};
  // Only an admin can make staff accounts, so the first one comes from configuration.
  if (absl::Status made = MakeFirstAdmin(staff_deps, config.first_admin); !made.ok()) return made;
  s.staff_service_ = std::make_unique<StaffService>(std::move(staff_deps));

  s.customers_ = std::make_unique<CustomersService>(
      CustomersServiceDeps{.customers = s.customer_store_,
                           .index = s.index_,
                           .staff = s.staff_,
                           .outbox = rt.outbox(),
                           .clock = rt.clock(),
                           .metrics = rt.metrics(),
                           .hashing = config.hashing,
                           .rpc = rt.RpcOf<v1::CustomersService>(),
                           .loyalty = s.loyalty_.get()});
  auto auth = AuthService::Create({.customers = s.customer_store_,
                                   .staff = s.staff_,
                                   .sessions = s.sessions_,
                                   .throttle = s.throttle_,
                                   .outbox = rt.outbox(),
                                   .clock = rt.clock(),
                                   .metrics = rt.metrics(),
                                   .tokens = s.tokens_,
                                   .rpc = rt.RpcOf<v1::AuthService>(),
                                   .hashing = config.hashing});
  if (!auth.ok()) return auth.status();
  s.auth_ = *std::move(auth);
  s.passwords_ = std::make_unique<PasswordService>(
      PasswordServiceDeps{.customers = s.customer_store_,
                          .sessions = s.sessions_,
                          .resets = s.resets_,
                          .throttle = s.throttle_,
                          .outbox = rt.outbox(),
                          .timers = rt.timers(),
                          .clock = rt.clock(),
                          .metrics = rt.metrics(),
                          .hashing = config.hashing,
                          .mailer = *s.mailer_,
                          .rpc = rt.RpcOf<v1::PasswordService>()});
  s.address_service_ =
      std::make_unique<AddressService>(AddressServiceDeps{.customers = s.customer_store_,
                                                          .addresses = s.addresses_,
                                                          .clock = rt.clock(),
                                                          .rpc = rt.RpcOf<v1::AddressService>()});
  s.engagement_ = std::make_unique<EngagementService>(
      EngagementServiceDeps{.store = rt.store(),
                            .customers = s.customer_store_,
                            .wishlist = s.wishlist_,
                            .outbox = rt.outbox(),
                            .clock = rt.clock(),
                            .rpc = rt.RpcOf<v1::EngagementService>()});
  s.interaction_service_ = std::make_unique<InteractionService>(
      InteractionServiceDeps{.customers = s.customer_store_,
                             .interactions = s.interactions_,
                             .outbox = rt.outbox(),
                             .clock = rt.clock(),
                             .rpc = rt.RpcOf<v1::InteractionService>()});
  s.overview_ = std::make_unique<OverviewService>(
      OverviewServiceDeps{.customers = *s.customers_,
                          .loyalty = *s.loyalty_,
                          .interactions = *s.interaction_service_,
                          .rpc = rt.RpcOf<v1::OverviewService>()});
  s.privacy_ = std::make_unique<PrivacyService>(
      PrivacyServiceDeps{.customers = s.customer_store_,
                         .index = s.index_,
                         .sessions = s.sessions_,
                         .loyalty_store = s.loyalty_store_,
                         .addresses = s.addresses_,
                         .interactions = s.interactions_,
                         .engagement = *s.engagement_,
                         .profiles = *s.customers_,
                         .loyalty = *s.loyalty_,
                         .interaction_reader = *s.interaction_service_,
                         .outbox = rt.outbox(),
                         .clock = rt.clock(),
                         .rpc = rt.RpcOf<v1::PrivacyService>()});
  return server;
}

Server::Server(platform::Runtime& rt, const Config& config, platform::TokenSigner signer,
               platform::SealedBox mailer)
    : signer_(std::move(signer)),
      mailer_(std::move(mailer)),
      tokens_({.signer = *signer_,
               .audience = rt.options().token_audience,
               .access_ttl = config.access_ttl,
               .refresh_ttl = config.refresh_ttl}),
      customer_store_(rt.store()),
      sessions_(rt.store(), rt.timers()),
      staff_(rt.store()),
      throttle_(rt.store(), rt.timers(), config.throttle),
      resets_(rt.store(), rt.timers()),
      addresses_(rt.store(), "addresses"),
      wishlist_(rt.store(), "wishlist"),
      interactions_(rt.store(), "interactions"),
      loyalty_store_(rt.store()),
      index_(rt.store()) {}

std::vector<grpc::Service*> Server::services() {
  return {
      customers_.get(),       auth_.get(),       passwords_.get(),           staff_service_.get(),
      address_service_.get(), engagement_.get(), interaction_service_.get(), loyalty_.get(),
      overview_.get(),        privacy_.get()};
}

}  // namespace crm::customers
