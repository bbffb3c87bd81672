#include "orders/domain/order.h"

#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "orders/domain/product.h"
#include "platform/base/postal_address.h"
#include "platform/base/proto_time.h"
#include "platform/base/text.h"

namespace crm::orders {

namespace {

std::string LineField(int i, absl::string_view field) {
  return absl::StrCat("lines[", i, "].", field);
}

void CheckLines(const v1::PlaceOrderRequest& request,
                std::vector<platform::FieldViolation>& violations) {
  if (request.lines().empty()) {
    violations.push_back({"lines", "must name at least one product"});
  } else if (request.lines_size() > kMaxOrderLines) {
    violations.push_back({"lines", absl::StrCat("must be at most ", kMaxOrderLines, " lines")});
  }
  std::set<std::string> seen;
  for (int i = 0; i < request.lines_size() && i < kMaxOrderLines; ++i) {
    const v1::OrderLine& line = request.lines(i);
    platform::CheckSku(LineField(i, "sku"), line.sku(), violations);
    if (!line.sku().empty() && !seen.insert(line.sku()).second) {
      violations.push_back({LineField(i, "sku"), "is already in another line"});
    }
    if (line.quantity() < 1 || line.quantity() > kMaxLineQuantity) {
      violations.push_back(
          {LineField(i, "quantity"), absl::StrCat("must be 1 to ", kMaxLineQuantity)});
    }
  }
}

void CheckDelivery(const v1::Delivery& delivery, absl::Time now,
                   std::vector<platform::FieldViolation>& violations) {
  if (delivery.speed() == v1::Delivery::SPEED_UNSPECIFIED) {
    violations.push_back({"delivery.speed", "must be STANDARD or EXPRESS"});
  }
  if (!delivery.has_window()) return;
  const v1::DeliveryWindow& window = delivery.window();
  bool times = true;
  for (auto [field, ts] : {std::pair{"delivery.window.from", &window.from()},
                           std::pair{"delivery.window.to", &window.to()}}) {
    if (!platform::IsValidTimestamp(*ts) || (ts->seconds() == 0 && ts->nanos() == 0)) {
      violations.push_back({field, "is required: a valid time"});
      times = false;
    }
  }
  if (!times) return;
  absl::Time from = platform::FromTimestamp(window.from());
  absl::Time to = platform::FromTimestamp(window.to());
  if (to <= from) {
    violations.push_back({"delivery.window.to", "must be after delivery.window.from"});
  } else if (to - from > kMaxDeliveryWindow) {
    violations.push_back({"delivery.window.to", "must be at most 31 days after from"});
  } else if (to <= now) {
    violations.push_back({"delivery.window.to", "must be in the future"});
  }
}

}  // namespace

void CheckPlaceOrder(const v1::PlaceOrderRequest& request, absl::string_view shop_currency,
                     absl::Time now, std::vector<platform::FieldViolation>& violations) {
  platform::CheckSku("customerId", request.customer_id(), violations);
  CheckLines(request, violations);
  CheckCurrency("currency", request.currency(), shop_currency, violations);
  if (!request.has_shipping_address()) {
    violations.push_back({"shippingAddress", "is required"});
  } else {
    platform::PostalAddress address = platform::PostalAddressOf(request.shipping_address());
    platform::NormalizePostalAddress(&address);
    platform::CheckPostalAddress(address, "shippingAddress.", violations);
  }
  if (request.payment_method() == v1::Order::PAYMENT_METHOD_UNSPECIFIED) {
    violations.push_back({"paymentMethod", "must be CASH_ON_DELIVERY or PREPAID"});
  }
  if (!request.has_delivery()) {
    violations.push_back({"delivery", "is required"});
  } else {
    CheckDelivery(request.delivery(), now, violations);
  }
  if (request.split_policy() == v1::Order::SPLIT_POLICY_UNSPECIFIED) {
    violations.push_back({"splitPolicy", "must be SHIP_TOGETHER or SHIP_WHEN_READY"});
  }
}

absl::StatusOr<v1::Order> PriceOrder(const v1::PlaceOrderRequest& request,
                                     const std::map<std::string, v1::Product>& products,
                                     const CheckoutBenefits& benefits, const DeliveryTerms& terms,
                                     absl::Time now) {
  v1::Order order;
  order.set_customer_id(request.customer_id());
  order.set_status(v1::Order::PLACED);
  order.set_currency(request.currency());
  platform::PostalAddress address = platform::PostalAddressOf(request.shipping_address());
  platform::NormalizePostalAddress(&address);
  platform::CopyPostalAddress(address, order.mutable_shipping_address());
  order.set_payment_method(request.payment_method());
  *order.mutable_delivery() = request.delivery();
  order.set_split_policy(request.split_policy());
  std::vector<platform::FieldViolation> unknown;
  int64_t items = 0;
  for (int i = 0; i < request.lines_size(); ++i) {
    const v1::OrderLine& asked = request.lines(i);
    auto product = products.find(asked.sku());
    if (product == products.end()) {
      unknown.push_back({LineField(i, "sku"), "is not in the price list"});
      continue;
    }
    v1::OrderLine* line = order.add_lines();
    line->set_sku(asked.sku());
    line->set_quantity(asked.quantity());
    line->set_name(product->second.name());
    line->set_unit_price_cents(product->second.price_cents());
    line->set_total_cents(product->second.price_cents() * asked.quantity());
    line->set_returnable(product->second.returnable());
    items += line->total_cents();
  }
  if (!unknown.empty()) return platform::InvalidFields(unknown);
  order.set_items_cents(items);
  order.set_shipping_cents(
      terms.ShippingCents(request.delivery().speed(), address.region, benefits.free_express));
  order.set_total_cents(items + order.shipping_cents());
  bool cash = request.payment_method() == v1::Order::CASH_ON_DELIVERY;
  order.set_amount_due_cents(cash ? order.total_cents() : 0);
  order.set_payment_status(cash ? v1::Order::DUE_ON_DELIVERY : v1::Order::PAID);
  order.set_tier(benefits.tier);
  order.set_free_express(benefits.free_express);
  *order.mutable_placed_at() = platform::ToTimestamp(now);
  *order.mutable_updated_at() = order.placed_at();
  return order;
}

void ChargeNothing(absl::string_view return_id, v1::Order* order) {
  for (v1::OrderLine& line : *order->mutable_lines()) {
    line.set_unit_price_cents(0);
    line.set_total_cents(0);
  }
  order->set_items_cents(0);
  order->set_shipping_cents(0);
  order->set_total_cents(0);
  order->set_amount_due_cents(0);
  order->set_payment_method(v1::Order::PREPAID);
  order->set_payment_status(v1::Order::PAID);
  order->set_exchange_for_return_id(std::string(return_id));
}

PlanInput PlanInputOf(const v1::Order& order, const std::map<std::string, v1::Product>& products,
                      std::vector<WarehouseStock> warehouses, absl::Time now) {
  PlanInput input{.warehouses = std::move(warehouses),
                  .region = order.shipping_address().region(),
                  .policy = order.split_policy() == v1::Order::SHIP_TOGETHER
                                ? SplitPolicy::kShipTogether
                                : SplitPolicy::kShipWhenReady,
                  .now = now};
  for (const v1::OrderLine& line : order.lines()) {
    PlanLine plan_line{.sku = line.sku(), .quantity = line.quantity()};
    auto product = products.find(line.sku());
    if (product != products.end() && product->second.has_release_at()) {
      plan_line.release_at = platform::FromTimestamp(product->second.release_at());
    }
    input.lines.push_back(std::move(plan_line));
  }
  return input;
}

namespace {

v1::Hold::Kind KindOf(Hold hold) {
  switch (hold) {
    case Hold::kBackorder:
      return v1::Hold::BACKORDER;
    case Hold::kPresale:
      return v1::Hold::PRESALE;
    case Hold::kNone:
      break;
  }
  return v1::Hold::KIND_UNSPECIFIED;
}

}  // namespace

std::vector<store::v1::ShipmentRecord> ShipmentsOf(const v1::Order& order,
                                                   const std::vector<PlannedShipment>& plan,
                                                   const DeliveryTerms& terms, absl::Time now,
                                                   const std::function<std::string()>& new_id) {
  bool cash = order.payment_method() == v1::Order::CASH_ON_DELIVERY;
  bool any_held = false;
  for (const PlannedShipment& planned : plan) any_held = any_held || planned.hold != Hold::kNone;
  std::vector<store::v1::ShipmentRecord> records;
  for (const PlannedShipment& planned : plan) {
    store::v1::ShipmentRecord record;
    v1::Shipment& s = *record.mutable_shipment();
    s.set_shipment_id(new_id());
    s.set_kind(v1::Shipment::DELIVERY);
    s.set_order_id(order.order_id());
    s.set_customer_id(order.customer_id());
    s.set_warehouse_id(planned.warehouse_id);
    int64_t amount = 0;
    for (const PlannedPart& part : planned.parts) {
      const v1::OrderLine& line = order.lines(part.line);
      v1::ShipmentLine* shipped = s.add_lines();
      shipped->set_sku(part.sku);
      shipped->set_quantity(static_cast<int32_t>(part.quantity));
      amount += line.unit_price_cents() * part.quantity;
      store::v1::Part* stored = record.add_parts();
      stored->set_line(part.line);
      stored->set_sku(part.sku);
      stored->set_quantity(static_cast<int32_t>(part.quantity));
      stored->set_reserved(part.from_stock);
      stored->set_hold(KindOf(part.hold));
      *stored->mutable_ready_at() = platform::ToTimestamp(part.ready_at);
      if (part.release_at) *stored->mutable_release_at() = platform::ToTimestamp(*part.release_at);
      if (part.hold != Hold::kNone) {
        v1::Hold* hold = s.add_holds();
        hold->set_kind(KindOf(part.hold));
        hold->set_sku(part.sku);
        hold->set_quantity(static_cast<int32_t>(part.quantity));
        *hold->mutable_expected_at() = platform::ToTimestamp(part.ready_at);
      }
    }
    // Released together (SHIP_TOGETHER over several warehouses): ready ones wait for the others.
    bool together = order.split_policy() == v1::Order::SHIP_TOGETHER && plan.size() > 1;
    record.set_together(together);
    if (planned.hold != Hold::kNone) {
      s.set_status(v1::Shipment::ON_HOLD);
    } else if (together && any_held) {
      s.set_status(v1::Shipment::PENDING);
    } else {
      s.set_status(v1::Shipment::READY);
    }
    *s.mutable_ready_at() = platform::ToTimestamp(planned.ready_at);
    *s.mutable_promised_by() =
        platform::ToTimestamp(terms.PromisedBy(planned.ready_at, order.delivery()));
    s.set_amount_cents(amount);
    if (cash) s.set_cod_due_cents(amount + (records.empty() ? order.shipping_cents() : 0));
    *s.mutable_created_at() = platform::ToTimestamp(now);
    *s.mutable_updated_at() = s.created_at();
    records.push_back(std::move(record));
  }
  return records;
}

}  // namespace crm::orders
