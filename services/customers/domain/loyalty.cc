#include "customers/domain/loyalty.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "platform/base/errors.h"
#include "platform/base/proto_time.h"

namespace crm::customers {

namespace {

using Tier = v1::TierBenefits::Tier;

v1::TierBenefits Benefits(Tier tier, int64_t min, int32_t percent, bool express, bool priority) {
  v1::TierBenefits b;
  b.set_tier(tier);
  b.set_min_spend_cents(min);
  b.set_points_multiplier_percent(percent);
  b.set_free_express(express);
  b.set_priority_support(priority);
  return b;
}

v1::PointsEntry Entry(store::v1::LoyaltyRecord* record, v1::PointsEntry::Kind kind, int64_t points,
                      absl::string_view reason, absl::Time now) {
  record->set_balance(record->balance() + points);
  record->set_entries(record->entries() + 1);
  v1::PointsEntry entry;
  entry.set_kind(kind);
  entry.set_points(points);
  entry.set_reason(std::string(reason));
  *entry.mutable_at() = platform::ToTimestamp(now);
  return entry;
}

absl::Status CheckAmount(int64_t cents, absl::string_view currency, const LoyaltyPolicy& policy) {
  if (currency != policy.currency) {
    return absl::InvalidArgumentError(
        absl::StrCat("amount in ", currency, ", but the shop's currency is ", policy.currency));
  }
  if (cents < 0 || cents > kMaxAmountCents) {
    return absl::InvalidArgumentError(absl::StrCat("amount out of range: ", cents));
  }
  return absl::OkStatus();
}

struct Settled {
  int64_t points_reversed = 0;
  int64_t refund_counted_cents = 0;
};

// Brings the order's reversal up to its refunded share: what was earned times refunded over
// delivered (refunds beyond the delivered amount wait for more deliveries). The total follows
// the share, so rounding never drifts: a full refund reverses exactly what was earned.
Settled Settle(store::v1::LoyaltyRecord::OrderPoints& order) {
  int64_t refunded = std::min(order.refunded_cents(), order.delivered_cents());
  int64_t target =
      order.delivered_cents() == 0
          ? 0
          : static_cast<int64_t>((static_cast<__int128>(order.points_earned()) * refunded) /
                                 order.delivered_cents());
  Settled settled{target - order.points_reversed(), refunded - order.refund_counted_cents()};
  order.set_points_reversed(target);
  order.set_refund_counted_cents(refunded);
  return settled;
}

void AddSpend(store::v1::LoyaltyRecord* record, int64_t cents, absl::Time at) {
  store::v1::LoyaltyRecord::Spend* spend = record->add_spend();
  spend->set_cents(cents);
  *spend->mutable_at() = platform::ToTimestamp(at);
  record->set_lifetime_value_cents(record->lifetime_value_cents() + cents);
}

}  // namespace

LoyaltyPolicy LoyaltyPolicy::Default() {
  LoyaltyPolicy policy;
  policy.tiers = {Benefits(v1::TierBenefits::REGULAR, 0, 100, false, false),
                  Benefits(v1::TierBenefits::SILVER, 50'000, 125, false, false),
                  Benefits(v1::TierBenefits::GOLD, 200'000, 150, true, false),
                  Benefits(v1::TierBenefits::PLATINUM, 500'000, 200, true, true)};
  return policy;
}

absl::StatusOr<std::vector<v1::TierBenefits>> LoyaltyPolicy::ParseTiers(absl::string_view spec) {
  std::vector<v1::TierBenefits> tiers;
  for (absl::string_view part : absl::StrSplit(spec, ',', absl::SkipWhitespace())) {
    std::vector<absl::string_view> f = absl::StrSplit(part, ':');
    Tier tier;
    int64_t min = 0;
    int32_t percent = 0;
    auto flag = [](absl::string_view v, bool* out) {
      if (v != "yes" && v != "no") return false;
      *out = v == "yes";
      return true;
    };
    bool express = false, priority = false;
    if (f.size() != 5 || !v1::TierBenefits::Tier_Parse(std::string(f[0]), &tier) ||
        tier == v1::TierBenefits::TIER_UNSPECIFIED || !absl::SimpleAtoi(f[1], &min) || min < 0 ||
        !absl::SimpleAtoi(f[2], &percent) || percent < 0 || percent > 1000 ||
        !flag(f[3], &express) || !flag(f[4], &priority)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "loyalty tier '", part,
          "' is not NAME:min_spend_cents:multiplier_percent:yes|no:yes|no with NAME REGULAR, "
          "SILVER, GOLD or PLATINUM"));
    }
    if (!tiers.empty() && (min <= tiers.back().min_spend_cents() || tier <= tiers.back().tier())) {
      return absl::InvalidArgumentError(
          absl::StrCat("loyalty tier '", part, "' must come after a lower tier and threshold"));
    }
    tiers.push_back(Benefits(tier, min, percent, express, priority));
  }
  if (tiers.empty() || tiers[0].tier() != v1::TierBenefits::REGULAR ||
      tiers[0].min_spend_cents() != 0) {
    return absl::InvalidArgumentError("loyalty tiers must start with REGULAR at 0");
  }
  return tiers;
}

const v1::TierBenefits& BenefitsOf(Tier tier, const LoyaltyPolicy& policy) {
  for (const v1::TierBenefits& b : policy.tiers) {
    if (b.tier() == tier) return b;
  }
  return policy.tiers.front();
}

int64_t SpendInWindow(const store::v1::LoyaltyRecord& record, absl::Time now,
                      const LoyaltyPolicy& policy) {
  int64_t total = 0;
  for (const auto& spend : record.spend()) {
    if (platform::FromTimestamp(spend.at()) > now - policy.window) total += spend.cents();
  }
  return total;
}

const v1::TierBenefits& TierFor(int64_t spend_cents, const LoyaltyPolicy& policy) {
  const v1::TierBenefits* best = &policy.tiers.front();
  for (const v1::TierBenefits& b : policy.tiers) {
    if (spend_cents >= b.min_spend_cents()) best = &b;
  }
  return *best;
}

std::optional<TierChange> Retier(store::v1::LoyaltyRecord* record, absl::Time now,
                                 const LoyaltyPolicy& policy) {
  auto* spend = record->mutable_spend();
  spend->erase(std::remove_if(spend->begin(), spend->end(),
                              [&](const store::v1::LoyaltyRecord::Spend& s) {
                                return platform::FromTimestamp(s.at()) <= now - policy.window;
                              }),
               spend->end());
  int64_t total = SpendInWindow(*record, now, policy);
  Tier from = record->tier() == v1::TierBenefits::TIER_UNSPECIFIED ? v1::TierBenefits::REGULAR
                                                                   : record->tier();
  Tier to = TierFor(total, policy).tier();
  record->set_tier(to);
  if (from == to) return std::nullopt;
  return TierChange{from, to, total};
}

std::optional<absl::Time> NextDecay(const store::v1::LoyaltyRecord& record,
                                    const LoyaltyPolicy& policy) {
  std::optional<absl::Time> next;
  for (const auto& spend : record.spend()) {
    // Only spend leaving can lower the tier... and a refund leaving can raise it: both count.
    absl::Time out = platform::FromTimestamp(spend.at()) + policy.window;
    if (!next || out < *next) next = out;
  }
  return next;
}

absl::StatusOr<v1::PointsEntry> EarnForDelivery(store::v1::LoyaltyRecord* record,
                                                const events::v1::ShipmentDelivered& delivered,
                                                absl::Time now, const LoyaltyPolicy& policy) {
  if (absl::Status s = CheckAmount(delivered.amount_cents(), delivered.currency(), policy);
      !s.ok()) {
    return s;
  }
  const v1::TierBenefits& tier = BenefitsOf(record->tier(), policy);
  int64_t points =
      static_cast<int64_t>(static_cast<__int128>(delivered.amount_cents()) *
                           tier.points_multiplier_percent() / (policy.cents_per_point * 100));
  store::v1::LoyaltyRecord::OrderPoints& order = (*record->mutable_orders())[delivered.order_id()];
  order.set_delivered_cents(order.delivered_cents() + delivered.amount_cents());
  order.set_points_earned(order.points_earned() + points);
  // A refund that came first takes its share of this delivery at once.
  Settled settled = Settle(order);
  absl::Time at =
      delivered.has_delivered_at() ? platform::FromTimestamp(delivered.delivered_at()) : now;
  AddSpend(record, delivered.amount_cents() - settled.refund_counted_cents, at);
  std::string reason = absl::StrCat("delivery of shipment ", delivered.shipment_id(), " at tier ",
                                    v1::TierBenefits::Tier_Name(tier.tier()));
  if (settled.points_reversed > 0) {
    absl::StrAppend(&reason, ", less ", settled.points_reversed, " for an earlier refund");
  }
  v1::PointsEntry entry = Entry(record, v1::PointsEntry::EARNED_DELIVERY,
                                points - settled.points_reversed, reason, now);
  entry.set_order_id(delivered.order_id());
  return entry;
}

absl::StatusOr<v1::PointsEntry> ReverseForRefund(store::v1::LoyaltyRecord* record,
                                                 const events::v1::RefundIssued& refund,
                                                 absl::Time now, const LoyaltyPolicy& policy) {
  if (absl::Status s = CheckAmount(refund.amount_cents(), refund.currency(), policy); !s.ok()) {
    return s;
  }
  store::v1::LoyaltyRecord::OrderPoints& order = (*record->mutable_orders())[refund.order_id()];
  order.set_refunded_cents(order.refunded_cents() + refund.amount_cents());
  Settled settled = Settle(order);
  int64_t points = settled.points_reversed;
  AddSpend(record, -settled.refund_counted_cents,
           refund.has_issued_at() ? platform::FromTimestamp(refund.issued_at()) : now);
  v1::PointsEntry entry = Entry(record, v1::PointsEntry::REVERSED_REFUND, -points,
                                absl::StrCat("refund ", refund.refund_id()), now);
  entry.set_order_id(refund.order_id());
  return entry;
}

v1::PointsEntry EarnForReview(store::v1::LoyaltyRecord* record,
                              const events::v1::ReviewPosted& review, absl::Time now,
                              const LoyaltyPolicy& policy) {
  v1::PointsEntry entry = Entry(record, v1::PointsEntry::EARNED_REVIEW, policy.review_points,
                                absl::StrCat("review of ", review.sku()), now);
  entry.set_order_id(review.order_id());
  return entry;
}

absl::StatusOr<v1::PointsEntry> Redeem(store::v1::LoyaltyRecord* record, int64_t points,
                                       absl::string_view reason, absl::string_view order_id,
                                       absl::Time now) {
  if (record->balance() < points) {
    return platform::Error(absl::StatusCode::kFailedPrecondition, kReasonPointsInsufficient,
                           absl::StrCat("the balance is ", record->balance(), " points; ", points,
                                        " cannot be redeemed"));
  }
  v1::PointsEntry entry = Entry(record, v1::PointsEntry::REDEEMED, -points, reason, now);
  if (!order_id.empty()) entry.set_order_id(std::string(order_id));
  return entry;
}

v1::PointsEntry Adjust(store::v1::LoyaltyRecord* record, int64_t points, absl::string_view reason,
                       absl::string_view staff_id, absl::Time now) {
  v1::PointsEntry entry = Entry(record, v1::PointsEntry::ADJUSTED, points, reason, now);
  if (!staff_id.empty()) entry.set_staff_id(std::string(staff_id));
  return entry;
}

}  // namespace crm::customers
