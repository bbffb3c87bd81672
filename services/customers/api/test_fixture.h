// What the customers service's handler tests share: the platform's runtime (store with every
// column family, outbox, timers not started: tests fire them with FireDue, idempotency), the
// record stores,
// ES256 keys with a signer, verifier and session tokens, and the handler shapes (platform::Rpc)
// for any of the service's gRPC services with the session check wired as in main.cc. Each
// test's Server adds its own service, worker pool and InProcessServer on top.
//
//   World world;
//   std::string ann = world.AddCustomer("ann@example.com");
//   platform::Rpc rpc = world.Rpc<v1::PasswordService>(workers);
#pragma once

#include <google/protobuf/descriptor.h>
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "crm/events/v1/envelope.pb.h"
#include "customers/api/auth_service.h"
#include "customers/api/customers_service.h"
#include "customers/api/loyalty_service.h"
#include "customers/domain/password.h"
#include "customers/domain/registration.h"
#include "customers/domain/session_tokens.h"
#include "customers/store/customer_index.h"
#include "customers/store/customer_store.h"
#include "customers/store/login_throttle_store.h"
#include "customers/store/loyalty_store.h"
#include "customers/store/password_reset_store.h"
#include "customers/store/session_store.h"
#include "customers/store/staff_store.h"
#include "platform/base/errors.h"
#include "platform/base/ids.h"
#include "platform/events/outbox.h"
#include "platform/rpc/access_control.h"
#include "platform/rpc/grpc_status.h"
#include "platform/rpc/worker_pool.h"
#include "platform/runtime/rpc.h"
#include "platform/runtime/runtime.h"
#include "platform/store/entity.h"
#include "platform/store/idempotency.h"
#include "platform/store/timers.h"
#include "platform/testing/test_support.h"

