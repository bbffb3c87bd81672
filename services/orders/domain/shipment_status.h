// The one table of the steps a shipment may take (docs/architecture.md, "Shipment statuses"),
// and how an order's status follows from its shipments. Free of I/O.
//
//   IsAllowedStep(v1::Shipment::IN_TRANSIT, v1::Shipment::DELIVERED)    // true
//   IsAllowedStep(v1::Shipment::DELIVERED, v1::Shipment::IN_TRANSIT)    // false: never back
//   OrderStatusOf({...shipments...})                                     // PARTIALLY_SHIPPED, ...
#pragma once

#include <vector>

#include "crm/orders/v1/orders.pb.h"
#include "crm/orders/v1/shipments.pb.h"

namespace crm::orders {

// True when `to` may follow `from`.
bool IsAllowedStep(v1::Shipment::Status from, v1::Shipment::Status to);

// The statuses a carrier reports in tracking events (the rest are the shop's own).
bool IsCarrierStatus(v1::Shipment::Status status);

// Still in its warehouse: PENDING, ON_HOLD or READY (cancellable, not yet the carrier's).
bool IsInWarehouse(v1::Shipment::Status status);

// Its journey ended: DELIVERED, RETURNED_TO_SENDER or CANCELLED.
bool IsFinished(v1::Shipment::Status status);

// The order's status from its shipments' (the order's own CANCELLED, PARTIALLY_RETURNED and
// RETURNED aside): every shipment cancelled is CANCELLED; of the others, all delivered is
// DELIVERED, some PARTIALLY_DELIVERED; all with a carrier (or delivered) SHIPPED, some
// PARTIALLY_SHIPPED; else PLACED.
v1::Order::Status OrderStatusOf(const std::vector<v1::Shipment::Status>& shipments);

}  // namespace crm::orders
