#include "customers/domain/loyalty.h"

#include <google/protobuf/util/time_util.h>

#include <catch2/catch.hpp>

namespace crm::customers {
namespace {

using google::protobuf::util::TimeUtil;

const absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);
const LoyaltyPolicy kPolicy = LoyaltyPolicy::Default();

events::v1::ShipmentDelivered Delivery(const std::string& shipment, const std::string& order,
                                       int64_t cents, absl::Time at) {
  events::v1::ShipmentDelivered d;
  d.set_shipment_id(shipment);
  d.set_order_id(order);
  d.set_customer_id("c_1");
  d.set_amount_cents(cents);
  d.set_currency("EUR");
  *d.mutable_delivered_at() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(at));
  return d;
}

events::v1::RefundIssued Refund(const std::string& order, int64_t cents, absl::Time at) {
  events::v1::RefundIssued r;
  r.set_refund_id("r_" + order);
  r.set_order_id(order);
  r.set_customer_id("c_1");
  r.set_amount_cents(cents);
  r.set_currency("EUR");
  *r.mutable_issued_at() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(at));
  return r;
}

TEST_CASE("tiers follow the spend of the window", "[loyalty]") {
  CHECK(TierFor(0, kPolicy).tier() == v1::TierBenefits::REGULAR);
  CHECK(TierFor(49'999, kPolicy).tier() == v1::TierBenefits::REGULAR);
  CHECK(TierFor(50'000, kPolicy).tier() == v1::TierBenefits::SILVER);
  CHECK(TierFor(200'000, kPolicy).tier() == v1::TierBenefits::GOLD);
  CHECK(TierFor(10'000'000, kPolicy).tier() == v1::TierBenefits::PLATINUM);
  CHECK(TierFor(200'000, kPolicy).free_express());
  CHECK_FALSE(TierFor(200'000, kPolicy).priority_support());
}

TEST_CASE("a delivery earns points at the tier's multiplier, and can lift the tier", "[loyalty]") {
  store::v1::LoyaltyRecord record;
  auto first = EarnForDelivery(&record, Delivery("sh_1", "o_1", 250'000, kStart), kStart, kPolicy);
  REQUIRE(first.ok());
  CHECK(first->points() == 2'500);  // REGULAR: 1 point per euro
  auto change = Retier(&record, kStart, kPolicy);
  REQUIRE(change.has_value());
  CHECK(change->to == v1::TierBenefits::GOLD);
  auto second = EarnForDelivery(&record, Delivery("sh_2", "o_2", 10'000, kStart), kStart, kPolicy);
  CHECK(second->points() == 150);  // GOLD: 1.5 points per euro
  CHECK(record.balance() == 2'650);
  CHECK(record.lifetime_value_cents() == 260'000);
}

TEST_CASE("a refund reverses the order's points in proportion, below zero if they were spent",
          "[loyalty]") {
  store::v1::LoyaltyRecord record;
  REQUIRE(EarnForDelivery(&record, Delivery("sh_1", "o_1", 10'000, kStart), kStart, kPolicy).ok());
  REQUIRE(record.balance() == 100);
  REQUIRE(Redeem(&record, 80, "checkout", "o_9", kStart).ok());
  auto half = ReverseForRefund(&record, Refund("o_1", 5'000, kStart), kStart, kPolicy);
  REQUIRE(half.ok());
  CHECK(half->points() == -50);
  CHECK(record.balance() == -30);
  // The rest of the order, and more than was delivered: never more than it earned.
  events::v1::RefundIssued rest = Refund("o_1", 9'000, kStart);
  rest.set_refund_id("r_2");
  CHECK(ReverseForRefund(&record, rest, kStart, kPolicy)->points() == -50);
  CHECK(record.balance() == -80);
  CHECK(record.lifetime_value_cents() == 0);
  // Nothing can be redeemed while the balance is below what is asked.
  auto refused = Redeem(&record, 1, "checkout", "", kStart);
  CHECK(refused.status().code() == absl::StatusCode::kFailedPrecondition);
}

TEST_CASE("a refund that arrives before its delivery is settled when the delivery comes",
          "[loyalty]") {
  store::v1::LoyaltyRecord record;
  auto early = ReverseForRefund(&record, Refund("o_1", 4'000, kStart), kStart, kPolicy);
  REQUIRE(early.ok());
  CHECK(early->points() == 0);  // nothing earned yet to take back
  auto delivered =
      EarnForDelivery(&record, Delivery("sh_1", "o_1", 10'000, kStart), kStart, kPolicy);
  REQUIRE(delivered.ok());
  CHECK(delivered->points() == 60);  // 100 earned, less 40 for the refund before it
  CHECK(record.balance() == 60);
  CHECK(SpendInWindow(record, kStart, kPolicy) == 6'000);
  CHECK(record.lifetime_value_cents() == 6'000);
  // The rest of the refund settles exactly what is left.
  events::v1::RefundIssued rest = Refund("o_1", 6'000, kStart);
  rest.set_refund_id("r_2");
  CHECK(ReverseForRefund(&record, rest, kStart, kPolicy)->points() == -60);
  CHECK(record.balance() == 0);
  CHECK(SpendInWindow(record, kStart, kPolicy) == 0);
}

TEST_CASE("absurd amounts are refused before any arithmetic", "[loyalty]") {
  store::v1::LoyaltyRecord record;
  auto huge = EarnForDelivery(&record, Delivery("sh_1", "o_1", kMaxAmountCents + 1, kStart), kStart,
                              kPolicy);
  CHECK(huge.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(record.balance() == 0);
}

TEST_CASE("the tier drops when the spend leaves the 365 days", "[loyalty]") {
  store::v1::LoyaltyRecord record;
  REQUIRE(EarnForDelivery(&record, Delivery("sh_1", "o_1", 250'000, kStart), kStart, kPolicy).ok());
  Retier(&record, kStart, kPolicy);
  REQUIRE(record.tier() == v1::TierBenefits::GOLD);
  absl::Time later = kStart + absl::Hours(24 * 200);
  REQUIRE(EarnForDelivery(&record, Delivery("sh_2", "o_2", 60'000, later), later, kPolicy).ok());
  Retier(&record, later, kPolicy);
  REQUIRE(NextDecay(record, kPolicy) == kStart + absl::Hours(24 * 365));

  absl::Time year = kStart + absl::Hours(24 * 365);
  CHECK_FALSE(Retier(&record, year - absl::Seconds(1), kPolicy).has_value());
  auto dropped = Retier(&record, year, kPolicy);
  REQUIRE(dropped.has_value());
  CHECK(dropped->from == v1::TierBenefits::GOLD);
  CHECK(dropped->to == v1::TierBenefits::SILVER);  // 600.00 left in the window
  CHECK(NextDecay(record, kPolicy) == later + absl::Hours(24 * 365));
  CHECK(Retier(&record, later + absl::Hours(24 * 365), kPolicy)->to == v1::TierBenefits::REGULAR);
  CHECK_FALSE(NextDecay(record, kPolicy).has_value());
  CHECK(record.lifetime_value_cents() == 310'000);  // lifetime value does not age
}

TEST_CASE("other currencies and bad tier specs are refused", "[loyalty]") {
  store::v1::LoyaltyRecord record;
  events::v1::ShipmentDelivered usd = Delivery("sh_1", "o_1", 100, kStart);
  usd.set_currency("USD");
  CHECK(EarnForDelivery(&record, usd, kStart, kPolicy).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(record.balance() == 0);

  auto parsed = LoyaltyPolicy::ParseTiers("REGULAR:0:100:no:no,GOLD:1000:300:yes:yes");
  REQUIRE(parsed.ok());
  CHECK(parsed->size() == 2);
  CHECK((*parsed)[1].points_multiplier_percent() == 300);
  CHECK_FALSE(LoyaltyPolicy::ParseTiers("SILVER:0:100:no:no").ok());
  CHECK_FALSE(LoyaltyPolicy::ParseTiers("REGULAR:0:100:no:no,GOLD:0:150:no:no").ok());
  CHECK_FALSE(LoyaltyPolicy::ParseTiers("REGULAR:0:100:maybe:no").ok());
}

}  // namespace
}  // namespace crm::customers