namespace crm::customers::testing {

inline const absl::Time kNow = absl::FromUnixSeconds(1'700'000'000);
inline constexpr char kIssuer[] = "crm/customers";
inline constexpr char kPassword[] = "correct horse battery";
inline const PasswordHashing kFastHashing = {.ops_limit = 1, .mem_limit = 8192 * 1024};

class World {
 public:
  explicit World(LoginThrottlePolicy throttle_policy = {}) {
    // The platform's pieces come from a Runtime opened as main.cc opens it, with the test's
    // clock; it is never started (no gRPC server, relay or consumer: each test serves its own
    // services in-process and fires timers with FireDue).
    runtime =
        platform::testing::OpenTestRuntime(dir.path(), "customers", kColumnFamilies, clock, keys);
    store = &runtime->store();
    outbox = &runtime->outbox();
    timers = &runtime->timers();
    idempotency = &runtime->idempotency();
    metrics = &runtime->metrics();
    verifier = runtime->verifier();
    REQUIRE(verifier != nullptr);
    customers = std::make_unique<CustomerStore>(*store);
    staff = std::make_unique<StaffStore>(*store);
    sessions = std::make_unique<SessionStore>(*store, *timers);
    throttle = std::make_unique<LoginThrottleStore>(*store, *timers, throttle_policy);
    resets = std::make_unique<PasswordResetStore>(*store, *timers);
    loyalty = std::make_unique<LoyaltyStore>(*store);
    index = std::make_unique<CustomerIndex>(*store);
    auto made_signer =
        platform::TokenSigner::Create({.private_key_pem = keys.private_pem, .issuer = kIssuer});
    REQUIRE(made_signer.ok());
    signer.emplace(std::move(*made_signer));
    tokens = std::make_unique<SessionTokens>(SessionTokenOptions{.signer = *signer});
  }

  // AuthService on this world, as main.cc makes it; logins give real tokens and sessions.
  std::unique_ptr<AuthService> Auth(platform::WorkerPool& workers) {
    auto auth = AuthService::Create({.customers = *customers,
                                     .staff = *staff,
                                     .sessions = *sessions,
                                     .throttle = *throttle,
                                     .outbox = *outbox,
                                     .clock = clock,
                                     .metrics = *metrics,
                                     .tokens = *tokens,
                                     .rpc = Rpc<v1::AuthService>(workers),
                                     .hashing = kFastHashing});
    REQUIRE(auth.ok());
    return std::move(*auth);
  }

  // The handler shapes for `GrpcService` on this world, as the runtime makes them, refusing
  // tokens of ended sessions; expensive work goes to `workers`.
  template <typename GrpcService>
  platform::Rpc Rpc(platform::WorkerPool& workers) {
    return RpcFor(
        platform::DescriptorOf<GrpcService>(), workers,
        [this](const platform::TokenClaims& claims) { return sessions->CheckActive(claims); });
  }

  // The same, verifying tokens but reading no session, for tests that sign tokens directly
  // (SignedToken) instead of logging in.
  template <typename GrpcService>
  platform::Rpc RpcWithoutSessions(platform::WorkerPool& workers) {
    return RpcFor(platform::DescriptorOf<GrpcService>(), workers, nullptr);
  }

  // A bearer token for `subject` in `role`, signed directly (no session), valid for `ttl` from
  // the test clock.
  std::string SignedToken(const std::string& subject, const std::string& role,
                          absl::Duration ttl = absl::Minutes(15)) {
    absl::Time now = clock.Now();
    auto token = signer->Sign({.subject = subject,
                               .role = role,
                               .audience = "crm",
                               .issued_at = now,
                               .not_before = now,
                               .expires_at = now + ttl});
    REQUIRE(token.ok());
    return *token;
  }

  // What CustomersService needs from this world, as main.cc gives it (no loyalty reader), for
  // directly signed tokens.
  CustomersServiceDeps CustomersDeps(platform::WorkerPool& workers) {
    return {.customers = *customers,
            .index = *index,
            .staff = *staff,
            .outbox = *outbox,
            .clock = clock,
            .metrics = *metrics,
            .hashing = kFastHashing,
            .rpc = RpcWithoutSessions<v1::CustomersService>(workers)};
  }

  // What LoyaltyService needs from this world, with the default policy, for directly signed
  // tokens.
  LoyaltyServiceDeps LoyaltyDeps(platform::WorkerPool& workers) {
    return {.customers = *customers,
            .loyalty = *loyalty,
            .index = *index,
            .outbox = *outbox,
            .timers = *timers,
            .clock = clock,
            .metrics = *metrics,
            .rpc = RpcWithoutSessions<v1::LoyaltyService>(workers),
            .policy = LoyaltyPolicy::Default()};
  }

  // A registered customer, written as CreateCustomer writes one (lower-cased email index).
  std::string AddCustomer(const std::string& email, const std::string& password = kPassword,
                          int64_t token_version = 0) {
    store::v1::CustomerRecord record;
    record.set_customer_id(platform::NewId("c"));
    record.set_email(email);
    record.set_display_name("Ann Example");
    record.set_kind(v1::Customer::INDIVIDUAL);
    auto hash = HashPassword(password, kFastHashing);
    REQUIRE(hash.ok());
    record.set_password_hash(*hash);
    record.mutable_created_at()->set_seconds(absl::ToUnixSeconds(kNow));
    record.set_token_version(token_version);
    auto txn = store->Begin();
    REQUIRE(customers->Insert(*txn, record).ok());
    REQUIRE(txn->Commit().ok());
    return record.customer_id();
  }

  // A staff account, written as StaffService writes one (lower-cased email index).
  std::string AddStaff(const std::string& email, v1::Staff::Role role,
                       const std::string& password = kPassword, int64_t token_version = 0) {
    store::v1::StaffRecord record;
    record.set_staff_id(platform::NewId("st"));
    record.set_email(email);
    record.set_display_name("Bo Agent");
    record.set_role(role);
    auto hash = HashPassword(password, kFastHashing);
    REQUIRE(hash.ok());
    record.set_password_hash(*hash);
    record.mutable_created_at()->set_seconds(absl::ToUnixSeconds(kNow));
    record.set_token_version(token_version);
    auto txn = store->Begin();
    REQUIRE(staff->Insert(*txn, record).ok());
    REQUIRE(txn->Commit().ok());
    return record.staff_id();
  }

  // The customer's record with `change` applied, one version up.
  void ChangeCustomer(const std::string& customer_id,
                      const std::function<void(store::v1::CustomerRecord&)>& change) {
    auto txn = store->Begin();
    auto stored = customers->GetForUpdate(*txn, customer_id);
    REQUIRE(stored.ok());
    store::v1::CustomerRecord record = stored->record;
    change(record);
    REQUIRE(customers->Update(*txn, *stored, record).ok());
    REQUIRE(txn->Commit().ok());
  }

  // The staff record with `change` applied, stored as version 2.
  void ChangeStaff(const std::string& staff_id,
                   const std::function<void(store::v1::StaffRecord&)>& change) {
    auto stored = staff->Get(staff_id);
    REQUIRE(stored.ok());
    store::v1::StaffRecord record = stored->record;
    change(record);
    auto txn = store->Begin();
    REQUIRE(
        platform::WriteEntity(*txn, store->cf(kStaffCf), staff_id, 2, record.SerializeAsString())
            .ok());
    REQUIRE(txn->Commit().ok());
  }

  // The verified claims of an access token issued here.
  platform::TokenClaims Verify(const std::string& token) {
    auto claims = verifier->Verify(token, clock.Now());
    INFO(claims.status().ToString());
    REQUIRE(claims.ok());
    return *claims;
  }

  int Count(absl::string_view cf) {
    int count = 0;
    REQUIRE(store
                ->Scan(store->cf(cf), "", "",
                       [&](absl::string_view, absl::string_view) {
                         ++count;
                         return true;
                       })
                .ok());
    return count;
  }

  // What the outbox holds, in order.
  std::vector<events::v1::OutboxRecord> Events() { return platform::testing::OutboxEvents(*store); }

  double Metric(absl::string_view series) {
    return platform::testing::MetricValue(*metrics, series);
  }

  platform::Rpc RpcFor(const google::protobuf::ServiceDescriptor& service,
                       platform::WorkerPool& workers,
                       std::function<absl::Status(const platform::TokenClaims&)> check_session) {
    platform::AccessControl access(
        service, clock, {.verifier = verifier, .check_session = std::move(check_session)});
    REQUIRE(access.declarations().ok());
    return platform::Rpc(std::move(access),
                         {.store = *store, .idempotency = *idempotency, .workers = workers});
  }

  platform::testing::TempDir dir;
  platform::ManualClock clock{kNow};
  platform::testing::KeyPair keys = platform::testing::NewEs256Keys();
  std::unique_ptr<platform::Runtime> runtime;
  // The runtime's.
  platform::Metrics* metrics = nullptr;
  platform::Store* store = nullptr;
  platform::Outbox* outbox = nullptr;
  platform::Timers* timers = nullptr;
  platform::Idempotency* idempotency = nullptr;
  const platform::TokenVerifier* verifier = nullptr;
  std::unique_ptr<CustomerStore> customers;
  std::unique_ptr<StaffStore> staff;
  std::unique_ptr<SessionStore> sessions;
  std::unique_ptr<LoginThrottleStore> throttle;
  std::unique_ptr<PasswordResetStore> resets;
  std::unique_ptr<LoyaltyStore> loyalty;
  std::unique_ptr<CustomerIndex> index;
  std::optional<platform::TokenSigner> signer;
  std::unique_ptr<SessionTokens> tokens;
};

// A call's deadline and bearer token.
inline void Prepare(grpc::ClientContext& context, const std::string& bearer,
                    const std::string& idempotency_key = "") {
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  if (!bearer.empty()) context.AddMetadata("authorization", "Bearer " + bearer);
  if (!idempotency_key.empty()) context.AddMetadata("idempotency-key", idempotency_key);
}

inline std::string Describe(const grpc::Status& s) {
  return std::to_string(s.error_code()) + " " + s.error_message() + " reason " +
         platform::DetailsOf(s).reason();
}

inline std::string Reason(const grpc::Status& s) { return platform::DetailsOf(s).reason(); }

inline std::vector<std::string> Fields(const grpc::Status& s) {
  api::v1::ErrorDetails details = platform::DetailsOf(s);
  std::vector<std::string> fields;
  for (const auto& v : details.field_violations()) fields.push_back(v.field());
  return fields;
}

}  // namespace crm::customers::testing
