#include "customers/api/staff_service.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/synchronization/notification.h"
#include "customers/api/auth_service.h"
#include "customers/api/test_fixture.h"
#include "customers/domain/registration.h"
#include "platform/base/ids.h"
#include "platform/rpc/grpc_status.h"
#include "platform/store/timers.h"
#include "platform/testing/test_support.h"

namespace crm::customers {
namespace {

using google::protobuf::util::TimeUtil;
using platform::testing::WaitFor;
using testing::Describe;
using testing::Fields;
using testing::kFastHashing;
using testing::kNow;
using testing::kPassword;
using testing::Prepare;
using testing::Reason;

constexpr char kAdminEmail[] = "admin@crm.local";
constexpr char kAdminPassword[] = "first admin password";

// StaffService and AuthService on real platform pieces (testing::World), wired as main.cc wires
// them, served in-process on a free loopback port and called through real stubs. Tokens come
// from real logins.
class Server {
 public:
  explicit Server(platform::WorkerPoolOptions pool = {.threads = 2, .queue_capacity = 16})
      : workers_(pool) {
    staff_service_ = std::make_unique<StaffService>(Deps());
    auth_service_ = world_.Auth(workers_);

    server_ = std::make_unique<platform::testing::InProcessServer>(
        std::vector<grpc::Service*>{staff_service_.get(), auth_service_.get()});
    staff_stub_ = v1::StaffService::NewStub(server_->Channel());
    auth_stub_ = v1::AuthService::NewStub(server_->Channel());
  }

  StaffServiceDeps Deps() {
    return {.store = *world_.store,
            .staff = *world_.staff,
            .customers = *world_.customers,
            .sessions = *world_.sessions,
            .outbox = *world_.outbox,
            .clock = world_.clock,
            .metrics = *world_.metrics,
            .hashing = kFastHashing,
            .rpc = world_.Rpc<v1::StaffService>(workers_)};
  }

  // The access token of a login, failing the test when the login fails.
  std::string Login(const std::string& email, const std::string& password,
                    v1::TokenResponse* response = nullptr) {
    v1::TokenResponse local;
    if (response == nullptr) response = &local;
    grpc::Status s = TryLogin(email, password, response);
    INFO(email << ": " << s.error_message());
    REQUIRE(s.ok());
    return response->access_token();
  }

  grpc::Status TryLogin(const std::string& email, const std::string& password,
                        v1::TokenResponse* response) {
    grpc::ClientContext context;
    Prepare(context, "");
    v1::LoginRequest request;
    request.set_email(email);
    request.set_password(password);
    return auth_stub_->Login(&context, request, response);
  }

  // The first admin, as main.cc makes it, logged in.
  std::string AdminToken() {
    auto admin = EnsureFirstAdmin(Deps(), {.email = kAdminEmail, .password = kAdminPassword});
    REQUIRE(admin.ok());
    return Login(kAdminEmail, kAdminPassword);
  }

  // A registered customer, written as CreateCustomer writes one, logged in.
  std::string CustomerToken(const std::string& email) {
    world_.AddCustomer(email);
    return Login(email, kPassword);
  }

  // `bearer` empty: no token; `idempotency_key` empty: none.
  grpc::Status Create(const v1::CreateStaffRequest& request, const std::string& bearer,
                      v1::Staff* response, const std::string& idempotency_key = "") {
    grpc::ClientContext context;
    Prepare(context, bearer, idempotency_key);
    return staff_stub_->CreateStaff(&context, request, response);
  }

  grpc::Status Get(const std::string& staff_id, const std::string& bearer, v1::Staff* response) {
    grpc::ClientContext context;
    Prepare(context, bearer);
    v1::GetStaffRequest request;
    request.set_staff_id(staff_id);
    return staff_stub_->GetStaff(&context, request, response);
  }

  grpc::Status Update(const std::string& staff_id, const std::vector<std::string>& paths,
                      const v1::Staff& values, const std::string& bearer, v1::Staff* response) {
    grpc::ClientContext context;
    Prepare(context, bearer);
    v1::UpdateStaffRequest request;
    request.set_staff_id(staff_id);
    *request.mutable_staff() = values;
    for (const auto& path : paths) request.mutable_update_mask()->add_paths(path);
    return staff_stub_->UpdateStaff(&context, request, response);
  }

  // True while `bearer`'s session stands (a logout needs one); the logout then ends it.
  bool SessionStands(const std::string& bearer) {
    grpc::ClientContext context;
    Prepare(context, bearer);
    v1::LogoutResponse out;
    return auth_stub_->Logout(&context, v1::LogoutRequest(), &out).ok();
  }

  double Metric(absl::string_view series) { return world_.Metric(series); }
  testing::World& world() { return world_; }
  StaffStore& staff() { return *world_.staff; }
  platform::WorkerPool& workers() { return workers_; }

