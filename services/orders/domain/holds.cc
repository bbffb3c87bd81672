#include "orders/domain/holds.h"

#include <algorithm>

#include "platform/base/proto_time.h"

namespace crm::orders {

namespace {

bool Waits(const store::v1::Part& part) { return part.hold() != v1::Hold::KIND_UNSPECIFIED; }

bool AnyWaits(const store::v1::ShipmentRecord& record) {
  return std::any_of(record.parts().begin(), record.parts().end(), Waits);
}

// The status of a parcel still in its warehouse, from its parts (LeaveTogether settles the
// PENDING of SHIP_TOGETHER parcels).
v1::Shipment::Status WaitingStatus(const store::v1::ShipmentRecord& record) {
  if (AnyWaits(record)) return v1::Shipment::ON_HOLD;
  return record.together() ? v1::Shipment::PENDING : v1::Shipment::READY;
}

void Touch(store::v1::ShipmentRecord& record, absl::Time now) {
  *record.mutable_shipment()->mutable_updated_at() = platform::ToTimestamp(now);
}

}  // namespace

bool IsWaiting(const store::v1::ShipmentRecord& record) {
  switch (record.shipment().status()) {
    case v1::Shipment::PENDING:
    case v1::Shipment::ON_HOLD:
    case v1::Shipment::READY:
      return true;
    default:
      return false;
  }
}

int64_t WaitingForStock(const store::v1::ShipmentRecord& record, absl::string_view sku) {
  int64_t waiting = 0;
  for (const store::v1::Part& part : record.parts()) {
    if (part.sku() == sku && !part.reserved()) waiting += part.quantity();
  }
  return waiting;
}

int64_t ReserveBackorder(store::v1::ShipmentRecord& record, absl::string_view sku, absl::Time now) {
  int64_t reserved = 0;
  for (store::v1::Part& part : *record.mutable_parts()) {
    if (part.sku() != sku || part.reserved()) continue;
    part.set_reserved(true);
    reserved += part.quantity();
  }
  if (reserved > 0) Touch(record, now);
  ReleaseDue(record, now);
  return reserved;
}

bool ReleaseDue(store::v1::ShipmentRecord& record, absl::Time now) {
  if (!IsWaiting(record)) return false;
  bool changed = false;
  v1::Shipment& shipment = *record.mutable_shipment();
  for (store::v1::Part& part : *record.mutable_parts()) {
    if (!Waits(part) || !part.reserved()) continue;
    if (part.has_release_at() && platform::FromTimestamp(part.release_at()) > now) continue;
    part.set_hold(v1::Hold::KIND_UNSPECIFIED);
    // Its hold (one per held part, same sku and quantity) ends now.
    for (v1::Hold& hold : *shipment.mutable_holds()) {
      if (hold.sku() == part.sku() && hold.quantity() == part.quantity() &&
          !hold.has_released_at()) {
        *hold.mutable_released_at() = platform::ToTimestamp(now);
        break;
      }
    }
    changed = true;
  }
  v1::Shipment::Status status = WaitingStatus(record);
  if (status != shipment.status()) {
    // A PENDING parcel that is still PENDING by its own parts keeps waiting for its siblings.
    shipment.set_status(status);
    changed = true;
  }
  if (changed) Touch(record, now);
  return changed;
}

bool LeaveTogether(const std::vector<store::v1::ShipmentRecord*>& parcels, absl::Time now) {
  bool any_waits = std::any_of(parcels.begin(), parcels.end(),
                               [](const auto* p) { return IsWaiting(*p) && AnyWaits(*p); });
  bool changed = false;
  for (store::v1::ShipmentRecord* parcel : parcels) {
    v1::Shipment& shipment = *parcel->mutable_shipment();
    if (!IsWaiting(*parcel) || AnyWaits(*parcel)) continue;
    v1::Shipment::Status status = any_waits ? v1::Shipment::PENDING : v1::Shipment::READY;
    if (shipment.status() != status) {
      shipment.set_status(status);
      Touch(*parcel, now);
      changed = true;
    }
  }
  return changed;
}

absl::Time LastRelease(const store::v1::ShipmentRecord& record) {
  absl::Time last = absl::InfinitePast();
  for (const store::v1::Part& part : record.parts()) {
    if (Waits(part) && part.has_release_at()) {
      last = std::max(last, platform::FromTimestamp(part.release_at()));
    }
  }
  return last;
}

}  // namespace crm::orders
