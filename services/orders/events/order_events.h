// What the orders service publishes on crm.orders.v1 and, for the customer's mailbox, on
// crm.notifications.v1 (order confirmation, parcel on its way), keyed by customer id. Every publish
// of the service is a function here, appending to the outbox in the caller's transaction; the topic
// comes from the event's type (its (crm.events.v1.topic) option).
//
// Errors of every function: those of Outbox::Append (UNAVAILABLE / OVERLOADED when the outbox
// is full).
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "crm/orders/v1/orders.pb.h"
#include "crm/orders/v1/shipments.pb.h"
#include "platform/events/outbox.h"

namespace crm::orders {

// Adds OrderPlaced for `order` (placed, with its shipments), ShipmentPlanned for each of them,
// and the customer's OrderConfirmation.
absl::Status PublishOrderPlaced(platform::Outbox& outbox, platform::Txn& txn,
                                const v1::Order& order, const std::string& request_id);

// Adds ShipmentReleased: `shipment` (as just stored) may leave its warehouse from `at`.
absl::Status PublishShipmentReleased(platform::Outbox& outbox, platform::Txn& txn,
                                     const v1::Shipment& shipment, absl::Time at,
                                     const std::string& request_id);

// Adds ShipmentStatusChanged: `shipment` (as just stored) moved from `from`, or became late;
// when it was just handed to its carrier, the customer's ParcelOnItsWay too.
absl::Status PublishShipmentStatusChanged(platform::Outbox& outbox, platform::Txn& txn,
                                          v1::Shipment::Status from, const v1::Shipment& shipment,
                                          absl::Time at, const std::string& request_id);

// Adds ShipmentDelivered: its amount earns the customer points (customers' loyalty).
absl::Status PublishShipmentDelivered(platform::Outbox& outbox, platform::Txn& txn,
                                      const v1::Shipment& shipment, const std::string& currency,
                                      const std::string& request_id);

absl::Status PublishCodMismatch(platform::Outbox& outbox, platform::Txn& txn,
                                const v1::CodMismatch& mismatch, const std::string& request_id);

absl::Status PublishOrderDelivered(platform::Outbox& outbox, platform::Txn& txn,
                                   const v1::Order& order, int64_t delivered_cents,
                                   absl::Time delivered_at, const std::string& request_id);

// Adds OrderCancelled for the lines of `shipments` just cancelled (all of the order's: `whole`).
absl::Status PublishOrderCancelled(platform::Outbox& outbox, platform::Txn& txn,
                                   const v1::Order& order,
                                   const std::vector<v1::Shipment>& shipments, bool whole,
                                   absl::Time at, const std::string& request_id);

}  // namespace crm::orders
