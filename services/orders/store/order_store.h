// Orders and shipments in RocksDB:
//
//   orders            order id -> versioned OrderRecord       (ids start with the kind letter
//   shipments         shipment id -> versioned ShipmentRecord  and the customer's key partition:
//                                                              platform/base/ids.h)
//   customer_orders   "<pp>/<customer id>/<newest-first placed time><order id>" -> the order id
//                     (OwnedRecords, owner "<pp>/<customer id>": a customer's orders newest first
//                     in one prefix scan, inside the customer's partition)
//   tracking_numbers  "<carrier id>/<tracking number>" -> shipment id (unique: a number is one
//                     carrier's once)
//   carrier_shipments "<carrier id>/<status>/<shipment id>" -> shipment id (a partner's list, by
//                     status: kept in step with every change of the shipment)
//   tracking_events   "<carrier id>/<event id>" -> the event's fingerprint (repeats change nothing)
//   cod_mismatches    "cod/<newest-first time><shipment id>" -> v1::CodMismatch
//   shipments_by_status     "<status>/<shipment id>"                  staff queues, kept in step
//   shipments_by_warehouse  "<warehouse id>/<status>/<shipment id>"   with every change of the
//   late_shipments          "<status>/<shipment id>" (late, not yet   shipment (unique indexes
//                           delivered, cancelled or returned)         of the shipments table)
//   pickups_by_return "<return id>" -> the pickup shipment (one per return)
//   timelines         "<shipment id>/<occurred time><event id>" -> v1::TrackingEvent (apart
//                     from the shipment, so an event is one small write however long the
//                     timeline grows)
//   exchanges         "<return id>" -> the replacement order (one per return)
//
//   OrderStore orders(store);
//   orders.Add(txn, record, shipments);                     // order, shipments, customer index
//   auto order = orders.orders().Get(order_id);             // platform::EntityTable
//   orders.NewestOf(customer_id, after, 10, &next);         // pages of the customer index
//
// Thread-safe (the Store is; nothing is kept here).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "crm/orders/v1/shipments.pb.h"
#include "orders/store/records.pb.h"
#include "platform/store/entity_table.h"
#include "platform/store/owned_records.h"
#include "platform/store/store.h"

namespace crm::orders {

using StoredOrder = platform::Versioned<store::v1::OrderRecord>;
using StoredShipment = platform::Versioned<store::v1::ShipmentRecord>;

// How many of a shipment's newest tracking events an answer holds.
inline constexpr int kMaxTimelineAnswered = 200;

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

  // The order or shipment `id`, read, or locked until `txn` ends. An id that carries no key
  // partition (platform/base/ids.h) was never made here: NOT_FOUND (ORDER_NOT_FOUND,
  // SHIPMENT_NOT_FOUND) without a lookup. Errors: those of EntityTable::Get and GetForUpdate.
  absl::StatusOr<StoredOrder> FindOrder(absl::string_view id) const;
  absl::StatusOr<StoredOrder> LockOrder(platform::Txn& txn, absl::string_view id);
  absl::StatusOr<StoredShipment> FindShipment(absl::string_view id) const;
  absl::StatusOr<StoredShipment> LockShipment(platform::Txn& txn, absl::string_view id);

  // Inserts a new order (its record naming `shipments`' ids), its shipments and its place in the
  // customer's list. Errors: those of the store (ABORTED: retry the transaction).
  absl::Status Add(platform::Txn& txn, const store::v1::OrderRecord& order,
                   const std::vector<store::v1::ShipmentRecord>& shipments);

  // The order's shipments, in its planning order; its return pickups, in the order approved.
  // Errors: INTERNAL (one missing or unreadable).
  absl::StatusOr<std::vector<StoredShipment>> ShipmentsOf(
      const store::v1::OrderRecord& order) const;
  absl::StatusOr<std::vector<StoredShipment>> PickupsOf(const store::v1::OrderRecord& order) const;

  // The id of the shipment with the carrier's tracking number (the index alone is read).
  // Errors: NOT_FOUND; INTERNAL.
  absl::StatusOr<std::string> ShipmentIdByTrackingNumber(absl::string_view carrier_id,
                                                         absl::string_view tracking_number) const;

  // Up to `limit` of the carrier's shipment ids (with `status`, only those), by status then id,
  // after the list position `after`; `*next` as NewestOf. Errors: INTERNAL.
  absl::StatusOr<std::vector<std::string>> CarrierShipments(absl::string_view carrier_id,
                                                            absl::string_view status,
                                                            absl::string_view after, int limit,
                                                            std::string* next) const;

  // Up to `limit` index keys of column family `cf` under `prefix` ("" for all), in key order,
  // after the position `after` (the key less the prefix), answered as the ids they point at;
  // those `keep` refuses are skipped but count towards `limit`, so a page may hold fewer (the
  // scan stays bounded). `*next` as NewestOf. Errors: INTERNAL.
  absl::StatusOr<std::vector<std::string>> ScanIndex(
      absl::string_view cf, absl::string_view prefix, absl::string_view after, int limit,
      const std::function<bool(const std::string& id)>& keep, std::string* next) const;

  // The fingerprint of the carrier's event `event_id` as first applied; empty when never seen.
  absl::StatusOr<std::string> SeenEvent(platform::Txn& txn, absl::string_view carrier_id,
                                        absl::string_view event_id);
  absl::Status MarkEventSeen(platform::Txn& txn, absl::string_view carrier_id,
                             absl::string_view event_id, absl::string_view fingerprint);

  // Adds a tracking event to the shipment's timeline.
  absl::Status AddTimelineEvent(platform::Txn& txn, absl::string_view shipment_id,
                                const v1::TrackingEvent& event);
  // The newest kMaxTimelineAnswered events of the shipment, oldest first. Errors: INTERNAL.
  absl::StatusOr<std::vector<v1::TrackingEvent>> Timeline(absl::string_view shipment_id) const;

  absl::Status AddCodMismatch(platform::Txn& txn, const v1::CodMismatch& mismatch);
  // Newest first, as NewestOf pages.
  absl::StatusOr<std::vector<v1::CodMismatch>> CodMismatches(absl::string_view after, int limit,
                                                             std::string* next) const;

  // Up to `limit` of the customer's order ids, newest first, after the list position `after`
  // (empty: from the newest). Sets `*next` to the position of the last one answered when more
  // follow, else clears it. Errors: INTERNAL.
  absl::StatusOr<std::vector<std::string>> NewestOf(absl::string_view customer_id,
                                                    absl::string_view after, int limit,
                                                    std::string* next) const;

 private:
  absl::StatusOr<std::vector<StoredShipment>> Load(
      const store::v1::OrderRecord& order,
      const google::protobuf::RepeatedPtrField<std::string>& ids) const;

  platform::EntityTable<store::v1::OrderRecord> orders_;
  platform::EntityTable<store::v1::ShipmentRecord> shipments_;
  platform::Store& store_;
  platform::OwnedRecords by_customer_;
  platform::OwnedRecords seen_events_;
  platform::OwnedRecords cod_mismatches_;
  platform::OwnedRecords timelines_;
};

}  // namespace crm::orders
