// What the customers service publishes: domain events on crm.customers.v1 and messages for the
// mailer on crm.notifications.v1, both keyed by customer id. Every publish of the service is a
// function here, appending to the outbox in the caller's transaction; the topic comes from the
// event's type (its (crm.events.v1.topic) option), never from a name written here.
//
// Errors of every function: those of Outbox::Append (UNAVAILABLE / OVERLOADED when the outbox
// is full).
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "crm/customers/v1/engagement.pb.h"
#include "crm/customers/v1/interactions.pb.h"
#include "crm/customers/v1/loyalty.pb.h"
#include "crm/events/v1/notifications.pb.h"
#include "customers/domain/loyalty.h"
#include "customers/store/records.pb.h"
#include "platform/auth/sealed_box.h"
#include "platform/events/outbox.h"

namespace crm::customers {

// Adds CustomerRegistered for `record` to `txn`'s outbox; answers the event id.
absl::StatusOr<std::string> PublishCustomerRegistered(platform::Outbox& outbox, platform::Txn& txn,
                                                      const store::v1::CustomerRecord& record,
                                                      const std::string& request_id);

// Adds CustomerProfileChanged naming `changed_fields` (no values) to `txn`'s outbox.
absl::StatusOr<std::string> PublishProfileChanged(platform::Outbox& outbox, platform::Txn& txn,
                                                  const store::v1::CustomerRecord& record,
                                                  const std::vector<std::string>& changed_fields,
                                                  const std::string& request_id);

// Adds SessionRevoked for `session` (its subject is the event's subject) to `txn`'s outbox: the
// other services refuse the session's tokens once they read it.
absl::StatusOr<std::string> PublishSessionRevoked(platform::Outbox& outbox, platform::Txn& txn,
                                                  const store::v1::SessionRecord& session,
                                                  absl::Time at);

// Adds TokenVersionRaised for `subject` to `txn`'s outbox: every older token is refused, but
// those of `kept_session_id` (empty: none; the caller of a password change).
absl::StatusOr<std::string> PublishTokenVersionRaised(platform::Outbox& outbox, platform::Txn& txn,
                                                      const std::string& subject,
                                                      int64_t token_version, absl::Time at,
                                                      absl::string_view kept_session_id = "");

// Adds PreferencesChanged for `preferences` (as stored after the change, changed at its
// updated_at) naming `changed_fields`, with the consent flags.
absl::StatusOr<std::string> PublishPreferencesChanged(
    platform::Outbox& outbox, platform::Txn& txn, const v1::Preferences& preferences,
    const std::vector<std::string>& changed_fields, const std::string& request_id);

// Adds InteractionLogged for `interaction`, without its topic and note (free text).
absl::StatusOr<std::string> PublishInteractionLogged(platform::Outbox& outbox, platform::Txn& txn,
                                                     const v1::Interaction& interaction,
                                                     const std::string& request_id);

// Adds TierChanged for `change` of `customer_id`'s tier at `at`.
absl::StatusOr<std::string> PublishTierChanged(platform::Outbox& outbox, platform::Txn& txn,
                                               absl::string_view customer_id,
                                               const TierChange& change, absl::Time at,
                                               const std::string& request_id);

// Adds PointsRedeemed for the ledger entry `entry` (kind REDEEMED, its id set), without its
// reason (free text). `balance_after`: the balance the entry left.
absl::StatusOr<std::string> PublishPointsRedeemed(platform::Outbox& outbox, platform::Txn& txn,
                                                  absl::string_view customer_id,
                                                  const v1::PointsEntry& entry,
                                                  int64_t balance_after,
                                                  const std::string& request_id);

// Adds PointsAdjusted for the ledger entry `entry` (kind ADJUSTED, its id set), without its
// reason (free text). `balance_after`: the balance the entry left.
absl::StatusOr<std::string> PublishPointsAdjusted(platform::Outbox& outbox, platform::Txn& txn,
                                                  absl::string_view customer_id,
                                                  const v1::PointsEntry& entry,
                                                  int64_t balance_after,
                                                  const std::string& request_id);

// Adds CustomerErased for `customer_id`, erased at `erased_at`.
absl::StatusOr<std::string> PublishCustomerErased(platform::Outbox& outbox, platform::Txn& txn,
                                                  const std::string& customer_id,
                                                  const google::protobuf::Timestamp& erased_at,
                                                  const std::string& request_id);

// Adds PasswordResetRequested for `customer_id` to `txn`'s outbox, `message` sealed for the
// mailer.
absl::StatusOr<std::string> PublishPasswordReset(platform::Outbox& outbox, platform::Txn& txn,
                                                 const platform::SealedBox& mailer,
                                                 const std::string& customer_id,
                                                 const events::v1::PasswordResetMessage& message);

}  // namespace crm::customers
