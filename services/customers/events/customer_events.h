// What the customers service publishes: domain events on crm.customers.v1 and messages for the
// mailer on crm.notifications.v1, both keyed by customer id.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "crm/customers/v1/store.pb.h"
#include "crm/events/v1/notifications.pb.h"
#include "platform/events/outbox.h"
#include "platform/auth/sealed_box.h"

namespace crm::customers {

inline constexpr char kCustomersTopic[] = "crm.customers.v1";
inline constexpr char kNotificationsTopic[] = "crm.notifications.v1";

// Adds CustomerRegistered for `record` to `txn`'s outbox; answers the event id. Errors: those of
// Outbox::Append (UNAVAILABLE / OVERLOADED).
absl::StatusOr<std::string> PublishCustomerRegistered(platform::Outbox& outbox, platform::Txn& txn,
                                                      const v1::CustomerRecord& record,
                                                      const std::string& request_id);

// Adds CustomerProfileChanged naming `changed_fields` (no values) to `txn`'s outbox.
absl::StatusOr<std::string> PublishProfileChanged(platform::Outbox& outbox, platform::Txn& txn,
                                                  const v1::CustomerRecord& record,
                                                  const std::vector<std::string>& changed_fields,
                                                  const std::string& request_id);

// Adds SessionRevoked for `session` (its subject is the event's subject) to `txn`'s outbox: the
// other services refuse the session's tokens once they read it.
absl::StatusOr<std::string> PublishSessionRevoked(platform::Outbox& outbox, platform::Txn& txn,
                                                  const v1::SessionRecord& session, absl::Time at);

// Adds TokenVersionRaised for `subject` to `txn`'s outbox: every older token is refused, but
// those of `kept_session_id` (empty: none; the caller of a password change).
absl::StatusOr<std::string> PublishTokenVersionRaised(platform::Outbox& outbox, platform::Txn& txn,
                                                      const std::string& subject,
                                                      int64_t token_version, absl::Time at,
                                                      absl::string_view kept_session_id = "");

// Adds PasswordResetRequested for `customer_id` to `txn`'s outbox, `message` sealed for the
// mailer. Errors: those of Outbox::Append.
absl::StatusOr<std::string> PublishPasswordReset(platform::Outbox& outbox, platform::Txn& txn,
                                                 const platform::SealedBox& mailer,
                                                 const std::string& customer_id,
                                                 const events::v1::PasswordResetMessage& message);

}  // namespace crm::customers
