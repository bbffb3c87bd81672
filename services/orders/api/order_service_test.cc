// Placing and reading orders through the orders server, with a fake customers service.
#include "orders/api/order_service.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "crm/events/v1/notifications.pb.h"
#include "crm/events/v1/orders.pb.h"
#include "orders/testing/world.h"
#include "platform/base/errors.h"
#include "platform/base/proto_time.h"
#include "platform/rpc/grpc_status.h"

namespace crm::orders {
namespace {

using testing::OrderOf;
using testing::World;

constexpr absl::Duration kDay = absl::Hours(24);

// north: 5 kettles, 5 consoles (a pre-sale, released in 30 days), no mugs until 5 days from
// now; south: 2 kettles.
void Stock(World& w) {
  absl::Time now = w.clock().Now();
  w.Product("KETTLE", 3000);
  w.Product("MUG", 800);
  w.Product("CONSOLE", 50000, now + 30 * kDay);
  w.Warehouse("wh-north", "north");
  w.Warehouse("wh-south", "south");
  w.Stock("wh-north", "KETTLE", 5);
  w.Stock("wh-north", "CONSOLE", 5);
  w.Stock("wh-north", "MUG", 0, now + 5 * kDay);
  w.Stock("wh-south", "KETTLE", 2);
}

std::string Reason(const grpc::Status& status) { return platform::DetailsOf(status).reason(); }

std::vector<std::string> Fields(const grpc::Status& status) {
  api::v1::ErrorDetails details = platform::DetailsOf(status);
  std::vector<std::string> fields;
  for (const auto& v : details.field_violations()) fields.push_back(v.field());
  return fields;
}

TEST_CASE("an order with an in-stock, a backordered and a pre-sale line ships in three parts",
          "[order_service]") {
  World w;
  Stock(w);
  absl::Time now = w.clock().Now();
  v1::Order order;
  grpc::Status placed = w.Place(OrderOf({{"KETTLE", 2}, {"MUG", 1}, {"CONSOLE", 1}}), &order);
  INFO(placed.error_message());
  REQUIRE(placed.ok());
  CHECK(platform::PartitionOfId("o", order.order_id()).has_value());
  CHECK(order.customer_id() == "c_ann");
  CHECK(order.status() == v1::Order::PLACED);
  CHECK(order.etag() == "v1");
  // Priced from the price list.
  REQUIRE(order.lines_size() == 3);
  CHECK(order.lines(0).unit_price_cents() == 3000);
  CHECK(order.lines(2).total_cents() == 50000);
  CHECK(order.items_cents() == 6000 + 800 + 50000);
  CHECK(order.shipping_cents() == 490);
  CHECK(order.total_cents() == 57290);
  CHECK(order.amount_due_cents() == 57290);
  CHECK(order.payment_status() == v1::Order::DUE_ON_DELIVERY);
  CHECK(order.tier() == "REGULAR");

  REQUIRE(order.shipments_size() == 3);
  const v1::Shipment& kettles = order.shipments(0);
  CHECK(kettles.warehouse_id() == "wh-north");
  CHECK(kettles.status() == v1::Shipment::READY);
  CHECK(kettles.holds().empty());
  CHECK(platform::FromTimestamp(kettles.promised_by()) == now + 3 * kDay);
  CHECK(kettles.cod_due_cents() == 6000 + 490);
  const v1::Shipment& mugs = order.shipments(1);
  CHECK(mugs.status() == v1::Shipment::ON_HOLD);
  REQUIRE(mugs.holds_size() == 1);
  CHECK(mugs.holds(0).kind() == v1::Hold::BACKORDER);
  CHECK(platform::FromTimestamp(mugs.holds(0).expected_at()) == now + 5 * kDay);
  CHECK(platform::FromTimestamp(mugs.promised_by()) == now + 8 * kDay);
  const v1::Shipment& console = order.shipments(2);
  CHECK(console.status() == v1::Shipment::ON_HOLD);
  REQUIRE(console.holds_size() == 1);
  CHECK(console.holds(0).kind() == v1::Hold::PRESALE);
  CHECK(platform::FromTimestamp(console.promised_by()) == now + 33 * kDay);
  for (const v1::Shipment& s : order.shipments()) {
    CHECK(platform::PartitionOfId("s", s.shipment_id()) ==
          platform::PartitionOfId("o", order.order_id()));
    CHECK(s.order_id() == order.order_id());
  }

  // Stock from the region's warehouse is reserved; the backorder waits there.
  CHECK(w.StockAt("wh-north", "KETTLE").reserved() == 2);
  CHECK(w.StockAt("wh-north", "KETTLE").available() == 3);
  CHECK(w.StockAt("wh-south", "KETTLE").reserved() == 0);
  CHECK(w.StockAt("wh-north", "CONSOLE").reserved() == 1);
  CHECK(w.StockAt("wh-north", "MUG").backordered() == 1);

  // One OrderPlaced, a ShipmentPlanned per parcel and the customer's confirmation, keyed by
  // the customer.
  auto events = platform::testing::OutboxEvents(w.runtime().store());
  REQUIRE(events.size() == 5);
  CHECK(events[0].envelope().type() == "crm.events.v1.OrderPlaced");
  CHECK(events[0].envelope().subject() == "c_ann");
  events::v1::OrderPlaced placed_event;
  REQUIRE(events[0].envelope().payload().UnpackTo(&placed_event));
  CHECK(placed_event.order_id() == order.order_id());
  CHECK(placed_event.total_cents() == 57290);
  CHECK(placed_event.shipment_count() == 3);
  for (int i = 1; i < 4; ++i) CHECK(events[i].envelope().type() == "crm.events.v1.ShipmentPlanned");
  CHECK(events[4].topic() == "crm.notifications.v1");
  events::v1::OrderConfirmation confirmation;
  REQUIRE(events[4].envelope().payload().UnpackTo(&confirmation));
  CHECK(confirmation.order_id() == order.order_id());
  CHECK(confirmation.amount_due_cents() == 57290);
  CHECK(confirmation.parcels_size() == 3);

  // The customer reads it back whole, by id and in their list.
  v1::GetOrderRequest get;
  get.set_order_id(order.order_id());
  v1::Order read;
  REQUIRE(w.orders().GetOrder(w.As("customer").get(), get, &read).ok());
  CHECK(read.SerializeAsString() == order.SerializeAsString());
  v1::ListOrderShipmentsRequest list_shipments;
  list_shipments.set_order_id(order.order_id());
  v1::ListOrderShipmentsResponse shipments;
  REQUIRE(w.shipments().ListOrderShipments(w.As("agent").get(), list_shipments, &shipments).ok());
  REQUIRE(shipments.shipments_size() == 3);
  CHECK(shipments.shipments(1).SerializeAsString() == mugs.SerializeAsString());
  v1::GetShipmentRequest get_shipment;
  get_shipment.set_shipment_id(console.shipment_id());
  v1::Shipment one;
  REQUIRE(w.shipments().GetShipment(w.As("customer").get(), get_shipment, &one).ok());
  CHECK(one.holds(0).kind() == v1::Hold::PRESALE);
}

TEST_CASE("the same order shipped together is one parcel from the warehouse that has it all",
          "[order_service]") {
  World w;
  Stock(w);
  absl::Time now = w.clock().Now();
  v1::Order order;
  REQUIRE(w.Place(OrderOf({{"KETTLE", 2}, {"MUG", 1}, {"CONSOLE", 1}}, v1::Order::SHIP_TOGETHER),
                  &order)
              .ok());
  REQUIRE(order.shipments_size() == 1);
  const v1::Shipment& parcel = order.shipments(0);
  CHECK(parcel.warehouse_id() == "wh-north");
  CHECK(parcel.status() == v1::Shipment::ON_HOLD);
  CHECK(parcel.lines_size() == 3);
  REQUIRE(parcel.holds_size() == 2);
  CHECK(parcel.holds(0).kind() == v1::Hold::BACKORDER);
  CHECK(parcel.holds(1).kind() == v1::Hold::PRESALE);
  CHECK(platform::FromTimestamp(parcel.ready_at()) == now + 30 * kDay);
  CHECK(parcel.cod_due_cents() == order.total_cents());
}

TEST_CASE("a customer's orders are listed newest first, a page at a time", "[order_service]") {
  World w;
  Stock(w);
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    v1::Order order;
    REQUIRE(w.Place(OrderOf({{"KETTLE", 1}}), &order, "customer", absl::StrCat("k-", i)).ok());
    ids.push_back(order.order_id());
    w.clock().Advance(absl::Minutes(1));
  }
  v1::ListCustomerOrdersRequest request;
  request.set_customer_id("c_ann");
  request.set_page_size(2);
  v1::ListCustomerOrdersResponse first, second;
  REQUIRE(w.orders().ListCustomerOrders(w.As("customer").get(), request, &first).ok());
  REQUIRE(first.orders_size() == 2);
  CHECK(first.orders(0).order_id() == ids[2]);
  CHECK(first.orders(1).order_id() == ids[1]);
  CHECK(first.orders(0).shipments_size() == 1);
  REQUIRE_FALSE(first.next_page_token().empty());
  request.set_page_token(first.next_page_token());
  REQUIRE(w.orders().ListCustomerOrders(w.As("agent").get(), request, &second).ok());
  REQUIRE(second.orders_size() == 1);
  CHECK(second.orders(0).order_id() == ids[0]);
  CHECK(second.next_page_token().empty());

