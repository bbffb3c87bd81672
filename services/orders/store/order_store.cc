#include "orders/store/order_store.h"

#include "absl/strings/str_cat.h"
#include "orders/domain/reasons.h"
#include "orders/store/column_families.h"
#include "platform/base/paging.h"
#include "platform/base/partitioning.h"
#include "platform/base/proto_time.h"

namespace crm::orders {

namespace {

// The customer index's owner: the customer's partition first.
std::string CustomerKey(absl::string_view customer_id) {
  return absl::StrCat(platform::PartitionKeyPrefix(platform::KeyPartitionOf(customer_id)),
                      customer_id);
}

}  // namespace

OrderStore::OrderStore(platform::Store& store)
    : orders_(store,
              {.cf = kOrdersCf,
               .noun = "order",
               .not_found_reason = std::string(kReasonOrderNotFound),
               .id_of = [](const store::v1::OrderRecord& r) { return r.order().order_id(); }}),
      shipments_(
          store,
          {.cf = kShipmentsCf,
           .noun = "shipment",
           .not_found_reason = std::string(kReasonShipmentNotFound),
           .id_of = [](const store::v1::ShipmentRecord& r) { return r.shipment().shipment_id(); }}),
      by_customer_(store, kCustomerOrdersCf) {}

absl::Status OrderStore::Add(platform::Txn& txn, const store::v1::OrderRecord& order,
                             const std::vector<store::v1::ShipmentRecord>& shipments) {
  if (auto added = orders_.Insert(txn, order); !added.ok()) return added.status();
  for (const store::v1::ShipmentRecord& shipment : shipments) {
    if (auto added = shipments_.Insert(txn, shipment); !added.ok()) return added.status();
  }
  const std::string& order_id = order.order().order_id();
  std::string position = absl::StrCat(
      platform::TimeOrderKey(platform::FromTimestamp(order.order().placed_at()), true), order_id);
  return by_customer_.Put(txn, CustomerKey(order.order().customer_id()), position, 1, order_id);
}

absl::StatusOr<std::vector<StoredShipment>> OrderStore::ShipmentsOf(
    const store::v1::OrderRecord& order) const {
  std::vector<StoredShipment> shipments;
  for (const std::string& id : order.shipment_ids()) {
    auto shipment = shipments_.Get(id);
    if (!shipment.ok()) {
      return absl::InternalError(absl::StrCat("order ", order.order().order_id(),
                                              " names shipment ", id, ": ",
                                              shipment.status().message()));
    }
    shipments.push_back(*std::move(shipment));
  }
  return shipments;
}

absl::StatusOr<std::vector<std::string>> OrderStore::NewestOf(absl::string_view customer_id,
                                                              absl::string_view after, int limit,
                                                              std::string* next) const {
  std::vector<std::string> ids;
  next->clear();
  std::string last;
  absl::Status listed = by_customer_.List(
      CustomerKey(customer_id), after, [&](absl::string_view position, const platform::Entity& e) {
        if (position == after) return true;  // the token names the last one already answered
        if (static_cast<int>(ids.size()) == limit) {
          *next = last;
          return false;
        }
        ids.push_back(e.data);
        last = std::string(position);
        return true;
      });
  if (!listed.ok()) return listed;
  return ids;
}

}  // namespace crm::orders
