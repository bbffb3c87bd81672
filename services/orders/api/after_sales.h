// What other services' events do to orders (domain/returns.h for the rules): an approved return
// sends a courier to pick the items up (a RETURN_PICKUP shipment from the order's address, once
// per return), an exchange places a replacement order charged nothing (api/placement.h, once per
// return), received items make the order PARTIALLY_RETURNED or RETURNED, and an erased customer's
// orders keep only anonymous facts. Each applies in the consumer's transaction; one that cannot
// (another customer's order, more units than delivered) fails INVALID_ARGUMENT and so ends in the
// dead letters. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "crm/events/v1/aftersales.pb.h"
#include "crm/events/v1/customers.pb.h"
#include "crm/events/v1/envelope.pb.h"
#include "orders/api/placement.h"
#include "orders/api/shipment_changes.h"
#include "orders/domain/delivery_terms.h"
#include "orders/store/order_store.h"
#include "platform/base/clock.h"

namespace google::protobuf {
class Descriptor;
}

namespace crm::orders {

struct AfterSalesDeps {
  OrderStore& orders;
  Placement& placement;
  ShipmentChanges& changes;
  const platform::Clock& clock;
  DeliveryTerms terms;
};

class AfterSales {
 public:
  explicit AfterSales(AfterSalesDeps deps) : deps_(std::move(deps)) {}

  // The event types Apply handles: ReturnApproved, ExchangeOrdered, ReturnReceived
  // (crm.aftersales.v1) and CustomerErased (crm.customers.v1).
  static const std::vector<const google::protobuf::Descriptor*>& Types();

  absl::Status Apply(platform::Txn& txn, const events::v1::EventEnvelope& envelope);

 private:
  absl::Status Approved(platform::Txn& txn, const events::v1::ReturnApproved& event);
  absl::Status Exchange(platform::Txn& txn, const events::v1::ExchangeOrdered& event,
                        const std::string& request_id);
  absl::Status Received(platform::Txn& txn, const events::v1::ReturnReceived& event,
                        const std::string& request_id);
  absl::Status Erase(platform::Txn& txn, const events::v1::CustomerErased& event);
  // The order, locked, when it is `customer_id`'s. Errors: INVALID_ARGUMENT otherwise.
  absl::StatusOr<StoredOrder> OrderOf(platform::Txn& txn, const std::string& order_id,
                                      const std::string& customer_id);

  AfterSalesDeps deps_;
};

}  // namespace crm::orders
