#include "orders/api/shipment_changes.h"

#include <algorithm>
#include <vector>

#include "orders/domain/lateness.h"
#include "orders/domain/shipment_status.h"
#include "orders/events/order_events.h"
#include "platform/base/proto_time.h"

namespace crm::orders {

ShipmentChanges::ShipmentChanges(OrderStore& orders, platform::Outbox& outbox,
                                 platform::Timers& timers, platform::Metrics& metrics,
                                 const platform::Clock& clock)
    : orders_(orders),
      outbox_(outbox),
      timers_(timers),
      clock_(clock),
      cod_mismatches_(metrics.AddCounter(
          "crm_orders_cod_mismatches_total",
          "cash-on-delivery shipments whose collected cash differed from what was due", {})) {
  for (auto cause :
       {v1::Delay::STOCK, v1::Delay::WAREHOUSE, v1::Delay::CARRIER, v1::Delay::CUSTOMER}) {
    late_.emplace(cause, metrics.AddCounter("crm_orders_late_shipments_total",
                                            "shipments that became late, by delay cause",
                                            {{"cause", v1::Delay::Cause_Name(cause)}}));
  }
  timers_.Register(std::string(kLateCheckTimer),
                   [this](platform::Txn& txn, absl::string_view id, absl::string_view) {
                     return LateCheck(txn, id);
                   });
}

absl::Status ShipmentChanges::ScheduleLateCheck(platform::Txn& txn,
                                                const store::v1::ShipmentRecord& shipment) {
  const v1::Shipment& s = shipment.shipment();
  // One second past the promise: at the promise itself it is still on time.
  return timers_.Schedule(txn, kLateCheckTimer, s.shipment_id(),
                          platform::FromTimestamp(s.promised_by()) + absl::Seconds(1), "");
}

absl::Status ShipmentChanges::LateCheck(platform::Txn& txn, absl::string_view shipment_id) {
  auto shipment = orders_.shipments().GetForUpdate(txn, shipment_id);
  if (absl::IsNotFound(shipment.status())) return absl::OkStatus();
  if (!shipment.ok()) return shipment.status();
  if (shipment->record.shipment().has_delay()) return absl::OkStatus();
  std::optional<v1::Delay> delay = LatenessAt(shipment->record, clock_.Now());
  if (!delay) return absl::OkStatus();  // delivered on time, cancelled or returned
  store::v1::ShipmentRecord late = shipment->record;
  *late.mutable_shipment()->mutable_delay() = *delay;
  return Save(txn, *shipment, std::move(late), "", /*roll_up=*/false);
}

absl::Status ShipmentChanges::Save(platform::Txn& txn, const StoredShipment& before,
                                   store::v1::ShipmentRecord after, const std::string& request_id,
                                   bool roll_up) {
  absl::Time now = clock_.Now();
  const v1::Shipment& was = before.record.shipment();
  v1::Shipment& is = *after.mutable_shipment();
  bool delivered = is.status() == v1::Shipment::DELIVERED && was.status() != is.status();
  if (delivered) {
    // Late or not is settled at delivery, with what is known then.
    std::optional<v1::Delay> delay = LatenessAt(after, platform::FromTimestamp(is.delivered_at()));
    if (delay) {
      *is.mutable_delay() = *delay;
    } else {
      is.clear_delay();
    }
  }
  bool late_now = is.has_delay() && (!was.has_delay() || was.delay().cause() != is.delay().cause());
  *is.mutable_updated_at() = platform::ToTimestamp(now);
  auto updated = orders_.shipments().Update(txn, before, after);
  if (!updated.ok()) return updated.status();

  if (is.status() != was.status() || late_now) {
    if (absl::Status s =
            PublishShipmentStatusChanged(outbox_, txn, was.status(), is, now, request_id);
        !s.ok()) {
      return s;
    }
  }
  if (late_now && !was.has_delay()) {
    platform::Counter& late = late_.at(is.delay().cause());
    txn.AfterCommit([&late] { late.Increment(); });
  }
  if (is.kind() == v1::Shipment::RETURN_PICKUP) {
    // A courier fetching returned items: nothing is delivered to the customer, nothing is due.
    return absl::OkStatus();
  }
  if (delivered) {
    auto order = orders_.orders().Get(is.order_id());
    if (!order.ok()) return order.status();
    const v1::Order& o = order->record.order();
    if (absl::Status s = PublishShipmentDelivered(outbox_, txn, is, o.currency(), request_id);
        !s.ok()) {
      return s;
    }
    bool cash = o.payment_method() == v1::Order::CASH_ON_DELIVERY;
    if (cash && is.cod_collected_cents() != is.cod_due_cents()) {
      v1::CodMismatch mismatch;
      mismatch.set_shipment_id(is.shipment_id());
      mismatch.set_order_id(is.order_id());
      mismatch.set_customer_id(is.customer_id());
      mismatch.set_carrier_id(is.carrier_id());
      mismatch.set_due_cents(is.cod_due_cents());
      mismatch.set_collected_cents(is.cod_collected_cents());
      mismatch.set_currency(o.currency());
      *mismatch.mutable_delivered_at() = is.delivered_at();
      if (absl::Status s = orders_.AddCodMismatch(txn, mismatch); !s.ok()) return s;
      if (absl::Status s = PublishCodMismatch(outbox_, txn, mismatch, request_id); !s.ok()) {
        return s;
      }
      txn.AfterCommit([this] { cod_mismatches_.Increment(); });
    }
  }
  if (!roll_up) return absl::OkStatus();
  return RollUp(txn, is.order_id(), request_id);
}

absl::Status ShipmentChanges::RollUp(platform::Txn& txn, absl::string_view order_id,
                                     const std::string& request_id) {
  auto order = orders_.orders().GetForUpdate(txn, order_id);
  if (!order.ok()) return order.status();
  store::v1::OrderRecord record = order->record;
  v1::Order& o = *record.mutable_order();
  std::vector<v1::Shipment::Status> statuses;
  int64_t collected = 0, due = 0, delivered_cents = 0;
  absl::Time last_delivery = absl::InfinitePast();
  std::vector<int32_t> delivered(o.lines_size(), 0);
  std::vector<absl::Time> delivered_at(o.lines_size(), absl::InfinitePast());
  for (const std::string& id : record.shipment_ids()) {
    // Read in `txn`: the shipment just changed is seen as changed.
    auto shipment = orders_.shipments().GetForUpdate(txn, id);
    if (!shipment.ok()) return shipment.status();
    const v1::Shipment& s = shipment->record.shipment();
    statuses.push_back(s.status());
    if (s.status() == v1::Shipment::DELIVERED) {
      absl::Time at = platform::FromTimestamp(s.delivered_at());
      collected += s.cod_collected_cents();
      delivered_cents += s.amount_cents();
      last_delivery = std::max(last_delivery, at);
      for (const store::v1::Part& part : shipment->record.parts()) {
        if (part.line() < 0 || part.line() >= o.lines_size()) continue;
        delivered[part.line()] += part.quantity();
        delivered_at[part.line()] = std::max(delivered_at[part.line()], at);
      }
    } else if (s.status() != v1::Shipment::CANCELLED) {
      due += s.cod_due_cents();
    }
  }
  int64_t returned = 0, delivered_units = 0;
  for (int i = 0; i < o.lines_size(); ++i) {
    v1::OrderLine& line = *o.mutable_lines(i);
    line.set_delivered_quantity(delivered[i]);
    if (delivered[i] > 0) *line.mutable_delivered_at() = platform::ToTimestamp(delivered_at[i]);
    returned += line.returned_quantity();
    delivered_units += delivered[i];
  }
  v1::Order::Status status = OrderStatusOf(statuses);
  if (returned > 0) {
    status = status == v1::Order::DELIVERED && returned >= delivered_units
                 ? v1::Order::RETURNED
                 : v1::Order::PARTIALLY_RETURNED;
  }
  bool cash = o.payment_method() == v1::Order::CASH_ON_DELIVERY;
  o.set_status(status);
  o.set_collected_cents(collected);
  if (cash) {
    o.set_amount_due_cents(due);
    if (status == v1::Order::DELIVERED) o.set_payment_status(v1::Order::PAID);
  }
  if (record.SerializeAsString() == order->record.SerializeAsString()) return absl::OkStatus();
  *o.mutable_updated_at() = platform::ToTimestamp(clock_.Now());
  auto updated = orders_.orders().Update(txn, *order, record);
  if (!updated.ok()) return updated.status();
  if (status == v1::Order::DELIVERED && order->record.order().status() != status) {
    return PublishOrderDelivered(outbox_, txn, o, delivered_cents, last_delivery, request_id);
  }
  return absl::OkStatus();
}

}  // namespace crm::orders
