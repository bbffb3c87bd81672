#include "customers/events/customer_events.h"

#include "crm/events/v1/customers.pb.h"
#include "platform/base/proto_time.h"

namespace crm::customers {

absl::StatusOr<std::string> PublishCustomerRegistered(platform::Outbox& outbox, platform::Txn& txn,
                                                      const store::v1::CustomerRecord& record,
                                                      const std::string& request_id) {
  events::v1::CustomerRegistered event;
  event.set_customer_id(record.customer_id());
  event.set_kind(v1::Customer::Kind_Name(record.kind()));
  *event.mutable_registered_at() = record.created_at();
  return outbox.Append(txn, {.subject = record.customer_id(), .request_id = request_id}, event);
}

absl::StatusOr<std::string> PublishProfileChanged(platform::Outbox& outbox, platform::Txn& txn,
                                                  const store::v1::CustomerRecord& record,
                                                  const std::vector<std::string>& changed_fields,
                                                  const std::string& request_id) {
  events::v1::CustomerProfileChanged event;
  event.set_customer_id(record.customer_id());
  for (const std::string& field : changed_fields) event.add_changed_fields(field);
  *event.mutable_changed_at() = record.updated_at();
  return outbox.Append(txn, {.subject = record.customer_id(), .request_id = request_id}, event);
}

absl::StatusOr<std::string> PublishSessionRevoked(platform::Outbox& outbox, platform::Txn& txn,
                                                  const store::v1::SessionRecord& session,
                                                  absl::Time at) {
  events::v1::SessionRevoked event;
  event.set_session_id(session.session_id());
  event.set_subject(session.subject());
  *event.mutable_revoked_at() = platform::ToTimestamp(at);
  return outbox.Append(txn, {.subject = session.subject()}, event);
}

absl::StatusOr<std::string> PublishTokenVersionRaised(platform::Outbox& outbox, platform::Txn& txn,
                                                      const std::string& subject,
                                                      int64_t token_version, absl::Time at,
                                                      absl::string_view kept_session_id) {
  events::v1::TokenVersionRaised event;
  event.set_subject(subject);
  event.set_token_version(token_version);
  event.set_kept_session_id(std::string(kept_session_id));
  *event.mutable_raised_at() = platform::ToTimestamp(at);
  return outbox.Append(txn, {.subject = subject}, event);
}

absl::StatusOr<std::string> PublishPreferencesChanged(
    platform::Outbox& outbox, platform::Txn& txn, const v1::Preferences& preferences,
    const std::vector<std::string>& changed_fields, const std::string& request_id) {
  events::v1::PreferencesChanged event;
  event.set_customer_id(preferences.customer_id());
  for (const std::string& field : changed_fields) event.add_changed_fields(field);
  event.set_consent_email(preferences.consent().email());
  event.set_consent_sms(preferences.consent().sms());
  event.set_consent_phone(preferences.consent().phone());
  *event.mutable_changed_at() = preferences.updated_at();
  return outbox.Append(txn, {.subject = preferences.customer_id(), .request_id = request_id},
                       event);
}

absl::StatusOr<std::string> PublishInteractionLogged(platform::Outbox& outbox, platform::Txn& txn,
                                                     const v1::Interaction& interaction,
                                                     const std::string& request_id) {
  events::v1::InteractionLogged event;
  event.set_customer_id(interaction.customer_id());
  event.set_interaction_id(interaction.interaction_id());
  event.set_channel(v1::Interaction::Channel_Name(interaction.channel()));
  event.set_direction(v1::Interaction::Direction_Name(interaction.direction()));
  *event.mutable_occurred_at() = interaction.occurred_at();
  return outbox.Append(txn, {.subject = interaction.customer_id(), .request_id = request_id},
                       event);
}

absl::StatusOr<std::string> PublishTierChanged(platform::Outbox& outbox, platform::Txn& txn,
                                               absl::string_view customer_id,
                                               const TierChange& change, absl::Time at,
                                               const std::string& request_id) {
  events::v1::TierChanged event;
  event.set_customer_id(std::string(customer_id));
  event.set_from(v1::TierBenefits::Tier_Name(change.from));
  event.set_to(v1::TierBenefits::Tier_Name(change.to));
  event.set_spend_365d_cents(change.spend_cents);
  *event.mutable_changed_at() = platform::ToTimestamp(at);
  return outbox.Append(txn, {.subject = std::string(customer_id), .request_id = request_id}, event);
}

absl::StatusOr<std::string> PublishPointsRedeemed(platform::Outbox& outbox, platform::Txn& txn,
                                                  absl::string_view customer_id,
                                                  const v1::PointsEntry& entry,
                                                  int64_t balance_after,
                                                  const std::string& request_id) {
  events::v1::PointsRedeemed event;
  event.set_customer_id(std::string(customer_id));
  event.set_entry_id(entry.entry_id());
  event.set_points(-entry.points());  // the ledger counts spending below zero
  event.set_balance_after(balance_after);
  event.set_order_id(entry.order_id());
  *event.mutable_redeemed_at() = entry.at();
  return outbox.Append(txn, {.subject = std::string(customer_id), .request_id = request_id}, event);
}

absl::StatusOr<std::string> PublishPointsAdjusted(platform::Outbox& outbox, platform::Txn& txn,
                                                  absl::string_view customer_id,
                                                  const v1::PointsEntry& entry,
                                                  int64_t balance_after,
                                                  const std::string& request_id) {
  events::v1::PointsAdjusted event;
  event.set_customer_id(std::string(customer_id));
  event.set_entry_id(entry.entry_id());
  event.set_points(entry.points());
  event.set_balance_after(balance_after);
  event.set_staff_id(entry.staff_id());
  *event.mutable_adjusted_at() = entry.at();
  return outbox.Append(txn, {.subject = std::string(customer_id), .request_id = request_id}, event);
}

absl::StatusOr<std::string> PublishCustomerErased(platform::Outbox& outbox, platform::Txn& txn,
                                                  const std::string& customer_id,
                                                  const google::protobuf::Timestamp& erased_at,
                                                  const std::string& request_id) {
  events::v1::CustomerErased event;
  event.set_customer_id(customer_id);
  *event.mutable_erased_at() = erased_at;
  return outbox.Append(txn, {.subject = customer_id, .request_id = request_id}, event);
}

absl::StatusOr<std::string> PublishPasswordReset(platform::Outbox& outbox, platform::Txn& txn,
                                                 const platform::SealedBox& mailer,
                                                 const std::string& customer_id,
                                                 const events::v1::PasswordResetMessage& message) {
  events::v1::PasswordResetRequested event;
  event.set_customer_id(customer_id);
  event.set_sealed_message(mailer.Seal(message.SerializeAsString()));
  return outbox.Append(txn, {.subject = customer_id}, event);
}

}  // namespace crm::customers
