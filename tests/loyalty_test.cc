// Loyalty as the business sees it, end to end: other services' events on Kafka earn and reverse
// points through the real consumer, each once however often Kafka delivers it; tiers follow the
// year's spend and drop by a durable timer when the (dev) clock passes a year; the overview
// shows profile, tier, points and the last contacts.
#include <google/protobuf/util/time_util.h>

#include <catch2/catch.hpp>

#include "absl/strings/str_cat.h"
#include "crm/customers/v1/loyalty.grpc.pb.h"
#include "crm/events/v1/aftersales.pb.h"
#include "crm/events/v1/customers.pb.h"
#include "crm/events/v1/orders.pb.h"
#include "crm/platform/v1/dev_clock.grpc.pb.h"
#include "customer_calls.h"
#include "harness.h"
#include "http_client.h"
#include "json_body.h"
#include "platform/events/topic_reader.h"
#include "platform/events/topic_writer.h"
#include "platform/events/topics.h"
#include "platform/rpc/service_tokens.h"
#include "platform/runtime/runtime.h"

namespace crm::testing {
namespace {

using google::protobuf::util::TimeUtil;

// Publishes `payload` on its type's topic as the owning service's relay would, with event id
// `id`.
void Publish(const std::string& brokers, const std::string& id, const std::string& customer_id,
             const google::protobuf::Message& payload) {
  auto topic = platform::TopicOf(*payload.GetDescriptor());
  REQUIRE(topic.ok());
  events::v1::EventEnvelope envelope;
  envelope.set_id(id);
  envelope.set_type(payload.GetDescriptor()->full_name());
  envelope.set_source("crm/test");
  envelope.set_subject(customer_id);
  *envelope.mutable_time() = TimeUtil::GetCurrentTime();
  envelope.mutable_payload()->PackFrom(payload);
  REQUIRE(platform::PublishEnvelope(brokers, *topic, envelope, absl::Seconds(10)).ok());
}

events::v1::ShipmentDelivered Delivered(const std::string& customer_id, const std::string& id,
                                        int64_t cents) {
  events::v1::ShipmentDelivered d;
  d.set_shipment_id(id);
  d.set_order_id("o_" + id);
  d.set_customer_id(customer_id);
  d.set_amount_cents(cents);
  d.set_currency("EUR");
  *d.mutable_delivered_at() = TimeUtil::GetCurrentTime();
  return d;
}

TEST_CASE(
    "points and tiers follow the events on Kafka, once each - the tier decays after a "
    "year - the overview shows it all",
    "[process][loyalty]") {
  TempDir dir;
  DevBroker broker{dir.path()};
  Service customers{"customers", dir.path(), broker.bootstrap()};
  Gateway gateway{dir.path(), "customers=" + customers.grpc_address()};
  auto stub = customers::v1::CustomersService::NewStub(customers.Channel());
  CallResult ann = CreateCustomer(*stub, Registration("ann@example.com"));
  REQUIRE(ann.status.ok());
  std::string id = ann.customer.customer_id();
  Headers as_ann = {{"Authorization", "Bearer " + Login(customers.Channel(), "ann@example.com")},
                    {"Content-Type", "application/json"}};
  auto points = [&] {
    return HttpCall(gateway.address(), "GET", "/v1/customers/" + id + "/points", "", as_ann);
  };

  // 2,500.00 delivered: 2,500 points at REGULAR, and GOLD from then on.
  Publish(broker.bootstrap(), "e_1", id, Delivered(id, "sh_1", 250'000));
  REQUIRE(
      WaitFor([&] { return JsonField(points().body, "balance") == "2500"; }, absl::Seconds(20)));
  CHECK(JsonField(points().body, "benefits.tier") == "GOLD");

  // A delivery for the GOLD customer, published twice (a relay retry under the same id, and a
  // republished copy under another): 1.5 points per euro, once.
  Publish(broker.bootstrap(), "e_2", id, Delivered(id, "sh_2", 10'000));
  Publish(broker.bootstrap(), "e_2", id, Delivered(id, "sh_2", 10'000));
  Publish(broker.bootstrap(), "e_3", id, Delivered(id, "sh_2", 10'000));
  REQUIRE(
      WaitFor([&] { return JsonField(points().body, "balance") == "2650"; }, absl::Seconds(20)));
  // A marker after the repeats: once it is applied, the repeats were read too.
  events::v1::ReviewPosted review;
  review.set_review_id("rv_1");
  review.set_customer_id(id);
  review.set_sku("sku-1");
  Publish(broker.bootstrap(), "e_4", id, review);
  REQUIRE(
      WaitFor([&] { return JsonField(points().body, "balance") == "2700"; }, absl::Seconds(20)));

  // The refund of sh_2's order takes its 150 points back.
  events::v1::RefundIssued refund;
  refund.set_refund_id("rf_1");
  refund.set_order_id("o_sh_2");
  refund.set_customer_id(id);
  refund.set_amount_cents(10'000);
  refund.set_currency("EUR");
  Publish(broker.bootstrap(), "e_5", id, refund);
  REQUIRE(
      WaitFor([&] { return JsonField(points().body, "balance") == "2550"; }, absl::Seconds(20)));
  HttpReply account = points();
  CHECK(JsonField(account.body, "entries.0.kind") == "REVERSED_REFUND");
  CHECK(JsonField(account.body, "entries.0.points") == "-150");
  CHECK(JsonField(account.body, "lifetimeValueCents") == "250000");

  // The overview: profile, tier, points, the last contact; the parts of services not built yet
  // are named as degraded.
  REQUIRE(HttpCall(gateway.address(), "POST", "/v1/customers/" + id + "/interactions",
                   R"({"channel":"CHAT","direction":"INBOUND","topic":"points question"})", as_ann)
              .status == 201);
  HttpReply overview =
      HttpCall(gateway.address(), "GET", "/v1/customers/" + id + "/overview", "", as_ann);
  REQUIRE(overview.status == 200);
  CHECK(JsonField(overview.body, "customer.customerId") == id);
  CHECK(JsonField(overview.body, "customer.tier") == "GOLD");
  CHECK(JsonField(overview.body, "customer.pointsBalance") == "2550");
  CHECK(JsonField(overview.body, "points.benefits.tier") == "GOLD");
  CHECK(JsonField(overview.body, "recentInteractions.0.topic") == "points question");
  CHECK(JsonField(overview.body, "degraded.0") == "orders");

  // A year and a day later on the service's clock, with no spend since: the decay timer
  // drops the tier to REGULAR and publishes it.
  {
    auto clock = platform::v1::DevClockService::NewStub(customers.Channel());
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + Login(customers.Channel(), kTestAdminEmail,
                                                           kTestAdminPassword));
    platform::v1::SetClockOffsetRequest offset;
    *offset.mutable_offset() = TimeUtil::SecondsToDuration(366 * 86400);
    platform::v1::ClockReading reading;
    REQUIRE(clock->SetClockOffset(&context, offset, &reading).ok());
  }
  REQUIRE(WaitFor(
      [&] { return customers.Metric(R"(crm_timers_fired_total{kind="loyalty.decay"})") >= 1; },
      absl::Seconds(15)));
  bool dropped = false;
  REQUIRE(WaitFor(
      [&] {
        auto events = platform::ReadTopic(
            broker.bootstrap(), platform::TopicOf<events::v1::TierChanged>(), absl::Seconds(5));
        if (!events.ok()) return false;
        for (const auto& e : *events) {
          events::v1::TierChanged change;
          if (e.payload().UnpackTo(&change) && change.customer_id() == id &&
              change.from() == "GOLD" && change.to() == "REGULAR") {
            dropped = true;
          }
        }
        return dropped;
      },
      absl::Seconds(15)));
  // What checkout sees now: a token of the orders service, made on the service's clock.
  platform::ManualClock later(absl::Now() + absl::Hours(24 * 366));
  auto orders = platform::ServiceTokens::Create(
      {.service = "orders",
       .private_key_pem = *platform::ReadFile(TestTokenKeys().service_private_keys.at("orders"))},
      later);
  REQUIRE(orders.ok());
  grpc::ClientContext context;
  for (const auto& [name, value] : (*orders)->Metadata()) context.AddMetadata(name, value);
  customers::v1::GetCheckoutBenefitsRequest request;
  request.set_customer_id(id);
  customers::v1::CheckoutBenefits benefits;
  grpc::Status s = customers::v1::LoyaltyService::NewStub(customers.Channel())
                       ->GetCheckoutBenefits(&context, request, &benefits);
  INFO(s.error_message());
  REQUIRE(s.ok());
  CHECK(benefits.benefits().tier() == customers::v1::TierBenefits::REGULAR);
  CHECK_FALSE(benefits.benefits().free_express());
  CHECK(benefits.points_balance() == 2550);  // points do not expire with the tier
}

}  // namespace
}  // namespace crm::testing
