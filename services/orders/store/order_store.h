// Orders and shipments in RocksDB:
//
//   orders            order id -> versioned OrderRecord       (ids start with the kind letter
//   shipments         shipment id -> versioned ShipmentRecord  and the customer's key partition:
//                                                              platform/base/ids.h)
//   customer_orders   "<pp>/<customer id>/<newest-first placed time><order id>" -> the order id
//                     (OwnedRecords, owner "<pp>/<customer id>": a customer's orders newest first
//                     in one prefix scan, inside the customer's partition)
//
//   OrderStore orders(store);
//   orders.Add(txn, record, shipments);                     // order, shipments, customer index
//   auto order = orders.orders().Get(order_id);             // platform::EntityTable
//   orders.NewestOf(customer_id, after, 10, &next);         // pages of the customer index
//
// Thread-safe (the Store is; nothing is kept here).
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "orders/store/records.pb.h"
#include "platform/store/entity_table.h"
#include "platform/store/owned_records.h"
#include "platform/store/store.h"

namespace crm::orders {

using StoredOrder = platform::Versioned<store::v1::OrderRecord>;
using StoredShipment = platform::Versioned<store::v1::ShipmentRecord>;

// The prefixes of order and shipment ids (NewPartitionedId).
inline constexpr char kOrderIdPrefix[] = "o";
inline constexpr char kShipmentIdPrefix[] = "s";

class OrderStore {
 public:
  explicit OrderStore(platform::Store& store);

  platform::EntityTable<store::v1::OrderRecord>& orders() { return orders_; }
  const platform::EntityTable<store::v1::OrderRecord>& orders() const { return orders_; }
  platform::EntityTable<store::v1::ShipmentRecord>& shipments() { return shipments_; }
  const platform::EntityTable<store::v1::ShipmentRecord>& shipments() const { return shipments_; }

  // Inserts a new order (its record naming `shipments`' ids), its shipments and its place in the
  // customer's list. Errors: those of the store (ABORTED: retry the transaction).
  absl::Status Add(platform::Txn& txn, const store::v1::OrderRecord& order,
                   const std::vector<store::v1::ShipmentRecord>& shipments);

  // The order's shipments, in its planning order. Errors: INTERNAL (one missing or unreadable).
  absl::StatusOr<std::vector<StoredShipment>> ShipmentsOf(
      const store::v1::OrderRecord& order) const;

  // Up to `limit` of the customer's order ids, newest first, after the list position `after`
  // (empty: from the newest). Sets `*next` to the position of the last one answered when more
  // follow, else clears it. Errors: INTERNAL.
  absl::StatusOr<std::vector<std::string>> NewestOf(absl::string_view customer_id,
                                                    absl::string_view after, int limit,
                                                    std::string* next) const;

 private:
  platform::EntityTable<store::v1::OrderRecord> orders_;
  platform::EntityTable<store::v1::ShipmentRecord> shipments_;
  platform::OwnedRecords by_customer_;
};

}  // namespace crm::orders
