// What the customers service publishes: domain events on crm.customers.v1 and messages for the
// mailer on crm.notifications.v1, both keyed by customer id.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "crm/customers/v1/store.pb.h"
#include "crm/events/v1/notifications.pb.h"
#include "platform/outbox.h"
#include "platform/sealed_box.h"

namespace crm::customers {

inline constexpr char kCustomersTopic[] = "crm.customers.v1";
inline constexpr char kNotificationsTopic[] = "crm.notifications.v1";

// Adds CustomerRegistered for `record` to `txn`'s outbox; answers the event id. Errors: those of
// Outbox::Append (UNAVAILABLE / OVERLOADED).
absl::StatusOr<std::string> PublishCustomerRegistered(platform::Outbox& outbox,
                                                      platform::Txn& txn,
                                                      const v1::CustomerRecord& record,
                                                      const std::string& request_id);

// Adds CustomerProfileChanged naming `changed_fields` (no values) to `txn`'s outbox.
absl::StatusOr<std::string> PublishProfileChanged(platform::Outbox& outbox, platform::Txn& txn,
                                                  const v1::CustomerRecord& record,
                                                  const std::vector<std::string>& changed_fields,
                                                  const std::string& request_id);

// Adds PasswordResetRequested for `customer_id` to `txn`'s outbox, `message` sealed for the
// mailer. Errors: those of Outbox::Append.
absl::StatusOr<std::string> PublishPasswordReset(platform::Outbox& outbox, platform::Txn& txn,
                                                 const platform::SealedBox& mailer,
                                                 const std::string& customer_id,
                                                 const events::v1::PasswordResetMessage& message);

}  // namespace crm::customers
