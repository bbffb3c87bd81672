#include "customers/api/loyalty_service.h"

#include "absl/strings/str_cat.h"
#include "crm/events/v1/aftersales.pb.h"
#include "crm/events/v1/customers.pb.h"
#include "crm/events/v1/orders.pb.h"
#include "customers/domain/registration.h"
#include "customers/events/customer_events.h"
#include "platform/base/errors.h"
#include "platform/base/log.h"
#include "platform/base/proto_time.h"

namespace crm::customers {

namespace {

constexpr absl::string_view kDecayTimer = "loyalty.decay";
constexpr int kEntriesShown = 100;

// The account of `record` as seen at `now`, with `entries` newest first.
v1::PointsAccount AccountOf(absl::string_view customer_id, const store::v1::LoyaltyRecord& record,
                            std::vector<v1::PointsEntry> entries, absl::Time now,
                            const LoyaltyPolicy& policy) {
  v1::PointsAccount account;
  account.set_customer_id(std::string(customer_id));
  account.set_balance(record.balance());
  int64_t spend = SpendInWindow(record, now, policy);
  *account.mutable_benefits() = TierFor(spend, policy);
  account.set_spend_365d_cents(spend);
  account.set_lifetime_value_cents(record.lifetime_value_cents());
  account.set_currency(policy.currency);
  for (v1::PointsEntry& entry : entries) *account.add_entries() = std::move(entry);
  return account;
}

}  // namespace

LoyaltyService::LoyaltyService(LoyaltyServiceDeps deps)
    : deps_(std::move(deps)),
      events_applied_(deps_.metrics.AddCounter(
          "crm_loyalty_events_applied_total",
          "Deliveries, refunds and reviews applied to loyalty accounts (repeats not counted)", {})),
      tier_changes_(deps_.metrics.AddCounter("crm_loyalty_tier_changes_total",
                                             "Tier changes, up or down", {})) {
  deps_.timers.Register(std::string(kDecayTimer),
                        [this](platform::Txn& txn, absl::string_view customer_id,
                               absl::string_view) { return Decay(txn, customer_id); });
}

absl::StatusOr<v1::PointsAccount> LoyaltyService::Account(absl::string_view customer_id,
                                                          int entries) const {
  auto stored = deps_.loyalty.Get(customer_id);
  if (!stored.ok()) return stored.status();
  std::vector<v1::PointsEntry> newest;
  if (entries > 0) {
    auto read = deps_.loyalty.Newest(customer_id, entries);
    if (!read.ok()) return read.status();
    newest = std::move(*read);
  }
  return AccountOf(customer_id, stored->record, std::move(newest), deps_.clock.Now(), deps_.policy);
}

grpc::ServerUnaryReactor* LoyaltyService::GetPoints(grpc::CallbackServerContext* context,
                                                    const v1::GetPointsRequest* request,
                                                    v1::PointsAccount* response) {
  return deps_.rpc.Read(context, *request, [&](const platform::RequestContext&) -> absl::Status {
    if (auto customer = deps_.customers.Get(request->customer_id()); !customer.ok()) {
      return customer.status();
    }
    auto account = Account(request->customer_id(), kEntriesShown);
    if (!account.ok()) return account.status();
    *response = std::move(*account);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* LoyaltyService::GetCheckoutBenefits(
    grpc::CallbackServerContext* context, const v1::GetCheckoutBenefitsRequest* request,
    v1::CheckoutBenefits* response) {
  return deps_.rpc.Read(context, *request, [&](const platform::RequestContext&) -> absl::Status {
    if (auto customer = deps_.customers.Get(request->customer_id()); !customer.ok()) {
      return customer.status();
    }
    auto account = Account(request->customer_id(), 0);
    if (!account.ok()) return account.status();
    response->set_customer_id(request->customer_id());
    *response->mutable_benefits() = account->benefits();
    response->set_points_balance(account->balance());
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* LoyaltyService::RedeemPoints(grpc::CallbackServerContext* context,
                                                       const v1::RedeemPointsRequest* request,
                                                       v1::PointsAccount* response) {
  return deps_.rpc.Write(
      context, request, response,
      {.check =
           [request] {
             std::vector<platform::FieldViolation> violations;
             if (request->points() <= 0 || request->points() > kMaxPointsChange) {
               violations.push_back({"points", "must be 1 to 1,000,000,000"});
             }
             CheckText("reason", request->reason(), {.max_chars = 200, .required = true},
                       violations);
             return platform::InvalidFields(violations);
           },
       .write =
           [this, request, response](platform::Txn& txn, const platform::RequestContext& rc) {
             return Change(
                 txn, rc, request->customer_id(),
                 [&](store::v1::LoyaltyRecord* record) {
                   return Redeem(record, request->points(), request->reason(), request->order_id(),
                                 deps_.clock.Now());
                 },
                 response);
           }});
}

grpc::ServerUnaryReactor* LoyaltyService::AdjustPoints(grpc::CallbackServerContext* context,
                                                       const v1::AdjustPointsRequest* request,
                                                       v1::PointsAccount* response) {
  return deps_.rpc.Write(
      context, request, response,
      {.check =
           [request] {
             std::vector<platform::FieldViolation> violations;
             if (request->points() == 0 || request->points() > kMaxPointsChange ||
                 request->points() < -kMaxPointsChange) {
               violations.push_back(
                   {"points", "must not be zero, and at most 1,000,000,000 either way"});
             }
             CheckText("reason", request->reason(), {.max_chars = 200, .required = true},
                       violations);
             return platform::InvalidFields(violations);
           },
       .write =
           [this, request, response](platform::Txn& txn, const platform::RequestContext& rc) {
             return Change(
                 txn, rc, request->customer_id(),
                 [&](store::v1::LoyaltyRecord* record) {
                   return Adjust(record, request->points(), request->reason(), rc.principal.subject,
                                 deps_.clock.Now());
                 },
                 response);
           }});
}

absl::Status LoyaltyService::Change(
    platform::Txn& txn, const platform::RequestContext& rc, absl::string_view customer_id,
    absl::FunctionRef<absl::StatusOr<v1::PointsEntry>(store::v1::LoyaltyRecord*)> change,
    v1::PointsAccount* response) {
  auto customer = deps_.customers.GetForUpdate(txn, customer_id);
  if (!customer.ok()) return customer.status();
  // Locked: a concurrent redeem waits here and then sees this one's balance.
  auto stored = deps_.loyalty.GetForUpdate(txn, customer_id);
  if (!stored.ok()) return stored.status();
  auto entry = change(&stored->record);
  if (!entry.ok()) return entry.status();
  if (absl::Status s = Finish(txn, customer_id, *stored, &*entry, rc.request_id); !s.ok()) {
    return s;
  }
  // Other services see spending and corrections too, in the commit of the entry.
  auto published = entry->kind() == v1::PointsEntry::REDEEMED
                       ? PublishPointsRedeemed(deps_.outbox, txn, customer_id, *entry,
                                               stored->record.balance(), rc.request_id)
                       : PublishPointsAdjusted(deps_.outbox, txn, customer_id, *entry,
                                               stored->record.balance(), rc.request_id);
  if (!published.ok()) return published.status();
  auto newest = deps_.loyalty.Newest(customer_id, kEntriesShown - 1);
  if (!newest.ok()) return newest.status();
  std::vector<v1::PointsEntry> entries = {*entry};
  entries.insert(entries.end(), newest->begin(), newest->end());
  *response =
      AccountOf(customer_id, stored->record, std::move(entries), deps_.clock.Now(), deps_.policy);
  return absl::OkStatus();
}

absl::Status LoyaltyService::Finish(platform::Txn& txn, absl::string_view customer_id,
                                    StoredLoyalty& stored, v1::PointsEntry* entry,
                                    const std::string& request_id) {
  absl::Time now = deps_.clock.Now();
  if (entry != nullptr) {
    if (absl::Status s = deps_.loyalty.AddEntry(txn, customer_id, stored.record, entry); !s.ok()) {
      return s;
    }
  }
  std::optional<TierChange> change = Retier(&stored.record, now, deps_.policy);
  if (absl::Status s = deps_.loyalty.Put(txn, customer_id, stored); !s.ok()) return s;
  if (change) {
    if (absl::Status s = deps_.index.SetTier(txn, customer_id, change->from, change->to); !s.ok()) {
      return s;
    }
    if (auto appended =
            PublishTierChanged(deps_.outbox, txn, customer_id, *change, now, request_id);
        !appended.ok()) {
      return appended.status();
    }
    tier_changes_.Increment();
    platform::LogInfo("tier changed", {{"customerId", std::string(customer_id)},
                                       {"from", v1::TierBenefits::Tier_Name(change->from)},
                                       {"to", v1::TierBenefits::Tier_Name(change->to)}});
  }
  std::optional<absl::Time> next = NextDecay(stored.record, deps_.policy);
  if (!next) return deps_.timers.Cancel(txn, kDecayTimer, customer_id);
  return deps_.timers.Schedule(txn, kDecayTimer, customer_id, *next, "");
}

absl::Status LoyaltyService::Decay(platform::Txn& txn, absl::string_view customer_id) {
  auto customer = deps_.customers.GetForUpdate(txn, customer_id);
  // Erased or never known: nothing to re-tier.
  if (absl::IsNotFound(customer.status())) return absl::OkStatus();
  if (!customer.ok()) return customer.status();
  auto stored = deps_.loyalty.GetForUpdate(txn, customer_id);
  if (!stored.ok()) return stored.status();
  return Finish(txn, customer_id, *stored, nullptr, "");
}

absl::Status LoyaltyService::Apply(platform::Txn& txn, const events::v1::EventEnvelope& envelope) {
  events::v1::ShipmentDelivered delivered;
  events::v1::RefundIssued refund;
  events::v1::ReviewPosted review;
  std::string customer_id, source;
  if (envelope.payload().UnpackTo(&delivered)) {
    customer_id = delivered.customer_id();
    source = absl::StrCat("delivery:", delivered.shipment_id());
  } else if (envelope.payload().UnpackTo(&refund)) {
    customer_id = refund.customer_id();
    source = absl::StrCat("refund:", refund.refund_id());
  } else if (envelope.payload().UnpackTo(&review)) {
    customer_id = review.customer_id();
    source = absl::StrCat("review:", review.review_id());
  } else {
    return absl::OkStatus();
  }
  auto customer = deps_.customers.GetForUpdate(txn, customer_id);
  if (absl::IsNotFound(customer.status())) {
    // An erased customer's facts stop here: nothing personal is left to attach them to.
    auto erased = deps_.customers.IsErased(customer_id);
    if (!erased.ok()) return erased.status();
    if (*erased) return absl::OkStatus();
    return absl::InvalidArgumentError(
        absl::StrCat(envelope.type(), " for unknown customer ", customer_id));
  }
  if (!customer.ok()) return customer.status();
  auto stored = deps_.loyalty.GetForUpdate(txn, customer_id);
  if (!stored.ok()) return stored.status();
  auto applied = deps_.loyalty.Applied(txn, customer_id, source);
  if (!applied.ok()) return applied.status();
  if (*applied) return absl::OkStatus();

  absl::Time now = deps_.clock.Now();
  absl::StatusOr<v1::PointsEntry> entry;
  if (envelope.payload().Is<events::v1::ShipmentDelivered>()) {
    entry = EarnForDelivery(&stored->record, delivered, now, deps_.policy);
  } else if (envelope.payload().Is<events::v1::RefundIssued>()) {
    entry = ReverseForRefund(&stored->record, refund, now, deps_.policy);
  } else {
    entry = EarnForReview(&stored->record, review, now, deps_.policy);
  }
  if (!entry.ok()) return entry.status();
  entry->set_event_id(envelope.id());
  if (absl::Status s = Finish(txn, customer_id, *stored, &*entry, envelope.request_id()); !s.ok()) {
    return s;
  }
  events_applied_.Increment();
  return absl::OkStatus();
}

}  // namespace crm::customers
