// The loyalty rules, free of I/O and of the clock (time comes in as `now`): how many points a
// delivery, a review or a refund is worth, which tier a year's spend reaches, when spend ages
// out. Every change goes through a LoyaltyRecord (the stored state of one customer) and answers
// the ledger entry it makes.
//
//   LoyaltyPolicy policy = LoyaltyPolicy::Default();
//   v1::PointsEntry entry = EarnForDelivery(&record, delivered, now, policy);
//   std::optional<TierChange> change = Retier(&record, now, policy);   // TierChanged event
//   std::optional<absl::Time> next = NextDecay(record, policy);          // durable timer
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "crm/customers/v1/loyalty.pb.h"
#include "crm/events/v1/aftersales.pb.h"
#include "crm/events/v1/orders.pb.h"
#include "customers/domain/reasons.h"
#include "customers/store/records.pb.h"

namespace crm::customers {

// Amounts and point changes beyond these are refused: far above any real order, far below
// where the arithmetic could overflow.
inline constexpr int64_t kMaxAmountCents = 1'000'000'000'000;  // 10 billion in major units
inline constexpr int64_t kMaxPointsChange = 1'000'000'000;

struct LoyaltyPolicy {
  // The shop's currency: amounts in any other are refused.
  std::string currency = "EUR";
  // Minor units per point at a 100 % multiplier: 100 = one point per euro.
  int64_t cents_per_point = 100;
  int64_t review_points = 50;
  // Spend counts for the tier this long.
  absl::Duration window = absl::Hours(24 * 365);
  // Ascending by min_spend_cents; the first is REGULAR at 0.
  std::vector<v1::TierBenefits> tiers;

  // REGULAR from 0 (100 %), SILVER from 500.00 (125 %), GOLD from 2,000.00 (150 %, free
  // express), PLATINUM from 5,000.00 (200 %, free express, priority support).
  static LoyaltyPolicy Default();
  // "NAME:min_spend_cents:multiplier_percent:free_express:priority_support,..." with yes/no
  // flags, e.g. "REGULAR:0:100:no:no,GOLD:200000:150:yes:no". Errors: INVALID_ARGUMENT naming
  // the part at fault (unknown tier, not ascending, no REGULAR at 0).
  static absl::StatusOr<std::vector<v1::TierBenefits>> ParseTiers(absl::string_view spec);
};

// The benefits of `tier` (REGULAR's when the policy lacks it).
const v1::TierBenefits& BenefitsOf(v1::TierBenefits::Tier tier, const LoyaltyPolicy& policy);

// Delivered spend minus refunds within the window before `now`.
int64_t SpendInWindow(const store::v1::LoyaltyRecord& record, absl::Time now,
                      const LoyaltyPolicy& policy);

// The highest tier whose threshold `spend_cents` reaches.
const v1::TierBenefits& TierFor(int64_t spend_cents, const LoyaltyPolicy& policy);

struct TierChange {
  v1::TierBenefits::Tier from;
  v1::TierBenefits::Tier to;
  int64_t spend_cents;
};

// Drops spend older than the window and sets the record's tier from what is left; answers
// the change, if the tier moved.
std::optional<TierChange> Retier(store::v1::LoyaltyRecord* record, absl::Time now,
                                 const LoyaltyPolicy& policy);

// When the oldest spend in the window ages out (the tier may drop then); nullopt when nothing
// can age out.
std::optional<absl::Time> NextDecay(const store::v1::LoyaltyRecord& record,
                                    const LoyaltyPolicy& policy);

// Points for a delivery at the record's current tier; adds the spend (dated when delivered)
// and the lifetime value.
// Errors: INVALID_ARGUMENT for another currency or a negative amount.
absl::StatusOr<v1::PointsEntry> EarnForDelivery(store::v1::LoyaltyRecord* record,
                                                const events::v1::ShipmentDelivered& delivered,
                                                absl::Time now, const LoyaltyPolicy& policy);

// Reverses what the refunded part of the order earned (in proportion; all of it when the
// whole order is refunded), even below a zero balance; takes the refund off the spend and the
// lifetime value. A refund before (or beyond) its delivery is kept and settled when the
// delivery arrives. Errors: INVALID_ARGUMENT for another currency or a negative amount.
absl::StatusOr<v1::PointsEntry> ReverseForRefund(store::v1::LoyaltyRecord* record,
                                                 const events::v1::RefundIssued& refund,
                                                 absl::Time now, const LoyaltyPolicy& policy);

v1::PointsEntry EarnForReview(store::v1::LoyaltyRecord* record,
                              const events::v1::ReviewPosted& review, absl::Time now,
                              const LoyaltyPolicy& policy);

// Spends `points` (> 0). Errors: FAILED_PRECONDITION (POINTS_INSUFFICIENT) when the balance
// is below `points`.
absl::StatusOr<v1::PointsEntry> Redeem(store::v1::LoyaltyRecord* record, int64_t points,
                                       absl::string_view reason, absl::string_view order_id,
                                       absl::Time now);

// A staff correction (any sign, not zero).
v1::PointsEntry Adjust(store::v1::LoyaltyRecord* record, int64_t points, absl::string_view reason,
                       absl::string_view staff_id, absl::Time now);

}  // namespace crm::customers
