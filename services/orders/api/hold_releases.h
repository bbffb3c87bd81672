// Releasing held shipments (domain/holds.h for the rules): backorders served first come, first
// served when counted stock arrives (StockService::PutStock calls ServeBackorders in its
// transaction), and pre-sales at their product's release by a durable timer, which fires after a
// restart too. A released parcel answers READY (PENDING while SHIP_TOGETHER siblings still wait)
// and ShipmentReleased is published. Thread-safe.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "orders/store/order_store.h"
#include "orders/store/stock_store.h"
#include "platform/base/clock.h"
#include "platform/events/outbox.h"
#include "platform/store/timers.h"

namespace crm::orders {

inline constexpr absl::string_view kPresaleReleaseTimer = "orders.presale-release";

class HoldReleases {
 public:
  // Registers the pre-sale timer's handler on `timers` (before they start).
  HoldReleases(OrderStore& orders, platform::Outbox& outbox, platform::Timers& timers,
               const platform::Clock& clock);

  // Sets the release timer of a new shipment that waits for a pre-sale product.
  absl::Status ScheduleRelease(platform::Txn& txn, const store::v1::ShipmentRecord& shipment);

  // `level` (locked in `txn`, its on-hand just set) serves the shipments waiting for it, oldest
  // order first, each while what is free covers its wait whole (a later, smaller one never
  // overtakes). Updates `level`'s reserved and backordered; the caller stores it.
  absl::Status ServeBackorders(platform::Txn& txn, StockStore& stock, StoredStock& level,
                               const std::string& request_id);

 private:
  // Stores `shipment` (read for update in `txn`) as changed, settles its SHIP_TOGETHER siblings
  // and publishes ShipmentReleased for each parcel that left ON_HOLD.
  absl::Status Save(platform::Txn& txn, const StoredShipment& before,
                    const store::v1::ShipmentRecord& after, const std::string& request_id);
  absl::Status ReleaseDueNow(platform::Txn& txn, absl::string_view shipment_id);

  OrderStore& orders_;
  platform::Outbox& outbox_;
  platform::Timers& timers_;
  const platform::Clock& clock_;
};

}  // namespace crm::orders
