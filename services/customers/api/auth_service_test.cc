#include "customers/api/auth_service.h"

#include <google/protobuf/descriptor.h>
#include <grpcpp/grpcpp.h>
#include <sodium.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/synchronization/notification.h"
#include "customers/api/test_fixture.h"
#include "customers/domain/password.h"
#include "customers/domain/registration.h"
#include "platform/base/errors.h"
#include "platform/base/ids.h"
#include "platform/rpc/grpc_status.h"
#include "platform/store/entity.h"
#include "platform/testing/test_support.h"

namespace crm::customers {
namespace {

using platform::testing::KeyPair;
using platform::testing::NewEs256Keys;
using platform::testing::WaitFor;

using testing::Describe;
using testing::Fields;
using testing::kFastHashing;
using testing::kIssuer;
using testing::kNow;
using testing::kPassword;
using testing::Prepare;
using testing::Reason;

// AuthService on real platform pieces (testing::World), served in-process on a free loopback
// port and called through a real stub.
class Server {
 public:
  explicit Server(platform::WorkerPoolOptions pool = {.threads = 2, .queue_capacity = 16},
                  LoginThrottlePolicy throttle = {})
      : world_(throttle), workers_(pool) {
    service_ = world_.Auth(workers_);
    server_ = std::make_unique<platform::testing::InProcessServer>(
        std::vector<grpc::Service*>{service_.get()});
    stub_ = v1::AuthService::NewStub(server_->Channel());
  }

  std::string AddCustomer(const std::string& email, const std::string& password = kPassword,
                          int64_t token_version = 0) {
    return world_.AddCustomer(email, password, token_version);
  }
  std::string AddStaff(const std::string& email, v1::Staff::Role role,
                       const std::string& password = kPassword, int64_t token_version = 0) {
    return world_.AddStaff(email, role, password, token_version);
  }
  // What a password change does to the record: a new token version.
  void BumpTokenVersion(const std::string& customer_id) {
    world_.ChangeCustomer(customer_id, [](store::v1::CustomerRecord& r) {
      r.set_token_version(r.token_version() + 1);
    });
  }
  void ChangeStaff(const std::string& staff_id,
                   const std::function<void(store::v1::StaffRecord&)>& change) {
    world_.ChangeStaff(staff_id, change);
  }

  grpc::Status Login(const std::string& email, const std::string& password,
                     v1::TokenResponse* response, const std::string& bearer = "") {
    grpc::ClientContext context;
    Prepare(context, bearer);
    v1::LoginRequest request;
    request.set_email(email);
    request.set_password(password);
    return stub_->Login(&context, request, response);
  }

  grpc::Status Refresh(const std::string& refresh_token, v1::TokenResponse* response) {
    grpc::ClientContext context;
    Prepare(context, "");
    v1::RefreshTokenRequest request;
    request.set_refresh_token(refresh_token);
    return stub_->RefreshToken(&context, request, response);
  }

  // `bearer` empty: no authorization metadata.
  grpc::Status Logout(const std::string& bearer) {
    grpc::ClientContext context;
    Prepare(context, bearer);
    v1::LogoutResponse response;
    return stub_->Logout(&context, v1::LogoutRequest(), &response);
  }

  platform::TokenClaims Verify(const std::string& token) { return world_.Verify(token); }
  int SessionCount() { return world_.Count(kSessionsCf); }
  double Metric(absl::string_view series) { return world_.Metric(series); }

  SessionStore& sessions() { return *world_.sessions; }
  platform::ManualClock& clock() { return world_.clock; }
  platform::WorkerPool& workers() { return workers_; }
  testing::World& world() { return world_; }

