// Orders and shipments as answered: the stored records with their etags and each shipment's
// tracking timeline (kept apart from the record: store/order_store.h), an order with its
// shipments and pickups. Shared by the handlers of orders, shipments and partners.
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "crm/orders/v1/orders.pb.h"
#include "crm/orders/v1/shipments.pb.h"
#include "orders/store/order_store.h"

namespace crm::orders {

// Errors: INTERNAL (an unreadable timeline event).
inline absl::StatusOr<v1::Shipment> ShipmentAnswer(const OrderStore& orders,
                                                   const StoredShipment& stored) {
  v1::Shipment shipment = stored.record.shipment();
  shipment.set_etag(stored.etag);
  // No carrier event was ever applied (a stale one needs a newer one first): nothing to read.
  if (!stored.record.has_last_event_at()) return shipment;
  auto timeline = orders.Timeline(shipment.shipment_id());
  if (!timeline.ok()) return timeline.status();
  for (v1::TrackingEvent& event : *timeline) *shipment.add_timeline() = std::move(event);
  return shipment;
}

inline absl::StatusOr<v1::Order> OrderAnswer(const OrderStore& orders, const StoredOrder& stored,
                                             const std::vector<StoredShipment>& shipments,
                                             const std::vector<StoredShipment>& pickups = {}) {
  v1::Order order = stored.record.order();
  order.set_etag(stored.etag);
  for (const auto& [from, into] : {std::pair{&shipments, order.mutable_shipments()},
                                   std::pair{&pickups, order.mutable_pickups()}}) {
    for (const StoredShipment& one : *from) {
      auto answer = ShipmentAnswer(orders, one);
      if (!answer.ok()) return answer.status();
      *into->Add() = *std::move(answer);
    }
  }
  return order;
}

}  // namespace crm::orders