 private:
  testing::World world_;
  std::unique_ptr<StaffService> staff_service_;
  std::unique_ptr<AuthService> auth_service_;
  // Destroyed before the services and stores: it runs what is queued, which uses them.
  platform::WorkerPool workers_;
  // Declared after the services: shut down before they go.
  std::unique_ptr<platform::testing::InProcessServer> server_;
  std::unique_ptr<v1::StaffService::Stub> staff_stub_;
  std::unique_ptr<v1::AuthService::Stub> auth_stub_;
};

v1::CreateStaffRequest Request(const std::string& email, v1::Staff::Role role = v1::Staff::agent,
                               const std::string& password = kPassword,
                               const std::string& display_name = "Bo Agent") {
  v1::CreateStaffRequest r;
  r.set_email(email);
  r.set_password(password);
  r.set_display_name(display_name);
  r.set_role(role);
  return r;
}

TEST_CASE("An admin creates a staff account, which then logs in with its role", "[staff_service]") {
  Server server;
  std::string admin = server.AdminToken();

  v1::Staff created;
  grpc::Status s = server.Create(Request("Bo@Example.com"), admin, &created);
  INFO(Describe(s));
  REQUIRE(s.ok());
  CHECK(created.staff_id().rfind("st_", 0) == 0);
  CHECK(created.staff_id().size() == 23);      // "st_" and 20 characters
  CHECK(created.email() == "Bo@Example.com");  // as typed
  CHECK(created.display_name() == "Bo Agent");
  CHECK(created.role() == v1::Staff::agent);
  CHECK(created.etag() == "v1");
  CHECK(TimeUtil::TimestampToMicroseconds(created.created_at()) == absl::ToUnixMicros(kNow));
  CHECK(server.Metric("crm_staff_created_total") == 1);

  // The password is kept only as an argon2id hash of what was sent.
  auto stored = server.staff().Get(created.staff_id());
  REQUIRE(stored.ok());
  CHECK(stored->record.password_hash().rfind("$argon2id$", 0) == 0);
  CHECK(VerifyPassword(stored->record.password_hash(), kPassword));

  v1::TokenResponse login;
  server.Login("bo@example.com", kPassword, &login);
  CHECK(login.staff_id() == created.staff_id());
  CHECK(login.customer_id().empty());
  CHECK(login.role() == "agent");

  v1::Staff got;
  s = server.Get(created.staff_id(), admin, &got);
  INFO(Describe(s));
  REQUIRE(s.ok());
  CHECK(got.SerializeAsString() == created.SerializeAsString());

  // An analyst and another admin, who can create staff in turn.
  REQUIRE(server.Create(Request("ana@example.com", v1::Staff::analyst), admin, &created).ok());
  CHECK(created.role() == v1::Staff::analyst);
  REQUIRE(server.Create(Request("cy@example.com", v1::Staff::admin), admin, &created).ok());
  server.Login("ana@example.com", kPassword, &login);
  CHECK(login.role() == "analyst");
  std::string second_admin = server.Login("cy@example.com", kPassword, &login);
  CHECK(login.role() == "admin");
  CHECK(server.Create(Request("di@example.com"), second_admin, &created).ok());
}

TEST_CASE("Only admins create and read staff accounts", "[staff_service]") {
  Server server;
  std::string admin = server.AdminToken();
  v1::Staff agent_account, analyst_account, response;
  REQUIRE(server.Create(Request("bo@example.com"), admin, &agent_account).ok());
  REQUIRE(
      server.Create(Request("ana@example.com", v1::Staff::analyst), admin, &analyst_account).ok());
  std::string agent = server.Login("bo@example.com", kPassword);
  std::string analyst = server.Login("ana@example.com", kPassword);
  std::string customer = server.CustomerToken("ann@example.com");

  for (const std::string& token : {agent, analyst, customer}) {
    grpc::Status s = server.Create(Request("eve@example.com", v1::Staff::admin), token, &response);
    INFO(Describe(s));
    CHECK(s.error_code() == grpc::StatusCode::PERMISSION_DENIED);
    CHECK(Reason(s) == "ROLE_NOT_ALLOWED");
    s = server.Get(agent_account.staff_id(), token, &response);
    CHECK(s.error_code() == grpc::StatusCode::PERMISSION_DENIED);
  }

  grpc::Status s = server.Create(Request("eve@example.com", v1::Staff::admin), "", &response);
  INFO(Describe(s));
  CHECK(s.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(Reason(s) == "TOKEN_MISSING");
  s = server.Get(agent_account.staff_id(), "", &response);
  CHECK(s.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  s = server.Create(Request("eve@example.com", v1::Staff::admin), "not.a.token", &response);
  CHECK(s.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(Reason(s) == "TOKEN_INVALID");

  // Nothing was made by the refused calls.
  CHECK(server.staff().FindByEmail("eve@example.com").status().code() ==
        absl::StatusCode::kNotFound);
  CHECK(server.Metric("crm_staff_created_total") == 2);
}

TEST_CASE("A taken email is ALREADY_EXISTS / EMAIL_TAKEN naming email", "[staff_service]") {
  Server server;
  std::string admin = server.AdminToken();
  v1::Staff first, response;
  REQUIRE(server.Create(Request("bo@example.com"), admin, &first).ok());

  grpc::Status s = server.Create(Request("BO@example.com", v1::Staff::admin), admin, &response);
  INFO(Describe(s));
  CHECK(s.error_code() == grpc::StatusCode::ALREADY_EXISTS);
  CHECK(Reason(s) == "EMAIL_TAKEN");
  CHECK(Fields(s) == std::vector<std::string>{"email"});
  // The first account is untouched.
  auto stored = server.staff().FindByEmail("bo@example.com");
  REQUIRE(stored.ok());
  CHECK(stored->record.staff_id() == first.staff_id());
  CHECK(stored->record.role() == v1::Staff::agent);

  // The first admin's email, and a customer's: one email, one login.
  s = server.Create(Request(kAdminEmail), admin, &response);
  CHECK(s.error_code() == grpc::StatusCode::ALREADY_EXISTS);
  server.CustomerToken("ann@example.com");
  s = server.Create(Request("Ann@Example.com"), admin, &response);
  INFO(Describe(s));
  CHECK(s.error_code() == grpc::StatusCode::ALREADY_EXISTS);
  CHECK(Reason(s) == "EMAIL_TAKEN");
  CHECK(Fields(s) == std::vector<std::string>{"email"});
  v1::TokenResponse login;
  server.Login("ann@example.com", kPassword, &login);
  CHECK(login.role() == "customer");
}

TEST_CASE("Bad fields are INVALID_ARGUMENT naming each", "[staff_service]") {
  Server server;
  std::string admin = server.AdminToken();
  v1::Staff response;
  grpc::Status s = server.Create(
      Request("not an email", v1::Staff::ROLE_UNSPECIFIED, "short", "  "), admin, &response);
  INFO(Describe(s));
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(Reason(s) == "FIELD_INVALID");
  CHECK(Fields(s) == std::vector<std::string>{"email", "password", "displayName", "role"});

  v1::CreateStaffRequest unknown_role = Request("bo@example.com");
  unknown_role.set_role(static_cast<v1::Staff::Role>(42));
  s = server.Create(unknown_role, admin, &response);
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(Fields(s) == std::vector<std::string>{"role"});

  s = server.Get("", admin, &response);
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(Fields(s) == std::vector<std::string>{"staffId"});
  s = server.Get("st_00000000000000000000", admin, &response);
  CHECK(s.error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(Reason(s) == "STAFF_NOT_FOUND");
  CHECK(server.Metric("crm_staff_created_total") == 0);
}

TEST_CASE("A repeated Idempotency-Key answers the first account - with another body it is refused",
          "[staff_service]") {
  Server server;
  std::string admin = server.AdminToken();
  v1::Staff first, again, other;
  REQUIRE(server.Create(Request("bo@example.com"), admin, &first, "key-1").ok());
  grpc::Status s = server.Create(Request("bo@example.com"), admin, &again, "key-1");
  INFO(Describe(s));
  REQUIRE(s.ok());
  CHECK(again.SerializeAsString() == first.SerializeAsString());
  CHECK(server.Metric("crm_staff_created_total") == 1);

  s = server.Create(Request("cy@example.com"), admin, &other, "key-1");
  CHECK(s.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(Reason(s) == "IDEMPOTENCY_KEY_REUSED");
}

TEST_CASE("A busy worker pool answers CreateStaff with UNAVAILABLE / OVERLOADED at once",
          "[staff_service]") {
  Server server({.threads = 1, .queue_capacity = 1});
  std::string admin = server.AdminToken();
  absl::Notification started, release;
  std::atomic<int> filler_ran{0};
  REQUIRE(server.workers().Submit([&] {
    started.Notify();
    release.WaitForNotification();
  }));
  REQUIRE(started.WaitForNotificationWithTimeout(absl::Seconds(10)));
  REQUIRE(server.workers().Submit([&] { ++filler_ran; }));

  v1::Staff response;
  grpc::Status s = server.Create(Request("bo@example.com"), admin, &response);
  INFO(Describe(s));
  CHECK(s.error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(Reason(s) == "OVERLOADED");

  release.Notify();
  REQUIRE(WaitFor([&] { return filler_ran.load() == 1; }, absl::Seconds(10)));
  CHECK(server.Create(Request("bo@example.com"), admin, &response).ok());
}

TEST_CASE("The first admin is made once - a later start leaves its password alone",
          "[staff_service]") {
  Server server;
  auto first =
      EnsureFirstAdmin(server.Deps(), {.email = "Admin@CRM.local", .password = kAdminPassword});
  REQUIRE(first.ok());
  CHECK(first->created);
  CHECK(first->staff.record.role() == v1::Staff::admin);
  CHECK(first->staff.record.email() == "Admin@CRM.local");
  CHECK(first->staff.record.display_name() == "Administrator");
  CHECK(first->staff.record.staff_id().rfind("st_", 0) == 0);

  // A restart with another password (and the email in another letter case) changes nothing.
  auto second =
      EnsureFirstAdmin(server.Deps(), {.email = kAdminEmail, .password = "another password"});
  REQUIRE(second.ok());
  CHECK_FALSE(second->created);
  CHECK(second->staff.record.staff_id() == first->staff.record.staff_id());
  CHECK(second->staff.record.password_hash() == first->staff.record.password_hash());

  v1::TokenResponse login;
  server.Login(kAdminEmail, kAdminPassword, &login);
  CHECK(login.role() == "admin");
  CHECK(login.staff_id() == first->staff.record.staff_id());
  grpc::Status s = server.TryLogin(kAdminEmail, "another password", &login);
  CHECK(s.error_code() == grpc::StatusCode::UNAUTHENTICATED);
}

TEST_CASE("A first admin that would not pass CreateStaff stops the start", "[staff_service]") {
  Server server;
  auto bad = EnsureFirstAdmin(server.Deps(), {.email = "admin", .password = "short"});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == absl::StatusCode::kInvalidArgument);
  api::v1::ErrorDetails details = platform::DetailsOf(bad.status());
  REQUIRE(details.field_violations_size() == 2);
  CHECK(details.field_violations(0).field() == "email");
  CHECK(details.field_violations(1).field() == "password");
  CHECK(bad.status().message().find("short") == absl::string_view::npos);  // no password echoed

  // A customer's email cannot become the admin's.
  server.CustomerToken("ann@example.com");
  auto taken = EnsureFirstAdmin(server.Deps(), {.email = "ann@example.com", .password = kPassword});
  CHECK(taken.status().code() == absl::StatusCode::kAlreadyExists);
  CHECK(server.staff().FindByEmail("ann@example.com").status().code() ==
        absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace crm::customers

namespace crm::customers {
namespace {

TEST_CASE("An admin changes a role or offboards: the account's tokens stop at once",
          "[staff_service]") {
  Server server;
  std::string admin = server.AdminToken();
  v1::Staff bo;
  REQUIRE(server.Create(Request("bo@example.com"), admin, &bo).ok());
  CHECK(bo.active());
  std::string first = server.Login("bo@example.com", kPassword);

  v1::Staff analyst_role;
  analyst_role.set_role(v1::Staff::analyst);
  v1::Staff out;
  // Not for agents, and not with a bad role.
  CHECK(server.Update(bo.staff_id(), {"role"}, analyst_role, first, &out).error_code() ==
        grpc::StatusCode::PERMISSION_DENIED);
  v1::Staff no_role;
  CHECK(Fields(server.Update(bo.staff_id(), {"role"}, no_role, admin, &out)) ==
        std::vector<std::string>{"staff.role"});
  REQUIRE(server.Update(bo.staff_id(), {"role"}, analyst_role, admin, &out).ok());
  CHECK(out.role() == v1::Staff::analyst);
  CHECK_FALSE(server.SessionStands(first));  // the agent token is refused now
  v1::TokenResponse login;
  REQUIRE(server.TryLogin("bo@example.com", kPassword, &login).ok());
  CHECK(login.role() == "analyst");

  // Offboarding: the session ends and the account cannot log in again.
  v1::Staff inactive;
  inactive.set_active(false);
  REQUIRE(server.Update(bo.staff_id(), {"active"}, inactive, admin, &out).ok());
  CHECK_FALSE(out.active());
  CHECK_FALSE(server.SessionStands(login.access_token()));
  grpc::Status refused = server.TryLogin("bo@example.com", kPassword, &login);
  CHECK(Reason(refused) == "INVALID_CREDENTIALS");

  // An admin cannot demote or deactivate themselves.
  v1::Staff me;
  REQUIRE(server.Get(server.world().Verify(admin).subject, admin, &me).ok());
  grpc::Status self = server.Update(me.staff_id(), {"active"}, inactive, admin, &out);
  CHECK(Reason(self) == "SELF_CHANGE_REFUSED");
  v1::Staff renamed;
  renamed.set_display_name("Chief Admin");
  REQUIRE(server.Update(me.staff_id(), {"display_name"}, renamed, admin, &out).ok());
  CHECK(out.display_name() == "Chief Admin");
  CHECK(server.SessionStands(admin));  // a rename changes no rights
}

}  // namespace
}  // namespace crm::customers
