// When a held shipment may leave, free of I/O. A part waits while its units are not reserved (a
// BACKORDER: stock has not arrived) or its product is not released yet (a PRESALE); a shipment
// is ON_HOLD while any part waits, and a SHIP_TOGETHER parcel whose own parts are ready stays
// PENDING until every parcel of its order is (they leave together).
//
//   ReserveBackorder(record, "MUG", 1, now);   // stock arrived for the waiting part
//   ReleaseDue(record, now);                   // pre-sales whose release has come
//   LeaveTogether({&a, &b}, now);              // SHIP_TOGETHER siblings: all READY or PENDING
#pragma once

#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "orders/store/records.pb.h"

namespace crm::orders {

// True while the shipment's status says it has not left its warehouse (PENDING, ON_HOLD, READY).
bool IsWaiting(const store::v1::ShipmentRecord& record);

// The quantity of `sku` in `record` waiting for stock (parts not reserved).
int64_t WaitingForStock(const store::v1::ShipmentRecord& record, absl::string_view sku);

// Marks the parts of `sku` waiting for stock as reserved, then releases what is due (as
// ReleaseDue). Answers the units reserved.
int64_t ReserveBackorder(store::v1::ShipmentRecord& record, absl::string_view sku, absl::Time now);

// Releases every held part whose units are reserved and whose product is released by `now`
// (its hold answered with `releasedAt`), and sets the status: ON_HOLD while a part waits, else
// READY (PENDING for a SHIP_TOGETHER parcel; LeaveTogether decides). True when anything changed.
bool ReleaseDue(store::v1::ShipmentRecord& record, absl::Time now);

// For the parcels of one SHIP_TOGETHER order: when none waits any more, the PENDING ones become
// READY; while one waits, the others are PENDING. True when a status changed.
bool LeaveTogether(const std::vector<store::v1::ShipmentRecord*>& parcels, absl::Time now);

// The latest release a part of `record` still waits for; InfinitePast when none.
absl::Time LastRelease(const store::v1::ShipmentRecord& record);

}  // namespace crm::orders
