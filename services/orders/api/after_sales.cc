#include "orders/api/after_sales.h"

#include "absl/strings/str_cat.h"
#include "orders/domain/returns.h"
#include "platform/base/ids.h"
#include "platform/base/proto_time.h"
#include "platform/base/text.h"

namespace crm::orders {

const std::vector<const google::protobuf::Descriptor*>& AfterSales::Types() {
  static const auto* const kTypes = new std::vector<const google::protobuf::Descriptor*>{
      events::v1::ReturnApproved::descriptor(),
      events::v1::ExchangeOrdered::descriptor(),
      events::v1::ReturnReceived::descriptor(),
      events::v1::CustomerErased::descriptor(),
  };
  return *kTypes;
}

absl::Status AfterSales::Apply(platform::Txn& txn, const events::v1::EventEnvelope& envelope) {
  const std::string& request_id = envelope.request_id();
  events::v1::ReturnApproved approved;
  if (envelope.payload().UnpackTo(&approved)) return Approved(txn, approved);
  events::v1::ExchangeOrdered exchange;
  if (envelope.payload().UnpackTo(&exchange)) return Exchange(txn, exchange, request_id);
  events::v1::ReturnReceived received;
  if (envelope.payload().UnpackTo(&received)) return Received(txn, received, request_id);
  events::v1::CustomerErased erased;
  if (envelope.payload().UnpackTo(&erased)) return Erase(txn, erased);
  return absl::InvalidArgumentError(absl::StrCat("not an event orders applies: ", envelope.type()));
}

absl::StatusOr<StoredOrder> AfterSales::OrderOf(platform::Txn& txn, const std::string& order_id,
                                                const std::string& customer_id) {
  auto order = deps_.orders.LockOrder(txn, order_id);
  if (absl::IsNotFound(order.status())) {
    return absl::InvalidArgumentError(absl::StrCat("orderId: no order ", order_id));
  }
  if (!order.ok()) return order.status();
  if (order->record.order().customer_id() != customer_id) {
    return absl::InvalidArgumentError("customerId: the order is another customer's");
  }
  return order;
}

absl::Status AfterSales::Approved(platform::Txn& txn, const events::v1::ReturnApproved& event) {
  if (event.items().empty() || !platform::IsValidSku(event.return_id())) {
    return absl::InvalidArgumentError("a return needs an id and items");
  }
  // Once per return.
  if (deps_.orders.shipments().GetBy("returnId", event.return_id()).ok()) return absl::OkStatus();
  auto order = OrderOf(txn, event.order_id(), event.customer_id());
  if (!order.ok()) return order.status();
  store::v1::OrderRecord record = order->record;
  if (absl::Status s = AddReturning(event.items(), record.mutable_order()); !s.ok()) return s;
  // The courier goes to the warehouse that sent the first item.
  auto shipments = deps_.orders.ShipmentsOf(record);
  if (!shipments.ok()) return shipments.status();
  std::string warehouse_id;
  for (const StoredShipment& s : *shipments) {
    for (const v1::ShipmentLine& line : s.record.shipment().lines()) {
      if (warehouse_id.empty() && line.sku() == event.items(0).sku()) {
        warehouse_id = s.record.shipment().warehouse_id();
      }
    }
  }
  absl::Time now = deps_.clock.Now();
  store::v1::ShipmentRecord pickup;
  v1::Shipment& p = *pickup.mutable_shipment();
  p.set_shipment_id(platform::NewPartitionedId(kShipmentIdPrefix, event.customer_id()));
  p.set_kind(v1::Shipment::RETURN_PICKUP);
  p.set_return_id(event.return_id());
  p.set_order_id(event.order_id());
  p.set_customer_id(event.customer_id());
  p.set_warehouse_id(warehouse_id);
  for (const events::v1::ReturnedItem& item : event.items()) {
    v1::ShipmentLine* line = p.add_lines();
    line->set_sku(item.sku());
    line->set_quantity(item.quantity());
  }
  p.set_status(v1::Shipment::READY);
  *p.mutable_ready_at() = platform::ToTimestamp(now);
  v1::Delivery standard;
  standard.set_speed(v1::Delivery::STANDARD);
  *p.mutable_promised_by() = platform::ToTimestamp(deps_.terms.PromisedBy(now, standard));
  *p.mutable_created_at() = platform::ToTimestamp(now);
  *p.mutable_updated_at() = p.created_at();
  if (auto added = deps_.orders.shipments().Insert(txn, pickup); !added.ok()) {
    return added.status();
  }
  record.add_pickup_ids(p.shipment_id());
  *record.mutable_order()->mutable_updated_at() = platform::ToTimestamp(now);
  if (auto updated = deps_.orders.orders().Update(txn, *order, record); !updated.ok()) {
    return updated.status();
  }
  return deps_.changes.ScheduleLateCheck(txn, pickup);
}

absl::Status AfterSales::Exchange(platform::Txn& txn, const events::v1::ExchangeOrdered& event,
                                  const std::string& request_id) {
  if (event.items().empty() || !platform::IsValidSku(event.return_id())) {
    return absl::InvalidArgumentError("an exchange needs a return id and items");
  }
  // Once per return.
  if (deps_.orders.orders().GetBy("exchangeForReturnId", event.return_id()).ok()) {
    return absl::OkStatus();
  }
  auto original = OrderOf(txn, event.order_id(), event.customer_id());
  if (!original.ok()) return original.status();
  const v1::Order& o = original->record.order();
  if (absl::Status s = CheckReplacement(event.items(), o); !s.ok()) return s;
  v1::PlaceOrderRequest request;
  request.set_customer_id(o.customer_id());
  for (const events::v1::ReturnedItem& item : event.items()) {
    v1::OrderLine* line = request.add_lines();
    line->set_sku(item.sku());
    line->set_quantity(item.quantity());
  }
  request.set_currency(o.currency());
  *request.mutable_shipping_address() = o.shipping_address();
  request.set_payment_method(v1::Order::PREPAID);
  request.mutable_delivery()->set_speed(v1::Delivery::STANDARD);
  request.set_split_policy(v1::Order::SHIP_WHEN_READY);
  auto placed = deps_.placement.Place(txn, request, {.tier = o.tier(), .free_express = false},
                                      request_id, event.return_id());
  return placed.status();
}

absl::Status AfterSales::Received(platform::Txn& txn, const events::v1::ReturnReceived& event,
                                  const std::string& request_id) {
  auto order = OrderOf(txn, event.order_id(), event.customer_id());
  if (!order.ok()) return order.status();
  store::v1::OrderRecord record = order->record;
  for (const std::string& id : record.received_return_ids()) {
    if (id == event.return_id()) return absl::OkStatus();  // once per return
  }
  if (absl::Status s = AddReturned(event.items(), record.mutable_order()); !s.ok()) return s;
  record.add_received_return_ids(event.return_id());
  *record.mutable_order()->mutable_updated_at() = platform::ToTimestamp(deps_.clock.Now());
  if (auto updated = deps_.orders.orders().Update(txn, *order, record); !updated.ok()) {
    return updated.status();
  }
  return deps_.changes.RollUp(txn, event.order_id(), request_id);
}

absl::Status AfterSales::Erase(platform::Txn& txn, const events::v1::CustomerErased& event) {
  std::string after, next;
  do {
    auto ids = deps_.orders.NewestOf(event.customer_id(), after, 100, &next);
    if (!ids.ok()) return ids.status();
    for (const std::string& id : *ids) {
      auto order = deps_.orders.orders().GetForUpdate(txn, id);
      if (!order.ok()) return order.status();
      if (order->record.order().personal_data_erased()) continue;
      store::v1::OrderRecord record = order->record;
      ErasePersonalData(record.mutable_order());
      if (auto updated = deps_.orders.orders().Update(txn, *order, record); !updated.ok()) {
        return updated.status();
      }
    }
    after = next;
  } while (!next.empty());
  return absl::OkStatus();
}

}  // namespace crm::orders
