#include "customers/api/customers_service.h"

#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>
#include <stdlib.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "crm/events/v1/customers.pb.h"
#include "customers/domain/password.h"
#include "customers/events/customer_events.h"
#include "platform/grpc_status.h"
#include "platform/test_support.h"
#include "platform/timers.h"
#include "platform/access_control.h"
#include "platform/tokens.h"
#include <google/protobuf/descriptor.h>
#include <optional>

namespace crm::customers {
namespace {

using platform::testing::TempDir;
using platform::testing::WaitFor;

using google::protobuf::util::TimeUtil;

const absl::Time kNow = absl::FromUnixSeconds(1'700'000'000);

// The real service on real platform pieces, served in-process on a free loopback port and
// called through a real stub.
class Server {
 public:
  explicit Server(platform::WorkerPoolOptions pool = {.threads = 2, .queue_capacity = 16})
      : workers_(pool) {
    auto store = platform::Store::Open({.path = dir_.path(), .column_families = kColumnFamilies});
    REQUIRE(store.ok());
    store_ = std::move(*store);
    auto outbox = platform::Outbox::Open(*store_, clock_, *metrics_, {.source = "crm/customers"});
    REQUIRE(outbox.ok());
    outbox_ = std::move(*outbox);
    timers_ = std::make_unique<platform::Timers>(*store_, clock_, *metrics_);
    idempotency_ = std::make_unique<platform::Idempotency>(*store_, *timers_, clock_);
    customers_ = std::make_unique<CustomerStore>(*store_);
    platform::testing::KeyPair keys = platform::testing::NewEs256Keys();
    signer_ = std::make_unique<platform::TokenSigner>(
        *platform::TokenSigner::Create({.private_key_pem = keys.private_pem, .issuer = "crm/customers"}));
    verifier_ = std::make_unique<platform::TokenVerifier>(*platform::TokenVerifier::Create(
        {.issuers = {{"crm/customers", keys.public_pem}}, .audience = "crm"}));
    access_ = std::make_unique<platform::AccessControl>(
        *google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
            "crm.customers.v1.CustomersService"),
        clock_, platform::AccessControlOptions{.verifier = verifier_.get()});
    service_ = std::make_unique<CustomersService>(
        CustomersServiceDeps{.store = *store_,
                             .customers = *customers_,
                             .outbox = *outbox_,
                             .idempotency = *idempotency_,
                             .workers = workers_,
                             .clock = clock_,
                             .metrics = *metrics_,
                             .hashing = {.ops_limit = 1, .mem_limit = 8192 * 1024},
                             .access = *access_});

    server_ = std::make_unique<platform::testing::InProcessServer>(
        std::vector<grpc::Service*>{service_.get()});
    stub_ = v1::CustomersService::NewStub(server_->Channel());
  }

  // One CreateCustomer call; `idempotency_key` empty: none sent.
  grpc::Status Create(const v1::CreateCustomerRequest& request, v1::Customer* response,
                      const std::string& idempotency_key = "", const std::string& request_id = "") {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    if (!idempotency_key.empty()) context.AddMetadata("idempotency-key", idempotency_key);
    if (!request_id.empty()) context.AddMetadata("x-request-id", request_id);
    return stub_->CreateCustomer(&context, request, response);
  }

  // A bearer token for `subject` in `role`, valid for 15 minutes from the test clock.
  std::string Token(const std::string& subject, const std::string& role) {
    auto token = signer_->Sign({.subject = subject,
                                .role = role,
                                .audience = "crm",
                                .issued_at = clock_.Now(),
                                .not_before = clock_.Now(),
                                .expires_at = clock_.Now() + absl::Minutes(15)});
    REQUIRE(token.ok());
    return *token;
  }

  // GetCustomer as `as_role` (an agent by default; a customer is `subject`); `token` given:
  // sent as is, "" for none.
  grpc::Status Get(const std::string& customer_id, v1::Customer* response,
                   const std::string& as_role = "agent", const std::string& subject = "s_agent",
                   std::optional<std::string> token = std::nullopt) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    std::string bearer = token ? *token : Token(subject, as_role);
    if (!bearer.empty()) context.AddMetadata("authorization", "Bearer " + bearer);
    v1::GetCustomerRequest request;
    request.set_customer_id(customer_id);
    return stub_->GetCustomer(&context, request, response);
  }