  request.set_page_token("not-a-token");
  grpc::Status bad = w.orders().ListCustomerOrders(w.As("agent").get(), request, &second);
  CHECK(Fields(bad) == std::vector<std::string>{"pageToken"});
  // Another customer sees none of them.
  request.clear_page_token();
  request.set_customer_id("c_ann");
  v1::ListCustomerOrdersResponse other;
  CHECK_FALSE(w.orders().ListCustomerOrders(w.As("customer", "c_bob").get(), request, &other).ok());
}

TEST_CASE("another customer's order and shipments do not exist for them", "[order_service]") {
  World w;
  Stock(w);
  v1::Order order;
  REQUIRE(w.Place(OrderOf({{"KETTLE", 1}}), &order).ok());
  v1::GetOrderRequest get;
  get.set_order_id(order.order_id());
  v1::Order read;
  grpc::Status theirs = w.orders().GetOrder(w.As("customer", "c_bob").get(), get, &read);
  CHECK(theirs.error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(Reason(theirs) == "ORDER_NOT_FOUND");
  get.set_order_id("o01_0123456789abcdefghjk");
  grpc::Status missing = w.orders().GetOrder(w.As("customer", "c_bob").get(), get, &read);
  CHECK(missing.error_message() == theirs.error_message());
  CHECK(Reason(missing) == Reason(theirs));
  get.set_order_id("../../etc");
  CHECK(Reason(w.orders().GetOrder(w.As("agent").get(), get, &read)) == "ORDER_NOT_FOUND");

  v1::GetShipmentRequest shipment;
  shipment.set_shipment_id(order.shipments(0).shipment_id());
  v1::Shipment s;
  CHECK(Reason(w.shipments().GetShipment(w.As("customer", "c_bob").get(), shipment, &s)) ==
        "SHIPMENT_NOT_FOUND");
  v1::ListOrderShipmentsRequest list;
  list.set_order_id(order.order_id());
  v1::ListOrderShipmentsResponse listed;
  CHECK(Reason(w.shipments().ListOrderShipments(w.As("customer", "c_bob").get(), list, &listed)) ==
        "ORDER_NOT_FOUND");
  // And a customer cannot order for someone else.
  v1::Order other;
  CHECK_FALSE(w.Place(OrderOf({{"KETTLE", 1}}), &other, "customer", "k-2", "c_bob").ok());
}

TEST_CASE("bad order input is named and reserves nothing", "[order_service]") {
  World w;
  Stock(w);
  v1::Order order;
  v1::PlaceOrderRequest bad = OrderOf({{"KETTLE", 0}, {"TEAPOT", 1}});
  bad.set_currency("USD");
  grpc::Status refused = w.Place(bad, &order);
  CHECK(refused.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(Fields(refused) == std::vector<std::string>{"lines[0].quantity", "currency"});
  // A sku not in the price list is named once the rest is right.
  grpc::Status unknown = w.Place(OrderOf({{"KETTLE", 1}, {"TEAPOT", 1}}), &order);
  CHECK(Fields(unknown) == std::vector<std::string>{"lines[1].sku"});
  // Without an Idempotency-Key money does not move.
  grpc::Status keyless = w.Place(OrderOf({{"KETTLE", 1}}), &order, "customer", "");
  CHECK(keyless.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(Reason(keyless) == "IDEMPOTENCY_KEY_MISSING");
  CHECK(w.StockAt("wh-north", "KETTLE").reserved() == 0);
  CHECK(platform::testing::OutboxEvents(w.runtime().store()).empty());
}

TEST_CASE("a line nobody has or expects is refused naming it, and nothing is reserved",
          "[order_service]") {
  World w;
  Stock(w);
  w.Product("LAMP", 2000);
  v1::Order order;
  grpc::Status refused = w.Place(OrderOf({{"KETTLE", 1}, {"LAMP", 1}}), &order);
  CHECK(refused.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(Reason(refused) == "SKU_UNAVAILABLE");
  CHECK(Fields(refused) == std::vector<std::string>{"lines[1].sku"});
  // More kettles than anyone has or expects.
  refused = w.Place(OrderOf({{"KETTLE", 8}}), &order);
  CHECK(Fields(refused) == std::vector<std::string>{"lines[0].sku"});
  CHECK(w.StockAt("wh-north", "KETTLE").reserved() == 0);
  CHECK(w.StockAt("wh-south", "KETTLE").reserved() == 0);
}

TEST_CASE("a retried order with the same key is the same order, reserved once", "[order_service]") {
  World w;
  Stock(w);
  v1::Order first, again;
  REQUIRE(w.Place(OrderOf({{"KETTLE", 2}}), &first, "customer", "k-same").ok());
  REQUIRE(w.Place(OrderOf({{"KETTLE", 2}}), &again, "customer", "k-same").ok());
  CHECK(again.order_id() == first.order_id());
  CHECK(w.StockAt("wh-north", "KETTLE").reserved() == 2);
  grpc::Status other = w.Place(OrderOf({{"KETTLE", 3}}), &again, "customer", "k-same");
  CHECK(Reason(other) == "IDEMPOTENCY_KEY_REUSED");
}

TEST_CASE("the tier recognised at checkout comes from customers, asked with a service token",
          "[order_service]") {
  World w;
  Stock(w);
  w.customers().set_tier(customers::v1::TierBenefits::GOLD);
  v1::PlaceOrderRequest express = OrderOf({{"KETTLE", 1}});
  express.mutable_delivery()->set_speed(v1::Delivery::EXPRESS);
  v1::Order order;
  REQUIRE(w.Place(express, &order, "agent").ok());
  CHECK(order.tier() == "GOLD");
  CHECK(order.free_express());
  CHECK(order.shipping_cents() == 0);
  CHECK(order.total_cents() == 3000);
  CHECK(platform::FromTimestamp(order.shipments(0).promised_by()) == w.clock().Now() + kDay);
  auto calls = w.customers().authorizations();
  REQUIRE(calls.size() == 1);
  CHECK(calls[0].rfind("Bearer ey", 0) == 0);

  v1::PlaceOrderRequest stranger = OrderOf({{"KETTLE", 1}});
  stranger.set_customer_id("c_unknown");
  grpc::Status unknown = w.Place(stranger, &order, "agent", "k-2");
  CHECK(unknown.error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(Reason(unknown) == "CUSTOMER_NOT_FOUND");
}

TEST_CASE("while customers is down an order is refused with 503 and nothing is reserved",
          "[order_service]") {
  World w({.customers_up = false});
  Stock(w);
  v1::Order order;
  grpc::Status down = w.Place(OrderOf({{"KETTLE", 1}}), &order);
  CHECK(down.error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(Reason(down) == "CUSTOMERS_UNAVAILABLE");
  CHECK(w.StockAt("wh-north", "KETTLE").reserved() == 0);
  CHECK(platform::testing::OutboxEvents(w.runtime().store()).empty());
}

// Places `count` one-unit orders of `sku` at once, each retried with its own key while the
// service answers OVERLOADED (as a client does); answers each final status.
std::vector<grpc::Status> PlaceAtOnce(World& w, const std::string& sku, int count,
                                      std::vector<v1::Order>& orders) {
  std::vector<grpc::Status> statuses(count);
  orders.resize(count);
  std::vector<std::thread> threads;
  for (int i = 0; i < count; ++i) {
    threads.emplace_back([&, i] {
      for (;;) {
        statuses[i] = w.Place(OrderOf({{sku, 1}}), &orders[i], "customer", absl::StrCat("c-", i));
        if (Reason(statuses[i]) != "OVERLOADED") break;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    });
  }
  for (std::thread& t : threads) t.join();
  return statuses;
}

TEST_CASE("100 orders at once for the last 10 units: 10 get them, 90 are refused",
          "[order_service]") {
  World w;
  w.Product("LAST", 1000);
  w.Warehouse("wh-north", "north");
  w.Warehouse("wh-south", "south");
  w.Stock("wh-north", "LAST", 6);
  w.Stock("wh-south", "LAST", 4);
  std::vector<v1::Order> orders;
  std::vector<grpc::Status> statuses = PlaceAtOnce(w, "LAST", 100, orders);
  int accepted = 0, unavailable = 0;
  for (int i = 0; i < 100; ++i) {
    INFO(statuses[i].error_message());
    if (statuses[i].ok()) {
      ++accepted;
      CHECK(orders[i].shipments(0).status() == v1::Shipment::READY);
    } else {
      CHECK(Reason(statuses[i]) == "SKU_UNAVAILABLE");
      ++unavailable;
    }
  }
  CHECK(accepted == 10);
  CHECK(unavailable == 90);
  CHECK(w.StockAt("wh-north", "LAST").reserved() == 6);
  CHECK(w.StockAt("wh-south", "LAST").reserved() == 4);
}

TEST_CASE("100 orders at once for the last 10 units with a restock: 10 ship, 90 wait",
          "[order_service]") {
  World w;
  w.Product("LAST", 1000);
  w.Warehouse("wh-north", "north");
  w.Stock("wh-north", "LAST", 10, w.clock().Now() + 3 * kDay);
  std::vector<v1::Order> orders;
  std::vector<grpc::Status> statuses = PlaceAtOnce(w, "LAST", 100, orders);
  int ready = 0, held = 0;
  for (int i = 0; i < 100; ++i) {
    INFO(statuses[i].error_message());
    REQUIRE(statuses[i].ok());
    REQUIRE(orders[i].shipments_size() == 1);
    if (orders[i].shipments(0).status() == v1::Shipment::READY) ++ready;
    if (orders[i].shipments(0).status() == v1::Shipment::ON_HOLD) ++held;
  }
  CHECK(ready == 10);
  CHECK(held == 90);
  v1::Stock stock = w.StockAt("wh-north", "LAST");
  CHECK(stock.reserved() == 10);
  CHECK(stock.backordered() == 90);
  CHECK(stock.available() == 0);
}

}  // namespace
}  // namespace crm::orders

namespace crm::orders {
namespace {

TEST_CASE("restocking releases backorders first come, first served", "[order_service]") {
  World w;
  Stock(w);
  v1::Order first, second, third;
  REQUIRE(w.Place(OrderOf({{"MUG", 2}}), &first, "customer", "k-1").ok());
  w.clock().Advance(absl::Minutes(1));
  REQUIRE(w.Place(OrderOf({{"MUG", 3}}), &second, "customer", "k-2").ok());
  w.clock().Advance(absl::Minutes(1));
  REQUIRE(w.Place(OrderOf({{"MUG", 1}}), &third, "customer", "k-3").ok());
  CHECK(w.StockAt("wh-north", "MUG").backordered() == 6);
  size_t before = platform::testing::OutboxEvents(w.runtime().store()).size();

  // 4 arrive: the first (2) is served; the second (3) does not fit, and the third may not
  // overtake it.
  v1::Stock stock = w.Stock("wh-north", "MUG", 4, w.clock().Now() + 2 * kDay);
  CHECK(stock.reserved() == 2);
  CHECK(stock.backordered() == 4);
  CHECK(stock.available() == 0);
  auto shipment = [&](const v1::Order& order) {
    v1::GetShipmentRequest request;
    request.set_shipment_id(order.shipments(0).shipment_id());
    v1::Shipment s;
    REQUIRE(w.shipments().GetShipment(w.As("agent").get(), request, &s).ok());
    return s;
  };
  v1::Shipment released = shipment(first);
  CHECK(released.status() == v1::Shipment::READY);
  CHECK(platform::FromTimestamp(released.holds(0).released_at()) == w.clock().Now());
  CHECK(released.etag() == "v2");
  CHECK(shipment(second).status() == v1::Shipment::ON_HOLD);
  CHECK(shipment(third).status() == v1::Shipment::ON_HOLD);
  auto events = platform::testing::OutboxEvents(w.runtime().store());
  REQUIRE(events.size() == before + 1);
  CHECK(events.back().envelope().type() == "crm.events.v1.ShipmentReleased");

  // 6 on hand: the second and the third.
  stock = w.Stock("wh-north", "MUG", 6);
  CHECK(stock.reserved() == 6);
  CHECK(stock.backordered() == 0);
  CHECK(shipment(second).status() == v1::Shipment::READY);
  CHECK(shipment(third).status() == v1::Shipment::READY);
}

TEST_CASE("a pre-sale parcel is released at the product's release by a durable timer",
          "[order_service]") {
  World w;
  Stock(w);
  v1::Order order;
  REQUIRE(w.Place(OrderOf({{"CONSOLE", 1}}), &order).ok());
  REQUIRE(order.shipments(0).status() == v1::Shipment::ON_HOLD);
  v1::GetShipmentRequest request;
  request.set_shipment_id(order.shipments(0).shipment_id());
  v1::Shipment s;
  // A day early: still held (what fires then is the Idempotency-Key's expiry).
  w.clock().Advance(29 * kDay);
  REQUIRE(w.runtime().timers().FireDue().ok());
  REQUIRE(w.shipments().GetShipment(w.As("customer").get(), request, &s).ok());
  CHECK(s.status() == v1::Shipment::ON_HOLD);
  w.clock().Advance(kDay);
  REQUIRE(*w.runtime().timers().FireDue() == 1);
  REQUIRE(w.shipments().GetShipment(w.As("customer").get(), request, &s).ok());
  CHECK(s.status() == v1::Shipment::READY);
  CHECK(s.holds(0).has_released_at());
}

TEST_CASE("parcels shipped together from two warehouses are released together", "[order_service]") {
  World w;
  Stock(w);
  // Kettles only in the south, mugs only (later) in the north: no single warehouse has both.
  w.Stock("wh-north", "KETTLE", 0);
  v1::Order order;
  REQUIRE(w.Place(OrderOf({{"KETTLE", 1}, {"MUG", 1}}, v1::Order::SHIP_TOGETHER), &order).ok());
  REQUIRE(order.shipments_size() == 2);
  std::map<std::string, v1::Shipment> by_warehouse;
  for (const v1::Shipment& s : order.shipments()) by_warehouse[s.warehouse_id()] = s;
  CHECK(by_warehouse["wh-south"].status() == v1::Shipment::PENDING);
  CHECK(by_warehouse["wh-north"].status() == v1::Shipment::ON_HOLD);
  CHECK(by_warehouse["wh-south"].ready_at().seconds() ==
        by_warehouse["wh-north"].ready_at().seconds());

  w.Stock("wh-north", "MUG", 1);
  v1::GetOrderRequest get;
  get.set_order_id(order.order_id());
  v1::Order read;
  REQUIRE(w.orders().GetOrder(w.As("customer").get(), get, &read).ok());
  for (const v1::Shipment& s : read.shipments()) {
    INFO(s.warehouse_id());
    CHECK(s.status() == v1::Shipment::READY);
  }
}

}  // namespace
}  // namespace crm::orders

namespace crm::orders {
namespace {

TEST_CASE("the customer 360's orders part: the last orders and what is on its way",
          "[order_service]") {
  World w;
  Stock(w);
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) {
    v1::Order order;
    REQUIRE(w.Place(OrderOf({{"KETTLE", 1}}), &order, "customer", absl::StrCat("k-", i)).ok());
    ids.push_back(order.order_id());
    w.clock().Advance(absl::Minutes(1));
  }
  v1::GetOrdersSummaryRequest request;
  request.set_customer_id("c_ann");
  v1::OrdersSummary summary;
  REQUIRE(w.orders().GetOrdersSummary(w.As("customer").get(), request, &summary).ok());
  REQUIRE(summary.last_orders_size() == 5);
  CHECK(summary.last_orders(0).order_id() == ids[5]);
  CHECK(summary.open_shipments_size() == 6);
  CHECK_FALSE(w.orders().GetOrdersSummary(w.As("customer", "c_bob").get(), request, &summary).ok());
}

}  // namespace
}  // namespace crm::orders
