// Every change of a shipment after it was planned goes through here (but the end of its holds:
// api/hold_releases.h stores those and publishes ShipmentReleased), so that what follows from
// it happens once and in the same transaction: its indexes move (platform::EntityTable), its
// lateness is recorded (domain/lateness.h), its events are published (ShipmentStatusChanged,
// ShipmentDelivered, CodMismatch), and its order's status, collected cash and delivery follow
// (domain/shipment_status.h OrderStatusOf; OrderDelivered). Also the durable timer that marks a
// shipment late when its promise passes while it is still on its way. Thread-safe.
#pragma once

#include <map>
#include <string>

#include "absl/status/status.h"
#include "orders/store/order_store.h"
#include "platform/base/clock.h"
#include "platform/base/metrics.h"
#include "platform/events/outbox.h"
#include "platform/store/timers.h"

namespace crm::orders {

inline constexpr absl::string_view kLateCheckTimer = "orders.late-check";

class ShipmentChanges {
 public:
  // Registers the late-check timer's handler on `timers` and the counters on `metrics`.
  ShipmentChanges(OrderStore& orders, platform::Outbox& outbox, platform::Timers& timers,
                  platform::Metrics& metrics, const platform::Clock& clock);

  // Sets the late check of a new shipment at its promise.
  absl::Status ScheduleLateCheck(platform::Txn& txn, const store::v1::ShipmentRecord& shipment);

  // Stores `after` over `before` (read for update in `txn`) and everything that follows. With
  // `roll_up` false the order is left to the caller (it changes several shipments at once).
  // Errors: those of the store and outbox (ALREADY_EXISTS TRACKING_NUMBER_TAKEN from the index).
  absl::Status Save(platform::Txn& txn, const StoredShipment& before,
                    store::v1::ShipmentRecord after, const std::string& request_id,
                    bool roll_up = true);

  // The order of `order_id`'s status, collected cash and what is due, from its shipments as
  // stored in `txn`; publishes OrderDelivered when it became DELIVERED.
  absl::Status RollUp(platform::Txn& txn, absl::string_view order_id,
                      const std::string& request_id);

 private:
  absl::Status LateCheck(platform::Txn& txn, absl::string_view shipment_id);

  OrderStore& orders_;
  platform::Outbox& outbox_;
  platform::Timers& timers_;
  const platform::Clock& clock_;
  platform::Counter cod_mismatches_;
  std::map<v1::Delay::Cause, platform::Counter> late_;
};

}  // namespace crm::orders