  // The events waiting in the outbox, in order.
  std::vector<events::v1::OutboxRecord> Events() {
    std::vector<events::v1::OutboxRecord> records;
    REQUIRE(store_
                ->Scan(store_->cf(platform::kOutboxCf), "", "",
                       [&](absl::string_view, absl::string_view value) {
                         events::v1::OutboxRecord record;
                         REQUIRE(
                             record.ParseFromArray(value.data(), static_cast<int>(value.size())));
                         records.push_back(std::move(record));
                         return true;
                       })
                .ok());
    return records;
  }

  platform::Outbox& outbox() { return *outbox_; }
  platform::WorkerPool& workers() { return workers_; }
  CustomerStore& customers() { return *customers_; }
  platform::ManualClock& clock() { return clock_; }
  platform::TokenSigner& signer() { return *signer_; }

 private:
  TempDir dir_;
  platform::ManualClock clock_{kNow};
  std::unique_ptr<platform::Metrics> metrics_ = platform::Metrics::InMemory();
  std::unique_ptr<platform::Store> store_;
  std::unique_ptr<platform::Outbox> outbox_;
  std::unique_ptr<platform::Timers> timers_;
  std::unique_ptr<platform::Idempotency> idempotency_;
  std::unique_ptr<CustomerStore> customers_;
  std::unique_ptr<platform::TokenSigner> signer_;
  std::unique_ptr<platform::TokenVerifier> verifier_;
  std::unique_ptr<platform::AccessControl> access_;
  // Destroyed before the service and store: it runs what is queued, which uses them.
  platform::WorkerPool workers_;
  std::unique_ptr<CustomersService> service_;
  // Declared after the services: shut down before they go.
  std::unique_ptr<platform::testing::InProcessServer> server_;
  std::unique_ptr<v1::CustomersService::Stub> stub_;
};

v1::CreateCustomerRequest Request(const std::string& email,
                                  const std::string& password = "correct horse battery",
                                  const std::string& display_name = "Ann Example") {
  v1::CreateCustomerRequest r;
  r.set_email(email);
  r.set_password(password);
  r.set_display_name(display_name);
  return r;
}

std::string Describe(const grpc::Status& s) {
  return std::to_string(s.error_code()) + " " + s.error_message() + " reason " +
         platform::DetailsOf(s).reason();
}

TEST_CASE("CreateCustomer then GetCustomer", "[customers_service]") {
  Server server;
  v1::Customer created;
  grpc::Status s = server.Create(Request("Ann@Example.com"), &created);
  INFO(Describe(s));
  REQUIRE(s.ok());
  CHECK(created.customer_id().rfind("c_", 0) == 0);
  CHECK(created.customer_id().size() == 22);
  CHECK(created.email() == "Ann@Example.com");  // as typed
  CHECK(created.display_name() == "Ann Example");
  CHECK(created.kind() == v1::Customer::INDIVIDUAL);  // the default
  CHECK(created.etag() == "v1");
  CHECK(TimeUtil::TimestampToMicroseconds(created.created_at()) == absl::ToUnixMicros(kNow));

  v1::Customer got;
  s = server.Get(created.customer_id(), &got);
  INFO(Describe(s));
  REQUIRE(s.ok());
  CHECK(got.SerializeAsString() == created.SerializeAsString());

  // The password is kept only as an argon2id hash of what was sent.
  auto stored = server.customers().Get(created.customer_id());
  REQUIRE(stored.ok());
  CHECK(stored->record.password_hash().rfind("$argon2id$", 0) == 0);
  CHECK(VerifyPassword(stored->record.password_hash(), "correct horse battery"));

  v1::CreateCustomerRequest company = Request("bob@example.com");
  company.set_kind(v1::Customer::COMPANY);
  v1::Customer bob;
  REQUIRE(server.Create(company, &bob).ok());
  CHECK(bob.kind() == v1::Customer::COMPANY);
  CHECK(bob.customer_id() != created.customer_id());
}

TEST_CASE("A registration puts one CustomerRegistered event about the customer in the outbox",
          "[customers_service]") {
  Server server;
  v1::Customer created;
  grpc::Status s = server.Create(Request("ann@example.com"), &created, "", "req-42");
  INFO(Describe(s));
  REQUIRE(s.ok());
  CHECK(server.outbox().depth() == 1);

  auto events = server.Events();
  REQUIRE(events.size() == 1);
  const events::v1::OutboxRecord& record = events[0];
  CHECK(record.topic() == kCustomersTopic);
  CHECK(record.key() == created.customer_id());
  const events::v1::EventEnvelope& envelope = record.envelope();
  CHECK(envelope.type() == "crm.events.v1.CustomerRegistered");
  CHECK(envelope.source() == "crm/customers");
  CHECK(envelope.subject() == created.customer_id());
  CHECK(envelope.request_id() == "req-42");
  CHECK(TimeUtil::TimestampToMicroseconds(envelope.time()) == absl::ToUnixMicros(kNow));
  events::v1::CustomerRegistered event;
  REQUIRE(envelope.payload().UnpackTo(&event));
  CHECK(event.customer_id() == created.customer_id());
  CHECK(event.kind() == "INDIVIDUAL");
  CHECK(TimeUtil::TimestampToMicroseconds(event.registered_at()) == absl::ToUnixMicros(kNow));
  // No personal data in the event.
  CHECK(envelope.SerializeAsString().find("ann@example.com") == std::string::npos);
}

TEST_CASE("Invalid input is INVALID_ARGUMENT naming the fields and creates nothing",
          "[customers_service]") {
  Server server;
  v1::Customer response;
  grpc::Status s = server.Create(Request("ann.example.com"), &response);
  INFO(Describe(s));
  REQUIRE(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  auto details = platform::DetailsOf(s);
  CHECK(details.reason() == "FIELD_INVALID");
  REQUIRE(details.field_violations_size() == 1);
  CHECK(details.field_violations(0).field() == "email");
  CHECK(server.outbox().depth() == 0);
  CHECK(server.Events().empty());

  v1::CreateCustomerRequest everything_wrong = Request("@", "short", "");
  everything_wrong.set_kind(static_cast<v1::Customer::Kind>(7));
  s = server.Create(everything_wrong, &response);
  REQUIRE(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  details = platform::DetailsOf(s);
  std::vector<std::string> fields;
  for (const auto& v : details.field_violations()) fields.push_back(v.field());
  CHECK(fields == std::vector<std::string>{"email", "password", "displayName", "kind"});
  CHECK(server.outbox().depth() == 0);

  // The address still free: a valid registration with it works.
  REQUIRE(server.Create(Request("ann@example.com"), &response).ok());
  CHECK(server.outbox().depth() == 1);
}

TEST_CASE("An email taken in another letter case is ALREADY_EXISTS / EMAIL_TAKEN",
          "[customers_service]") {
  Server server;
  v1::Customer first;
  REQUIRE(server.Create(Request("ann@example.com"), &first).ok());

  v1::Customer second;
  grpc::Status s = server.Create(Request("ANN@Example.com", "another password"), &second);
  INFO(Describe(s));
  REQUIRE(s.error_code() == grpc::StatusCode::ALREADY_EXISTS);
  auto details = platform::DetailsOf(s);
  CHECK(details.reason() == "EMAIL_TAKEN");
  REQUIRE(details.field_violations_size() == 1);
  CHECK(details.field_violations(0).field() == "email");
  CHECK(server.outbox().depth() == 1);
}

TEST_CASE("GetCustomer of an unknown or missing id", "[customers_service]") {
  Server server;
  v1::Customer response;
  grpc::Status s = server.Get("c_00000000000000000000", &response);
  REQUIRE(s.error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(platform::DetailsOf(s).reason() == "CUSTOMER_NOT_FOUND");

  s = server.Get("", &response);
  REQUIRE(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  auto details = platform::DetailsOf(s);
  REQUIRE(details.field_violations_size() == 1);
  CHECK(details.field_violations(0).field() == "customerId");
}

TEST_CASE("A repeated Idempotency-Key with the same body gets the first answer",
          "[customers_service]") {
  Server server;
  v1::Customer first, second;
  REQUIRE(server.Create(Request("ann@example.com"), &first, "key-1").ok());
  server.clock().Advance(absl::Minutes(5));
  grpc::Status s = server.Create(Request("ann@example.com"), &second, "key-1");
  INFO(Describe(s));
  REQUIRE(s.ok());
  CHECK(second.SerializeAsString() == first.SerializeAsString());
  CHECK(server.outbox().depth() == 1);

  // Without the key, the same body is a second registration of a taken email.
  v1::Customer third;
  CHECK(server.Create(Request("ann@example.com"), &third).error_code() ==
        grpc::StatusCode::ALREADY_EXISTS);
}

TEST_CASE("A repeated Idempotency-Key with another body is FAILED_PRECONDITION",
          "[customers_service]") {
  Server server;
  v1::Customer first, second;
  REQUIRE(server.Create(Request("ann@example.com"), &first, "key-1").ok());
  grpc::Status s = server.Create(Request("bob@example.com"), &second, "key-1");
  INFO(Describe(s));
  REQUIRE(s.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(platform::DetailsOf(s).reason() == "IDEMPOTENCY_KEY_REUSED");
  CHECK(server.outbox().depth() == 1);
}

TEST_CASE("A busy worker pool answers UNAVAILABLE / OVERLOADED at once", "[customers_service]") {
  // One worker and room for one waiting task.
  Server server({.threads = 1, .queue_capacity = 1});
  absl::Notification started, release;
  std::atomic<int> filler_ran{0};
  REQUIRE(server.workers().Submit([&] {
    started.Notify();
    release.WaitForNotification();
  }));
  REQUIRE(started.WaitForNotificationWithTimeout(absl::Seconds(10)));
  REQUIRE(server.workers().Submit([&] { ++filler_ran; }));

  v1::Customer response;
  grpc::Status s = server.Create(Request("ann@example.com"), &response);
  INFO(Describe(s));
  CHECK(s.error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(platform::DetailsOf(s).reason() == "OVERLOADED");
  CHECK(server.outbox().depth() == 0);

  // A refused request with an Idempotency-Key does not hold the key.
  s = server.Create(Request("ann@example.com"), &response, "key-1");
  CHECK(platform::DetailsOf(s).reason() == "OVERLOADED");

  release.Notify();
  REQUIRE(WaitFor([&] { return filler_ran.load() == 1; }, absl::Seconds(10)));
  s = server.Create(Request("ann@example.com"), &response, "key-1");
  INFO(Describe(s));
  CHECK(s.ok());
  CHECK(server.outbox().depth() == 1);
}

TEST_CASE("GetCustomer admits a customer to its own record only, staff to any, nobody without a valid token",
          "[customers_service][access]") {
  Server server;
  v1::Customer ann, bob, read;
  REQUIRE(server.Create(Request("ann@example.com"), &ann).ok());
  REQUIRE(server.Create(Request("bob@example.com"), &bob).ok());

  CHECK(server.Get(ann.customer_id(), &read, "customer", ann.customer_id()).ok());
  CHECK(read.email() == "ann@example.com");
  grpc::Status other = server.Get(bob.customer_id(), &read, "customer", ann.customer_id());
  CHECK(other.error_code() == grpc::StatusCode::NOT_FOUND);  // exactly like a missing record
  for (const char* staff : {"agent", "analyst", "admin"}) {
    CHECK(server.Get(bob.customer_id(), &read, staff, "s_1").ok());
  }
  CHECK(server.Get(bob.customer_id(), &read, "partner", "carrier-1").error_code() ==
        grpc::StatusCode::PERMISSION_DENIED);

  grpc::Status none = server.Get(ann.customer_id(), &read, "", "", std::string());
  CHECK(none.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(platform::DetailsOf(none).reason() == "TOKEN_MISSING");
  std::string token = server.Token(ann.customer_id(), "customer");
  std::string tampered = token.substr(0, token.size() - 4) + "AAAA";
  CHECK(server.Get(ann.customer_id(), &read, "", "", tampered).error_code() ==
        grpc::StatusCode::UNAUTHENTICATED);
  server.clock().Advance(absl::Minutes(20));
  grpc::Status expired = server.Get(ann.customer_id(), &read, "", "", token);
  CHECK(platform::DetailsOf(expired).reason() == "TOKEN_EXPIRED");
}

TEST_CASE("A retry with a stored answer is answered even while the pool is full",
          "[customers_service]") {
  Server server({.threads = 1, .queue_capacity = 1});
  v1::Customer first, retry, other;
  REQUIRE(server.Create(Request("ann@example.com"), &first, "key-1").ok());

  absl::Notification started, release;
  REQUIRE(server.workers().Submit([&] {
    started.Notify();
    release.WaitForNotification();
  }));
  REQUIRE(started.WaitForNotificationWithTimeout(absl::Seconds(10)));
  REQUIRE(server.workers().Submit([] {}));

  grpc::Status s = server.Create(Request("ann@example.com"), &retry, "key-1");
  INFO(Describe(s));
  CHECK(s.ok());
  CHECK(retry.SerializeAsString() == first.SerializeAsString());
  // The same key with another body is refused at once too, not OVERLOADED.
  CHECK(platform::DetailsOf(server.Create(Request("bob@example.com"), &other, "key-1"))
            .reason() == "IDEMPOTENCY_KEY_REUSED");
  release.Notify();
}

}  // namespace
}  // namespace crm::customers
