// Orders and shipments as answered: the stored records with their etags, an order with its
// shipments. Shared by OrderService and ShipmentService.
#pragma once

#include <vector>

#include "crm/orders/v1/orders.pb.h"
#include "crm/orders/v1/shipments.pb.h"
#include "orders/store/order_store.h"

namespace crm::orders {

inline v1::Shipment ShipmentAnswer(const StoredShipment& stored) {
  v1::Shipment shipment = stored.record.shipment();
  shipment.set_etag(stored.etag);
  return shipment;
}

inline v1::Order OrderAnswer(const StoredOrder& stored,
                             const std::vector<StoredShipment>& shipments,
                             const std::vector<StoredShipment>& pickups = {}) {
  v1::Order order = stored.record.order();
  order.set_etag(stored.etag);
  for (const StoredShipment& shipment : shipments) {
    *order.add_shipments() = ShipmentAnswer(shipment);
  }
  for (const StoredShipment& pickup : pickups) *order.add_pickups() = ShipmentAnswer(pickup);
  return order;
}

}  // namespace crm::orders
