// What the customers service publishes, on crm.customers.v1 keyed by customer id.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "crm/customers/v1/store.pb.h"
#include "platform/outbox.h"

namespace crm::customers {

inline constexpr char kCustomersTopic[] = "crm.customers.v1";

// Adds CustomerRegistered for `record` to `txn`'s outbox; answers the event id. Errors: those of
// Outbox::Append (UNAVAILABLE / OVERLOADED).
absl::StatusOr<std::string> PublishCustomerRegistered(platform::Outbox& outbox,
                                                      platform::Txn& txn,
                                                      const v1::CustomerRecord& record,
                                                      const std::string& request_id);

}  // namespace crm::customers
