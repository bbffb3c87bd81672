#include "customers/events/customer_events.h"

#include "crm/events/v1/customers.pb.h"

namespace crm::customers {

absl::StatusOr<std::string> PublishCustomerRegistered(platform::Outbox& outbox,
                                                      platform::Txn& txn,
                                                      const v1::CustomerRecord& record,
                                                      const std::string& request_id) {
  events::v1::CustomerRegistered event;
  event.set_customer_id(record.customer_id());
  event.set_kind(v1::Customer::Kind_Name(record.kind()));
  *event.mutable_registered_at() = record.created_at();
  return outbox.Append(txn,
                       {.topic = kCustomersTopic,
                        .subject = record.customer_id(),
                        .request_id = request_id},
                       event);
}

}  // namespace crm::customers
