#include "customers/api/loyalty_service.h"

#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <thread>
#include <vector>

#include "crm/events/v1/customers.pb.h"
#include "crm/events/v1/orders.pb.h"
#include "customers/api/test_fixture.h"
#include "platform/base/ids.h"
#include "platform/rpc/grpc_status.h"

namespace crm::customers {
namespace {

using google::protobuf::util::TimeUtil;
using testing::Describe;
using testing::kNow;
using testing::Prepare;
using testing::Reason;

// LoyaltyService on real platform pieces (testing::World), served in-process. Tokens are signed
// directly (no sessions), like customers_service_test.
class Server {
 public:
  Server() {
    service_ = std::make_unique<LoyaltyService>(world_.LoyaltyDeps(workers_));
    server_ = std::make_unique<platform::testing::InProcessServer>(
        std::vector<grpc::Service*>{service_.get()});
    stub_ = v1::LoyaltyService::NewStub(server_->Channel());
  }

  std::string Token(const std::string& subject, const std::string& role) {
    return world_.SignedToken(subject, role, absl::Hours(24 * 800));
  }

  // Applies `payload` as the consumer would, in one committed transaction.
  void Deliver(const std::string& event_id, const google::protobuf::Message& payload) {
    events::v1::EventEnvelope envelope;
    envelope.set_id(event_id);
    envelope.mutable_payload()->PackFrom(payload);
    auto txn = world_.store->Begin();
    absl::Status s = service_->Apply(*txn, envelope);
    INFO(s.ToString());
    REQUIRE(s.ok());
    REQUIRE(txn->Commit().ok());
  }

  // Redeem and adjust declare their Idempotency-Key REQUIRED: each call here is a new one.
  grpc::Status Redeem(const std::string& customer_id, int64_t points, v1::PointsAccount* out,
                      const std::string& idempotency_key = platform::NewUuid()) {
    grpc::ClientContext context;
    Prepare(context, Token(customer_id, "customer"));
    if (!idempotency_key.empty()) context.AddMetadata("idempotency-key", idempotency_key);
    v1::RedeemPointsRequest request;
    request.set_customer_id(customer_id);
    request.set_points(points);
    request.set_reason("checkout");
    return stub_->RedeemPoints(&context, request, out);
  }

  v1::PointsAccount Points(const std::string& customer_id) {
    grpc::ClientContext context;
    Prepare(context, Token(customer_id, "customer"));
    v1::GetPointsRequest request;
    request.set_customer_id(customer_id);
    v1::PointsAccount out;
    grpc::Status s = stub_->GetPoints(&context, request, &out);
    INFO(Describe(s));
    REQUIRE(s.ok());
    return out;
  }

  testing::World& world() { return world_; }
  v1::LoyaltyService::Stub& Stub() { return *stub_; }
  absl::Status Apply(platform::Txn& txn, const events::v1::EventEnvelope& envelope) {
    return service_->Apply(txn, envelope);
  }

