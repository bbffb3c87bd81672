#include "orders/api/placement.h"

#include <map>
#include <set>
#include <utility>
#include <vector>

#include "orders/api/answers.h"
#include "orders/domain/planner.h"
#include "orders/domain/stock.h"
#include "orders/events/order_events.h"
#include "platform/base/ids.h"
#include "platform/base/proto_time.h"
#include "platform/store/entity.h"

namespace crm::orders {

absl::StatusOr<v1::Order> Placement::Place(platform::Txn& txn, const v1::PlaceOrderRequest& request,
                                           const CheckoutBenefits& benefits,
                                           const std::string& request_id,
                                           absl::string_view replaces_return_id) {
  absl::Time now = deps_.clock.Now();
  std::map<std::string, v1::Product> products;
  for (const v1::OrderLine& line : request.lines()) {
    auto product = deps_.products.Get(line.sku());
    if (product.ok()) {
      products[line.sku()] = product->record;
    } else if (!absl::IsNotFound(product.status())) {
      return product.status();
    }
  }
  // Unknown skus are named by PriceOrder.
  auto order = PriceOrder(request, products, benefits, deps_.terms, now);
  if (!order.ok()) return order.status();
  if (!replaces_return_id.empty()) ChargeNothing(replaces_return_id, &*order);
  const std::string& customer_id = request.customer_id();
  order->set_order_id(platform::NewPartitionedId(kOrderIdPrefix, customer_id));

  std::map<std::pair<std::string, std::string>, StoredStock> locked;
  auto warehouses = LockStock(txn, *order, locked);
  if (!warehouses.ok()) return warehouses.status();
  auto plan = PlanShipments(PlanInputOf(*order, products, *std::move(warehouses), now));
  if (!plan.ok()) return plan.status();
  std::vector<store::v1::ShipmentRecord> shipments =
      ShipmentsOf(*order, *plan, deps_.terms, now,
                  [&] { return platform::NewPartitionedId(kShipmentIdPrefix, customer_id); });

  // Units from stock are reserved; the rest waits at the warehouse expecting it, in order time.
  std::set<std::pair<std::string, std::string>> changed;
  for (const store::v1::ShipmentRecord& shipment : shipments) {
    const std::string& warehouse_id = shipment.shipment().warehouse_id();
    for (const store::v1::Part& part : shipment.parts()) {
      StoredStock& level = locked.at({part.sku(), warehouse_id});
      if (part.reserved()) {
        level.stock.set_reserved(level.stock.reserved() + part.quantity());
      } else {
        level.stock.set_backordered(level.stock.backordered() + part.quantity());
        if (absl::Status s = deps_.stock.AddBackorder(txn, part.sku(), warehouse_id, now,
                                                      shipment.shipment().shipment_id());
            !s.ok()) {
          return s;
        }
      }
      changed.insert({part.sku(), warehouse_id});
    }
  }
  for (const auto& key : changed) {
    StoredStock& level = locked.at(key);
    *level.stock.mutable_updated_at() = platform::ToTimestamp(now);
    if (absl::Status s = deps_.stock.Put(txn, level); !s.ok()) return s;
  }

  store::v1::OrderRecord record;
  *record.mutable_order() = *order;
  std::vector<StoredShipment> stored;
  for (const store::v1::ShipmentRecord& shipment : shipments) {
    record.add_shipment_ids(shipment.shipment().shipment_id());
    stored.push_back({shipment.shipment().shipment_id(), shipment, 1, platform::EtagOf(1)});
  }
  if (absl::Status s = deps_.orders.Add(txn, record, shipments); !s.ok()) return s;
  for (const store::v1::ShipmentRecord& shipment : shipments) {
    if (absl::Status s = deps_.releases.ScheduleRelease(txn, shipment); !s.ok()) return s;
    if (absl::Status s = deps_.changes.ScheduleLateCheck(txn, shipment); !s.ok()) return s;
  }
  auto answer =
      OrderAnswer(deps_.orders, {order->order_id(), record, 1, platform::EtagOf(1)}, stored);
  if (!answer.ok()) return answer.status();
  if (absl::Status s = PublishOrderPlaced(deps_.outbox, txn, *answer, request_id); !s.ok()) {
    return s;
  }
  return answer;
}

absl::StatusOr<std::vector<WarehouseStock>> Placement::LockStock(
    platform::Txn& txn, const v1::Order& order,
    std::map<std::pair<std::string, std::string>, StoredStock>& locked) {
  std::vector<std::string> skus;
  for (const v1::OrderLine& line : order.lines()) skus.push_back(line.sku());
  auto levels = deps_.stock.LockAll(txn, skus);
  if (!levels.ok()) return levels.status();
  std::map<std::string, WarehouseStock> by_warehouse;
  for (StoredStock& level : *levels) {
    auto [it, added] = by_warehouse.try_emplace(level.warehouse_id);
    WarehouseStock& warehouse = it->second;
    if (added) {
      auto stored = deps_.warehouses.Get(level.warehouse_id);
      if (!stored.ok()) return stored.status();
      warehouse.warehouse_id = level.warehouse_id;
      warehouse.region = stored->record.region();
    }
    StockLevel& planned = warehouse.stock[level.sku];
    planned.available = Available(level.stock);
    if (level.stock.has_restock_at()) {
      planned.restock_at = platform::FromTimestamp(level.stock.restock_at());
    }
    std::pair<std::string, std::string> key{level.sku, level.warehouse_id};
    locked.emplace(std::move(key), std::move(level));
  }
  std::vector<WarehouseStock> warehouses;
  for (auto& [id, warehouse] : by_warehouse) warehouses.push_back(std::move(warehouse));
  return warehouses;
}

}  // namespace crm::orders
