#include "customers/api/privacy_service.h"

#include <limits>

#include "crm/events/v1/customers.pb.h"
#include "customers/domain/registration.h"
#include "customers/events/customer_events.h"
#include "platform/base/log.h"
#include "platform/base/proto_time.h"
#include "platform/store/entity.h"

namespace crm::customers {

grpc::ServerUnaryReactor* PrivacyService::EraseCustomer(grpc::CallbackServerContext* context,
                                                        const v1::EraseCustomerRequest* request,
                                                        v1::EraseCustomerResponse* response) {
  return deps_.rpc.Write(
      context, request, response,
      {.write = [this, request](platform::Txn& txn, const platform::RequestContext& rc) {
        return Erase(txn, *request, rc);
      }});
}

grpc::ServerUnaryReactor* PrivacyService::ExportCustomer(grpc::CallbackServerContext* context,
                                                         const v1::ExportCustomerRequest* request,
                                                         v1::CustomerExport* response) {
  return deps_.rpc.Read(context, *request, [&](const platform::RequestContext&) {
    return Export(*request, response);
  });
}

absl::Status PrivacyService::Erase(platform::Txn& txn, const v1::EraseCustomerRequest& request,
                                   const platform::RequestContext& rc) {
  const std::string& id = request.customer_id();
  absl::Time now = deps_.clock.Now();
  auto stored = deps_.customers.GetForUpdate(txn, id);
  if (!stored.ok()) return stored.status();
  // Erasure cannot be undone: a caller who read the profile may insist it is still what it read.
  if (absl::Status s = platform::CheckEtag({.version = stored->version}, rc.if_match); !s.ok()) {
    return s;
  }
  const store::v1::CustomerRecord& before = stored->record;

  if (absl::Status s = deps_.index.Update(txn, &before, nullptr); !s.ok()) return s;
  auto loyalty = deps_.loyalty_store.GetForUpdate(txn, id);
  if (!loyalty.ok()) return loyalty.status();
  v1::TierBenefits::Tier tier = loyalty->record.tier() == v1::TierBenefits::TIER_UNSPECIFIED
                                    ? v1::TierBenefits::REGULAR
                                    : loyalty->record.tier();
  if (absl::Status s = deps_.index.SetTier(txn, id, tier, v1::TierBenefits::TIER_UNSPECIFIED);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = deps_.customers.ReleaseEmail(txn, NormalizeEmail(before.email())); !s.ok()) {
    return s;
  }
  if (auto n = deps_.addresses.DeleteAll(txn, id); !n.ok()) return n.status();
  if (auto n = deps_.interactions.DeleteAll(txn, id); !n.ok()) return n.status();
  if (absl::Status s = deps_.engagement.EraseAll(txn, id); !s.ok()) return s;

  // What stays: the id, the kind and when the account was made (anonymous facts).
  store::v1::CustomerRecord erased;
  erased.set_customer_id(id);
  erased.set_kind(before.kind());
  *erased.mutable_created_at() = before.created_at();
  erased.set_token_version(before.token_version() + 1);
  *erased.mutable_erased_at() = platform::ToTimestamp(now);
  if (auto written = deps_.customers.Update(txn, *stored, erased); !written.ok()) {
    return written.status();
  }
  if (auto revoked = deps_.sessions.RevokeAllOf(txn, id, "", erased.token_version());
      !revoked.ok()) {
    return revoked.status();
  }
  if (auto e = PublishTokenVersionRaised(deps_.outbox, txn, id, erased.token_version(), now);
      !e.ok()) {
    return e.status();
  }
  if (auto e = PublishCustomerErased(deps_.outbox, txn, id, erased.erased_at(), rc.request_id);
      !e.ok()) {
    return e.status();
  }
  txn.AfterCommit([id, rc] {
    platform::LogInfo(
        "customer erased",
        {{"customerId", id}, {"requestId", rc.request_id}, {"by", rc.principal.subject}});
  });
  return absl::OkStatus();
}

absl::Status PrivacyService::Export(const v1::ExportCustomerRequest& request,
                                    v1::CustomerExport* response) {
  const std::string& id = request.customer_id();
  auto profile = deps_.profiles.Profile(id);
  if (!profile.ok()) return profile.status();
  *response->mutable_customer() = std::move(*profile);

  absl::Status unreadable;
  absl::Status listed =
      deps_.addresses.List(id, "", [&](absl::string_view, const platform::Entity& entity) {
        v1::Address* address = response->add_addresses();
        if (!address->ParseFromString(entity.data)) {
          unreadable = absl::InternalError("unreadable address");
          return false;
        }
        address->set_etag(entity.etag());
        return true;
      });
  if (!listed.ok()) return listed;
  if (!unreadable.ok()) return unreadable;
  auto wishlist = deps_.engagement.Wishlist(id);
  if (!wishlist.ok()) return wishlist.status();
  for (v1::WishlistItem& item : *wishlist) *response->add_wishlist() = std::move(item);
  auto views = deps_.engagement.Views(id);
  if (!views.ok()) return views.status();
  *response->mutable_views() = std::move(*views);
  auto preferences = deps_.engagement.Preferences(id);
  if (!preferences.ok()) return preferences.status();
  *response->mutable_preferences() = std::move(*preferences);
  std::string next;
  auto interactions =
      deps_.interaction_reader.Newest(id, "", std::numeric_limits<int>::max(), &next);
  if (!interactions.ok()) return interactions.status();
  for (v1::Interaction& i : *interactions) *response->add_interactions() = std::move(i);
  auto points = deps_.loyalty.Account(id, std::numeric_limits<int>::max());
  if (!points.ok()) return points.status();
  *response->mutable_points() = std::move(*points);
  *response->mutable_exported_at() = platform::ToTimestamp(deps_.clock.Now());
  return absl::OkStatus();
}

}  // namespace crm::customers
