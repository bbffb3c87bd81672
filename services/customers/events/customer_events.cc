#include "customers/events/customer_events.h"

#include "crm/events/v1/customers.pb.h"
#include "platform/base/proto_time.h"

namespace crm::customers {

absl::StatusOr<std::string> PublishCustomerRegistered(platform::Outbox& outbox, platform::Txn& txn,
                                                      const v1::CustomerRecord& record,
                                                      const std::string& request_id) {
  events::v1::CustomerRegistered event;
  event.set_customer_id(record.customer_id());
  event.set_kind(v1::Customer::Kind_Name(record.kind()));
  *event.mutable_registered_at() = record.created_at();
  return outbox.Append(
      txn, {.topic = kCustomersTopic, .subject = record.customer_id(), .request_id = request_id},
      event);
}

absl::StatusOr<std::string> PublishProfileChanged(platform::Outbox& outbox, platform::Txn& txn,
                                                  const v1::CustomerRecord& record,
                                                  const std::vector<std::string>& changed_fields,
                                                  const std::string& request_id) {
  events::v1::CustomerProfileChanged event;
  event.set_customer_id(record.customer_id());
  for (const std::string& field : changed_fields) event.add_changed_fields(field);
  *event.mutable_changed_at() = record.updated_at();
  return outbox.Append(
      txn, {.topic = kCustomersTopic, .subject = record.customer_id(), .request_id = request_id},
      event);
}

absl::StatusOr<std::string> PublishSessionRevoked(platform::Outbox& outbox, platform::Txn& txn,
                                                  const v1::SessionRecord& session, absl::Time at) {
  events::v1::SessionRevoked event;
  event.set_session_id(session.session_id());
  event.set_subject(session.subject());
  *event.mutable_revoked_at() = platform::ToTimestamp(at);
  return outbox.Append(txn, {.topic = kCustomersTopic, .subject = session.subject()}, event);
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
  return outbox.Append(txn, {.topic = kCustomersTopic, .subject = subject}, event);
}

absl::StatusOr<std::string> PublishPasswordReset(platform::Outbox& outbox, platform::Txn& txn,
                                                 const platform::SealedBox& mailer,
                                                 const std::string& customer_id,
                                                 const events::v1::PasswordResetMessage& message) {
  events::v1::PasswordResetRequested event;
  event.set_customer_id(customer_id);
  event.set_sealed_message(mailer.Seal(message.SerializeAsString()));
  return outbox.Append(txn, {.topic = kNotificationsTopic, .subject = customer_id}, event);
}

}  // namespace crm::customers
