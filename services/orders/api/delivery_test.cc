// After placement: carriers, handing shipments over, tracking events, cash on delivery,
// lateness, cancelling, through the orders server.
#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "crm/events/v1/notifications.pb.h"
#include "crm/events/v1/orders.pb.h"
#include "orders/domain/tracking.h"
#include "orders/testing/world.h"
#include "platform/base/errors.h"
#include "platform/base/proto_time.h"
#include "platform/rpc/grpc_status.h"

namespace crm::orders {
namespace {

using testing::OrderOf;
using testing::World;

constexpr absl::Duration kDay = absl::Hours(24);
const std::string kSecret = "dhl-secret-0123456789abcdef0123456789";

std::string Reason(const grpc::Status& status) { return platform::DetailsOf(status).reason(); }

// Kettles in stock at north, mugs coming in 5 days; carrier "dhl".
void Setup(World& w) {
  w.Product("KETTLE", 3000);
  w.Product("MUG", 800);
  w.Warehouse("wh-north", "north");
  w.Stock("wh-north", "KETTLE", 5);
  w.Stock("wh-north", "MUG", 0, w.clock().Now() + 5 * kDay);
  w.Carrier("dhl", kSecret);
  w.Carrier("ups", "ups-secret-0123456789abcdef0123456789");
}

v1::TrackingEvent Event(const std::string& id, const std::string& tracking,
                        v1::Shipment::Status status, absl::Time at, int64_t cod = 0) {
  v1::TrackingEvent e;
  e.set_event_id(id);
  e.set_tracking_number(tracking);
  e.set_status(status);
  *e.mutable_occurred_at() = platform::ToTimestamp(at);
  e.set_location("Hamburg hub");
  e.set_cod_collected_cents(cod);
  return e;
}

std::vector<std::string> Outcomes(const v1::PostTrackingEventsResponse& response) {
  std::vector<std::string> out;
  for (const auto& r : response.results()) {
    out.push_back(v1::TrackingResult::Outcome_Name(r.result()) +
                  (r.reason().empty() ? "" : " " + r.reason()));
  }
  return out;
}

std::vector<std::string> EventTypes(World& w) {
  std::vector<std::string> types;
  for (const auto& e : platform::testing::OutboxEvents(w.runtime().store())) {
    types.push_back(e.envelope().type());
  }
  return types;
}

TEST_CASE("a carrier's secrets are sealed at rest, never answered, and read by the gateway only",
          "[carriers]") {
  World w;
  Setup(w);
  v1::GetCarrierRequest get;
  get.set_carrier_id("dhl");
  v1::Carrier carrier;
  REQUIRE(w.carriers().GetCarrier(w.As("agent").get(), get, &carrier).ok());
  CHECK(carrier.name() == "Carrier dhl");
  CHECK(carrier.signing_secrets().empty());
  CHECK(carrier.signing_secret_count() == 1);
  // Not in the clear anywhere in the store.
  std::string stored;
  REQUIRE(w.runtime()
              .store()
              .Scan(w.runtime().store().cf(kCarriersCf), "", "",
                    [&](absl::string_view, absl::string_view value) {
                      stored += std::string(value);
                      return true;
                    })
              .ok());
  CHECK(stored.find(kSecret) == std::string::npos);

  api::v1::GetPartnerSecretRequest request;
  request.set_partner_id("dhl");
  api::v1::PartnerSecret secret;
  // Only the gateway's service identity may read them.
  CHECK(w.partner_secrets().GetPartnerSecret(w.As("admin").get(), request, &secret).error_code() ==
        grpc::StatusCode::PERMISSION_DENIED);

  v1::PutCarrierRequest bad;
  bad.set_carrier_id("dhl");
  bad.mutable_carrier()->set_name("DHL");
  bad.mutable_carrier()->add_signing_secrets("short");
  grpc::Status refused = w.carriers().PutCarrier(w.As("admin").get(), bad, &carrier);
  REQUIRE(platform::DetailsOf(refused).field_violations_size() == 1);
  CHECK(platform::DetailsOf(refused).field_violations(0).field() == "carrier.signingSecrets[0]");
  CHECK(w.carriers().PutCarrier(w.As("agent").get(), bad, &carrier).error_code() ==
        grpc::StatusCode::PERMISSION_DENIED);
}

TEST_CASE("a shipment handed to a carrier, tracked in any order, delivered with the wrong cash",
          "[tracking]") {
  World w;
  Setup(w);
  absl::Time t0 = w.clock().Now();
  v1::Order order;
  REQUIRE(w.Place(OrderOf({{"KETTLE", 2}}), &order).ok());
  const std::string id = order.shipments(0).shipment_id();
  v1::Shipment handed;
  REQUIRE(w.Assign(id, "dhl", "DHL-1", &handed).ok());
  CHECK(handed.status() == v1::Shipment::HANDED_TO_CARRIER);
  CHECK(handed.carrier_id() == "dhl");
  CHECK(w.StockAt("wh-north", "KETTLE").on_hand() == 3);
  CHECK(w.StockAt("wh-north", "KETTLE").reserved() == 0);
  CHECK(w.ReadOrder(order.order_id()).status() == v1::Order::SHIPPED);
  // The customer hears it is on its way, with the cash to have ready.
  auto outbox = platform::testing::OutboxEvents(w.runtime().store());
  REQUIRE(outbox.back().envelope().type() == "crm.events.v1.ParcelOnItsWay");
  events::v1::ParcelOnItsWay on_its_way;
  REQUIRE(outbox.back().envelope().payload().UnpackTo(&on_its_way));
  CHECK(on_its_way.tracking_number() == "DHL-1");
  CHECK(on_its_way.cod_due_cents() == 6490);
  // A tracking number is one carrier's once; a shipment is handed over once.
  v1::Order second;
  REQUIRE(w.Place(OrderOf({{"KETTLE", 1}}), &second, "customer", "k-2").ok());
  CHECK(Reason(w.Assign(second.shipments(0).shipment_id(), "dhl", "DHL-1", &handed)) ==
        "TRACKING_NUMBER_TAKEN");
  CHECK(Reason(w.Assign(id, "dhl", "DHL-9", &handed)) == "SHIPMENT_NOT_READY");
  CHECK(Reason(w.Assign(second.shipments(0).shipment_id(), "nobody", "X-1", &handed)) ==
        "CARRIER_NOT_FOUND");

  w.clock().Advance(kDay);
  // Out of order, a repeat, one reusing an id, one for another carrier's parcel, a bad one.
  v1::PostTrackingEventsResponse response;
  REQUIRE(w.Track("dhl",
                  {Event("e2", "DHL-1", v1::Shipment::OUT_FOR_DELIVERY, t0 + absl::Hours(20)),
                   Event("e1", "DHL-1", v1::Shipment::IN_TRANSIT, t0 + absl::Hours(10)),
                   Event("e1", "DHL-1", v1::Shipment::IN_TRANSIT, t0 + absl::Hours(10)),
                   Event("e3", "NOPE-1", v1::Shipment::IN_TRANSIT, t0 + absl::Hours(11)),
                   Event("e4", "DHL-1", v1::Shipment::PENDING, t0 + absl::Hours(12))},
                  &response)
              .ok());
  CHECK(Outcomes(response) == std::vector<std::string>{"ACCEPTED", "ACCEPTED", "DUPLICATE",
                                                       "REJECTED UNKNOWN_SHIPMENT",
                                                       "REJECTED INVALID_EVENT"});
  CHECK(w.ReadShipment(id).status() == v1::Shipment::OUT_FOR_DELIVERY);
  // The same events again: nothing changes; an old id with other content is refused; an event
  // older than what is known is kept as stale.
  REQUIRE(w.Track("dhl",
                  {Event("e2", "DHL-1", v1::Shipment::OUT_FOR_DELIVERY, t0 + absl::Hours(20)),
                   Event("e1", "DHL-1", v1::Shipment::AT_STATION, t0 + absl::Hours(10)),
                   Event("e5", "DHL-1", v1::Shipment::AT_STATION, t0 + absl::Hours(15))},
                  &response)
              .ok());
  CHECK(Outcomes(response) ==
        std::vector<std::string>{"DUPLICATE", "REJECTED EVENT_ID_REUSED", "STALE"});
  v1::Shipment s = w.ReadShipment(id);
  CHECK(s.status() == v1::Shipment::OUT_FOR_DELIVERY);
  REQUIRE(s.timeline_size() == 3);
  CHECK(s.timeline(0).event_id() == "e1");
  CHECK(s.timeline(1).event_id() == "e5");
  CHECK(s.timeline(1).stale());
  CHECK(s.timeline(2).event_id() == "e2");
  // Another carrier cannot move it.
  REQUIRE(w.Track("ups", {Event("u1", "DHL-1", v1::Shipment::DELIVERED, t0 + absl::Hours(21))},
                  &response)
              .ok());
  CHECK(Outcomes(response) == std::vector<std::string>{"REJECTED UNKNOWN_SHIPMENT"});
  v1::TrackingEvent by_id = Event("u2", "", v1::Shipment::DELIVERED, t0 + absl::Hours(21));
  by_id.set_shipment_id(id);
  REQUIRE(w.Track("ups", {by_id}, &response).ok());
  CHECK(Outcomes(response) == std::vector<std::string>{"REJECTED OTHER_CARRIER"});

  // Delivered with 10.00 less than due: flagged.
  REQUIRE(w.Track("dhl",
                  {Event("e6", "DHL-1", v1::Shipment::DELIVERED, t0 + absl::Hours(22), 5490)},
                  &response)
              .ok());
  CHECK(Outcomes(response) == std::vector<std::string>{"ACCEPTED"});
  s = w.ReadShipment(id);
  CHECK(s.status() == v1::Shipment::DELIVERED);
  CHECK(s.cod_collected_cents() == 5490);
  CHECK(s.cod_due_cents() == 6490);
  CHECK_FALSE(s.has_delay());
  // Never backwards.
  REQUIRE(w.Track("dhl", {Event("e7", "DHL-1", v1::Shipment::IN_TRANSIT, t0 + absl::Hours(23))},
                  &response)
              .ok());
  CHECK(Outcomes(response) == std::vector<std::string>{"REJECTED IMPOSSIBLE_STEP"});
  CHECK(w.ReadShipment(id).status() == v1::Shipment::DELIVERED);

  v1::Order delivered = w.ReadOrder(order.order_id());
  CHECK(delivered.status() == v1::Order::DELIVERED);
  CHECK(delivered.collected_cents() == 5490);
  CHECK(delivered.amount_due_cents() == 0);
  v1::ListCodMismatchesRequest list;
  v1::ListCodMismatchesResponse mismatches;
  REQUIRE(w.shipments().ListCodMismatches(w.As("agent").get(), list, &mismatches).ok());
  REQUIRE(mismatches.mismatches_size() == 1);
  CHECK(mismatches.mismatches(0).shipment_id() == id);
  CHECK(mismatches.mismatches(0).due_cents() == 6490);
  CHECK(mismatches.mismatches(0).collected_cents() == 5490);
  CHECK(platform::testing::MetricValue(w.runtime().metrics(), "crm_orders_cod_mismatches_total") ==
        1);
  auto types = EventTypes(w);
  CHECK(std::count(types.begin(), types.end(), "crm.events.v1.ShipmentDelivered") == 1);
  CHECK(std::count(types.begin(), types.end(), "crm.events.v1.CodMismatch") == 1);
  CHECK(std::count(types.begin(), types.end(), "crm.events.v1.OrderDelivered") == 1);
}

TEST_CASE("a partner lists only its own shipments, by status", "[tracking]") {
  World w;
  Setup(w);
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    v1::Order order;
    REQUIRE(w.Place(OrderOf({{"KETTLE", 1}}), &order, "customer", absl::StrCat("k-", i)).ok());
    v1::Shipment s;
    REQUIRE(
        w.Assign(order.shipments(0).shipment_id(), i < 2 ? "dhl" : "ups", absl::StrCat("T-", i), &s)
            .ok());
    ids.push_back(s.shipment_id());
  }
  v1::PostTrackingEventsResponse response;
  REQUIRE(w.Track("dhl", {Event("e1", "T-0", v1::Shipment::IN_TRANSIT, w.clock().Now())}, &response)
              .ok());
  v1::ListPartnerShipmentsRequest request;
  request.set_carrier_id("dhl");
  v1::ListPartnerShipmentsResponse listed;
  REQUIRE(w.partners()
              .ListPartnerShipments(w.As("partner", "partner:dhl").get(), request, &listed)
              .ok());
  REQUIRE(listed.shipments_size() == 2);
  request.set_status(v1::Shipment::IN_TRANSIT);
  REQUIRE(w.partners()
              .ListPartnerShipments(w.As("partner", "partner:dhl").get(), request, &listed)
              .ok());
  REQUIRE(listed.shipments_size() == 1);
  CHECK(listed.shipments(0).shipment_id() == ids[0]);
  // Another partner's list is not theirs to read.
  CHECK(w.partners()
            .ListPartnerShipments(w.As("partner", "partner:ups").get(), request, &listed)
            .error_code() == grpc::StatusCode::PERMISSION_DENIED);
  // A batch beyond 500 is refused whole.
  std::vector<v1::TrackingEvent> many(kMaxTrackingBatch + 1,
                                      Event("x", "T-0", v1::Shipment::IN_TRANSIT, w.clock().Now()));
  CHECK(Reason(w.Track("dhl", many, &response)) == "BATCH_TOO_LARGE");
}

TEST_CASE("cancelling a partly shipped order cancels what is still in the warehouse", "[cancel]") {
  World w;
  Setup(w);
  v1::Order order;
  REQUIRE(w.Place(OrderOf({{"KETTLE", 2}, {"MUG", 1}}), &order).ok());
  REQUIRE(order.shipments_size() == 2);
  const std::string kettles = order.shipments(0).shipment_id();
  v1::Shipment s;
  REQUIRE(w.Assign(kettles, "dhl", "DHL-7", &s).ok());
  CHECK(w.StockAt("wh-north", "MUG").backordered() == 1);

  v1::CancelOrderRequest cancel;
  cancel.set_order_id(order.order_id());
  cancel.set_reason("changed my mind");
  v1::Order cancelled;
  auto context = w.As("customer");
  context->AddMetadata("idempotency-key", "cancel-1");
  grpc::Status status = w.orders().CancelOrder(context.get(), cancel, &cancelled);
  INFO(status.error_message());
  REQUIRE(status.ok());
  CHECK(cancelled.status() == v1::Order::SHIPPED);
  CHECK(cancelled.shipments(0).status() == v1::Shipment::HANDED_TO_CARRIER);
  CHECK(cancelled.shipments(1).status() == v1::Shipment::CANCELLED);
  CHECK(cancelled.lines(1).cancelled_quantity() == 1);
  CHECK(cancelled.lines(0).cancelled_quantity() == 0);
  // Cash due: the kettles and the shipping fee they carry; the mugs no more.
  CHECK(cancelled.amount_due_cents() == 6000 + 490);
  CHECK(cancelled.cancel_reason() == "changed my mind");
  CHECK(w.StockAt("wh-north", "MUG").backordered() == 0);
  // The mugs that arrive are free for others.
  CHECK(w.Stock("wh-north", "MUG", 3).available() == 3);
}

TEST_CASE("stock freed by a cancellation serves the backorders waiting for it", "[cancel]") {
  World w;
  Setup(w);
  // The first order takes every kettle; the second waits for kettles (backorder at wh-north).
  w.Stock("wh-north", "KETTLE", 5, w.clock().Now() + 4 * kDay);
  v1::Order first, second;
  REQUIRE(w.Place(OrderOf({{"KETTLE", 5}}), &first, "customer", "k-1").ok());
  REQUIRE(w.Place(OrderOf({{"KETTLE", 2}}), &second, "customer", "k-2").ok());
  REQUIRE(second.shipments(0).status() == v1::Shipment::ON_HOLD);
  v1::CancelOrderRequest cancel;
  cancel.set_order_id(first.order_id());
  auto context = w.As("customer");
  context->AddMetadata("idempotency-key", "cancel-first");
  v1::Order cancelled;
  REQUIRE(w.orders().CancelOrder(context.get(), cancel, &cancelled).ok());
  CHECK(w.ReadShipment(second.shipments(0).shipment_id()).status() == v1::Shipment::READY);
  v1::Stock kettles = w.StockAt("wh-north", "KETTLE");
  CHECK(kettles.reserved() == 2);
  CHECK(kettles.backordered() == 0);
  CHECK(kettles.available() == 3);

  // Nothing is left to cancel.
  auto again = w.As("customer");
  again->AddMetadata("idempotency-key", "cancel-2");
  CHECK(Reason(w.orders().CancelOrder(again.get(), cancel, &cancelled)) == "NOTHING_TO_CANCEL");
  auto other = w.As("customer", "c_bob");
  other->AddMetadata("idempotency-key", "cancel-3");
  CHECK(Reason(w.orders().CancelOrder(other.get(), cancel, &cancelled)) == "ORDER_NOT_FOUND");
}

TEST_CASE("a whole prepaid order cancelled before it left owes the customer everything",
          "[cancel]") {
  World w;
  Setup(w);
  v1::PlaceOrderRequest prepaid = OrderOf({{"KETTLE", 2}});
  prepaid.set_payment_method(v1::Order::PREPAID);
  v1::Order order;
  REQUIRE(w.Place(prepaid, &order).ok());
  CHECK(w.StockAt("wh-north", "KETTLE").reserved() == 2);
  v1::CancelOrderRequest cancel;
  cancel.set_order_id(order.order_id());
  auto context = w.As("agent");
  context->AddMetadata("idempotency-key", "cancel-1");
  v1::Order cancelled;
  REQUIRE(w.orders().CancelOrder(context.get(), cancel, &cancelled).ok());
  CHECK(cancelled.status() == v1::Order::CANCELLED);
  CHECK(cancelled.payment_status() == v1::Order::REFUND_DUE);
  CHECK(cancelled.refund_due_cents() == 6000 + 490);
  CHECK(w.StockAt("wh-north", "KETTLE").reserved() == 0);
  auto types = EventTypes(w);
  CHECK(std::count(types.begin(), types.end(), "crm.events.v1.OrderCancelled") == 1);

  // Staff record the money paid back, once.
  v1::MarkRefundedRequest refunded;
  refunded.set_order_id(order.order_id());
  refunded.set_reference("bank transfer 42");
  v1::Order settled;
  CHECK(w.orders().MarkRefunded(w.As("customer").get(), refunded, &settled).error_code() ==
        grpc::StatusCode::PERMISSION_DENIED);
  REQUIRE(w.orders().MarkRefunded(w.As("agent").get(), refunded, &settled).ok());
  CHECK(settled.payment_status() == v1::Order::REFUNDED);
  CHECK(settled.refunded_cents() == 6000 + 490);
  CHECK(settled.refund_due_cents() == 0);
  CHECK(settled.refund_reference() == "bank transfer 42");
  CHECK(Reason(w.orders().MarkRefunded(w.As("agent").get(), refunded, &settled)) ==
        "NO_REFUND_DUE");
}

TEST_CASE("late shipments record why: stock, warehouse, customer or carrier", "[lateness]") {
  World w;
  Setup(w);
  absl::Time t0 = w.clock().Now();
  // Carrier: handed over at once, delivered 5 days later (promised in 3).
  v1::Order carrier_late;
  REQUIRE(w.Place(OrderOf({{"KETTLE", 1}}), &carrier_late, "customer", "k-1").ok());
  v1::Shipment s;
  REQUIRE(w.Assign(carrier_late.shipments(0).shipment_id(), "dhl", "C-1", &s).ok());
  // Customer: a failed attempt at the door, then delivered late.
  v1::Order customer_late;
  REQUIRE(w.Place(OrderOf({{"KETTLE", 1}}), &customer_late, "customer", "k-2").ok());
  REQUIRE(w.Assign(customer_late.shipments(0).shipment_id(), "dhl", "C-2", &s).ok());
  // Warehouse: never handed over.
  v1::Order warehouse_late;
  REQUIRE(w.Place(OrderOf({{"KETTLE", 1}}), &warehouse_late, "customer", "k-3").ok());
  // Stock: the mugs' restock date passes without stock.
  v1::Order stock_late;
  REQUIRE(w.Place(OrderOf({{"MUG", 1}}), &stock_late, "customer", "k-4").ok());

  w.clock().Advance(5 * kDay);
  v1::PostTrackingEventsResponse response;
  v1::TrackingEvent failed = Event("f1", "C-2", v1::Shipment::DELIVERY_FAILED, t0 + 2 * kDay);
  failed.set_reason_code("NOT_HOME");
  REQUIRE(w.Track("dhl",
                  {Event("d1", "C-1", v1::Shipment::DELIVERED, t0 + 5 * kDay, 3490), failed,
                   Event("d2", "C-2", v1::Shipment::DELIVERED, t0 + 5 * kDay, 3490)},
                  &response)
              .ok());
  CHECK(Outcomes(response) == std::vector<std::string>{"ACCEPTED", "ACCEPTED", "ACCEPTED"});
  // The late checks fire for the two still on their way (the stock one's promise is later).
  REQUIRE(w.runtime().timers().FireDue().ok());
  w.clock().Advance(10 * kDay);
  REQUIRE(w.runtime().timers().FireDue().ok());

  v1::Shipment c = w.ReadShipment(carrier_late.shipments(0).shipment_id());
  CHECK(c.delay().cause() == v1::Delay::CARRIER);
  CHECK(c.delay().responsible() == "dhl");
  v1::Shipment u = w.ReadShipment(customer_late.shipments(0).shipment_id());
  CHECK(u.delay().cause() == v1::Delay::CUSTOMER);
  CHECK(u.delay().reason_code() == "NOT_HOME");
  v1::Shipment h = w.ReadShipment(warehouse_late.shipments(0).shipment_id());
  CHECK(h.delay().cause() == v1::Delay::WAREHOUSE);
  CHECK(h.delay().responsible() == "wh-north");
  v1::Shipment k = w.ReadShipment(stock_late.shipments(0).shipment_id());
  CHECK(k.status() == v1::Shipment::ON_HOLD);
  CHECK(k.delay().cause() == v1::Delay::STOCK);
  // Staff see the late ones still on their way, through the late index.
  v1::ListShipmentsRequest queue;
  queue.set_late(true);
  v1::ListShipmentsResponse late;
  REQUIRE(w.shipments().ListShipments(w.As("agent").get(), queue, &late).ok());
  std::vector<std::string> late_ids;
  for (const v1::Shipment& one : late.shipments()) late_ids.push_back(one.shipment_id());
  std::sort(late_ids.begin(), late_ids.end());
  std::vector<std::string> expected = {h.shipment_id(), k.shipment_id()};
  std::sort(expected.begin(), expected.end());
  CHECK(late_ids == expected);
  queue.set_status(v1::Shipment::ON_HOLD);
  REQUIRE(w.shipments().ListShipments(w.As("analyst").get(), queue, &late).ok());
  REQUIRE(late.shipments_size() == 1);
  CHECK(late.shipments(0).shipment_id() == k.shipment_id());
  // By warehouse and status; by carrier.
  v1::ListShipmentsRequest by_warehouse;
  by_warehouse.set_warehouse_id("wh-north");
  by_warehouse.set_status(v1::Shipment::DELIVERED);
  v1::ListShipmentsResponse listed;
  REQUIRE(w.shipments().ListShipments(w.As("agent").get(), by_warehouse, &listed).ok());
  CHECK(listed.shipments_size() == 2);
  v1::ListShipmentsRequest by_carrier;
  by_carrier.set_carrier_id("ups");
  REQUIRE(w.shipments().ListShipments(w.As("agent").get(), by_carrier, &listed).ok());
  CHECK(listed.shipments().empty());
  by_carrier.set_carrier_id("u ps");
  CHECK(w.shipments().ListShipments(w.As("agent").get(), by_carrier, &listed).error_code() ==
        grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(w.shipments().ListShipments(w.As("customer").get(), queue, &listed).error_code() ==
        grpc::StatusCode::PERMISSION_DENIED);

  for (const char* cause : {"STOCK", "WAREHOUSE", "CARRIER", "CUSTOMER"}) {
    INFO(cause);
    CHECK(platform::testing::MetricValue(
              w.runtime().metrics(),
              absl::StrCat("crm_orders_late_shipments_total{cause=\"", cause, "\"}")) == 1);
  }
}

}  // namespace
}  // namespace crm::orders

