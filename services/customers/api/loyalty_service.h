// crm.customers.v1.LoyaltyService and the loyalty side of the event stream: points and tiers
// (rules in domain/loyalty.h, state in store/loyalty_store.h).
//
// Earning and reversing come from other services' events (Apply, fed by the service's Kafka
// consumer): ShipmentDelivered earns points at the customer's tier, RefundIssued reverses what
// the refunded part earned, ReviewPosted earns a fixed amount. Each source (shipment, refund,
// review) has one effect, however often it is delivered. Every change re-tiers the customer
// (TierChanged when it moves) and sets a durable timer "loyalty.decay" for when the oldest
// spend leaves the 365 days, so the tier also drops with no event at all.
//
// Redeem and adjust lock the customer's loyalty record, so concurrent redeems never overdraw.
// Reads compute the tier from the spend in the window at the time of the read, so a decay
// whose timer has not fired yet is already visible. Thread-safe.
#pragma once

#include "absl/functional/function_ref.h"
#include "crm/customers/v1/loyalty.grpc.pb.h"
#include "crm/events/v1/envelope.pb.h"
#include "customers/domain/loyalty.h"
#include "customers/store/customer_index.h"
#include "customers/store/customer_store.h"
#include "customers/store/loyalty_store.h"
#include "platform/base/clock.h"
#include "platform/base/errors.h"
#include "platform/base/metrics.h"
#include "platform/events/outbox.h"
#include "platform/runtime/rpc.h"
#include "platform/store/store.h"
#include "platform/store/timers.h"

namespace crm::customers {

struct LoyaltyServiceDeps {
  CustomerStore& customers;
  LoyaltyStore& loyalty;
  // The tier index staff search reads.
  CustomerIndex& index;
  platform::Outbox& outbox;
  platform::Timers& timers;
  const platform::Clock& clock;
  platform::Metrics& metrics;
  platform::Rpc rpc;
  LoyaltyPolicy policy;
};

class LoyaltyService : public v1::LoyaltyService::CallbackService {
 public:
  // Registers the decay timer: construct before timers.Start().
  explicit LoyaltyService(LoyaltyServiceDeps deps);

  grpc::ServerUnaryReactor* GetPoints(grpc::CallbackServerContext* context,
                                      const v1::GetPointsRequest* request,
                                      v1::PointsAccount* response) override;
  grpc::ServerUnaryReactor* RedeemPoints(grpc::CallbackServerContext* context,
                                         const v1::RedeemPointsRequest* request,
                                         v1::PointsAccount* response) override;
  grpc::ServerUnaryReactor* AdjustPoints(grpc::CallbackServerContext* context,
                                         const v1::AdjustPointsRequest* request,
                                         v1::PointsAccount* response) override;
  grpc::ServerUnaryReactor* GetCheckoutBenefits(grpc::CallbackServerContext* context,
                                                const v1::GetCheckoutBenefitsRequest* request,
                                                v1::CheckoutBenefits* response) override;

  // The consumer's handler: applies ShipmentDelivered, RefundIssued and ReviewPosted in `txn`;
  // ignores other events and events about erased customers. Errors: INVALID_ARGUMENT (another
  // currency, an unknown customer: dead-lettered by the consumer); ABORTED (contended: retried).
  absl::Status Apply(platform::Txn& txn, const events::v1::EventEnvelope& envelope);

  // The account as a read at `now` sees it (tier from the spend in the window). For the
  // customer's profile and the overview. Errors: INTERNAL.
  absl::StatusOr<v1::PointsAccount> Account(absl::string_view customer_id, int entries) const;

 private:
  // A change of `stored` (already made) with its ledger entry: re-tier, store, TierChanged,
  // decay timer. The customer's record must be locked in `txn`.
  // `entry` (may be null) gets its id.
  absl::Status Finish(platform::Txn& txn, absl::string_view customer_id, StoredLoyalty& stored,
                      v1::PointsEntry* entry, const std::string& request_id);
  absl::Status Decay(platform::Txn& txn, absl::string_view customer_id);
  // Redeem or adjust in `txn`, answered with the account after the change.
  absl::Status Change(
      platform::Txn& txn, const platform::RequestContext& rc, absl::string_view customer_id,
      absl::FunctionRef<absl::StatusOr<v1::PointsEntry>(store::v1::LoyaltyRecord*)> change,
      v1::PointsAccount* response);

  LoyaltyServiceDeps deps_;
  platform::Counter events_applied_;
  platform::Counter tier_changes_;
};

}  // namespace crm::customers
