#include "customers/api/auth_service.h"

#include <sodium.h>

#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "customers/domain/registration.h"
#include "customers/domain/secrets.h"
#include "customers/domain/staff.h"
#include "customers/events/customer_events.h"
#include "platform/base/errors.h"
#include "platform/base/ids.h"
#include "platform/base/log.h"
#include "platform/base/proto_time.h"
#include "platform/rpc/grpc_status.h"

namespace crm::customers {

namespace {

absl::Status InvalidCredentials() {
  // One message for an unknown email and a wrong password: no account enumeration.
  return platform::Error(absl::StatusCode::kUnauthenticated, kReasonInvalidCredentials,
                         "the email or password is wrong");
}

absl::Status RefreshTokenInvalid() {
  return platform::Error(absl::StatusCode::kUnauthenticated, kReasonRefreshTokenInvalid,
                         "the refresh token is not valid; log in again");
}

}  // namespace

absl::StatusOr<std::unique_ptr<AuthService>> AuthService::Create(AuthServiceDeps deps) {
  if (sodium_init() < 0) return absl::InternalError("libsodium cannot be initialized");
  const SessionTokenOptions& tokens = deps.tokens.options();
  if (tokens.audience.empty()) return absl::InvalidArgumentError("auth: audience is required");
  if (tokens.access_ttl <= absl::ZeroDuration() || tokens.refresh_ttl <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("auth: token lifetimes must be positive");
  }
  // A password nobody knows, so the dummy hash never matches what a caller types.
  auto dummy = HashPassword(EncodeSecret(NewSecret()), deps.hashing);
  if (!dummy.ok()) return dummy.status();
  return std::unique_ptr<AuthService>(new AuthService(std::move(deps), std::move(*dummy)));
}

AuthService::AuthService(AuthServiceDeps deps, std::string dummy_hash)
    : deps_(std::move(deps)),
      dummy_hash_(std::move(dummy_hash)),
      logins_ok_(deps_.metrics.AddCounter("crm_auth_logins_total", "Login attempts by result",
                                          {{"result", "ok"}})),
      logins_invalid_(deps_.metrics.AddCounter("crm_auth_logins_total", "Login attempts by result",
                                               {{"result", "invalid"}})),
      logins_throttled_(deps_.metrics.AddCounter(
          "crm_auth_logins_total", "Login attempts by result", {{"result", "throttled"}})),
      refreshes_ok_(deps_.metrics.AddCounter("crm_auth_refreshes_total",
                                             "Refresh attempts by result", {{"result", "ok"}})),
      refreshes_invalid_(deps_.metrics.AddCounter(
          "crm_auth_refreshes_total", "Refresh attempts by result", {{"result", "invalid"}})),
      refreshes_reused_(deps_.metrics.AddCounter(
          "crm_auth_refreshes_total", "Refresh attempts by result", {{"result", "reused"}})) {}

grpc::ServerUnaryReactor* AuthService::Login(grpc::CallbackServerContext* context,
                                             const v1::LoginRequest* request,
                                             v1::TokenResponse* response) {
  return deps_.rpc.Write(
      context, request, response,
      {.check =
           [this, request] {
             std::vector<platform::FieldViolation> violations;
             if (request->email().empty()) violations.push_back({"email", "is required"});
             if (request->password().empty()) violations.push_back({"password", "is required"});
             if (!violations.empty()) return platform::InvalidFields(violations);
             // A blocked email costs one read, no argon2id run.
             return CheckThrottle(request->email());
           },
       .write = [this, request, response](
                    platform::Txn& txn,
                    const platform::RequestContext&) { return DoLogin(txn, *request, response); },
       .pooled = "password verification"});
}

absl::Status AuthService::CheckThrottle(absl::string_view email) {
  absl::Status s = deps_.throttle.CheckAllowed(NormalizeEmail(email), deps_.clock.Now());
  if (s.code() == absl::StatusCode::kResourceExhausted) logins_throttled_.Increment();
  return s;
}

absl::StatusOr<std::optional<AuthService::Account>> AuthService::FindAccount(
    absl::string_view email) const {
  std::string normalized = NormalizeEmail(email);
  // Staff first: StaffService refuses a staff email a customer already has, so an email names
  // at most one account unless a customer registered a staff email later; then the staff
  // account wins, never the other way round (a customer must not obtain a staff role).
  auto staff = deps_.staff.FindByEmail(normalized);
  // Offboarded: no account to log in to (and no falling through to a customer).
  if (staff.ok() && staff->record.deactivated()) return std::nullopt;
  if (staff.ok()) {
    std::string role = StaffRoleName(staff->record.role());
    if (role.empty()) return absl::InternalError("staff record without a valid role");
    return Account{.subject = staff->record.staff_id(),
                   .role = std::move(role),
                   .password_hash = staff->record.password_hash(),
                   .token_version = staff->record.token_version()};
  }
  if (!absl::IsNotFound(staff.status())) return staff.status();
  auto customer = deps_.customers.FindByEmail(normalized);
  if (customer.ok()) {
    return Account{.subject = customer->record.customer_id(),
                   .role = std::string(kCustomerRole),
                   .password_hash = customer->record.password_hash(),
                   .token_version = customer->record.token_version()};
  }
  if (!absl::IsNotFound(customer.status())) return customer.status();
  return std::nullopt;
}

absl::Status AuthService::DoLogin(platform::Txn& txn, const v1::LoginRequest& request,
                                  v1::TokenResponse* response) {
  // Again on the pool: failures of requests queued alongside this one may have blocked it.
  if (absl::Status s = CheckThrottle(request.email()); !s.ok()) return s;
  auto account = FindAccount(request.email());
  if (!account.ok()) return account.status();
  // An unknown email costs one argon2id verification too, so the time taken does not tell
  // whether the email is registered; its failures are counted the same way.
  const std::string& hash = account->has_value() ? (*account)->password_hash : dummy_hash_;
  bool password_matches = VerifyPassword(hash, request.password());
  std::string email = NormalizeEmail(request.email());
  absl::Time now = deps_.clock.Now();
  if (!account->has_value() || !password_matches) {
    logins_invalid_.Increment();
    if (absl::Status s = deps_.throttle.RecordFailure(email, now); !s.ok()) {
      platform::LogWarning("wrong password not counted", {{"error", s.ToString()}});
    }
    return InvalidCredentials();
  }

  if ((*account)->role == kCustomerRole) {
    // Locked, so a password change committing meanwhile either finishes first (then this login
    // used the old password and must fail) or sees this session when it revokes the others.
    auto customer = deps_.customers.GetForUpdate(txn, (*account)->subject);
    if (!customer.ok())
      return absl::IsNotFound(customer.status()) ? InvalidCredentials() : customer.status();
    if (customer->record.token_version() != (*account)->token_version) return InvalidCredentials();
  }
  store::v1::SessionRecord session =
      deps_.tokens.Open((*account)->subject, (*account)->role, (*account)->token_version, now);
  // Signed before the commit, so a signing failure leaves no session behind.
  if (absl::Status s = deps_.tokens.Issue(session, now, response); !s.ok()) return s;
  if (absl::Status s = deps_.sessions.Create(txn, session); !s.ok()) return s;
  if (absl::Status s = deps_.throttle.Clear(txn, email); !s.ok()) return s;
  txn.AfterCommit([this, session] {
    logins_ok_.Increment();
    bool is_customer = session.role() == kCustomerRole;
    platform::LogInfo("logged in", {{is_customer ? "customerId" : "staffId", session.subject()},
                                    {"role", session.role()},
                                    {"sessionId", session.session_id()}});
  });
  return absl::OkStatus();
}

absl::StatusOr<std::string> AuthService::PublishRevocation(platform::Txn& txn,
                                                           const store::v1::SessionRecord& session,
                                                           absl::Time now) {
  // A customer's events enter the outbox in the customer's order: lock the customer first.
  if (session.role() == kCustomerRole) {
    auto customer = deps_.customers.GetForUpdate(txn, session.subject());
    if (!customer.ok() && !absl::IsNotFound(customer.status())) return customer.status();
  }
  return PublishSessionRevoked(deps_.outbox, txn, session, now);
}

grpc::ServerUnaryReactor* AuthService::RefreshToken(grpc::CallbackServerContext* context,
                                                    const v1::RefreshTokenRequest* request,
                                                    v1::TokenResponse* response) {
  // Bounded work (a SHA-256, one locked read, one synced commit, one ECDSA signature): inline.
  return deps_.rpc.Write(
      context, request, response,
      {.check =
           [request] {
             if (request->refresh_token().empty()) {
               return platform::InvalidFields({{"refreshToken", "is required"}});
             }
             return absl::OkStatus();
           },
       .write =
           [this, request, response](platform::Txn& txn, const platform::RequestContext&) {
             return DoRefresh(txn, *request, response);
           }});
}

absl::Status AuthService::DoRefresh(platform::Txn& txn, const v1::RefreshTokenRequest& request,
                                    v1::TokenResponse* response) {
  auto invalid = [this] {
    refreshes_invalid_.Increment();
    return RefreshTokenInvalid();
  };
  std::optional<ParsedRefreshToken> presented = ParseRefreshToken(request.refresh_token());
  if (!presented) return invalid();

  auto session = deps_.sessions.GetForUpdate(txn, presented->session_id);
  if (!session.ok()) return absl::IsNotFound(session.status()) ? invalid() : session.status();
  absl::Time now = deps_.clock.Now();
  if (session->revoked() || now >= platform::FromTimestamp(session->refresh_expires_at())) {
    return invalid();
  }

  std::string presented_hash = Sha256(presented->secret);
  if (!SameHash(presented_hash, session->refresh_secret_hash())) {
    if (SameHash(presented_hash, session->previous_refresh_secret_hash())) {
      // A secret already traded in came back: two parties hold the session's tokens, and we
      // cannot tell which is the thief, so the session ends for both.
      session->set_revoked(true);
      if (absl::Status s = deps_.sessions.Put(txn, *session); !s.ok()) return s;
      if (auto e = PublishRevocation(txn, *session, now); !e.ok()) {
        return e.status();
      }
      // Kept although the call is refused.
      if (absl::Status s = txn.Commit(); !s.ok()) return s;
      refreshes_reused_.Increment();
      platform::LogWarning("rotated refresh token presented again; session revoked",
                           {{"sessionId", session->session_id()}, {"subject", session->subject()}});
      return RefreshTokenInvalid();
    }
    return invalid();
  }

  // An account whose token version moved on (e.g. a password change) must log in again. The
  // new access token carries the session's role, so a staff session also ends when the
  // account's role is no longer the one it logged in with.
  if (session->role() == kCustomerRole) {
    auto customer = deps_.customers.Get(session->subject());
    if (!customer.ok()) return absl::IsNotFound(customer.status()) ? invalid() : customer.status();
    if (customer->record.token_version() != session->token_version()) return invalid();
  } else if (IsStaffRole(session->role())) {
    auto staff = deps_.staff.Get(session->subject());
    if (!staff.ok()) return absl::IsNotFound(staff.status()) ? invalid() : staff.status();
    if (staff->record.token_version() != session->token_version() ||
        StaffRoleName(staff->record.role()) != session->role()) {
      return invalid();
    }
  } else {
    // Login opens sessions for customers and staff only.
    return invalid();
  }

  if (absl::Status s = deps_.tokens.Issue(*session, now, response); !s.ok()) return s;
  if (absl::Status s = deps_.sessions.Put(txn, *session); !s.ok()) return s;
  txn.AfterCommit([this] { refreshes_ok_.Increment(); });
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* AuthService::Logout(grpc::CallbackServerContext* context,
                                              const v1::LogoutRequest* request,
                                              v1::LogoutResponse* response) {
  return deps_.rpc.Write(context, request, response,
                         {.write = [this](platform::Txn& txn, const platform::RequestContext& rc) {
                           return DoLogout(txn, rc.session_id, rc.principal);
                         }});
}

absl::Status AuthService::DoLogout(platform::Txn& txn, const std::string& session_id,
                                   const platform::Principal& caller) {
  const std::string& subject = caller.subject;
  if (session_id.empty()) return platform::TokenRevoked();
  // The customer before the session, the order a password change takes them in, so the two
  // never wait on each other.
  if (caller.role == kCustomerRole) {
    auto customer = deps_.customers.GetForUpdate(txn, subject);
    if (!customer.ok() && !absl::IsNotFound(customer.status())) return customer.status();
  }
  auto session = deps_.sessions.GetForUpdate(txn, session_id);
  if (!session.ok()) {
    return absl::IsNotFound(session.status()) ? platform::TokenRevoked() : session.status();
  }
  if (session->subject() != subject) return platform::TokenRevoked();
  // Already ended (only reachable when AccessControl does not check sessions): nothing to do.
  if (session->revoked()) return absl::OkStatus();
  session->set_revoked(true);
  if (absl::Status s = deps_.sessions.Put(txn, *session); !s.ok()) return s;
  if (auto e = PublishRevocation(txn, *session, deps_.clock.Now()); !e.ok()) {
    return e.status();
  }
  txn.AfterCommit([subject, session_id] {
    platform::LogInfo("logged out", {{"subject", subject}, {"sessionId", session_id}});
  });
  return absl::OkStatus();
}

}  // namespace crm::customers
