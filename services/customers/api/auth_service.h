// crm.customers.v1.AuthService: login, token refresh and logout, for customers and staff alike
// (an email is looked up among staff first, then among customers). A login opens a session
// (store/session_store.h) and answers its tokens (domain/session_tokens.h). Each refresh rotates
// the refresh secret; presenting a rotated one again revokes the session (the token was likely
// stolen). Logout revokes the session, which SessionStore::CheckActive (plugged into
// AccessControl) makes effective at once. Wrong passwords slow the email down
// (domain/login_throttle.h): a blocked login answers LOGIN_THROTTLED (429) before any check.
//
//   auto auth = AuthService::Create({.store = store, .customers = customers, .staff = staff,
//                                    .sessions = sessions, .throttle = throttle,
//                                    .workers = workers, .clock = clock, .metrics = metrics,
//                                    .tokens = tokens, .access = access,
//                                    .hashing = PasswordHashing::Interactive()});
//   if (!auth.ok()) return auth.status();
//   builder.RegisterService(auth->get());
//
// Password checks (argon2id) run on the worker pool, never on a gRPC thread; refresh and logout
// do one locked read and one synced commit inline. Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "crm/customers/v1/auth.grpc.pb.h"
#include "customers/domain/password.h"
#include "customers/domain/reasons.h"
#include "customers/domain/session_tokens.h"
#include "customers/store/customer_store.h"
#include "customers/store/login_throttle_store.h"
#include "customers/store/session_store.h"
#include "customers/store/staff_store.h"
#include "platform/base/clock.h"
#include "platform/base/metrics.h"
#include "platform/events/outbox.h"
#include "platform/runtime/rpc.h"

namespace crm::customers {

// Reasons this service adds (platform's TOKEN_* reasons come through AccessControl).

struct AuthServiceDeps {
  CustomerStore& customers;
  // Staff log in here too; their tokens carry their role ("agent", "analyst", "admin").
  StaffStore& staff;
  SessionStore& sessions;
  LoginThrottleStore& throttle;
  // Revocations go out as events, for the services that do not read our sessions.
  platform::Outbox& outbox;
  const platform::Clock& clock;
  platform::Metrics& metrics;
  const SessionTokens& tokens;
  // Made for AuthService, with SessionStore::CheckActive as its session check.
  platform::Rpc rpc;
  // The parameters passwords (customers' and staff's) are hashed with; the dummy hash checked
  // for an unknown email uses them too, so both answers take as long. Required.
  PasswordHashing hashing;
};

class AuthService : public v1::AuthService::CallbackService {
 public:
  // Makes the dummy password hash (one argon2id run). Errors: RESOURCE_EXHAUSTED when the
  // memory for it cannot be had.
  static absl::StatusOr<std::unique_ptr<AuthService>> Create(AuthServiceDeps deps);

  // Errors: INVALID_ARGUMENT (FIELD_INVALID: email, password); UNAUTHENTICATED
  // (INVALID_CREDENTIALS); RESOURCE_EXHAUSTED (LOGIN_THROTTLED, with retryAfterSeconds);
  // UNAVAILABLE (OVERLOADED); ABORTED; INTERNAL.
  grpc::ServerUnaryReactor* Login(grpc::CallbackServerContext* context,
                                  const v1::LoginRequest* request,
                                  v1::TokenResponse* response) override;
  // Errors: INVALID_ARGUMENT (FIELD_INVALID: refreshToken); UNAUTHENTICATED
  // (REFRESH_TOKEN_INVALID); ABORTED (contended: retry); INTERNAL.
  grpc::ServerUnaryReactor* RefreshToken(grpc::CallbackServerContext* context,
                                         const v1::RefreshTokenRequest* request,
                                         v1::TokenResponse* response) override;
  // Errors: UNAUTHENTICATED (TOKEN_MISSING, TOKEN_INVALID, TOKEN_EXPIRED, TOKEN_REVOKED);
  // PERMISSION_DENIED (ROLE_NOT_ALLOWED); ABORTED (contended: retry); INTERNAL.
  grpc::ServerUnaryReactor* Logout(grpc::CallbackServerContext* context,
                                   const v1::LogoutRequest* request,
                                   v1::LogoutResponse* response) override;

 private:
  AuthService(AuthServiceDeps deps, std::string dummy_hash);

  // Who may log in with an email: a staff member or a customer.
  struct Account {
    std::string subject;
    // "customer", or the staff role ("agent", "analyst", "admin").
    std::string role;
    std::string password_hash;
    int64_t token_version = 0;
  };
  // The account of `email` in any letter case, staff first; nullopt when none has it.
  // Errors: INTERNAL.
  absl::StatusOr<std::optional<Account>> FindAccount(absl::string_view email) const;

  // OK unless the email is throttled (RESOURCE_EXHAUSTED / LOGIN_THROTTLED, counted).
  absl::Status CheckThrottle(absl::string_view email);
  // On the worker pool: the password check (staff first, then customers), then the new session
  // in `txn`; a wrong password counts against the email (in a commit of its own).
  absl::Status DoLogin(platform::Txn& txn, const v1::LoginRequest& request,
                       v1::TokenResponse* response);
  absl::Status DoRefresh(platform::Txn& txn, const v1::RefreshTokenRequest& request,
                         v1::TokenResponse* response);
  absl::Status DoLogout(platform::Txn& txn, const std::string& session_id,
                        const platform::Principal& caller);
  // SessionRevoked for `session` in `txn`, in order with the customer's other events.
  absl::StatusOr<std::string> PublishRevocation(platform::Txn& txn,
                                                const store::v1::SessionRecord& session,
                                                absl::Time now);

  AuthServiceDeps deps_;
  // argon2id of a random password, checked when the email is unknown.
  const std::string dummy_hash_;
  platform::Counter logins_ok_;
  platform::Counter logins_invalid_;
  platform::Counter logins_throttled_;
  platform::Counter refreshes_ok_;
  platform::Counter refreshes_invalid_;
  platform::Counter refreshes_reused_;
};

}  // namespace crm::customers