 private:
  testing::World world_;
  platform::WorkerPool workers_{{.threads = 1, .queue_capacity = 4}};
  std::unique_ptr<LoyaltyService> service_;
  std::unique_ptr<platform::testing::InProcessServer> server_;
  std::unique_ptr<v1::LoyaltyService::Stub> stub_;
};

events::v1::ShipmentDelivered Delivery(const std::string& customer_id, const std::string& shipment,
                                       int64_t cents) {
  events::v1::ShipmentDelivered d;
  d.set_shipment_id(shipment);
  d.set_order_id("o_" + shipment);
  d.set_customer_id(customer_id);
  d.set_amount_cents(cents);
  d.set_currency("EUR");
  *d.mutable_delivered_at() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(kNow));
  return d;
}

TEST_CASE("a delivery delivered twice, even under another event id, earns once",
          "[loyalty_service]") {
  Server server;
  std::string ann = server.world().AddCustomer("ann@example.com");
  server.Deliver("e_1", Delivery(ann, "sh_1", 12'345));
  server.Deliver("e_1", Delivery(ann, "sh_1", 12'345));
  server.Deliver("e_2", Delivery(ann, "sh_1", 12'345));  // a republished copy
  v1::PointsAccount account = server.Points(ann);
  CHECK(account.balance() == 123);
  REQUIRE(account.entries_size() == 1);
  CHECK(account.entries(0).kind() == v1::PointsEntry::EARNED_DELIVERY);
  CHECK(account.entries(0).event_id() == "e_1");
  CHECK(account.lifetime_value_cents() == 12'345);
}

TEST_CASE("events about an erased customer are dropped - about an unknown one refused",
          "[loyalty_service]") {
  Server server;
  std::string ann = server.world().AddCustomer("ann@example.com");
  server.world().ChangeCustomer(ann, [](store::v1::CustomerRecord& r) {
    r.mutable_erased_at()->set_seconds(absl::ToUnixSeconds(kNow));
  });
  server.Deliver("e_1", Delivery(ann, "sh_1", 10'000));  // applied as nothing, not an error
  CHECK(server.world().loyalty->Get(ann)->record.balance() == 0);

  events::v1::EventEnvelope envelope;
  envelope.set_id("e_2");
  envelope.mutable_payload()->PackFrom(Delivery("c_nobody", "sh_2", 10'000));
  auto txn = server.world().store->Begin();
  CHECK(server.Apply(*txn, envelope).code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("concurrent redeems never overdraw", "[loyalty_service]") {
  Server server;
  std::string ann = server.world().AddCustomer("ann@example.com");
  server.Deliver("e_1", Delivery(ann, "sh_1", 10'000));  // 100 points
  std::atomic<int> granted{0}, refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 12; ++i) {
    threads.emplace_back([&] {
      for (;;) {
        v1::PointsAccount out;
        grpc::Status s = server.Redeem(ann, 20, &out);
        if (s.error_code() == grpc::StatusCode::ABORTED) continue;  // contended: retry
        if (s.ok()) {
          ++granted;
        } else if (Reason(s) == "POINTS_INSUFFICIENT") {
          ++refused;
        }
        return;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(granted == 5);
  CHECK(refused == 7);
  CHECK(server.Points(ann).balance() == 0);
}

TEST_CASE("the tier drops by the durable timer when a year passes without spend",
          "[loyalty_service]") {
  Server server;
  std::string ann = server.world().AddCustomer("ann@example.com");
  server.Deliver("e_1", Delivery(ann, "sh_1", 250'000));
  CHECK(server.Points(ann).benefits().tier() == v1::TierBenefits::GOLD);
  server.world().clock.Advance(absl::Hours(24 * 365));
  // Reads already see it; the timer makes it stored and published.
  CHECK(server.Points(ann).benefits().tier() == v1::TierBenefits::REGULAR);
  REQUIRE(*server.world().timers->FireDue() >= 1);
  int tier_events = 0;
  for (const auto& record : server.world().Events()) {
    events::v1::TierChanged changed;
    if (record.envelope().payload().UnpackTo(&changed)) {
      ++tier_events;
      if (tier_events == 2) {
        CHECK(changed.from() == "GOLD");
        CHECK(changed.to() == "REGULAR");
      }
    }
  }
  CHECK(tier_events == 2);  // up to GOLD, then down
  CHECK(server.world().loyalty->Get(ann)->record.tier() == v1::TierBenefits::REGULAR);
}

TEST_CASE("redeem and adjust check their input and roles", "[loyalty_service]") {
  Server server;
  std::string ann = server.world().AddCustomer("ann@example.com");
  v1::PointsAccount out;
  CHECK(server.Redeem(ann, 0, &out).error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  grpc::Status keyless = server.Redeem(ann, 1, &out, /*idempotency_key=*/"");
  CHECK(Reason(keyless) == "IDEMPOTENCY_KEY_MISSING");
  CHECK(platform::DetailsOf(keyless).field_violations(0).field() == "Idempotency-Key");
  CHECK(Reason(server.Redeem(ann, 1, &out)) == "POINTS_INSUFFICIENT");

  auto adjust = [&](const std::string& role, int64_t points, const std::string& reason) {
    grpc::ClientContext context;
    Prepare(context, server.Token(role == "customer" ? ann : "st_1", role));
    context.AddMetadata("idempotency-key", platform::NewUuid());
    v1::AdjustPointsRequest request;
    request.set_customer_id(ann);
    request.set_points(points);
    request.set_reason(reason);
    return server.Stub().AdjustPoints(&context, request, &out);
  };
  CHECK(adjust("customer", 10, "goodwill").error_code() == grpc::StatusCode::PERMISSION_DENIED);
  CHECK(Reason(adjust("agent", 0, "goodwill")) == "FIELD_INVALID");
  CHECK(Reason(adjust("agent", 10, "")) == "FIELD_INVALID");
  CHECK(server.Points(ann).balance() == 0);
  REQUIRE(adjust("agent", 10, "goodwill").ok());
  CHECK(out.balance() == 10);
  CHECK(out.entries(0).kind() == v1::PointsEntry::ADJUSTED);
  CHECK(out.entries(0).staff_id() == "st_1");
  // A correction may go below zero.
  REQUIRE(adjust("admin", -25, "duplicate credit").ok());
  CHECK(out.balance() == -15);
}

TEST_CASE("redeem and adjust publish PointsRedeemed and PointsAdjusted, without the reason",
          "[loyalty_service]") {
  Server server;
  std::string ann = server.world().AddCustomer("ann@example.com");
  grpc::ClientContext adjust_context;
  Prepare(adjust_context, server.Token("st_1", "agent"));
  adjust_context.AddMetadata("idempotency-key", "adjust-1");
  v1::AdjustPointsRequest adjust;
  adjust.set_customer_id(ann);
  adjust.set_points(300);
  adjust.set_reason("late delivery");
  v1::PointsAccount adjusted;
  REQUIRE(server.Stub().AdjustPoints(&adjust_context, adjust, &adjusted).ok());
  v1::PointsAccount redeemed;
  REQUIRE(server.Redeem(ann, 120, &redeemed).ok());
  // A refused redeem publishes nothing.
  v1::PointsAccount refused;
  CHECK(Reason(server.Redeem(ann, 1000, &refused)) == "POINTS_INSUFFICIENT");

  std::vector<events::v1::OutboxRecord> points_events;
  for (const events::v1::OutboxRecord& record : server.world().Events()) {
    if (record.envelope().payload().Is<events::v1::PointsAdjusted>() ||
        record.envelope().payload().Is<events::v1::PointsRedeemed>()) {
      points_events.push_back(record);
    }
  }
  REQUIRE(points_events.size() == 2);
  for (const events::v1::OutboxRecord& record : points_events) {
    CHECK(record.topic() == "crm.customers.v1");
    CHECK(record.key() == ann);
    CHECK(record.envelope().subject() == ann);
    CHECK(record.envelope().payload().value().find("late delivery") == std::string::npos);
    CHECK(record.envelope().payload().value().find("checkout") == std::string::npos);
  }
  events::v1::PointsAdjusted adjusted_event;
  REQUIRE(points_events[0].envelope().payload().UnpackTo(&adjusted_event));
  CHECK(points_events[0].envelope().type() == "crm.events.v1.PointsAdjusted");
  CHECK(adjusted_event.customer_id() == ann);
  CHECK(adjusted_event.entry_id() == adjusted.entries(0).entry_id());
  CHECK(adjusted_event.points() == 300);
  CHECK(adjusted_event.balance_after() == 300);
  CHECK(adjusted_event.staff_id() == "st_1");
  CHECK(adjusted_event.adjusted_at() == adjusted.entries(0).at());
  events::v1::PointsRedeemed redeemed_event;
  REQUIRE(points_events[1].envelope().payload().UnpackTo(&redeemed_event));
  CHECK(redeemed_event.customer_id() == ann);
  CHECK(redeemed_event.entry_id() == redeemed.entries(0).entry_id());
  CHECK(redeemed_event.points() == 120);
  CHECK(redeemed_event.balance_after() == 180);
  CHECK(redeemed_event.order_id().empty());
  CHECK(redeemed_event.redeemed_at() == redeemed.entries(0).at());
}

}  // namespace
}  // namespace crm::customers
