#include "orders/domain/cancellation.h"

#include "orders/domain/shipment_status.h"

namespace crm::orders {

CancelPlan PlanCancel(const store::v1::OrderRecord& order,
                      const std::vector<store::v1::ShipmentRecord>& shipments) {
  CancelPlan plan{.order = order, .shipments = shipments};
  v1::Order& o = *plan.order.mutable_order();
  int64_t cancelled_value = 0, moving_fee = 0;
  for (size_t i = 0; i < plan.shipments.size(); ++i) {
    v1::Shipment& s = *plan.shipments[i].mutable_shipment();
    if (!IsInWarehouse(s.status())) continue;
    plan.cancel.push_back(i);
    s.set_status(v1::Shipment::CANCELLED);
    cancelled_value += s.amount_cents();
    moving_fee += s.cod_due_cents() > s.amount_cents() ? s.cod_due_cents() - s.amount_cents() : 0;
    s.set_cod_due_cents(0);
    for (const store::v1::Part& part : plan.shipments[i].parts()) {
      if (part.line() < 0 || part.line() >= o.lines_size()) continue;
      v1::OrderLine* line = o.mutable_lines(part.line());
      line->set_cancelled_quantity(line->cancelled_quantity() + part.quantity());
    }
  }
  if (plan.cancel.empty()) return plan;
  // Where the shipping fee goes: a parcel not cancelled and not yet delivered carries it.
  bool whole = true;
  v1::Shipment* carrier_of_fee = nullptr;
  for (store::v1::ShipmentRecord& record : plan.shipments) {
    v1::Shipment& s = *record.mutable_shipment();
    if (s.status() == v1::Shipment::CANCELLED) continue;
    whole = false;
    if (carrier_of_fee == nullptr && !IsFinished(s.status())) carrier_of_fee = &s;
  }
  if (o.payment_method() == v1::Order::CASH_ON_DELIVERY) {
    if (carrier_of_fee != nullptr && moving_fee > 0) {
      carrier_of_fee->set_cod_due_cents(carrier_of_fee->cod_due_cents() + moving_fee);
    }
  } else {
    int64_t refund = cancelled_value + (whole ? o.shipping_cents() : 0);
    o.set_refund_due_cents(o.refund_due_cents() + refund);
    if (refund > 0) o.set_payment_status(v1::Order::REFUND_DUE);
  }
  return plan;
}

}  // namespace crm::orders
