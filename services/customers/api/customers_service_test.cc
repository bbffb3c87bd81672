#include "customers/api/customers_service.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>
#include <stdlib.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "crm/events/v1/customers.pb.h"
#include "customers/api/test_fixture.h"
#include "customers/domain/password.h"
#include "customers/events/customer_events.h"
#include "platform/auth/tokens.h"
#include "platform/rpc/access_control.h"
#include "platform/rpc/grpc_status.h"
#include "platform/store/timers.h"
#include "platform/testing/test_support.h"

namespace crm::customers {
namespace {

using platform::testing::TempDir;
using platform::testing::WaitFor;

using google::protobuf::util::TimeUtil;

using testing::kNow;

// The real service on real platform pieces, served in-process on a free loopback port and
// called through a real stub.
class Server {
 public:
  explicit Server(platform::WorkerPoolOptions pool = {.threads = 2, .queue_capacity = 16})
      : workers_(pool) {
    // Tokens here are signed directly, without sessions: the session check is AuthService's
    // concern (auth_service_test, password_service_test).
    service_ = std::make_unique<CustomersService>(world_.CustomersDeps(workers_));

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
    return world_.SignedToken(subject, role);
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
  std::vector<events::v1::OutboxRecord> Events() { return world_.Events(); }

  // UpdateCustomer as `as_role` (a customer is `subject`), with `if_match` unless empty.
  grpc::Status Update(const v1::UpdateCustomerRequest& request, v1::Customer* response,
                      const std::string& if_match = "", const std::string& as_role = "customer",
                      const std::string& subject = "") {
    grpc::ClientContext context;
    testing::Prepare(context, Token(subject.empty() ? request.customer_id() : subject, as_role));
    if (!if_match.empty()) context.AddMetadata("if-match", if_match);
    return stub_->UpdateCustomer(&context, request, response);
  }

  platform::Outbox& outbox() { return *world_.outbox; }
  platform::WorkerPool& workers() { return workers_; }
  CustomerStore& customers() { return *world_.customers; }
  platform::ManualClock& clock() { return world_.clock; }
  platform::TokenSigner& signer() { return *world_.signer; }
  testing::World& world() { return world_; }

 private:
  testing::World world_;
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
  company.mutable_company()->set_name("Bob Trading Ltd");
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
  CHECK(record.topic() == "crm.customers.v1");
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

TEST_CASE("Registration is anonymous: a key another registration used first is no obstacle",
          "[customers_service]") {
  Server server;
  v1::Customer first, second, retry;
  // Whoever used the key first (a stranger, maybe on purpose), Bob's registration goes through:
  // anonymous keys are scoped by the request too.
  REQUIRE(server.Create(Request("ann@example.com"), &first, "key-1").ok());
  grpc::Status s = server.Create(Request("bob@example.com"), &second, "key-1");
  INFO(Describe(s));
  REQUIRE(s.ok());
  CHECK(second.email() == "bob@example.com");
  CHECK(second.customer_id() != first.customer_id());
  CHECK(server.outbox().depth() == 2);
  // Bob's retry is still answered from his stored answer.
  REQUIRE(server.Create(Request("bob@example.com"), &retry, "key-1").ok());
  CHECK(retry.customer_id() == second.customer_id());
  CHECK(server.outbox().depth() == 2);
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

TEST_CASE(
    "GetCustomer admits a customer to its own record only, staff to any, nobody without a valid "
    "token",
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
  // Only the gateway issues partner tokens: one from the customers issuer is not a token at all.
  CHECK(server.Get(bob.customer_id(), &read, "partner", "carrier-1").error_code() ==
        grpc::StatusCode::UNAUTHENTICATED);

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
  // The same key with another body is another (anonymous) request: it waits for room like any.
  CHECK(platform::DetailsOf(server.Create(Request("bob@example.com"), &other, "key-1")).reason() ==
        "OVERLOADED");
  release.Notify();
}

}  // namespace
}  // namespace crm::customers

namespace crm::customers {
namespace {

using testing::Fields;
using testing::Reason;

v1::UpdateCustomerRequest Patch(const std::string& customer_id,
                                const std::vector<std::string>& paths,
                                const std::function<void(v1::Customer&)>& set) {
  v1::UpdateCustomerRequest request;
  request.set_customer_id(customer_id);
  set(*request.mutable_customer());
  for (const auto& path : paths) request.mutable_update_mask()->add_paths(path);
  return request;
}

TEST_CASE("UpdateCustomer changes the masked fields, moves the etag and publishes the field names",
          "[customers_service][update]") {
  Server server;
  v1::CreateCustomerRequest company = Request("acme@example.com");
  company.set_kind(v1::Customer::COMPANY);
  company.mutable_company()->set_name("Acme Ltd");
  company.mutable_company()->set_business("widgets");
  v1::Customer created;
  REQUIRE(server.Create(company, &created).ok());
  CHECK(created.company().business() == "widgets");
  std::string id = created.customer_id();

  server.clock().Advance(absl::Minutes(1));
  v1::Customer updated;
  grpc::Status s = server.Update(Patch(id, {"phone", "company.name"},
                                       [](v1::Customer& c) {
                                         c.set_phone("+49 30 1234567");
                                         c.set_notes("not in the mask");
                                         c.mutable_company()->set_name("Acme Group");
                                       }),
                                 &updated, "\"v1\"");
  INFO(Describe(s));
  REQUIRE(s.ok());
  CHECK(updated.etag() == "v2");
  CHECK(updated.phone() == "+49 30 1234567");
  CHECK(updated.notes().empty());
  CHECK(updated.company().name() == "Acme Group");
  CHECK(updated.company().business() == "widgets");
  CHECK(TimeUtil::TimestampToMicroseconds(updated.updated_at()) ==
        absl::ToUnixMicros(kNow + absl::Minutes(1)));
  v1::Customer got;
  REQUIRE(server.Get(id, &got).ok());
  CHECK(got.SerializeAsString() == updated.SerializeAsString());

  auto events = server.Events();
  REQUIRE(events.size() == 2);
  CHECK(events[1].envelope().type() == "crm.events.v1.CustomerProfileChanged");
  events::v1::CustomerProfileChanged changed;
  REQUIRE(events[1].envelope().payload().UnpackTo(&changed));
  CHECK(
      std::vector<std::string>(changed.changed_fields().begin(), changed.changed_fields().end()) ==
      std::vector<std::string>{"phone", "company.name"});
  CHECK(events[1].envelope().SerializeAsString().find("Acme Group") == std::string::npos);
}

TEST_CASE("A stale If-Match is FAILED_PRECONDITION and changes nothing",
          "[customers_service][update]") {
  Server server;
  v1::Customer created;
  REQUIRE(server.Create(Request("ann@example.com"), &created).ok());
  auto phone = [](const std::string& number) {
    return [number](v1::Customer& c) { c.set_phone(number); };
  };
  v1::Customer updated;
  REQUIRE(
      server.Update(Patch(created.customer_id(), {"phone"}, phone("11111")), &updated, "v1").ok());
  grpc::Status stale =
      server.Update(Patch(created.customer_id(), {"phone"}, phone("22222")), &updated, "v1");
  CHECK(stale.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(Reason(stale) == "ETAG_MISMATCH");
  v1::Customer got;
  REQUIRE(server.Get(created.customer_id(), &got).ok());
  CHECK(got.phone() == "11111");
  CHECK(got.etag() == "v2");
  // Without If-Match the update applies unconditionally.
  REQUIRE(server.Update(Patch(created.customer_id(), {"phone"}, phone("33333")), &updated).ok());
  CHECK(updated.etag() == "v3");
}

TEST_CASE("Bad updates are INVALID_ARGUMENT naming the field and change nothing",
          "[customers_service][update]") {
  Server server;
  v1::Customer created;
  REQUIRE(server.Create(Request("ann@example.com"), &created).ok());
  std::string id = created.customer_id();
  v1::Customer out;
  auto fields = [&](const v1::UpdateCustomerRequest& request) {
    grpc::Status s = server.Update(request, &out);
    CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    return Fields(s);
  };
  using Names = std::vector<std::string>;
  CHECK(fields(Patch(id, {"email"}, [](v1::Customer& c) { c.set_email("x@example.com"); })) ==
        Names{"updateMask"});
  CHECK(fields(Patch(id, {}, [](v1::Customer& c) { c.set_phone("12345"); })) ==
        Names{"updateMask"});
  CHECK(fields(Patch(id, {"phone", "birth_date"}, [](v1::Customer& c) {
          c.set_phone("call me");
          c.set_birth_date("2999-01-01");
        })) == Names{"customer.phone", "customer.birthDate"});
  CHECK(fields(Patch(id, {"display_name"}, [](v1::Customer&) {})) == Names{"customer.displayName"});
  CHECK(fields(Patch(id, {"company"}, [](v1::Customer& c) {
          c.mutable_company()->set_name("Acme");
        })) == Names{"customer.company"});

  v1::Customer got;
  REQUIRE(server.Get(id, &got).ok());
  CHECK(got.etag() == "v1");
  CHECK(server.Events().size() == 1);
}

TEST_CASE("UpdateCustomer: the customer itself, agents and admins - not analysts, not others",
          "[customers_service][update]") {
  Server server;
  v1::Customer ann;
  REQUIRE(server.Create(Request("ann@example.com"), &ann).ok());
  v1::Customer out;
  auto occupation = Patch(ann.customer_id(), {"occupation"},
                          [](v1::Customer& c) { c.set_occupation("Engineer"); });
  CHECK(server.Update(occupation, &out, "", "customer", "c_someone_else").error_code() ==
        grpc::StatusCode::NOT_FOUND);
  CHECK(server.Update(occupation, &out, "", "analyst", "st_analyst").error_code() ==
        grpc::StatusCode::PERMISSION_DENIED);
  CHECK(server.Update(occupation, &out, "", "agent", "st_agent").ok());
  CHECK(server.Update(occupation, &out, "", "admin", "st_admin").ok());
  CHECK(server
            .Update(Patch("c_missing", {"occupation"}, [](v1::Customer&) {}), &out, "", "agent",
                    "st_agent")
            .error_code() == grpc::StatusCode::NOT_FOUND);
}

TEST_CASE("Registration takes the optional profile fields and checks them", "[customers_service]") {
  Server server;
  v1::CreateCustomerRequest request = Request("ann@example.com");
  request.set_phone("+49 30 1234567");
  request.set_birth_date("1990-05-17");
  request.add_interests("cycling");
  v1::Customer created;
  REQUIRE(server.Create(request, &created).ok());
  CHECK(created.phone() == "+49 30 1234567");
  CHECK(created.birth_date() == "1990-05-17");
  CHECK(created.interests_size() == 1);

  v1::CreateCustomerRequest bad = Request("bo@example.com");
  bad.set_mobile("x");
  bad.mutable_company()->set_name("Acme");
  grpc::Status s = server.Create(bad, &created);
  CHECK(Fields(s) == std::vector<std::string>{"mobile", "company"});

  v1::CreateCustomerRequest nameless = Request("cy@example.com");
  nameless.set_kind(v1::Customer::COMPANY);
  CHECK(Fields(server.Create(nameless, &created)) == std::vector<std::string>{"company.name"});
}

TEST_CASE("A staff member's email cannot be registered as a customer", "[customers_service]") {
  Server server;
  server.world().AddStaff("Bo@CRM.example", v1::Staff::agent);
  v1::Customer created;
  grpc::Status s = server.Create(Request("bo@crm.example"), &created);
  CHECK(s.error_code() == grpc::StatusCode::ALREADY_EXISTS);
  CHECK(Reason(s) == "EMAIL_TAKEN");
}

}  // namespace
}  // namespace crm::customers
