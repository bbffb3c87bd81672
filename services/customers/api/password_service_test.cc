#include "customers/api/password_service.h"

#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "crm/events/v1/customers.pb.h"
#include "crm/events/v1/notifications.pb.h"
#include "customers/api/auth_service.h"
#include "customers/api/test_fixture.h"
#include "customers/events/customer_events.h"
#include "platform/auth/sealed_box.h"
#include "platform/events/topics.h"

namespace crm::customers {
namespace {

using testing::Describe;
using testing::Fields;
using testing::kFastHashing;
using testing::kPassword;
using testing::Prepare;
using testing::Reason;

constexpr char kNewPassword[] = "a much better passphrase";

// PasswordService and AuthService on real platform pieces (testing::World), wired as main.cc
// wires them, served in-process and called through real stubs. The mailer's keys are made here,
// so a test can open what the service sealed.
class Server {
 public:
  Server() : workers_({.threads = 2, .queue_capacity = 16}) {
    auto box = platform::SealedBox::ForPublicKey(mailer_.PublicKeyBase64());
    REQUIRE(box.ok());
    mailer_box_.emplace(std::move(*box));
    passwords_ = std::make_unique<PasswordService>(
        PasswordServiceDeps{.customers = *world_.customers,
                            .sessions = *world_.sessions,
                            .resets = *world_.resets,
                            .throttle = *world_.throttle,
                            .outbox = *world_.outbox,
                            .timers = *world_.timers,
                            .clock = world_.clock,
                            .metrics = *world_.metrics,
                            .hashing = kFastHashing,
                            .mailer = *mailer_box_,
                            .rpc = world_.Rpc<v1::PasswordService>(workers_)});
    auth_ = world_.Auth(workers_);
    server_ = std::make_unique<platform::testing::InProcessServer>(
        std::vector<grpc::Service*>{passwords_.get(), auth_.get()});
    password_stub_ = v1::PasswordService::NewStub(server_->Channel());
    auth_stub_ = v1::AuthService::NewStub(server_->Channel());
  }

  grpc::Status Login(const std::string& email, const std::string& password,
                     v1::TokenResponse* response) {
    grpc::ClientContext context;
    Prepare(context, "");
    v1::LoginRequest request;
    request.set_email(email);
    request.set_password(password);
    return auth_stub_->Login(&context, request, response);
  }

  v1::TokenResponse MustLogin(const std::string& email, const std::string& password) {
    v1::TokenResponse response;
    grpc::Status s = Login(email, password, &response);
    INFO(Describe(s));
    REQUIRE(s.ok());
    return response;
  }

  grpc::Status Refresh(const std::string& refresh_token, v1::TokenResponse* response) {
    grpc::ClientContext context;
    Prepare(context, "");
    v1::RefreshTokenRequest request;
    request.set_refresh_token(refresh_token);
    return auth_stub_->RefreshToken(&context, request, response);
  }

  // Logout is the cheapest call that needs a live session: it tells whether a token still works.
  grpc::Status Logout(const std::string& bearer) {
    grpc::ClientContext context;
    Prepare(context, bearer);
    v1::LogoutResponse response;
    return auth_stub_->Logout(&context, v1::LogoutRequest(), &response);
  }

  grpc::Status Change(const std::string& bearer, const std::string& customer_id,
                      const std::string& current, const std::string& next,
                      const std::string& idempotency_key = "") {
    grpc::ClientContext context;
    Prepare(context, bearer, idempotency_key);
    v1::ChangePasswordRequest request;
    request.set_customer_id(customer_id);
    request.set_current_password(current);
    request.set_new_password(next);
    v1::ChangePasswordResponse response;
    return password_stub_->ChangePassword(&context, request, &response);
  }

  grpc::Status RequestReset(const std::string& email) {
    grpc::ClientContext context;
    Prepare(context, "");
    v1::RequestPasswordResetRequest request;
    request.set_email(email);
    v1::RequestPasswordResetResponse response;
    return password_stub_->RequestPasswordReset(&context, request, &response);
  }

  grpc::Status ConfirmReset(const std::string& token, const std::string& next) {
    grpc::ClientContext context;
    Prepare(context, "");
    v1::ConfirmPasswordResetRequest request;
    request.set_token(token);
    request.set_new_password(next);
    v1::ConfirmPasswordResetResponse response;
    return password_stub_->ConfirmPasswordReset(&context, request, &response);
  }

  // Fires the timers due now (the reset requests), as the running service's timer loop would.
  int FireTimers() {
    auto fired = world_.timers->FireDue();
    REQUIRE(fired.ok());
    return *fired;
  }

