// crm-customers: the one customer record every department shares, and the accounts (customers
// and staff) that log in to it (it signs the access tokens every other process verifies).
#include "absl/strings/str_cat.h"
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
#include "customers/domain/staff.h"
#include "customers/events/loyalty_consumer.h"
#include "customers/store/customer_index.h"
#include "customers/store/customer_store.h"
#include "customers/store/login_throttle_store.h"
#include "customers/store/loyalty_store.h"
#include "customers/store/password_reset_store.h"
#include "customers/store/session_store.h"
#include "customers/store/staff_store.h"
#include "platform/base/log.h"
#include "platform/base/signals.h"
#include "platform/runtime/runtime.h"
#include "platform/store/owned_records.h"

using namespace crm;

int main(int argc, char** argv) {
  platform::BlockTerminationSignals();
  platform::Flags flags("customers", argc, argv);
  platform::RuntimeOptions options = platform::RuntimeOptions::FromFlags(flags);
  customers::PasswordHashing hashing = customers::PasswordHashing::Interactive();
  hashing.mem_limit =
      static_cast<size_t>(flags.Int("argon2-memory-kib", hashing.mem_limit / 1024,
                                    "argon2id memory per hash, KiB", 8, 4 * 1024 * 1024) *
                          1024);
  hashing.ops_limit = static_cast<unsigned long long>(
      flags.Int("argon2-passes", hashing.ops_limit, "argon2id passes", 1, 20));
  std::string private_key =
      flags.RequiredString("token-private-key", "PEM private key that signs access tokens");
  std::string issuer = flags.String("token-issuer", "crm/customers", "written as the tokens' iss");
  absl::Duration access_ttl = absl::Seconds(
      flags.Int("access-token-ttl-s", 900, "access token lifetime, seconds", 10, 86400));
  absl::Duration refresh_ttl = absl::Seconds(flags.Int(
      "refresh-token-ttl-s", 30 * 86400, "refresh token lifetime, seconds", 60, 365 * 86400));
  std::string mailer_key_file = flags.RequiredString(
      "mailer-public-key",
      "file with the mailer's X25519 public key (base64): password reset tokens are sealed for it");
  customers::LoginThrottlePolicy throttle_policy;
  throttle_policy.free_failures = static_cast<int>(flags.Int(
      "login-free-failures", throttle_policy.free_failures,
      "wrong passwords in a row an email may have before logins for it are slowed down", 1, 100));
  throttle_policy.max_block =
      absl::Seconds(flags.Int("login-max-block-s", absl::ToInt64Seconds(throttle_policy.max_block),
                              "longest wait after repeated wrong passwords, seconds", 1, 86400));
  customers::LoyaltyPolicy loyalty_policy = customers::LoyaltyPolicy::Default();
  loyalty_policy.currency =
      flags.String("loyalty-currency", loyalty_policy.currency,
                   "the shop's currency (ISO 4217): amounts in another are refused");
  loyalty_policy.cents_per_point =
      flags.Int("loyalty-cents-per-point", loyalty_policy.cents_per_point,
                "minor units of spend per point at a 100 % multiplier", 1, 1'000'000);
  loyalty_policy.review_points = flags.Int("loyalty-review-points", loyalty_policy.review_points,
                                           "points a product review earns", 0, 1'000'000);
  std::string loyalty_tiers = flags.String(
      "loyalty-tiers",
      "REGULAR:0:100:no:no,SILVER:50000:125:no:no,GOLD:200000:150:yes:no,"
      "PLATINUM:500000:200:yes:yes",
      "tiers: NAME:min_spend_cents_365d:points_multiplier_percent:free_express:priority_support");
  customers::FirstAdmin first_admin{
      .email = flags.String("admin-email", "",
                            "email of the first admin account, made at start unless a staff "
                            "account has it"),
      .password = flags.String("admin-password", "",
                               "password of that account when it is made; an existing "
                               "account's is never changed")};
  if (absl::Status s = flags.Finish(); !s.ok()) return platform::ExitForFlags(s);
  auto tiers = customers::LoyaltyPolicy::ParseTiers(loyalty_tiers);
  if (!tiers.ok()) {
    return platform::ExitForFlags(
        absl::InvalidArgumentError(absl::StrCat("--loyalty-tiers: ", tiers.status().message())));
  }
  loyalty_policy.tiers = std::move(*tiers);
  if (first_admin.email.empty() != first_admin.password.empty()) {
    return platform::ExitForFlags(absl::InvalidArgumentError(
        "--admin-email and --admin-password (CRM_ADMIN_EMAIL, CRM_ADMIN_PASSWORD) go together: "
        "set both or neither"));
  }
  options.service = "customers";
  options.column_families = customers::kColumnFamilies;

  auto runtime = platform::Runtime::Open(options);
  if (!runtime.ok()) return platform::ExitForStartup(runtime.status());
  platform::Runtime& rt = **runtime;

  auto key = platform::ReadFile(private_key);
  if (!key.ok()) return platform::ExitForStartup(key.status());
  auto signer = platform::TokenSigner::Create(
      {.algorithm = options.token_algorithm, .private_key_pem = *key, .issuer = issuer});
  if (!signer.ok()) return platform::ExitForStartup(signer.status());
  auto mailer_key = platform::ReadFile(mailer_key_file);
  if (!mailer_key.ok()) return platform::ExitForStartup(mailer_key.status());
  auto mailer = platform::SealedBox::ForPublicKey(*mailer_key);
  if (!mailer.ok()) {
    return platform::ExitForStartup(absl::InvalidArgumentError(
        absl::StrCat("--mailer-public-key ", mailer_key_file, ": ", mailer.status().message())));
  }
  customers::SessionTokens tokens({.signer = *signer,
                                   .audience = options.token_audience,
                                   .access_ttl = access_ttl,
                                   .refresh_ttl = refresh_ttl});

  customers::CustomerStore customer_store(rt.store());
  customers::SessionStore sessions(rt.store(), rt.timers());
  customers::StaffStore staff(rt.store());
  customers::LoginThrottleStore throttle(rt.store(), rt.timers(), throttle_policy);
  customers::PasswordResetStore resets(rt.store(), rt.timers());
  platform::OwnedRecords addresses(rt.store(), "addresses");
  platform::OwnedRecords wishlist(rt.store(), "wishlist");
  platform::OwnedRecords interactions(rt.store(), "interactions");
  customers::LoyaltyStore loyalty_store(rt.store());
  customers::CustomerIndex index(rt.store());
  // This service owns the sessions, so it also refuses tokens of sessions that ended.
  // Tokens of other issuers (services' own tokens) have no session here.
  rt.SetSessionCheck([&](const platform::TokenClaims& claims) {
    return claims.issuer == issuer ? sessions.CheckActive(claims) : absl::OkStatus();
  });
  customers::LoyaltyService loyalty({.customers = customer_store,
                                     .loyalty = loyalty_store,
                                     .index = index,
                                     .outbox = rt.outbox(),
                                     .timers = rt.timers(),
                                     .clock = rt.clock(),
                                     .metrics = rt.metrics(),
                                     .rpc = rt.RpcOf<customers::v1::LoyaltyService>(),
                                     .policy = loyalty_policy});
  // Points and tiers follow what other services report.
  customers::ConsumeLoyaltyEvents(rt, loyalty);

  customers::StaffServiceDeps staff_deps{.store = rt.store(),
                                         .staff = staff,
                                         .customers = customer_store,
                                         .sessions = sessions,
                                         .outbox = rt.outbox(),
                                         .clock = rt.clock(),
                                         .metrics = rt.metrics(),
                                         .hashing = hashing,
                                         .rpc = rt.RpcOf<customers::v1::StaffService>()};
  // Only an admin can make staff accounts, so the first one comes from configuration.
  if (!first_admin.email.empty()) {
    auto admin = customers::EnsureFirstAdmin(staff_deps, first_admin);
    if (!admin.ok()) {
      // A fresh status: the message says what to fix; the payload only serves clients.
      return platform::ExitForStartup(absl::Status(
          admin.status().code(),
          absl::StrCat("the first admin account (--admin-email, --admin-password) cannot be "
                       "made: ",
                       admin.status().message())));
    }
    const customers::v1::StaffRecord& record = admin->staff.record;
    platform::LogFields fields = {{"email", record.email()},
                                  {"staffId", record.staff_id()},
                                  {"role", customers::StaffRoleName(record.role())}};
    if (admin->created) {
      platform::LogInfo("first admin account created", fields);
    } else if (record.role() == customers::v1::Staff::admin) {
      platform::LogInfo("admin account already exists; left unchanged", fields);
    } else {
      platform::LogWarning("the --admin-email account exists but is not an admin; left unchanged",
                           fields);
    }
  } else {
    platform::LogInfo("no --admin-email given: no admin account made at start");
  }

  customers::CustomersService service({.customers = customer_store,
                                       .index = index,
                                       .staff = staff,
                                       .outbox = rt.outbox(),
                                       .clock = rt.clock(),
                                       .metrics = rt.metrics(),
                                       .hashing = hashing,
                                       .rpc = rt.RpcOf<customers::v1::CustomersService>(),
                                       .loyalty = &loyalty});
  auto auth = customers::AuthService::Create({.customers = customer_store,
                                              .staff = staff,
                                              .sessions = sessions,
                                              .throttle = throttle,
                                              .outbox = rt.outbox(),
                                              .clock = rt.clock(),
                                              .metrics = rt.metrics(),
                                              .tokens = tokens,
                                              .rpc = rt.RpcOf<customers::v1::AuthService>(),
                                              .hashing = hashing});
  if (!auth.ok()) return platform::ExitForStartup(auth.status());
  customers::PasswordService passwords({.customers = customer_store,
                                        .sessions = sessions,
                                        .resets = resets,
                                        .throttle = throttle,
                                        .outbox = rt.outbox(),
                                        .timers = rt.timers(),
                                        .clock = rt.clock(),
                                        .metrics = rt.metrics(),
                                        .hashing = hashing,
                                        .mailer = *mailer,
                                        .rpc = rt.RpcOf<customers::v1::PasswordService>()});
  customers::StaffService staff_service(staff_deps);
  customers::AddressService address_service({.customers = customer_store,
                                             .addresses = addresses,
                                             .clock = rt.clock(),
                                             .rpc = rt.RpcOf<customers::v1::AddressService>()});
  customers::EngagementService engagement({.store = rt.store(),
                                           .customers = customer_store,
                                           .wishlist = wishlist,
                                           .outbox = rt.outbox(),
                                           .clock = rt.clock(),
                                           .rpc = rt.RpcOf<customers::v1::EngagementService>()});
  customers::InteractionService interaction_service(
      {.customers = customer_store,
       .interactions = interactions,
       .outbox = rt.outbox(),
       .clock = rt.clock(),
       .rpc = rt.RpcOf<customers::v1::InteractionService>()});
  customers::OverviewService overview({.customers = service,
                                       .loyalty = loyalty,
                                       .interactions = interaction_service,
                                       .rpc = rt.RpcOf<customers::v1::OverviewService>()});
  customers::PrivacyService privacy({.customers = customer_store,
                                     .index = index,
                                     .sessions = sessions,
                                     .loyalty_store = loyalty_store,
                                     .addresses = addresses,
                                     .interactions = interactions,
                                     .engagement = engagement,
                                     .profiles = service,
                                     .loyalty = loyalty,
                                     .interaction_reader = interaction_service,
                                     .outbox = rt.outbox(),
                                     .clock = rt.clock(),
                                     .rpc = rt.RpcOf<customers::v1::PrivacyService>()});
  return rt.Serve({&service, auth->get(), &passwords, &staff_service, &address_service, &engagement,
                   &interaction_service, &loyalty, &overview, &privacy});
}
