// crm.customers.v1.PasswordService: a customer's password changed while logged in, or reset
// through a single-use token sent by the mailer.
//
// Change: the current password is checked (wrong ones count against the email like failed
// logins), the new one hashed on the worker pool, then one transaction stores it, bumps the
// customer's token version and revokes every other session (SessionStore::RevokeAllOf).
//
// Reset request: answers 202 after one durable write whatever the email, a durable timer
// "password_reset.request" holding the email, so known and unknown emails cost the same and
// nothing accepted is lost. The timer, a moment later, looks the email up; for a customer it
// stores the SHA-256 of a random token (store/password_reset_store.h) and publishes
// PasswordResetRequested on crm.notifications.v1 with the token sealed for the mailer.
// Confirm: takes the token (single use), checks expiry and that no password change came in
// between, stores the new password, bumps the token version, revokes every session.
//
//   PasswordService passwords({...deps...});   // registers its timer: before timers.Start()
//   builder.RegisterService(&passwords);
//
// Thread-safe.
#pragma once

#include "absl/time/time.h"
#include "crm/customers/v1/password.grpc.pb.h"
#include "customers/domain/password.h"
#include "customers/domain/reasons.h"
#include "customers/store/customer_store.h"
#include "customers/store/login_throttle_store.h"
#include "customers/store/password_reset_store.h"
#include "customers/store/session_store.h"
#include "platform/auth/sealed_box.h"
#include "platform/base/clock.h"
#include "platform/base/metrics.h"
#include "platform/events/outbox.h"
#include "platform/runtime/rpc.h"
#include "platform/store/timers.h"

namespace crm::customers {

struct PasswordServiceDeps {
  CustomerStore& customers;
  SessionStore& sessions;
  PasswordResetStore& resets;
  LoginThrottleStore& throttle;
  platform::Outbox& outbox;
  platform::Timers& timers;
  const platform::Clock& clock;
  platform::Metrics& metrics;
  PasswordHashing hashing;
  // The mailer's public key: reset tokens are sealed for it.
  const platform::SealedBox& mailer;
  platform::Rpc rpc;
  // How long a reset token works. Default 30 minutes.
  absl::Duration reset_ttl = absl::Minutes(30);
};

class PasswordService : public v1::PasswordService::CallbackService {
 public:
  explicit PasswordService(PasswordServiceDeps deps);

  grpc::ServerUnaryReactor* ChangePassword(grpc::CallbackServerContext* context,
                                           const v1::ChangePasswordRequest* request,
                                           v1::ChangePasswordResponse* response) override;
  grpc::ServerUnaryReactor* RequestPasswordReset(
      grpc::CallbackServerContext* context, const v1::RequestPasswordResetRequest* request,
      v1::RequestPasswordResetResponse* response) override;
  grpc::ServerUnaryReactor* ConfirmPasswordReset(
      grpc::CallbackServerContext* context, const v1::ConfirmPasswordResetRequest* request,
      v1::ConfirmPasswordResetResponse* response) override;

 private:
  // On the pool: verify, hash, then the change in `txn`; the caller's session is kept.
  absl::Status Change(platform::Txn& txn, const v1::ChangePasswordRequest& request,
                      const std::string& session_id);
  // On the pool: take the reset token, hash, store the new password in `txn`.
  absl::Status Confirm(platform::Txn& txn, const v1::ConfirmPasswordResetRequest& request);
  // The timer's work for one requested email: token and sealed message, or nothing.
  absl::Status SendResetToken(platform::Txn& txn, absl::string_view email);
  // Stores `password_hash` on the customer, one token version up, and revokes every session of
  // the customer but `keep_session_id`. The customer must have been read with GetForUpdate.
  absl::Status StoreNewPassword(platform::Txn& txn, const StoredCustomer& customer,
                                const std::string& password_hash,
                                absl::string_view keep_session_id);

  PasswordServiceDeps deps_;
  platform::Counter changed_;
  platform::Counter reset_requested_;
  platform::Counter reset_sent_;
  platform::Counter reset_confirmed_;
  platform::Counter reset_refused_;
};

}  // namespace crm::customers