  // The reset messages in the outbox, opened with the mailer's secret key.
  std::vector<events::v1::PasswordResetMessage> MailerInbox() {
    std::vector<events::v1::PasswordResetMessage> messages;
    for (const events::v1::OutboxRecord& record : world_.Events()) {
      if (record.topic() != platform::TopicOf<events::v1::PasswordResetRequested>()) continue;
      events::v1::PasswordResetRequested event;
      REQUIRE(record.envelope().payload().UnpackTo(&event));
      CHECK(record.key() == event.customer_id());
      auto plain = mailer_.Open(event.sealed_message());
      REQUIRE(plain.ok());
      events::v1::PasswordResetMessage message;
      REQUIRE(message.ParseFromString(*plain));
      messages.push_back(std::move(message));
    }
    return messages;
  }

  testing::World& world() { return world_; }

 private:
  testing::World world_;
  platform::SealedBoxKeys mailer_ = platform::SealedBoxKeys::Generate();
  std::optional<platform::SealedBox> mailer_box_;
  std::unique_ptr<PasswordService> passwords_;
  std::unique_ptr<AuthService> auth_;
  // Destroyed before the services: it runs what is queued, which uses them.
  platform::WorkerPool workers_;
  std::unique_ptr<platform::testing::InProcessServer> server_;
  std::unique_ptr<v1::PasswordService::Stub> password_stub_;
  std::unique_ptr<v1::AuthService::Stub> auth_stub_;
};

void RequireRevoked(const grpc::Status& s) {
  INFO(Describe(s));
  REQUIRE(s.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(Reason(s) == "TOKEN_REVOKED");
}

TEST_CASE("A password change ends the other sessions and keeps the caller's, token and all",
          "[password_service]") {
  Server server;
  std::string ann = server.world().AddCustomer("ann@example.com");
  v1::TokenResponse here = server.MustLogin("ann@example.com", kPassword);
  v1::TokenResponse elsewhere = server.MustLogin("ann@example.com", kPassword);

  grpc::Status s = server.Change(here.access_token(), ann, kPassword, kNewPassword);
  INFO(Describe(s));
  REQUIRE(s.ok());

  // The other session is over: its access token and its refresh token.
  RequireRevoked(server.Logout(elsewhere.access_token()));
  v1::TokenResponse refreshed;
  CHECK(Reason(server.Refresh(elsewhere.refresh_token(), &refreshed)) == "REFRESH_TOKEN_INVALID");
  // The caller's session refreshes into a token of the new version.
  REQUIRE(server.Refresh(here.refresh_token(), &refreshed).ok());
  CHECK(server.world().Verify(refreshed.access_token()).token_version == 1);
  // The access token the caller holds, of the old version, still works (here: logs it out).
  CHECK(server.world().Verify(here.access_token()).token_version == 0);
  CHECK(server.Logout(here.access_token()).ok());
  RequireRevoked(server.Logout(refreshed.access_token()));

  // The other services learn it from TokenVersionRaised, which names the session it kept.
  std::string kept;
  for (const events::v1::OutboxRecord& record : server.world().Events()) {
    events::v1::TokenVersionRaised raised;
    if (record.envelope().payload().UnpackTo(&raised)) kept = raised.kept_session_id();
  }
  CHECK(kept == server.world().Verify(here.access_token()).session_id);

  v1::TokenResponse login;
  CHECK(Reason(server.Login("ann@example.com", kPassword, &login)) == "INVALID_CREDENTIALS");
  CHECK(server.Login("ann@example.com", kNewPassword, &login).ok());
}

TEST_CASE("A refused password change changes nothing", "[password_service]") {
  Server server;
  std::string ann = server.world().AddCustomer("ann@example.com");
  std::string bo = server.world().AddCustomer("bo@example.com");
  v1::TokenResponse login = server.MustLogin("ann@example.com", kPassword);

  grpc::Status wrong = server.Change(login.access_token(), ann, "not my password", kNewPassword);
  CHECK(wrong.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(Fields(wrong) == std::vector<std::string>{"currentPassword"});

  grpc::Status weak = server.Change(login.access_token(), ann, kPassword, "short");
  CHECK(Fields(weak) == std::vector<std::string>{"newPassword"});
  grpc::Status empty = server.Change(login.access_token(), ann, "", "");
  CHECK(Fields(empty) == std::vector<std::string>{"currentPassword", "newPassword"});

  // Another customer's account is not there for this token.
  grpc::Status other = server.Change(login.access_token(), bo, kPassword, kNewPassword);
  CHECK(other.error_code() == grpc::StatusCode::NOT_FOUND);
  grpc::Status anonymous = server.Change("", ann, kPassword, kNewPassword);
  CHECK(anonymous.error_code() == grpc::StatusCode::UNAUTHENTICATED);

  CHECK(server.Logout(login.access_token()).ok());  // the session still stands
  server.MustLogin("ann@example.com", kPassword);
  server.MustLogin("bo@example.com", kPassword);
}

TEST_CASE("A repeated Idempotency-Key answers the first change again", "[password_service]") {
  Server server;
  std::string ann = server.world().AddCustomer("ann@example.com");
  v1::TokenResponse login = server.MustLogin("ann@example.com", kPassword);
  REQUIRE(server.Change(login.access_token(), ann, kPassword, kNewPassword, "key-1").ok());
  // The caller's token still works after the change, so a retry with it reaches the stored
  // answer (the current password is now the new one: run again, it would fail).
  grpc::Status again = server.Change(login.access_token(), ann, kPassword, kNewPassword, "key-1");
  INFO(Describe(again));
  CHECK(again.ok());
  server.MustLogin("ann@example.com", kNewPassword);
}

TEST_CASE(
    "Reset requests answer the same for known and unknown emails - only a customer's "
    "sends a sealed token",
    "[password_service]") {
  Server server;
  std::string ann = server.world().AddCustomer("Ann@Example.com");
  REQUIRE(server.RequestReset("ann@example.com").ok());
  REQUIRE(server.RequestReset("nobody@example.com").ok());
  CHECK(server.world().Events().empty());  // nothing decided yet: both are a timer

  CHECK(server.FireTimers() == 2);
  std::vector<events::v1::PasswordResetMessage> inbox = server.MailerInbox();
  REQUIRE(inbox.size() == 1);
  CHECK(inbox[0].email() == "Ann@Example.com");
  CHECK(inbox[0].token().size() == 43);
  // The token travels sealed: not in the event as stored, not in the store at all.
  for (const auto& record : server.world().Events()) {
    CHECK(record.SerializeAsString().find(inbox[0].token()) == std::string::npos);
  }
  CHECK(server.world().Count("password_resets") == 1);

  grpc::Status missing = server.RequestReset("");
  CHECK(Fields(missing) == std::vector<std::string>{"email"});
}

TEST_CASE("A reset token sets the password once, ends every session, and expires",
          "[password_service]") {
  Server server;
  std::string ann = server.world().AddCustomer("ann@example.com");
  v1::TokenResponse login = server.MustLogin("ann@example.com", kPassword);
  REQUIRE(server.RequestReset("ann@example.com").ok());
  server.FireTimers();
  std::string token = server.MailerInbox().at(0).token();

  grpc::Status weak = server.ConfirmReset(token, "short");
  CHECK(Fields(weak) == std::vector<std::string>{"newPassword"});
  grpc::Status s = server.ConfirmReset(token, kNewPassword);
  INFO(Describe(s));
  REQUIRE(s.ok());
  RequireRevoked(server.Logout(login.access_token()));
  server.MustLogin("ann@example.com", kNewPassword);

  grpc::Status again = server.ConfirmReset(token, "yet another passphrase");
  CHECK(again.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(Reason(again) == "RESET_TOKEN_INVALID");
  CHECK(Fields(again) == std::vector<std::string>{"token"});
  server.MustLogin("ann@example.com", kNewPassword);

  // A second token, left for 30 minutes: expired.
  REQUIRE(server.RequestReset("ann@example.com").ok());
  server.FireTimers();
  std::string late = server.MailerInbox().at(1).token();
  server.world().clock.Advance(absl::Minutes(30));
  CHECK(Reason(server.ConfirmReset(late, "yet another passphrase")) == "RESET_TOKEN_INVALID");
  server.FireTimers();  // the expiry timer deletes what was left
  CHECK(server.world().Count("password_resets") == 0);

  CHECK(Reason(server.ConfirmReset("not-a-token", kNewPassword)) == "RESET_TOKEN_INVALID");
}

TEST_CASE("A password change makes earlier reset tokens useless", "[password_service]") {
  Server server;
  std::string ann = server.world().AddCustomer("ann@example.com");
  REQUIRE(server.RequestReset("ann@example.com").ok());
  server.FireTimers();
  std::string token = server.MailerInbox().at(0).token();

  v1::TokenResponse login = server.MustLogin("ann@example.com", kPassword);
  REQUIRE(server.Change(login.access_token(), ann, kPassword, kNewPassword).ok());
  CHECK(Reason(server.ConfirmReset(token, "the attacker's choice")) == "RESET_TOKEN_INVALID");
  server.MustLogin("ann@example.com", kNewPassword);
}

}  // namespace
}  // namespace crm::customers
