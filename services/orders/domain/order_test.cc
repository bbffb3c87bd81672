#include "orders/domain/order.h"

#include <catch2/catch.hpp>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "platform/base/proto_time.h"

namespace crm::orders {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

v1::PlaceOrderRequest Valid() {
  v1::PlaceOrderRequest r;
  r.set_customer_id("c_0123456789abcdefghjk");
  v1::OrderLine* kettle = r.add_lines();
  kettle->set_sku("KETTLE");
  kettle->set_quantity(2);
  v1::OrderLine* mug = r.add_lines();
  mug->set_sku("MUG");
  mug->set_quantity(1);
  r.set_currency("EUR");
  v1::ShippingAddress* a = r.mutable_shipping_address();
  a->set_recipient("Ann Example");
  a->set_line1(" Main Street 1 ");
  a->set_city("Hamburg");
  a->set_region("north");
  a->set_postal_code("20095");
  a->set_country("de");
  r.set_payment_method(v1::Order::CASH_ON_DELIVERY);
  r.mutable_delivery()->set_speed(v1::Delivery::STANDARD);
  r.set_split_policy(v1::Order::SHIP_WHEN_READY);
  return r;
}

std::vector<std::string> FieldsOf(const v1::PlaceOrderRequest& request) {
  std::vector<platform::FieldViolation> violations;
  CheckPlaceOrder(request, "EUR", kNow, violations);
  std::vector<std::string> fields;
  for (const auto& v : violations) fields.push_back(v.field);
  return fields;
}

TEST_CASE("an order request with everything it needs passes", "[order]") {
  CHECK(FieldsOf(Valid()).empty());
  v1::PlaceOrderRequest windowed = Valid();
  *windowed.mutable_delivery()->mutable_window()->mutable_from() =
      platform::ToTimestamp(kNow + absl::Hours(48));
  *windowed.mutable_delivery()->mutable_window()->mutable_to() =
      platform::ToTimestamp(kNow + absl::Hours(52));
  CHECK(FieldsOf(windowed).empty());
}

TEST_CASE("each thing an order request gets wrong is named", "[order]") {
  using Change = std::function<void(v1::PlaceOrderRequest&)>;
  auto window = [](int from_h, int to_h) {
    return [=](v1::PlaceOrderRequest& r) {
      auto* w = r.mutable_delivery()->mutable_window();
      *w->mutable_from() = platform::ToTimestamp(kNow + absl::Hours(from_h));
      *w->mutable_to() = platform::ToTimestamp(kNow + absl::Hours(to_h));
    };
  };
  struct Case {
    const char* what;
    Change change;
    std::vector<std::string> fields;
  };
  std::vector<Case> cases = {
      {"no customer", [](auto& r) { r.clear_customer_id(); }, {"customerId"}},
      {"a customer id unfit for a key", [](auto& r) { r.set_customer_id("c/1"); }, {"customerId"}},
      {"no lines", [](auto& r) { r.clear_lines(); }, {"lines"}},
      {"too many lines",
       [](auto& r) {
         r.clear_lines();
         for (int i = 0; i <= kMaxOrderLines; ++i) {
           auto* line = r.add_lines();
           line->set_sku(absl::StrCat("SKU-", i));
           line->set_quantity(1);
         }
       },
       {"lines"}},
      {"a bad sku", [](auto& r) { r.mutable_lines(1)->set_sku("MUG/1"); }, {"lines[1].sku"}},
      {"a sku twice", [](auto& r) { r.mutable_lines(1)->set_sku("KETTLE"); }, {"lines[1].sku"}},
      {"quantity 0", [](auto& r) { r.mutable_lines(0)->set_quantity(0); }, {"lines[0].quantity"}},
      {"quantity negative",
       [](auto& r) { r.mutable_lines(0)->set_quantity(-3); },
       {"lines[0].quantity"}},
      {"quantity too large",
       [](auto& r) { r.mutable_lines(1)->set_quantity(kMaxLineQuantity + 1); },
       {"lines[1].quantity"}},
      {"another currency", [](auto& r) { r.set_currency("USD"); }, {"currency"}},
      {"no currency", [](auto& r) { r.clear_currency(); }, {"currency"}},
      {"no address", [](auto& r) { r.clear_shipping_address(); }, {"shippingAddress"}},
      {"an address without a city",
       [](auto& r) { r.mutable_shipping_address()->clear_city(); },
       {"shippingAddress.city"}},
      {"no payment method", [](auto& r) { r.clear_payment_method(); }, {"paymentMethod"}},
      {"no delivery", [](auto& r) { r.clear_delivery(); }, {"delivery"}},
      {"no speed", [](auto& r) { r.mutable_delivery()->clear_speed(); }, {"delivery.speed"}},
      {"a window without its end",
       [](auto& r) {
         *r.mutable_delivery()->mutable_window()->mutable_from() =
             platform::ToTimestamp(kNow + absl::Hours(5));
       },
       {"delivery.window.to"}},
      {"a window ending before it starts", window(10, 5), {"delivery.window.to"}},
      {"a window in the past", window(-10, -5), {"delivery.window.to"}},
      {"a window too long", window(1, 24 * 31 + 2), {"delivery.window.to"}},
      {"no split policy", [](auto& r) { r.clear_split_policy(); }, {"splitPolicy"}},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    v1::PlaceOrderRequest r = Valid();
    c.change(r);
    CHECK(FieldsOf(r) == c.fields);
  }
}

std::map<std::string, v1::Product> Products() {
  v1::Product kettle;
  kettle.set_name("Kettle");
  kettle.set_price_cents(3000);
  kettle.set_returnable(true);
  v1::Product mug;
  mug.set_name("Mug");
  mug.set_price_cents(800);
  return {{"KETTLE", kettle}, {"MUG", mug}};
}

DeliveryTerms Terms() {
  return *ParseDeliveryTerms("STANDARD=490,EXPRESS=990", "STANDARD=3,EXPRESS=1");
}

TEST_CASE("an order is priced from the price list, never from the caller", "[order]") {
  v1::PlaceOrderRequest request = Valid();
  request.mutable_lines(0)->set_unit_price_cents(1);  // output only: ignored
  auto order = PriceOrder(request, Products(), {}, Terms(), kNow);
  REQUIRE(order.ok());
  REQUIRE(order->lines_size() == 2);
  CHECK(order->lines(0).unit_price_cents() == 3000);
  CHECK(order->lines(0).total_cents() == 6000);
  CHECK(order->lines(0).name() == "Kettle");
  CHECK(order->lines(0).returnable());
  CHECK_FALSE(order->lines(1).returnable());
  CHECK(order->items_cents() == 6800);
  CHECK(order->shipping_cents() == 490);
  CHECK(order->total_cents() == 7290);
  // Cash on delivery: all of it is due at the door.
  CHECK(order->amount_due_cents() == 7290);
  CHECK(order->payment_status() == v1::Order::DUE_ON_DELIVERY);
  CHECK(order->status() == v1::Order::PLACED);
  CHECK(order->tier() == "REGULAR");
  // The address as normalized.
  CHECK(order->shipping_address().line1() == "Main Street 1");
  CHECK(order->shipping_address().country() == "DE");

  request.set_payment_method(v1::Order::PREPAID);
  auto prepaid =
      PriceOrder(request, Products(), {.tier = "GOLD", .free_express = true}, Terms(), kNow);
  REQUIRE(prepaid.ok());
  CHECK(prepaid->shipping_cents() == 0);
  CHECK(prepaid->total_cents() == 6800);
  CHECK(prepaid->amount_due_cents() == 0);
  CHECK(prepaid->payment_status() == v1::Order::PAID);
  CHECK(prepaid->tier() == "GOLD");
  CHECK(prepaid->free_express());
}

TEST_CASE("a line whose sku is not in the price list is named", "[order]") {
  v1::PlaceOrderRequest request = Valid();
  request.mutable_lines(1)->set_sku("TEAPOT");
  auto order = PriceOrder(request, Products(), {}, Terms(), kNow);
  REQUIRE(order.status().code() == absl::StatusCode::kInvalidArgument);
  auto details = platform::DetailsOf(order.status());
  REQUIRE(details.field_violations_size() == 1);
  CHECK(details.field_violations(0).field() == "lines[1].sku");
}

TEST_CASE("planned shipments become stored ones with holds, status and amounts", "[order]") {
  v1::PlaceOrderRequest request = Valid();
  auto order = PriceOrder(request, Products(), {}, Terms(), kNow);
  REQUIRE(order.ok());
  order->set_order_id("o01_0123456789abcdefghjk");
  absl::Time restock = kNow + absl::Hours(24 * 5);
  std::vector<PlannedShipment> plan = {
      {.warehouse_id = "wh-n",
       .ready_at = kNow,
       .parts =
           {{.line = 0, .sku = "KETTLE", .quantity = 2, .from_stock = true, .ready_at = kNow}}},
      {.warehouse_id = "wh-n",
       .ready_at = restock,
       .hold = Hold::kBackorder,
       .parts = {{.line = 1,
                  .sku = "MUG",
                  .quantity = 1,
                  .from_stock = false,
                  .hold = Hold::kBackorder,
                  .ready_at = restock}}},
  };
  int n = 0;
  auto shipments = ShipmentsOf(*order, plan, Terms(), kNow, [&] { return absl::StrCat("s", ++n); });
  REQUIRE(shipments.size() == 2);
  const v1::Shipment& now = shipments[0].shipment();
  CHECK(now.shipment_id() == "s1");
  CHECK(now.order_id() == "o01_0123456789abcdefghjk");
  CHECK(now.status() == v1::Shipment::READY);
  CHECK(now.holds().empty());
  CHECK(platform::FromTimestamp(now.promised_by()) == kNow + absl::Hours(72));
  CHECK(now.amount_cents() == 6000);
  // The shipping fee is collected with the first parcel.
  CHECK(now.cod_due_cents() == 6490);
  CHECK(shipments[0].parts(0).reserved());
  const v1::Shipment& later = shipments[1].shipment();
  CHECK(later.status() == v1::Shipment::ON_HOLD);
  REQUIRE(later.holds_size() == 1);
  CHECK(later.holds(0).kind() == v1::Hold::BACKORDER);
  CHECK(later.holds(0).sku() == "MUG");
  CHECK(platform::FromTimestamp(later.holds(0).expected_at()) == restock);
  CHECK(platform::FromTimestamp(later.promised_by()) == restock + absl::Hours(72));
  CHECK(later.cod_due_cents() == 800);
  CHECK_FALSE(shipments[1].parts(0).reserved());

  // Together from two warehouses: the ready one waits for the held one.
  order->set_split_policy(v1::Order::SHIP_TOGETHER);
  plan[1].warehouse_id = "wh-s";
  plan[0].ready_at = restock;
  auto together = ShipmentsOf(*order, plan, Terms(), kNow, [&] { return absl::StrCat("s", ++n); });
  REQUIRE(together.size() == 2);
  CHECK(together[0].shipment().status() == v1::Shipment::PENDING);
  CHECK(together[1].shipment().status() == v1::Shipment::ON_HOLD);

  // Prepaid: nothing to collect.
  order->set_payment_method(v1::Order::PREPAID);
  auto prepaid = ShipmentsOf(*order, plan, Terms(), kNow, [&] { return absl::StrCat("s", ++n); });
  CHECK(prepaid[0].shipment().cod_due_cents() == 0);
}

}  // namespace
}  // namespace crm::orders