 private:
  testing::World world_;
  std::unique_ptr<AuthService> service_;
  // Destroyed before the service and stores: it runs what is queued, which uses them.
  platform::WorkerPool workers_;
  // Declared after the services: shut down before they go.
  std::unique_ptr<platform::testing::InProcessServer> server_;
  std::unique_ptr<v1::AuthService::Stub> stub_;
};

std::string SessionIdOf(const std::string& refresh_token) {
  return refresh_token.substr(0, refresh_token.find('.'));
}

void RequireRefused(const grpc::Status& s) {
  INFO(Describe(s));
  REQUIRE(s.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(Reason(s) == "REFRESH_TOKEN_INVALID");
}

TEST_CASE("Login answers an access token the verifier accepts and a refresh token",
          "[auth_service]") {
  Server server;
  std::string customer_id = server.AddCustomer("Ann@Example.com", kPassword, 3);

  v1::TokenResponse response;
  grpc::Status s = server.Login("ann@EXAMPLE.com", kPassword, &response);  // any letter case
  INFO(Describe(s));
  REQUIRE(s.ok());
  CHECK(response.token_type() == "Bearer");
  CHECK(response.expires_in() == 900);
  CHECK(response.customer_id() == customer_id);
  CHECK(response.staff_id().empty());
  CHECK(response.role() == "customer");

  platform::TokenClaims claims = server.Verify(response.access_token());
  CHECK(claims.subject == customer_id);
  CHECK(claims.role == "customer");
  CHECK(claims.issuer == kIssuer);
  CHECK(claims.audience == "crm");
  CHECK(claims.issued_at == kNow);
  CHECK(claims.expires_at == kNow + absl::Minutes(15));
  CHECK(claims.token_version == 3);
  CHECK(claims.session_id.rfind("s_", 0) == 0);
  CHECK(SessionIdOf(response.refresh_token()) == claims.session_id);
  CHECK(server.sessions().CheckActive(claims).ok());

  // The session keeps only the SHA-256 of the refresh token's secret.
  auto session = server.sessions().Get(claims.session_id);
  REQUIRE(session.ok());
  CHECK(session->subject() == customer_id);
  CHECK(session->role() == "customer");
  CHECK(session->token_version() == 3);
  CHECK_FALSE(session->revoked());
  std::string secret;
  REQUIRE(absl::WebSafeBase64Unescape(response.refresh_token().substr(claims.session_id.size() + 1),
                                      &secret));
  REQUIRE(secret.size() == 32);
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  CHECK(session->refresh_secret_hash() == std::string(reinterpret_cast<char*>(digest), 32));
  CHECK(session->SerializeAsString().find(secret) == std::string::npos);
  CHECK(session->refresh_expires_at().seconds() == absl::ToUnixSeconds(kNow + absl::Hours(720)));

  CHECK(server.Metric("crm_auth_logins_total{result=\"ok\"}") == 1);

  // Each login is a session of its own.
  v1::TokenResponse second;
  REQUIRE(server.Login("ann@example.com", kPassword, &second).ok());
  CHECK(server.Verify(second.access_token()).session_id != claims.session_id);
  CHECK(server.SessionCount() == 2);
}

TEST_CASE("A wrong password and an unknown email get the same UNAUTHENTICATED answer",
          "[auth_service]") {
  Server server;
  server.AddCustomer("ann@example.com");

  v1::TokenResponse wrong_password, unknown_email;
  grpc::Status a = server.Login("ann@example.com", "not the password", &wrong_password);
  grpc::Status b = server.Login("nobody@example.com", kPassword, &unknown_email);
  INFO(Describe(a) << " / " << Describe(b));
  CHECK(a.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(b.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(Reason(a) == "INVALID_CREDENTIALS");
  CHECK(Reason(b) == "INVALID_CREDENTIALS");
  CHECK(a.error_message() == b.error_message());
  CHECK(a.error_details() == b.error_details());
  CHECK(wrong_password.access_token().empty());
  CHECK(server.SessionCount() == 0);
  CHECK(server.Metric("crm_auth_logins_total{result=\"invalid\"}") == 2);
  CHECK(server.Metric("crm_auth_logins_total{result=\"ok\"}") == 0);
}

TEST_CASE("Missing fields are INVALID_ARGUMENT naming them", "[auth_service]") {
  Server server;
  v1::TokenResponse response;
  grpc::Status s = server.Login("", "", &response);
  INFO(Describe(s));
  REQUIRE(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(Reason(s) == "FIELD_INVALID");
  CHECK(Fields(s) == std::vector<std::string>{"email", "password"});

  s = server.Login("ann@example.com", "", &response);
  CHECK(Fields(s) == std::vector<std::string>{"password"});

  s = server.Refresh("", &response);
  REQUIRE(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(Fields(s) == std::vector<std::string>{"refreshToken"});
}

TEST_CASE("Refresh rotates the refresh token - replaying a rotated one ends the session",
          "[auth_service]") {
  Server server;
  std::string customer_id = server.AddCustomer("ann@example.com");
  v1::TokenResponse login;
  REQUIRE(server.Login("ann@example.com", kPassword, &login).ok());
  std::string sid = server.Verify(login.access_token()).session_id;

  server.clock().Advance(absl::Minutes(14));
  v1::TokenResponse refreshed;
  grpc::Status s = server.Refresh(login.refresh_token(), &refreshed);
  INFO(Describe(s));
  REQUIRE(s.ok());
  CHECK(refreshed.refresh_token() != login.refresh_token());
  CHECK(SessionIdOf(refreshed.refresh_token()) == sid);
  CHECK(refreshed.token_type() == "Bearer");
  CHECK(refreshed.expires_in() == 900);
  CHECK(refreshed.customer_id() == customer_id);
  CHECK(refreshed.role() == "customer");
  platform::TokenClaims claims = server.Verify(refreshed.access_token());
  CHECK(claims.subject == customer_id);
  CHECK(claims.session_id == sid);
  CHECK(claims.issued_at == kNow + absl::Minutes(14));
  CHECK(claims.expires_at == kNow + absl::Minutes(29));
  CHECK(server.sessions().CheckActive(claims).ok());

  // The old token was traded in: presenting it again is a theft signal.
  v1::TokenResponse again;
  RequireRefused(server.Refresh(login.refresh_token(), &again));
  CHECK(again.access_token().empty());
  CHECK(server.sessions().Get(sid)->revoked());
  // ... so the new refresh token and the session's access tokens stop working too.
  RequireRefused(server.Refresh(refreshed.refresh_token(), &again));
  CHECK(server.sessions().CheckActive(claims).code() == absl::StatusCode::kUnauthenticated);
  grpc::Status logout = server.Logout(refreshed.access_token());
  CHECK(logout.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(Reason(logout) == "TOKEN_REVOKED");

  CHECK(server.Metric("crm_auth_refreshes_total{result=\"ok\"}") == 1);
  CHECK(server.Metric("crm_auth_refreshes_total{result=\"reused\"}") == 1);
  CHECK(server.Metric("crm_auth_refreshes_total{result=\"invalid\"}") == 1);
}

TEST_CASE("Malformed, unknown, guessed and expired refresh tokens are refused", "[auth_service]") {
  Server server;
  server.AddCustomer("ann@example.com");
  v1::TokenResponse login, response;
  REQUIRE(server.Login("ann@example.com", kPassword, &login).ok());
  std::string sid = SessionIdOf(login.refresh_token());
  std::string other_secret = absl::WebSafeBase64Escape(std::string(32, 'x'));

  for (const std::string& garbage :
       {std::string("garbage"), std::string("."), sid, sid + ".", sid + ".abc", "." + other_secret,
        sid + "." + other_secret + "A", sid + "!" + other_secret, login.refresh_token() + "x",
        login.access_token()}) {
    INFO(garbage);
    RequireRefused(server.Refresh(garbage, &response));
  }
  RequireRefused(server.Refresh("s_00000000000000000000." + other_secret, &response));
  // A wrong secret for a real session proves nothing about theft: the session goes on.
  RequireRefused(server.Refresh(sid + "." + other_secret, &response));
  CHECK_FALSE(server.sessions().Get(sid)->revoked());
  REQUIRE(server.Refresh(login.refresh_token(), &response).ok());

  // Refreshing does not extend the session: 30 days after login it is over.
  server.clock().Advance(absl::Hours(24 * 30));
  RequireRefused(server.Refresh(response.refresh_token(), &response));
}

TEST_CASE("A session whose customer's token version moved on cannot be refreshed",
          "[auth_service]") {
  Server server;
  std::string customer_id = server.AddCustomer("ann@example.com");
  v1::TokenResponse login, response;
  REQUIRE(server.Login("ann@example.com", kPassword, &login).ok());
  server.BumpTokenVersion(customer_id);
  RequireRefused(server.Refresh(login.refresh_token(), &response));

  // A new login picks up the new version.
  REQUIRE(server.Login("ann@example.com", kPassword, &login).ok());
  CHECK(server.Verify(login.access_token()).token_version == 1);
  REQUIRE(server.Refresh(login.refresh_token(), &response).ok());
}

TEST_CASE("Logout ends the session: its access and refresh tokens stop working", "[auth_service]") {
  Server server;
  server.AddCustomer("ann@example.com");
  v1::TokenResponse login, other_login, response;
  REQUIRE(server.Login("ann@example.com", kPassword, &login).ok());
  REQUIRE(server.Login("ann@example.com", kPassword, &other_login).ok());
  platform::TokenClaims claims = server.Verify(login.access_token());

  grpc::Status s = server.Logout(login.access_token());
  INFO(Describe(s));
  REQUIRE(s.ok());
  CHECK(server.sessions().Get(claims.session_id)->revoked());

  absl::Status check = server.sessions().CheckActive(claims);
  CHECK(check.code() == absl::StatusCode::kUnauthenticated);
  CHECK(platform::DetailsOf(check).reason() == "TOKEN_REVOKED");
  RequireRefused(server.Refresh(login.refresh_token(), &response));
  s = server.Logout(login.access_token());
  CHECK(s.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(Reason(s) == "TOKEN_REVOKED");

  // The customer's other session is untouched.
  CHECK(server.sessions().CheckActive(server.Verify(other_login.access_token())).ok());
  CHECK(server.Refresh(other_login.refresh_token(), &response).ok());
}

TEST_CASE("Logout without a token or with a forged one is UNAUTHENTICATED", "[auth_service]") {
  Server server;
  server.AddCustomer("ann@example.com");
  v1::TokenResponse login;
  REQUIRE(server.Login("ann@example.com", kPassword, &login).ok());

  grpc::Status s = server.Logout("");
  INFO(Describe(s));
  CHECK(s.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(Reason(s) == "TOKEN_MISSING");

  // The same claims signed by a key that is not ours, under our issuer's name.
  KeyPair stranger = NewEs256Keys();
  auto forger =
      platform::TokenSigner::Create({.private_key_pem = stranger.private_pem, .issuer = kIssuer});
  REQUIRE(forger.ok());
  auto forged = forger->Sign(server.Verify(login.access_token()));
  REQUIRE(forged.ok());
  s = server.Logout(*forged);
  CHECK(s.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(Reason(s) == "TOKEN_INVALID");

  // A damaged signature.
  std::string damaged = login.access_token();
  size_t mid = damaged.rfind('.') + 10;
  damaged[mid] = damaged[mid] == 'A' ? 'B' : 'A';
  s = server.Logout(damaged);
  CHECK(s.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(Reason(s) == "TOKEN_INVALID");

  // Login needs no token and looks at none: a stale one sent along does not stand in the way.
  v1::TokenResponse response;
  s = server.Login("ann@example.com", kPassword, &response, damaged);
  CHECK(s.ok());

  CHECK_FALSE(server.sessions().Get(SessionIdOf(login.refresh_token()))->revoked());
}

TEST_CASE("Staff log in like customers and get a token with their role and staffId",
          "[auth_service]") {
  Server server;
  std::string staff_id = server.AddStaff("Bo@Example.com", v1::Staff::agent, kPassword, 4);

  v1::TokenResponse response;
  grpc::Status s = server.Login("bo@example.COM", kPassword, &response);
  INFO(Describe(s));
  REQUIRE(s.ok());
  CHECK(response.staff_id() == staff_id);
  CHECK(response.customer_id().empty());
  CHECK(response.role() == "agent");
  CHECK(response.token_type() == "Bearer");

  platform::TokenClaims claims = server.Verify(response.access_token());
  CHECK(claims.subject == staff_id);
  CHECK(claims.role == "agent");
  CHECK(claims.token_version == 4);
  CHECK(server.sessions().CheckActive(claims).ok());
  auto session = server.sessions().Get(claims.session_id);
  REQUIRE(session.ok());
  CHECK(session->subject() == staff_id);
  CHECK(session->role() == "agent");

  // A refresh keeps the role and answers the staff id, not a customer id.
  server.clock().Advance(absl::Minutes(10));
  v1::TokenResponse refreshed;
  s = server.Refresh(response.refresh_token(), &refreshed);
  INFO(Describe(s));
  REQUIRE(s.ok());
  CHECK(refreshed.staff_id() == staff_id);
  CHECK(refreshed.customer_id().empty());
  CHECK(refreshed.role() == "agent");
  CHECK(server.Verify(refreshed.access_token()).role == "agent");

  // Each staff role is spelled as the access options spell it.
  server.AddStaff("ana@example.com", v1::Staff::analyst);
  server.AddStaff("root@example.com", v1::Staff::admin);
  REQUIRE(server.Login("ana@example.com", kPassword, &response).ok());
  CHECK(response.role() == "analyst");
  CHECK(server.Verify(response.access_token()).role == "analyst");
  REQUIRE(server.Login("root@example.com", kPassword, &response).ok());
  CHECK(response.role() == "admin");
  CHECK(server.Verify(response.access_token()).role == "admin");

  // Logout works for staff sessions too.
  CHECK(server.Logout(response.access_token()).ok());
}

TEST_CASE("A staff member's wrong password answers exactly like an unknown email",
          "[auth_service]") {
  Server server;
  server.AddStaff("bo@example.com", v1::Staff::admin);
  v1::TokenResponse wrong_password, unknown_email;
  grpc::Status a = server.Login("bo@example.com", "not the password", &wrong_password);
  grpc::Status b = server.Login("nobody@example.com", kPassword, &unknown_email);
  INFO(Describe(a) << " / " << Describe(b));
  CHECK(a.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(Reason(a) == "INVALID_CREDENTIALS");
  CHECK(a.error_message() == b.error_message());
  CHECK(a.error_details() == b.error_details());
  CHECK(wrong_password.access_token().empty());
  CHECK(server.SessionCount() == 0);
}

TEST_CASE("An email held by a staff member and a customer logs in the staff member only",
          "[auth_service]") {
  Server server;
  std::string staff_id = server.AddStaff("bo@example.com", v1::Staff::agent, kPassword);
  server.AddCustomer("Bo@example.com", "the customer's password");

  v1::TokenResponse response;
  grpc::Status s = server.Login("bo@example.com", "the customer's password", &response);
  CHECK(s.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(Reason(s) == "INVALID_CREDENTIALS");
  REQUIRE(server.Login("bo@example.com", kPassword, &response).ok());
  CHECK(response.staff_id() == staff_id);
  CHECK(response.customer_id().empty());
}

TEST_CASE("A staff session whose account's token version or role moved on cannot be refreshed",
          "[auth_service]") {
  Server server;
  std::string bo = server.AddStaff("bo@example.com", v1::Staff::admin);
  std::string cy = server.AddStaff("cy@example.com", v1::Staff::admin);
  v1::TokenResponse bo_login, cy_login, response;
  REQUIRE(server.Login("bo@example.com", kPassword, &bo_login).ok());
  REQUIRE(server.Login("cy@example.com", kPassword, &cy_login).ok());

  server.ChangeStaff(bo,
                     [](store::v1::StaffRecord& r) { r.set_token_version(r.token_version() + 1); });
  RequireRefused(server.Refresh(bo_login.refresh_token(), &response));
  // A new login picks up the new version.
  REQUIRE(server.Login("bo@example.com", kPassword, &bo_login).ok());
  CHECK(server.Verify(bo_login.access_token()).token_version == 1);
  REQUIRE(server.Refresh(bo_login.refresh_token(), &response).ok());

  // An admin demoted without a version bump still gets no admin token from the old session.
  server.ChangeStaff(cy, [](store::v1::StaffRecord& r) { r.set_role(v1::Staff::agent); });
  RequireRefused(server.Refresh(cy_login.refresh_token(), &response));
  REQUIRE(server.Login("cy@example.com", kPassword, &cy_login).ok());
  CHECK(cy_login.role() == "agent");
}

TEST_CASE("A busy worker pool answers Login with UNAVAILABLE / OVERLOADED at once",
          "[auth_service]") {
  Server server({.threads = 1, .queue_capacity = 1});
  server.AddCustomer("ann@example.com");
  absl::Notification started, release;
  std::atomic<int> filler_ran{0};
  REQUIRE(server.workers().Submit([&] {
    started.Notify();
    release.WaitForNotification();
  }));
  REQUIRE(started.WaitForNotificationWithTimeout(absl::Seconds(10)));
  REQUIRE(server.workers().Submit([&] { ++filler_ran; }));

  v1::TokenResponse response;
  grpc::Status s = server.Login("ann@example.com", kPassword, &response);
  INFO(Describe(s));
  CHECK(s.error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(Reason(s) == "OVERLOADED");

  release.Notify();
  REQUIRE(WaitFor([&] { return filler_ran.load() == 1; }, absl::Seconds(10)));
  CHECK(server.Login("ann@example.com", kPassword, &response).ok());
}

}  // namespace
}  // namespace crm::customers

namespace crm::customers {
namespace {

TEST_CASE("Repeated wrong passwords slow the email down, known or not - a success clears it",
          "[auth_service][login_throttle]") {
  Server server({.threads = 2, .queue_capacity = 16},
                {.free_failures = 2, .first_block = absl::Seconds(10)});
  server.AddCustomer("ann@example.com");
  v1::TokenResponse response;
  for (const std::string email : {"ann@example.com", "nobody@example.com"}) {
    INFO(email);
    for (int i = 0; i < 3; ++i) {
      grpc::Status s = server.Login(email, "wrong password!", &response);
      INFO(Describe(s));
      REQUIRE(Reason(s) == "INVALID_CREDENTIALS");
    }
    // Blocked now: even the right password is not checked, and the answer says how long to wait.
    grpc::Status s = server.Login(email, kPassword, &response);
    INFO(Describe(s));
    CHECK(s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
    CHECK(Reason(s) == "LOGIN_THROTTLED");
    CHECK(platform::DetailsOf(s).metadata().at("retryAfterSeconds") == "10");
  }
  CHECK(server.Metric(R"(crm_auth_logins_total{result="throttled"})") == 2);

  server.clock().Advance(absl::Seconds(10));
  REQUIRE(server.Login("ann@example.com", kPassword, &response).ok());
  // The success forgot the failures: one more wrong password is free again.
  CHECK(Reason(server.Login("ann@example.com", "wrong password!", &response)) ==
        "INVALID_CREDENTIALS");
  CHECK(server.Login("ann@example.com", kPassword, &response).ok());
}

}  // namespace
}  // namespace crm::customers