namespace crm::orders {
namespace {

events::v1::ReturnedItem Item(const std::string& sku, int quantity) {
  events::v1::ReturnedItem item;
  item.set_sku(sku);
  item.set_quantity(quantity);
  return item;
}

TEST_CASE("returns: a pickup once per return, a free replacement once, the order RETURNED",
          "[returns]") {
  World w;
  Setup(w);
  v1::Order order;
  REQUIRE(w.Place(OrderOf({{"KETTLE", 2}}), &order).ok());
  const std::string id = order.shipments(0).shipment_id();
  v1::Shipment s;
  REQUIRE(w.Assign(id, "dhl", "DHL-1", &s).ok());
  v1::PostTrackingEventsResponse response;
  REQUIRE(w.Track("dhl", {Event("d", "DHL-1", v1::Shipment::DELIVERED, w.clock().Now(), 6490)},
                  &response)
              .ok());
  v1::GetReturnableLinesRequest ask;
  ask.set_order_id(order.order_id());
  v1::ReturnableLines lines;
  REQUIRE(w.orders().GetReturnableLines(w.As("agent").get(), ask, &lines).ok());
  REQUIRE(lines.lines_size() == 1);
  CHECK(lines.lines(0).delivered_quantity() == 2);
  CHECK(lines.lines(0).returnable());

  events::v1::ReturnApproved approved;
  approved.set_return_id("r-1");
  approved.set_order_id(order.order_id());
  approved.set_customer_id("c_ann");
  *approved.add_items() = Item("KETTLE", 1);
  REQUIRE(w.Apply(approved).ok());
  REQUIRE(w.Apply(approved).ok());  // again: nothing more
  v1::Order read = w.ReadOrder(order.order_id());
  REQUIRE(read.pickups_size() == 1);
  CHECK(read.pickups(0).kind() == v1::Shipment::RETURN_PICKUP);
  CHECK(read.pickups(0).return_id() == "r-1");
  CHECK(read.pickups(0).status() == v1::Shipment::READY);
  CHECK(read.lines(0).returning_quantity() == 1);
  // More than delivered is refused (the event ends in the dead letters).
  events::v1::ReturnApproved too_many = approved;
  too_many.set_return_id("r-2");
  too_many.mutable_items(0)->set_quantity(2);
  CHECK(w.Apply(too_many).code() == absl::StatusCode::kInvalidArgument);
  events::v1::ReturnApproved theirs = approved;
  theirs.set_return_id("r-3");
  theirs.set_customer_id("c_bob");
  CHECK(w.Apply(theirs).code() == absl::StatusCode::kInvalidArgument);

  // The pickup is delivered back: no points, nothing due.
  size_t delivered_events = 0;
  for (const auto& e : platform::testing::OutboxEvents(w.runtime().store())) {
    delivered_events += e.envelope().type() == "crm.events.v1.ShipmentDelivered";
  }
  REQUIRE(w.Assign(read.pickups(0).shipment_id(), "dhl", "DHL-R1", &s).ok());
  REQUIRE(
      w.Track("dhl", {Event("r", "DHL-R1", v1::Shipment::DELIVERED, w.clock().Now())}, &response)
          .ok());
  size_t after = 0;
  for (const auto& e : platform::testing::OutboxEvents(w.runtime().store())) {
    after += e.envelope().type() == "crm.events.v1.ShipmentDelivered";
  }
  CHECK(after == delivered_events);

  // A replacement, charged nothing, placed once.
  events::v1::ExchangeOrdered exchange;
  exchange.set_return_id("r-1");
  exchange.set_order_id(order.order_id());
  exchange.set_customer_id("c_ann");
  *exchange.add_items() = Item("KETTLE", 1);
  // Only what was returned, in sane amounts, is replaced.
  for (auto [sku, quantity] : {std::pair{"KETTLE", -5}, std::pair{"KETTLE", 0},
                               std::pair{"KETTLE", 2}, std::pair{"MUG", 1}}) {
    INFO(sku << " x " << quantity);
    events::v1::ExchangeOrdered bad = exchange;
    *bad.mutable_items(0) = Item(sku, quantity);
    CHECK(w.Apply(bad).code() == absl::StatusCode::kInvalidArgument);
  }
  REQUIRE(w.Apply(exchange).ok());
  REQUIRE(w.Apply(exchange).ok());
  v1::ListCustomerOrdersRequest list;
  list.set_customer_id("c_ann");
  v1::ListCustomerOrdersResponse orders;
  REQUIRE(w.orders().ListCustomerOrders(w.As("customer").get(), list, &orders).ok());
  REQUIRE(orders.orders_size() == 2);
  const v1::Order& replacement =
      orders.orders(0).order_id() == order.order_id() ? orders.orders(1) : orders.orders(0);
  CHECK(replacement.exchange_for_return_id() == "r-1");
  CHECK(replacement.total_cents() == 0);
  CHECK(replacement.amount_due_cents() == 0);
  CHECK(replacement.shipments(0).cod_due_cents() == 0);

  // Received back: one of two kettles returned, then the other.
  events::v1::ReturnReceived received;
  received.set_return_id("r-1");
  received.set_order_id(order.order_id());
  received.set_customer_id("c_ann");
  *received.add_items() = Item("KETTLE", 1);
  REQUIRE(w.Apply(received).ok());
  REQUIRE(w.Apply(received).ok());
  CHECK(w.ReadOrder(order.order_id()).status() == v1::Order::PARTIALLY_RETURNED);
  received.set_return_id("r-4");
  REQUIRE(w.Apply(received).ok());
  read = w.ReadOrder(order.order_id());
  CHECK(read.status() == v1::Order::RETURNED);
  CHECK(read.lines(0).returned_quantity() == 2);

  // Fifteen days on, nothing is returnable any more.
  w.clock().Advance(16 * kDay);
  REQUIRE(w.orders().GetReturnableLines(w.As("admin").get(), ask, &lines).ok());
  CHECK_FALSE(lines.lines(0).returnable());
}

TEST_CASE("an erased customer's orders keep only anonymous facts", "[returns]") {
  World w;
  Setup(w);
  v1::Order order;
  REQUIRE(w.Place(OrderOf({{"KETTLE", 1}}), &order).ok());
  events::v1::CustomerErased erased;
  erased.set_customer_id("c_ann");
  REQUIRE(w.Apply(erased).ok());
  v1::Order read = w.ReadOrder(order.order_id());
  CHECK(read.personal_data_erased());
  CHECK(read.shipping_address().recipient().empty());
  CHECK(read.shipping_address().line1().empty());
  CHECK(read.shipping_address().city().empty());
  CHECK(read.shipping_address().region() == "north");
  CHECK(read.shipping_address().country() == "DE");
  CHECK(read.total_cents() == order.total_cents());
}

}  // namespace
}  // namespace crm::orders
