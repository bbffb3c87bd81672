#include "customers/api/password_service.h"

#include <string>
#include <vector>

#include "customers/domain/registration.h"
#include "customers/domain/secrets.h"
#include "customers/events/customer_events.h"
#include "platform/base/errors.h"
#include "platform/base/ids.h"
#include "platform/base/log.h"
#include "platform/base/proto_time.h"
#include "platform/rpc/grpc_status.h"

namespace crm::customers {

namespace {

constexpr absl::string_view kResetRequestTimer = "password_reset.request";

absl::Status ResetTokenInvalid() {
  // One answer for unknown, used, expired and superseded tokens: a client can do nothing but
  // ask for a new one, and a guesser learns nothing.
  return platform::Error(absl::StatusCode::kInvalidArgument, kReasonResetTokenInvalid,
                         "the reset token is not valid (unknown, used or expired); ask for a "
                         "new one",
                         {{"token", "is not valid (unknown, used or expired)"}});
}

}  // namespace

PasswordService::PasswordService(PasswordServiceDeps deps)
    : deps_(std::move(deps)),
      changed_(deps_.metrics.AddCounter("crm_auth_password_changes_total",
                                        "Passwords changed by their owner", {})),
      reset_requested_(deps_.metrics.AddCounter("crm_auth_password_resets_total",
                                                "Password reset steps by outcome",
                                                {{"step", "requested"}})),
      reset_sent_(deps_.metrics.AddCounter("crm_auth_password_resets_total",
                                           "Password reset steps by outcome",
                                           {{"step", "token_sent"}})),
      reset_confirmed_(deps_.metrics.AddCounter("crm_auth_password_resets_total",
                                                "Password reset steps by outcome",
                                                {{"step", "confirmed"}})),
      reset_refused_(deps_.metrics.AddCounter("crm_auth_password_resets_total",
                                              "Password reset steps by outcome",
                                              {{"step", "token_refused"}})) {
  deps_.timers.Register(std::string(kResetRequestTimer),
                        [this](platform::Txn& txn, absl::string_view, absl::string_view email) {
                          return SendResetToken(txn, email);
                        });
}

grpc::ServerUnaryReactor* PasswordService::ChangePassword(grpc::CallbackServerContext* context,
                                                          const v1::ChangePasswordRequest* request,
                                                          v1::ChangePasswordResponse* response) {
  return deps_.rpc.Write(
      context, request, response,
      {.check =
           [request] {
             std::vector<platform::FieldViolation> violations;
             if (request->current_password().empty()) {
               violations.push_back({"currentPassword", "is required"});
             } else if (request->current_password().size() > kMaxPasswordBytes) {
               violations.push_back({"currentPassword", "is wrong"});
             }
             CheckNewPassword("newPassword", request->new_password(), violations);
             return platform::InvalidFields(violations);
           },
       .write =
           [this, request](platform::Txn& txn, const platform::RequestContext& rc) {
             return Change(txn, *request, rc.session_id);
           },
       .pooled = "password hashing"});
}

absl::Status PasswordService::Change(platform::Txn& txn, const v1::ChangePasswordRequest& request,
                                     const std::string& session_id) {
  auto customer = deps_.customers.Get(request.customer_id());
  if (!customer.ok()) return customer.status();
  std::string email = NormalizeEmail(customer->record.email());
  absl::Time now = deps_.clock.Now();
  // A stolen access token must not become a way around the login throttle.
  if (absl::Status s = deps_.throttle.CheckAllowed(email, now); !s.ok()) return s;
  if (!VerifyPassword(customer->record.password_hash(), request.current_password())) {
    if (absl::Status s = deps_.throttle.RecordFailure(email, now); !s.ok()) {
      platform::LogWarning("wrong password not counted", {{"error", s.ToString()}});
    }
    return platform::InvalidFields({{"currentPassword", "is wrong"}});
  }
  auto hash = HashPassword(request.new_password(), deps_.hashing);
  if (!hash.ok()) return platform::Overloaded("password hashing");

  // Locked only now, so two argon2id runs do not hold the customer's lock.
  auto locked = deps_.customers.GetForUpdate(txn, request.customer_id());
  if (!locked.ok()) return locked.status();
  if (locked->record.password_hash() != customer->record.password_hash()) {
    // Started over by the shape: the current password is checked against the new hash.
    return absl::AbortedError("the password changed meanwhile; retry");
  }
  if (absl::Status s = StoreNewPassword(txn, *locked, *hash, session_id); !s.ok()) return s;
  if (absl::Status s = deps_.throttle.Clear(txn, email); !s.ok()) return s;
  txn.AfterCommit([this, customer_id = request.customer_id(), session_id] {
    changed_.Increment();
    platform::LogInfo("password changed", {{"customerId", customer_id}, {"sessionId", session_id}});
  });
  return absl::OkStatus();
}

absl::Status PasswordService::StoreNewPassword(platform::Txn& txn, const StoredCustomer& customer,
                                               const std::string& password_hash,
                                               absl::string_view keep_session_id) {
  store::v1::CustomerRecord record = customer.record;
  record.set_password_hash(password_hash);
  // Every access token made before carries the old version: refused everywhere but on the kept
  // session (the caller's), which moves to the new version and keeps its tokens.
  record.set_token_version(record.token_version() + 1);
  if (auto updated = deps_.customers.Update(txn, customer, record); !updated.ok()) {
    return updated.status();
  }
  auto revoked = deps_.sessions.RevokeAllOf(txn, record.customer_id(), keep_session_id,
                                            record.token_version());
  if (!revoked.ok()) return revoked.status();
  // For the other services, which do not read our sessions.
  return PublishTokenVersionRaised(deps_.outbox, txn, record.customer_id(), record.token_version(),
                                   deps_.clock.Now(), keep_session_id)
      .status();
}

grpc::ServerUnaryReactor* PasswordService::RequestPasswordReset(
    grpc::CallbackServerContext* context, const v1::RequestPasswordResetRequest* request,
    v1::RequestPasswordResetResponse* response) {
  return deps_.rpc.Write(
      context, request, response,
      {.check =
           [request] {
             if (request->email().empty()) {
               return platform::InvalidFields({{"email", "is required"}});
             }
             if (request->email().size() > kMaxEmailBytes) {
               return platform::InvalidFields({{"email", "is not a valid email address"}});
             }
             return absl::OkStatus();
           },
       // The same durable write for every email: the answer and its timing say nothing about
       // whether an account has it. The lookup happens later, on the timer.
       .write =
           [this, request](platform::Txn& txn, const platform::RequestContext&) {
             if (absl::Status s =
                     deps_.timers.Schedule(txn, kResetRequestTimer, platform::NewId("pr"),
                                           deps_.clock.Now(), NormalizeEmail(request->email()));
                 !s.ok()) {
               return s;
             }
             txn.AfterCommit([this] { reset_requested_.Increment(); });
             return absl::OkStatus();
           }});
}

absl::Status PasswordService::SendResetToken(platform::Txn& txn, absl::string_view email) {
  // Customers only: staff passwords are an admin's to reset.
  auto found = deps_.customers.FindByEmail(email);
  if (absl::IsNotFound(found.status())) return absl::OkStatus();
  if (!found.ok()) return found.status();
  // Locked: events of one customer enter the outbox in commit order.
  auto customer = deps_.customers.GetForUpdate(txn, found->record.customer_id());
  if (absl::IsNotFound(customer.status())) return absl::OkStatus();
  if (!customer.ok()) return customer.status();

  absl::Time now = deps_.clock.Now();
  std::string token = NewSecret();
  store::v1::PasswordResetRecord record;
  record.set_customer_id(customer->record.customer_id());
  *record.mutable_expires_at() = platform::ToTimestamp(now + deps_.reset_ttl);
  record.set_token_version(customer->record.token_version());
  if (absl::Status s = deps_.resets.Add(txn, Sha256(token), record); !s.ok()) return s;

  events::v1::PasswordResetMessage message;
  message.set_email(customer->record.email());
  message.set_display_name(customer->record.display_name());
  message.set_token(EncodeSecret(token));
  *message.mutable_expires_at() = record.expires_at();
  auto event = PublishPasswordReset(deps_.outbox, txn, deps_.mailer, customer->record.customer_id(),
                                    message);
  if (!event.ok()) return event.status();
  reset_sent_.Increment();
  platform::LogInfo("password reset token sent to the mailer",
                    {{"customerId", customer->record.customer_id()}, {"eventId", *event}});
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* PasswordService::ConfirmPasswordReset(
    grpc::CallbackServerContext* context, const v1::ConfirmPasswordResetRequest* request,
    v1::ConfirmPasswordResetResponse* response) {
  return deps_.rpc.Write(
      context, request, response,
      {.check =
           [this, request] {
             std::vector<platform::FieldViolation> violations;
             if (request->token().empty()) {
               violations.push_back({"token", "is required"});
             }
             CheckNewPassword("newPassword", request->new_password(), violations);
             if (!violations.empty()) return platform::InvalidFields(violations);
             if (!DecodeSecret(request->token())) {
               reset_refused_.Increment();
               return ResetTokenInvalid();
             }
             return absl::OkStatus();
           },
       .write = [this, request](platform::Txn& txn,
                                const platform::RequestContext&) { return Confirm(txn, *request); },
       .pooled = "password hashing"});
}

absl::Status PasswordService::Confirm(platform::Txn& txn,
                                      const v1::ConfirmPasswordResetRequest& request) {
  auto refused = [this] {
    reset_refused_.Increment();
    return ResetTokenInvalid();
  };
  // Taken (deleted) in this transaction: the token is used up exactly when the password changes.
  auto reset = deps_.resets.Take(txn, Sha256(*DecodeSecret(request.token())));
  if (!reset.ok()) return reset.status();
  if (!reset->has_value() || deps_.clock.Now() >= platform::FromTimestamp((*reset)->expires_at())) {
    return refused();
  }
  // Hashed only for a real token: garbage tokens cost no argon2id run.
  auto hash = HashPassword(request.new_password(), deps_.hashing);
  if (!hash.ok()) return platform::Overloaded("password hashing");
  auto customer = deps_.customers.GetForUpdate(txn, (*reset)->customer_id());
  if (absl::IsNotFound(customer.status())) return refused();
  if (!customer.ok()) return customer.status();
  // A password change since the token was made supersedes it.
  if (customer->record.token_version() != (*reset)->token_version()) return refused();

  if (absl::Status s = StoreNewPassword(txn, *customer, *hash, ""); !s.ok()) return s;
  if (absl::Status s = deps_.throttle.Clear(txn, NormalizeEmail(customer->record.email()));
      !s.ok()) {
    return s;
  }
  txn.AfterCommit([this, customer_id = (*reset)->customer_id()] {
    reset_confirmed_.Increment();
    platform::LogInfo("password reset", {{"customerId", customer_id}});
  });
  return absl::OkStatus();
}

}  // namespace crm::customers
