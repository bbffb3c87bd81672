#include "orders/api/hold_releases.h"

#include <vector>

#include "orders/domain/holds.h"
#include "orders/events/order_events.h"
#include "platform/base/proto_time.h"

namespace crm::orders {

HoldReleases::HoldReleases(OrderStore& orders, platform::Outbox& outbox, platform::Timers& timers,
                           const platform::Clock& clock)
    : orders_(orders), outbox_(outbox), timers_(timers), clock_(clock) {
  timers_.Register(std::string(kPresaleReleaseTimer),
                   [this](platform::Txn& txn, absl::string_view id, absl::string_view) {
                     return ReleaseDueNow(txn, id);
                   });
}

absl::Status HoldReleases::ScheduleRelease(platform::Txn& txn,
                                           const store::v1::ShipmentRecord& shipment) {
  absl::Time release = LastRelease(shipment);
  if (release == absl::InfinitePast()) return absl::OkStatus();
  return timers_.Schedule(txn, kPresaleReleaseTimer, shipment.shipment().shipment_id(), release,
                          "");
}

absl::Status HoldReleases::ReleaseDueNow(platform::Txn& txn, absl::string_view shipment_id) {
  auto shipment = orders_.shipments().GetForUpdate(txn, shipment_id);
  if (absl::IsNotFound(shipment.status())) return absl::OkStatus();  // erased: nothing to do
  if (!shipment.ok()) return shipment.status();
  store::v1::ShipmentRecord record = shipment->record;
  if (!ReleaseDue(record, clock_.Now())) return absl::OkStatus();
  return Save(txn, *shipment, record, "");
}

absl::Status HoldReleases::ServeBackorders(platform::Txn& txn, StockStore& stock,
                                           StoredStock& level, const std::string& request_id) {
  auto queue = stock.Backorders(level.sku, level.warehouse_id);
  if (!queue.ok()) return queue.status();
  absl::Time now = clock_.Now();
  for (const auto& [position, shipment_id] : *queue) {
    int64_t free = level.stock.on_hand() - level.stock.reserved();
    auto shipment = orders_.shipments().GetForUpdate(txn, shipment_id);
    if (!shipment.ok() && !absl::IsNotFound(shipment.status())) return shipment.status();
    int64_t waiting = shipment.ok() && IsWaiting(shipment->record)
                          ? WaitingForStock(shipment->record, level.sku)
                          : 0;
    if (waiting > free) break;  // first come, first served: nobody overtakes
    if (absl::Status s = stock.RemoveBackorder(txn, level.sku, level.warehouse_id, position);
        !s.ok()) {
      return s;
    }
    if (waiting == 0) continue;  // cancelled or already served
    store::v1::ShipmentRecord record = shipment->record;
    int64_t reserved = ReserveBackorder(record, level.sku, now);
    level.stock.set_reserved(level.stock.reserved() + reserved);
    level.stock.set_backordered(std::max<int64_t>(0, level.stock.backordered() - reserved));
    if (absl::Status s = Save(txn, *shipment, record, request_id); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status HoldReleases::Save(platform::Txn& txn, const StoredShipment& before,
                                const store::v1::ShipmentRecord& after,
                                const std::string& request_id) {
  absl::Time now = clock_.Now();
  // The parcel and, when they leave together, its siblings, as they are after this change.
  std::vector<StoredShipment> stored = {before};
  std::vector<store::v1::ShipmentRecord> changed = {after};
  if (after.together()) {
    auto order = orders_.orders().Get(after.shipment().order_id());
    if (!order.ok()) return order.status();
    for (const std::string& id : order->record.shipment_ids()) {
      if (id == before.id) continue;
      auto sibling = orders_.shipments().GetForUpdate(txn, id);
      if (!sibling.ok()) return sibling.status();
      changed.push_back(sibling->record);
      stored.push_back(*std::move(sibling));
    }
    std::vector<store::v1::ShipmentRecord*> parcels;
    for (store::v1::ShipmentRecord& parcel : changed) parcels.push_back(&parcel);
    LeaveTogether(parcels, now);
  }
  for (size_t i = 0; i < stored.size(); ++i) {
    if (i > 0 && changed[i].SerializeAsString() == stored[i].record.SerializeAsString()) continue;
    if (auto updated = orders_.shipments().Update(txn, stored[i], changed[i]); !updated.ok()) {
      return updated.status();
    }
    bool released = stored[i].record.shipment().status() == v1::Shipment::ON_HOLD &&
                    changed[i].shipment().status() != v1::Shipment::ON_HOLD;
    bool together_ready = stored[i].record.shipment().status() == v1::Shipment::PENDING &&
                          changed[i].shipment().status() == v1::Shipment::READY;
    if (released || together_ready) {
      if (absl::Status s =
              PublishShipmentReleased(outbox_, txn, changed[i].shipment(), now, request_id);
          !s.ok()) {
        return s;
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace crm::orders
