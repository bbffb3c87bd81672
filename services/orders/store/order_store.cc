#include "orders/store/order_store.h"

#include "absl/strings/str_cat.h"
#include "orders/domain/reasons.h"
#include "orders/store/column_families.h"
#include "platform/base/ids.h"
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

std::string StatusOf(const v1::Shipment& s) { return v1::Shipment::Status_Name(s.status()); }

bool IsOpen(const v1::Shipment& s) {
  return s.status() != v1::Shipment::DELIVERED && s.status() != v1::Shipment::CANCELLED &&
         s.status() != v1::Shipment::RETURNED_TO_SENDER;
}

// The shipments table's indexes: each key is what a list or lookup reads, kept in step with the
// shipment by EntityTable (an empty key: not in that index).
std::vector<platform::UniqueIndex<store::v1::ShipmentRecord>> ShipmentIndexes() {
  using Record = store::v1::ShipmentRecord;
  return {
      {.cf = kTrackingNumbersCf,
       .field = "trackingNumber",
       .taken_reason = std::string(kReasonTrackingNumberTaken),
       .taken = "is already another shipment's with this carrier",
       .key_of =
           [](const Record& r) {
             const v1::Shipment& s = r.shipment();
             if (s.tracking_number().empty()) return std::string();
             return absl::StrCat(s.carrier_id(), "/", s.tracking_number());
           }},
      {.cf = kCarrierShipmentsCf,
       .field = "carrierShipment",
       .key_of =
           [](const Record& r) {
             const v1::Shipment& s = r.shipment();
             if (s.carrier_id().empty()) return std::string();
             return absl::StrCat(s.carrier_id(), "/", StatusOf(s), "/", s.shipment_id());
           }},
      {.cf = kShipmentsByStatusCf,
       .field = "status",
       .key_of =
           [](const Record& r) {
             return absl::StrCat(StatusOf(r.shipment()), "/", r.shipment().shipment_id());
           }},
      {.cf = kShipmentsByWarehouseCf,
       .field = "warehouseId",
       .key_of =
           [](const Record& r) {
             const v1::Shipment& s = r.shipment();
             return absl::StrCat(s.warehouse_id(), "/", StatusOf(s), "/", s.shipment_id());
           }},
      {.cf = kLateShipmentsCf,
       .field = "late",
       .key_of =
           [](const Record& r) {
             const v1::Shipment& s = r.shipment();
             if (!s.has_delay() || !IsOpen(s)) return std::string();
             return absl::StrCat(StatusOf(s), "/", s.shipment_id());
           }},
      {.cf = kPickupsByReturnCf,
       .field = "returnId",
       .taken_reason = "RETURN_PICKUP_EXISTS",
       .key_of =
           [](const Record& r) {
             const v1::Shipment& s = r.shipment();
             return s.kind() == v1::Shipment::RETURN_PICKUP ? s.return_id() : std::string();
           }},
  };
}

}  // namespace

OrderStore::OrderStore(platform::Store& store)
    : orders_(store, {.cf = kOrdersCf,
                      .noun = "order",
                      .not_found_reason = std::string(kReasonOrderNotFound),
                      .id_of = [](const store::v1::OrderRecord& r) { return r.order().order_id(); },
                      // A return is replaced by one order at most.
                      .unique_indexes = {{.cf = kExchangesCf,
                                          .field = "exchangeForReturnId",
                                          .taken_reason = "EXCHANGE_EXISTS",
                                          .key_of =
                                              [](const store::v1::OrderRecord& r) {
                                                return r.order().exchange_for_return_id();
                                              }}}}),
      shipments_(
          store,
          {.cf = kShipmentsCf,
           .noun = "shipment",
           .not_found_reason = std::string(kReasonShipmentNotFound),
           .id_of = [](const store::v1::ShipmentRecord& r) { return r.shipment().shipment_id(); },
           .unique_indexes = ShipmentIndexes()}),
      store_(store),
      by_customer_(store, kCustomerOrdersCf),
      seen_events_(store, kTrackingEventsCf),
      cod_mismatches_(store, kCodMismatchesCf),
      timelines_(store, kTimelinesCf) {}

absl::StatusOr<StoredOrder> OrderStore::FindOrder(absl::string_view id) const {
  if (!platform::PartitionOfId(kOrderIdPrefix, id)) return orders_.Missing();
  return orders_.Get(id);
}

absl::StatusOr<StoredOrder> OrderStore::LockOrder(platform::Txn& txn, absl::string_view id) {
  if (!platform::PartitionOfId(kOrderIdPrefix, id)) return orders_.Missing();
  return orders_.GetForUpdate(txn, id);
}

absl::StatusOr<StoredShipment> OrderStore::FindShipment(absl::string_view id) const {
  if (!platform::PartitionOfId(kShipmentIdPrefix, id)) return shipments_.Missing();
  return shipments_.Get(id);
}

absl::StatusOr<StoredShipment> OrderStore::LockShipment(platform::Txn& txn, absl::string_view id) {
  if (!platform::PartitionOfId(kShipmentIdPrefix, id)) return shipments_.Missing();
  return shipments_.GetForUpdate(txn, id);
}

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
  return Load(order, order.shipment_ids());
}

