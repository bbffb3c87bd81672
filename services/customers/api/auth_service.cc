#include "customers/api/auth_service.h"

#include <google/protobuf/util/time_util.h>
#include <sodium.h>

#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "customers/domain/registration.h"
#include "customers/domain/staff.h"
#include "platform/errors.h"
#include "platform/grpc_status.h"
#include "platform/ids.h"
#include "platform/log.h"

namespace crm::customers {
namespace {

using google::protobuf::util::TimeUtil;

constexpr size_t kSecretBytes = 32;
constexpr absl::string_view kCustomerRole = "customer";

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(t));
}

absl::Time FromTimestamp(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(ts));
}

std::string NewSecret() {
  std::string secret(kSecretBytes, '\0');
  randombytes_buf(secret.data(), secret.size());
  return secret;
}

std::string Sha256(absl::string_view data) {
  std::string digest(crypto_hash_sha256_BYTES, '\0');
  crypto_hash_sha256(reinterpret_cast<unsigned char*>(digest.data()),
                     reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return digest;
}

// Constant time, so the response time does not reveal how much of a guessed secret was right.
bool SameHash(absl::string_view a, absl::string_view b) {
  return a.size() == crypto_hash_sha256_BYTES && b.size() == crypto_hash_sha256_BYTES &&
         sodium_memcmp(a.data(), b.data(), crypto_hash_sha256_BYTES) == 0;
}

struct ParsedRefreshToken {
  std::string session_id;
  std::string secret;  // raw bytes
};

std::string FormatRefreshToken(absl::string_view session_id, absl::string_view secret) {
  return absl::StrCat(session_id, ".", absl::WebSafeBase64Escape(secret));
}

// "<session id>.<base64url of 32 bytes>", or nullopt for anything else.
std::optional<ParsedRefreshToken> ParseRefreshToken(absl::string_view token) {
  size_t dot = token.find('.');
  if (dot == absl::string_view::npos || dot == 0) return std::nullopt;
  absl::string_view encoded = token.substr(dot + 1);
  // Unpadded base64url of 32 bytes is 43 characters; the length check keeps oversized input
  // from being decoded at all.
  if (encoded.size() != 43) return std::nullopt;
  ParsedRefreshToken parsed{std::string(token.substr(0, dot)), ""};
  if (!absl::WebSafeBase64Unescape(encoded, &parsed.secret) ||
      parsed.secret.size() != kSecretBytes) {
    return std::nullopt;
  }
  return parsed;
}

absl::Status InvalidCredentials() {
  // One message for an unknown email and a wrong password: no account enumeration.
  return platform::Error(absl::StatusCode::kUnauthenticated, kReasonInvalidCredentials,
                         "the email or password is wrong");
}

absl::Status RefreshTokenInvalid() {
  return platform::Error(absl::StatusCode::kUnauthenticated, kReasonRefreshTokenInvalid,
                         "the refresh token is not valid; log in again");
}

absl::Status SessionEnded() {
  return platform::Error(absl::StatusCode::kUnauthenticated, kReasonTokenRevoked,
                         "the session of this token has ended; log in again");
}

void LogIfInternal(const absl::Status& status, absl::string_view what,
                   const std::string& request_id) {
  if (status.code() == absl::StatusCode::kInternal) {
    platform::LogError(what, {{"requestId", request_id}, {"error", status.ToString()}});
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<AuthService>> AuthService::Create(AuthServiceDeps deps) {
  if (sodium_init() < 0) return absl::InternalError("libsodium cannot be initialized");
  if (deps.audience.empty()) return absl::InvalidArgumentError("auth: audience is required");
  if (deps.access_ttl <= absl::ZeroDuration() || deps.refresh_ttl <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("auth: token lifetimes must be positive");
  }
  // A password nobody knows, so the dummy hash never matches what a caller types.
  auto dummy = HashPassword(absl::WebSafeBase64Escape(NewSecret()), deps.hashing);
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
      refreshes_ok_(deps_.metrics.AddCounter("crm_auth_refreshes_total",
                                             "Refresh attempts by result", {{"result", "ok"}})),
      refreshes_invalid_(deps_.metrics.AddCounter(
          "crm_auth_refreshes_total", "Refresh attempts by result", {{"result", "invalid"}})),
      refreshes_reused_(deps_.metrics.AddCounter(
          "crm_auth_refreshes_total", "Refresh attempts by result", {{"result", "reused"}})) {}

grpc::ServerUnaryReactor* AuthService::Login(grpc::CallbackServerContext* context,
                                             const v1::LoginRequest* request,
                                             v1::TokenResponse* response) {
  auto* reactor = context->DefaultReactor();
  auto rc = deps_.access.Admit(*context, "Login", *request);
  if (!rc.ok()) {
    reactor->Finish(platform::ToGrpcStatus(rc.status()));
    return reactor;
  }
  std::vector<platform::FieldViolation> violations;
  if (request->email().empty()) violations.push_back({"email", "is required"});
  if (request->password().empty()) violations.push_back({"password", "is required"});
  if (!violations.empty()) {
    reactor->Finish(platform::ToGrpcStatus(platform::InvalidFields(violations)));
    return reactor;
  }
  bool queued = deps_.workers.Submit(
      [this, context, reactor, request, response, request_id = rc->request_id] {
        // A caller that gave up costs no argon2id run and opens no session.
        if (context->IsCancelled()) {
          reactor->Finish(grpc::Status::CANCELLED);
          return;
        }
        absl::Status status = DoLogin(*request, response);
        LogIfInternal(status, "login failed", request_id);
        reactor->Finish(platform::ToGrpcStatus(status));
      });
  if (!queued) {
    reactor->Finish(platform::ToGrpcStatus(platform::Overloaded("password verification")));
  }
  return reactor;
}

absl::StatusOr<std::optional<AuthService::Account>> AuthService::FindAccount(
    absl::string_view email) const {
  std::string normalized = NormalizeEmail(email);
  // Staff first: StaffService refuses a staff email a customer already has, so an email names
  // at most one account unless a customer registered a staff email later; then the staff
  // account wins, never the other way round (a customer must not obtain a staff role).
  auto staff = deps_.staff.FindByEmail(normalized);
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

absl::Status AuthService::DoLogin(const v1::LoginRequest& request, v1::TokenResponse* response) {
  auto account = FindAccount(request.email());
  if (!account.ok()) return account.status();
  // An unknown email costs one argon2id verification too, so the time taken does not tell
  // whether the email is registered.
  const std::string& hash = account->has_value() ? (*account)->password_hash : dummy_hash_;
  bool password_matches = VerifyPassword(hash, request.password());
  if (!account->has_value() || !password_matches) {
    logins_invalid_.Increment();
    return InvalidCredentials();
  }

  absl::Time now = deps_.clock.Now();
  std::string secret = NewSecret();
  v1::SessionRecord session;
  session.set_session_id(platform::NewId("s"));
  session.set_subject((*account)->subject);
  session.set_role((*account)->role);
  session.set_refresh_secret_hash(Sha256(secret));
  *session.mutable_created_at() = ToTimestamp(now);
  *session.mutable_refresh_expires_at() = ToTimestamp(now + deps_.refresh_ttl);
  session.set_token_version((*account)->token_version);

  // Signed before the commit, so a signing failure leaves no session behind.
  auto access_token = AccessToken(session, now);
  if (!access_token.ok()) return access_token.status();
  auto txn = deps_.store.Begin();
  if (absl::Status s = deps_.sessions.Create(*txn, session); !s.ok()) return s;
  if (absl::Status s = txn->Commit(); !s.ok()) return s;

  response->set_access_token(*access_token);
  response->set_token_type("Bearer");
  response->set_expires_in(absl::ToInt64Seconds(deps_.access_ttl));
  response->set_refresh_token(FormatRefreshToken(session.session_id(), secret));
  bool is_customer = session.role() == kCustomerRole;
  if (is_customer) {
    response->set_customer_id(session.subject());
  } else {
    response->set_staff_id(session.subject());
  }
  response->set_role(session.role());
  logins_ok_.Increment();
  platform::LogInfo("logged in", {{is_customer ? "customerId" : "staffId", session.subject()},
                                  {"role", session.role()},
                                  {"sessionId", session.session_id()}});
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* AuthService::RefreshToken(grpc::CallbackServerContext* context,
                                                    const v1::RefreshTokenRequest* request,
                                                    v1::TokenResponse* response) {
  auto* reactor = context->DefaultReactor();
  auto rc = deps_.access.Admit(*context, "RefreshToken", *request);
  absl::Status status = rc.status();
  if (status.ok() && request->refresh_token().empty()) {
    status = platform::InvalidFields({{"refreshToken", "is required"}});
  }
  // Bounded work (a SHA-256, one locked read, one synced commit, one ECDSA signature): inline.
  if (status.ok()) {
    status = DoRefresh(*request, response);
    LogIfInternal(status, "refresh failed", rc->request_id);
  }
  reactor->Finish(platform::ToGrpcStatus(status));
  return reactor;
}

absl::Status AuthService::DoRefresh(const v1::RefreshTokenRequest& request,
                                    v1::TokenResponse* response) {
  auto invalid = [this] {
    refreshes_invalid_.Increment();
    return RefreshTokenInvalid();
  };
  std::optional<ParsedRefreshToken> presented = ParseRefreshToken(request.refresh_token());
  if (!presented) return invalid();

  auto txn = deps_.store.Begin();
  auto session = deps_.sessions.GetForUpdate(*txn, presented->session_id);
  if (!session.ok()) return absl::IsNotFound(session.status()) ? invalid() : session.status();
  absl::Time now = deps_.clock.Now();
  if (session->revoked() || now >= FromTimestamp(session->refresh_expires_at())) return invalid();

  std::string presented_hash = Sha256(presented->secret);
  if (!SameHash(presented_hash, session->refresh_secret_hash())) {
    if (SameHash(presented_hash, session->previous_refresh_secret_hash())) {
      // A secret already traded in came back: two parties hold the session's tokens, and we
      // cannot tell which is the thief, so the session ends for both.
      session->set_revoked(true);
      if (absl::Status s = deps_.sessions.Put(*txn, *session); !s.ok()) return s;
      if (absl::Status s = txn->Commit(); !s.ok()) return s;
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

  std::string secret = NewSecret();
  session->set_previous_refresh_secret_hash(session->refresh_secret_hash());
  session->set_refresh_secret_hash(Sha256(secret));
  auto access_token = AccessToken(*session, now);
  if (!access_token.ok()) return access_token.status();
  if (absl::Status s = deps_.sessions.Put(*txn, *session); !s.ok()) return s;
  if (absl::Status s = txn->Commit(); !s.ok()) return s;

  response->set_access_token(*access_token);
  response->set_token_type("Bearer");
  response->set_expires_in(absl::ToInt64Seconds(deps_.access_ttl));
  response->set_refresh_token(FormatRefreshToken(session->session_id(), secret));
  if (session->role() == kCustomerRole) {
    response->set_customer_id(session->subject());
  } else {
    response->set_staff_id(session->subject());
  }
  response->set_role(session->role());
  refreshes_ok_.Increment();
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* AuthService::Logout(grpc::CallbackServerContext* context,
                                              const v1::LogoutRequest* request,
                                              v1::LogoutResponse*) {
  auto* reactor = context->DefaultReactor();
  auto rc = deps_.access.Admit(*context, "Logout", *request);
  absl::Status status = rc.status();
  // Bounded work (one locked read, one synced commit): inline.
  if (status.ok()) {
    status = DoLogout(rc->session_id, rc->principal.subject);
    LogIfInternal(status, "logout failed", rc->request_id);
  }
  reactor->Finish(platform::ToGrpcStatus(status));
  return reactor;
}

absl::Status AuthService::DoLogout(const std::string& session_id, const std::string& subject) {
  if (session_id.empty()) return SessionEnded();
  auto txn = deps_.store.Begin();
  auto session = deps_.sessions.GetForUpdate(*txn, session_id);
  if (!session.ok()) return absl::IsNotFound(session.status()) ? SessionEnded() : session.status();
  if (session->subject() != subject) return SessionEnded();
  // Already ended (only reachable when AccessControl does not check sessions): nothing to do.
  if (session->revoked()) return absl::OkStatus();
  session->set_revoked(true);
  if (absl::Status s = deps_.sessions.Put(*txn, *session); !s.ok()) return s;
  if (absl::Status s = txn->Commit(); !s.ok()) return s;
  platform::LogInfo("logged out", {{"subject", subject}, {"sessionId", session_id}});
  return absl::OkStatus();
}

absl::StatusOr<std::string> AuthService::AccessToken(const v1::SessionRecord& session,
                                                     absl::Time now) const {
  return deps_.signer.Sign({.subject = session.subject(),
                            .role = session.role(),
                            .audience = deps_.audience,
                            .issued_at = now,
                            .not_before = now,
                            .expires_at = now + deps_.access_ttl,
                            .token_version = session.token_version(),
                            .session_id = session.session_id()});
}

}  // namespace crm::customers
