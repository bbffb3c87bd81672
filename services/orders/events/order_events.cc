#include "orders/events/order_events.h"

#include <set>

#include "crm/events/v1/notifications.pb.h"
#include "crm/events/v1/orders.pb.h"
#include "platform/base/proto_time.h"

namespace crm::orders {

namespace {

// Every event of the service goes out keyed by its customer.
absl::Status Append(platform::Outbox& outbox, platform::Txn& txn, const std::string& customer_id,
                    const google::protobuf::Message& event, const std::string& request_id) {
  return outbox.Append(txn, {.subject = customer_id, .request_id = request_id}, event).status();
}

absl::Status PublishShipmentPlanned(platform::Outbox& outbox, platform::Txn& txn,
                                    const v1::Order& order, const v1::Shipment& shipment,
                                    const std::string& request_id) {
  events::v1::ShipmentPlanned event;
  event.set_shipment_id(shipment.shipment_id());
  event.set_order_id(shipment.order_id());
  event.set_customer_id(shipment.customer_id());
  event.set_warehouse_id(shipment.warehouse_id());
  for (const v1::ShipmentLine& line : shipment.lines()) {
    events::v1::OrderedItem* item = event.add_items();
    item->set_sku(line.sku());
    item->set_quantity(line.quantity());
  }
  event.set_status(v1::Shipment::Status_Name(shipment.status()));
  std::set<std::string> kinds;
  for (const v1::Hold& hold : shipment.holds()) kinds.insert(v1::Hold::Kind_Name(hold.kind()));
  for (const std::string& kind : kinds) event.add_hold_kinds(kind);
  *event.mutable_ready_at() = shipment.ready_at();
  *event.mutable_promised_by() = shipment.promised_by();
  event.set_amount_cents(shipment.amount_cents());
  event.set_currency(order.currency());
  *event.mutable_planned_at() = shipment.created_at();
  return Append(outbox, txn, order.customer_id(), event, request_id);
}

}  // namespace

absl::Status PublishOrderPlaced(platform::Outbox& outbox, platform::Txn& txn,
                                const v1::Order& order, const std::string& request_id) {
  events::v1::OrderPlaced event;
  event.set_order_id(order.order_id());
  event.set_customer_id(order.customer_id());
  for (const v1::OrderLine& line : order.lines()) {
    events::v1::OrderedItem* item = event.add_items();
    item->set_sku(line.sku());
    item->set_quantity(line.quantity());
    item->set_unit_price_cents(line.unit_price_cents());
  }
  event.set_items_cents(order.items_cents());
  event.set_shipping_cents(order.shipping_cents());
  event.set_total_cents(order.total_cents());
  event.set_currency(order.currency());
  event.set_payment_method(v1::Order::PaymentMethod_Name(order.payment_method()));
  event.set_split_policy(v1::Order::SplitPolicy_Name(order.split_policy()));
  event.set_speed(v1::Delivery::Speed_Name(order.delivery().speed()));
  event.set_tier(order.tier());
  event.set_shipment_count(order.shipments_size());
  *event.mutable_placed_at() = order.placed_at();
  if (absl::Status s = Append(outbox, txn, order.customer_id(), event, request_id); !s.ok()) {
    return s;
  }
  events::v1::OrderConfirmation confirmation;
  confirmation.set_customer_id(order.customer_id());
  confirmation.set_order_id(order.order_id());
  for (const v1::OrderLine& line : order.lines()) {
    auto* l = confirmation.add_lines();
    l->set_sku(line.sku());
    l->set_name(line.name());
    l->set_quantity(line.quantity());
    l->set_total_cents(line.total_cents());
  }
  confirmation.set_total_cents(order.total_cents());
  confirmation.set_amount_due_cents(order.amount_due_cents());
  confirmation.set_currency(order.currency());
  for (const v1::Shipment& shipment : order.shipments()) {
    if (absl::Status s = PublishShipmentPlanned(outbox, txn, order, shipment, request_id);
        !s.ok()) {
      return s;
    }
    auto* parcel = confirmation.add_parcels();
    parcel->set_shipment_id(shipment.shipment_id());
    parcel->set_status(v1::Shipment::Status_Name(shipment.status()));
    *parcel->mutable_promised_by() = shipment.promised_by();
  }
  return Append(outbox, txn, order.customer_id(), confirmation, request_id);
}

absl::Status PublishShipmentReleased(platform::Outbox& outbox, platform::Txn& txn,
                                     const v1::Shipment& shipment, absl::Time at,
                                     const std::string& request_id) {
  events::v1::ShipmentReleased event;
  event.set_shipment_id(shipment.shipment_id());
  event.set_order_id(shipment.order_id());
  event.set_customer_id(shipment.customer_id());
  event.set_warehouse_id(shipment.warehouse_id());
  event.set_status(v1::Shipment::Status_Name(shipment.status()));
  *event.mutable_planned_ready_at() = shipment.ready_at();
  *event.mutable_released_at() = platform::ToTimestamp(at);
  return Append(outbox, txn, shipment.customer_id(), event, request_id);
}

absl::Status PublishShipmentStatusChanged(platform::Outbox& outbox, platform::Txn& txn,
                                          v1::Shipment::Status from, const v1::Shipment& shipment,
                                          absl::Time at, const std::string& request_id) {
  events::v1::ShipmentStatusChanged event;
  event.set_shipment_id(shipment.shipment_id());
  event.set_order_id(shipment.order_id());
  event.set_customer_id(shipment.customer_id());
  event.set_warehouse_id(shipment.warehouse_id());
  event.set_carrier_id(shipment.carrier_id());
  event.set_from(v1::Shipment::Status_Name(from));
  event.set_to(v1::Shipment::Status_Name(shipment.status()));
  *event.mutable_changed_at() = platform::ToTimestamp(at);
  if (shipment.has_delay()) {
    event.set_delay_cause(v1::Delay::Cause_Name(shipment.delay().cause()));
    event.set_delay_responsible(shipment.delay().responsible());
    event.set_delay_reason_code(shipment.delay().reason_code());
  }
  *event.mutable_promised_by() = shipment.promised_by();
  if (absl::Status s = Append(outbox, txn, shipment.customer_id(), event, request_id); !s.ok()) {
    return s;
  }
  if (shipment.status() != v1::Shipment::HANDED_TO_CARRIER || from == shipment.status()) {
    return absl::OkStatus();
  }
  events::v1::ParcelOnItsWay on_its_way;
  on_its_way.set_customer_id(shipment.customer_id());
  on_its_way.set_order_id(shipment.order_id());
  on_its_way.set_shipment_id(shipment.shipment_id());
  on_its_way.set_carrier_id(shipment.carrier_id());
  on_its_way.set_tracking_number(shipment.tracking_number());
  *on_its_way.mutable_promised_by() = shipment.promised_by();
  on_its_way.set_cod_due_cents(shipment.cod_due_cents());
  return Append(outbox, txn, shipment.customer_id(), on_its_way, request_id);
}

absl::Status PublishShipmentDelivered(platform::Outbox& outbox, platform::Txn& txn,
                                      const v1::Shipment& shipment, const std::string& currency,
                                      const std::string& request_id) {
  events::v1::ShipmentDelivered event;
  event.set_shipment_id(shipment.shipment_id());
  event.set_order_id(shipment.order_id());
  event.set_customer_id(shipment.customer_id());
  event.set_amount_cents(shipment.amount_cents());
  event.set_currency(currency);
  *event.mutable_delivered_at() = shipment.delivered_at();
  event.set_cod_collected_cents(shipment.cod_collected_cents());
  event.set_carrier_id(shipment.carrier_id());
  return Append(outbox, txn, shipment.customer_id(), event, request_id);
}

absl::Status PublishCodMismatch(platform::Outbox& outbox, platform::Txn& txn,
                                const v1::CodMismatch& mismatch, const std::string& request_id) {
  events::v1::CodMismatch event;
  event.set_shipment_id(mismatch.shipment_id());
  event.set_order_id(mismatch.order_id());
  event.set_customer_id(mismatch.customer_id());
  event.set_carrier_id(mismatch.carrier_id());
  event.set_due_cents(mismatch.due_cents());
  event.set_collected_cents(mismatch.collected_cents());
  event.set_currency(mismatch.currency());
  *event.mutable_delivered_at() = mismatch.delivered_at();
  return Append(outbox, txn, mismatch.customer_id(), event, request_id);
}

absl::Status PublishOrderDelivered(platform::Outbox& outbox, platform::Txn& txn,
                                   const v1::Order& order, int64_t delivered_cents,
                                   absl::Time delivered_at, const std::string& request_id) {
  events::v1::OrderDelivered event;
  event.set_order_id(order.order_id());
  event.set_customer_id(order.customer_id());
  event.set_delivered_cents(delivered_cents);
  event.set_currency(order.currency());
  *event.mutable_delivered_at() = platform::ToTimestamp(delivered_at);
  return Append(outbox, txn, order.customer_id(), event, request_id);
}

absl::Status PublishOrderCancelled(platform::Outbox& outbox, platform::Txn& txn,
                                   const v1::Order& order,
                                   const std::vector<v1::Shipment>& shipments, bool whole,
                                   absl::Time at, const std::string& request_id) {
  events::v1::OrderCancelled event;
  event.set_order_id(order.order_id());
  event.set_customer_id(order.customer_id());
  event.set_whole(whole);
  int64_t cents = 0;
  for (const v1::Shipment& shipment : shipments) {
    cents += shipment.amount_cents();
    for (const v1::ShipmentLine& line : shipment.lines()) {
      events::v1::OrderedItem* item = event.add_items();
      item->set_sku(line.sku());
      item->set_quantity(line.quantity());
    }
  }
  event.set_cancelled_cents(cents);
  event.set_currency(order.currency());
  event.set_reason(order.cancel_reason());
  *event.mutable_cancelled_at() = platform::ToTimestamp(at);
  return Append(outbox, txn, order.customer_id(), event, request_id);
}

}  // namespace crm::orders