absl::StatusOr<std::vector<StoredShipment>> OrderStore::PickupsOf(
    const store::v1::OrderRecord& order) const {
  return Load(order, order.pickup_ids());
}

absl::StatusOr<std::vector<StoredShipment>> OrderStore::Load(
    const store::v1::OrderRecord& order,
    const google::protobuf::RepeatedPtrField<std::string>& ids) const {
  std::vector<StoredShipment> shipments;
  for (const std::string& id : ids) {
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

absl::StatusOr<std::string> OrderStore::ShipmentIdByTrackingNumber(
    absl::string_view carrier_id, absl::string_view tracking_number) const {
  auto id =
      store_.Get(store_.cf(kTrackingNumbersCf), absl::StrCat(carrier_id, "/", tracking_number));
  if (!id.ok()) return id.status();
  if (!id->has_value()) return shipments_.Missing();
  return **id;
}

absl::StatusOr<std::vector<std::string>> OrderStore::ScanIndex(
    absl::string_view cf, absl::string_view prefix, absl::string_view after, int limit,
    const std::function<bool(const std::string& id)>& keep, std::string* next) const {
  std::string from = after.empty() ? "" : absl::StrCat(prefix, after);
  std::vector<std::string> ids;
  next->clear();
  std::string last;
  int scanned_keys = 0;
  absl::Status scanned =
      store_.Scan(store_.cf(cf), prefix, from, [&](absl::string_view key, absl::string_view id) {
        absl::string_view position = key.substr(prefix.size());
        if (position == after) return true;
        if (scanned_keys == limit) {
          *next = last;
          return false;
        }
        ++scanned_keys;
        last = std::string(position);
        if (!keep || keep(std::string(id))) ids.emplace_back(id);
        return true;
      });
  if (!scanned.ok()) return scanned;
  return ids;
}

absl::StatusOr<std::vector<std::string>> OrderStore::CarrierShipments(absl::string_view carrier_id,
                                                                      absl::string_view status,
                                                                      absl::string_view after,
                                                                      int limit,
                                                                      std::string* next) const {
  std::string prefix = absl::StrCat(carrier_id, "/");
  if (!status.empty()) absl::StrAppend(&prefix, status, "/");
  return ScanIndex(kCarrierShipmentsCf, prefix, after, limit, nullptr, next);
}

absl::StatusOr<std::string> OrderStore::SeenEvent(platform::Txn& txn, absl::string_view carrier_id,
                                                  absl::string_view event_id) {
  auto seen = seen_events_.GetForUpdate(txn, carrier_id, event_id);
  if (!seen.ok()) return seen.status();
  return seen->has_value() ? (*seen)->data : std::string();
}

absl::Status OrderStore::MarkEventSeen(platform::Txn& txn, absl::string_view carrier_id,
                                       absl::string_view event_id, absl::string_view fingerprint) {
  return seen_events_.Put(txn, carrier_id, event_id, 1, fingerprint);
}

absl::Status OrderStore::AddTimelineEvent(platform::Txn& txn, absl::string_view shipment_id,
                                          const v1::TrackingEvent& event) {
  std::string position = absl::StrCat(
      platform::TimeOrderKey(platform::FromTimestamp(event.occurred_at())), event.event_id());
  return timelines_.Put(txn, shipment_id, position, 1, event.SerializeAsString());
}

absl::StatusOr<std::vector<v1::TrackingEvent>> OrderStore::Timeline(
    absl::string_view shipment_id) const {
  std::vector<v1::TrackingEvent> events;
  bool unreadable = false;
  absl::Status listed =
      timelines_.List(shipment_id, "", [&](absl::string_view, const platform::Entity& entity) {
        v1::TrackingEvent event;
        unreadable = !event.ParseFromString(entity.data);
        events.push_back(std::move(event));
        return !unreadable;
      });
  if (!listed.ok()) return listed;
  if (unreadable) return absl::InternalError("unreadable tracking event");
  if (events.size() > static_cast<size_t>(kMaxTimelineAnswered)) {
    events.erase(events.begin(), events.end() - kMaxTimelineAnswered);
  }
  return events;
}

absl::Status OrderStore::AddCodMismatch(platform::Txn& txn, const v1::CodMismatch& mismatch) {
  std::string position =
      absl::StrCat(platform::TimeOrderKey(platform::FromTimestamp(mismatch.delivered_at()), true),
                   mismatch.shipment_id());
  return cod_mismatches_.Put(txn, "cod", position, 1, mismatch.SerializeAsString());
}

absl::StatusOr<std::vector<v1::CodMismatch>> OrderStore::CodMismatches(absl::string_view after,
                                                                       int limit,
                                                                       std::string* next) const {
  std::vector<v1::CodMismatch> page;
  next->clear();
  std::string last;
  bool unreadable = false;
  absl::Status listed = cod_mismatches_.List(
      "cod", after, [&](absl::string_view position, const platform::Entity& entity) {
        if (position == after) return true;
        if (static_cast<int>(page.size()) == limit) {
          *next = last;
          return false;
        }
        v1::CodMismatch mismatch;
        unreadable = !mismatch.ParseFromString(entity.data);
        page.push_back(std::move(mismatch));
        last = std::string(position);
        return !unreadable;
      });
  if (!listed.ok()) return listed;
  if (unreadable) return absl::InternalError("unreadable COD mismatch");
  return page;
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
