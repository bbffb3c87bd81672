#include "customers/api/engagement_service.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "crm/events/v1/customers.pb.h"
#include "customers/domain/engagement.h"
#include "customers/domain/reasons.h"
#include "customers/events/customer_events.h"
#include "platform/base/errors.h"
#include "platform/base/paging.h"
#include "platform/base/proto_time.h"
#include "platform/base/text.h"
#include "platform/store/entity.h"

namespace crm::customers {

namespace {

using google::protobuf::util::TimeUtil;

google::protobuf::Timestamp Now(const platform::Clock& clock) {
  return platform::ToTimestamp(clock.Now());
}

absl::Status CheckSku(absl::string_view sku) {
  std::vector<platform::FieldViolation> violations;
  platform::CheckSku("sku", sku, violations);
  return platform::InvalidFields(violations);
}

}  // namespace

EngagementService::EngagementService(EngagementServiceDeps deps)
    : deps_(std::move(deps)),
      views_(deps_.store.cf("views")),
      preferences_(deps_.store.cf("preferences")) {}

grpc::ServerUnaryReactor* EngagementService::AddToWishlist(grpc::CallbackServerContext* context,
                                                           const v1::AddToWishlistRequest* request,
                                                           v1::WishlistItem* response) {
  return deps_.rpc.Write(
      context, request, response,
      {.check = [request] { return CheckSku(request->sku()); },
       .write = [this, request, response](
                    platform::Txn& txn,
                    const platform::RequestContext&) { return Add(txn, *request, response); }});
}
grpc::ServerUnaryReactor* EngagementService::RemoveFromWishlist(
    grpc::CallbackServerContext* context, const v1::RemoveFromWishlistRequest* request,
    v1::RemoveFromWishlistResponse* response) {
  return deps_.rpc.Write(context, request, response,
                         {.check = [request] { return CheckSku(request->sku()); },
                          .write =
                              [this, request](platform::Txn& txn, const platform::RequestContext&) {
                                return Remove(txn, *request);
                              }});
}
grpc::ServerUnaryReactor* EngagementService::ListWishlist(grpc::CallbackServerContext* context,
                                                          const v1::ListWishlistRequest* request,
                                                          v1::ListWishlistResponse* response) {
  return deps_.rpc.Read(context, *request, [&](const platform::RequestContext&) -> absl::Status {
    // The default page is the whole list, as before there were pages.
    auto page =
        platform::ReadPage(request->page_size(), request->page_token(),
                           {.default_size = kMaxWishlistItems, .max_size = kMaxWishlistItems});
    if (!page.ok()) return page.status();
    if (absl::Status s = RequireCustomer(request->customer_id()); !s.ok()) return s;
    auto items = Wishlist(request->customer_id());
    if (!items.ok()) return items.status();
    // Newest first; the SKU orders items added at the same moment.
    auto position = [](const v1::WishlistItem& item) {
      return absl::StrCat(
          platform::TimeOrderKey(platform::FromTimestamp(item.added_at()), /*newest_first=*/true),
          item.sku());
    };
    std::string next;
    for (v1::WishlistItem& item : platform::TakePage(*std::move(items), *page, position, &next)) {
      *response->add_items() = std::move(item);
    }
    response->set_next_page_token(next);
    return absl::OkStatus();
  });
}
grpc::ServerUnaryReactor* EngagementService::RecordView(grpc::CallbackServerContext* context,
                                                        const v1::RecordViewRequest* request,
                                                        v1::RecentViews* response) {
  return deps_.rpc.Write(
      context, request, response,
      {.check = [request] { return CheckSku(request->sku()); },
       .write = [this, request, response](
                    platform::Txn& txn,
                    const platform::RequestContext&) { return Record(txn, *request, response); }});
}
grpc::ServerUnaryReactor* EngagementService::ListViews(grpc::CallbackServerContext* context,
                                                       const v1::ListViewsRequest* request,
                                                       v1::ListViewsResponse* response) {
  return deps_.rpc.Read(context, *request, [&](const platform::RequestContext&) -> absl::Status {
    auto page = platform::ReadPage(request->page_size(), request->page_token(),
                                   {.default_size = kMaxRecentViews, .max_size = kMaxRecentViews});
    if (!page.ok()) return page.status();
    if (absl::Status s = RequireCustomer(request->customer_id()); !s.ok()) return s;
    auto views = Views(request->customer_id());
    if (!views.ok()) return views.status();
    // Stored newest first; the place in the list orders views of the same moment.
    std::vector<std::pair<int, v1::ProductView>> numbered;
    for (v1::ProductView& view : *views->mutable_views()) {
      numbered.emplace_back(static_cast<int>(numbered.size()), std::move(view));
    }
    auto position = [](const std::pair<int, v1::ProductView>& numbered_view) {
      const auto& [place, view] = numbered_view;
      return absl::StrCat(
          platform::TimeOrderKey(platform::FromTimestamp(view.viewed_at()), /*newest_first=*/true),
          absl::StrFormat("%04d", place));
    };
    std::string next;
    response->set_customer_id(request->customer_id());
    for (auto& [place, view] : platform::TakePage(std::move(numbered), *page, position, &next)) {
      *response->add_views() = std::move(view);
    }
    response->set_next_page_token(next);
    return absl::OkStatus();
  });
}
grpc::ServerUnaryReactor* EngagementService::GetPreferences(
    grpc::CallbackServerContext* context, const v1::GetPreferencesRequest* request,
    v1::Preferences* response) {
  return deps_.rpc.Read(context, *request, [&](const platform::RequestContext&) -> absl::Status {
    if (absl::Status s = RequireCustomer(request->customer_id()); !s.ok()) return s;
    auto preferences = Preferences(request->customer_id());
    if (!preferences.ok()) return preferences.status();
    *response = std::move(*preferences);
    return absl::OkStatus();
  });
}
grpc::ServerUnaryReactor* EngagementService::UpdatePreferences(
    grpc::CallbackServerContext* context, const v1::UpdatePreferencesRequest* request,
    v1::Preferences* response) {
  return deps_.rpc.Write(
      context, request, response,
      {.write = [this, request, response](platform::Txn& txn, const platform::RequestContext& rc) {
        return Update(txn, *request, rc, response);
      }});
}

absl::Status EngagementService::RequireCustomer(absl::string_view customer_id) const {
  return deps_.customers.Get(customer_id).status();
}

absl::StatusOr<std::vector<v1::WishlistItem>> EngagementService::Wishlist(
    absl::string_view customer_id) const {
  std::vector<v1::WishlistItem> items;
  bool unreadable = false;
  absl::Status listed =
      deps_.wishlist.List(customer_id, "", [&](absl::string_view, const platform::Entity& entity) {
        v1::WishlistItem item;
        unreadable = !item.ParseFromString(entity.data);
        if (!unreadable) items.push_back(std::move(item));
        return !unreadable;
      });
  if (!listed.ok()) return listed;
  if (unreadable) return absl::InternalError("unreadable wishlist item");
  std::sort(items.begin(), items.end(), [](const v1::WishlistItem& a, const v1::WishlistItem& b) {
    return TimeUtil::TimestampToMicroseconds(a.added_at()) >
           TimeUtil::TimestampToMicroseconds(b.added_at());
  });
  return items;
}

absl::StatusOr<v1::RecentViews> EngagementService::Views(absl::string_view customer_id) const {
  auto entity = platform::ReadEntity(deps_.store, views_, customer_id);
  if (!entity.ok()) return entity.status();
  v1::RecentViews views;
  views.set_customer_id(std::string(customer_id));
  if (entity->has_value() && !views.ParseFromString((*entity)->data)) {
    return absl::InternalError("unreadable recent views");
  }
  return views;
}

absl::StatusOr<v1::Preferences> EngagementService::Preferences(
    absl::string_view customer_id) const {
  auto entity = platform::ReadEntity(deps_.store, preferences_, customer_id);
  if (!entity.ok()) return entity.status();
  if (!entity->has_value()) {
    v1::Preferences defaults = DefaultPreferences(customer_id);
    defaults.set_etag(platform::EtagOf(0));
    return defaults;
  }
  v1::Preferences preferences;
  if (!preferences.ParseFromString((*entity)->data)) {
    return absl::InternalError("unreadable preferences");
  }
  preferences.set_etag((*entity)->etag());
  return preferences;
}

absl::Status EngagementService::EraseAll(platform::Txn& txn, absl::string_view customer_id) {
  if (auto erased = deps_.wishlist.DeleteAll(txn, customer_id); !erased.ok()) {
    return erased.status();
  }
  if (absl::Status s = txn.Delete(views_, customer_id); !s.ok()) return s;
  return txn.Delete(preferences_, customer_id);
}

absl::Status EngagementService::Add(platform::Txn& txn, const v1::AddToWishlistRequest& request,
                                    v1::WishlistItem* response) {
  auto customer = deps_.customers.GetForUpdate(txn, request.customer_id());
  if (!customer.ok()) return customer.status();
  auto existing = deps_.wishlist.GetForUpdate(txn, request.customer_id(), request.sku());
  if (!existing.ok()) return existing.status();
  if (existing->has_value()) {
    if (!response->ParseFromString((*existing)->data)) {
      return absl::InternalError("unreadable wishlist item");
    }
    return absl::OkStatus();
  }
  auto items = Wishlist(request.customer_id());
  if (!items.ok()) return items.status();
  if (static_cast<int>(items->size()) >= kMaxWishlistItems) {
    return platform::Error(absl::StatusCode::kFailedPrecondition, kReasonWishlistFull,
                           "a wishlist holds at most 200 products; remove one first");
  }
  response->set_customer_id(request.customer_id());
  response->set_sku(request.sku());
  *response->mutable_added_at() = Now(deps_.clock);
  return deps_.wishlist.Put(txn, request.customer_id(), request.sku(), 1,
                            response->SerializeAsString());
}

absl::Status EngagementService::Remove(platform::Txn& txn,
                                       const v1::RemoveFromWishlistRequest& request) {
  if (absl::Status s = RequireCustomer(request.customer_id()); !s.ok()) return s;
  return deps_.wishlist.Delete(txn, request.customer_id(), request.sku());
}

absl::Status EngagementService::Record(platform::Txn& txn, const v1::RecordViewRequest& request,
                                       v1::RecentViews* response) {
  // Locked: an erasure cannot commit between the check and the write.
  auto customer = deps_.customers.GetForUpdate(txn, request.customer_id());
  if (!customer.ok()) return customer.status();
  auto entity = platform::ReadEntityForUpdate(txn, views_, request.customer_id());
  if (!entity.ok()) return entity.status();
  v1::RecentViews views;
  views.set_customer_id(request.customer_id());
  uint64_t version = entity->has_value() ? (*entity)->version : 0;
  if (entity->has_value() && !views.ParseFromString((*entity)->data)) {
    return absl::InternalError("unreadable recent views");
  }
  RecordViewIn(&views, request.sku(), deps_.clock.Now());
  if (absl::Status s = platform::WriteEntity(txn, views_, request.customer_id(), version + 1,
                                             views.SerializeAsString());
      !s.ok()) {
    return s;
  }
  *response = std::move(views);
  return absl::OkStatus();
}

absl::Status EngagementService::Update(platform::Txn& txn,
                                       const v1::UpdatePreferencesRequest& request,
                                       const platform::RequestContext& rc,
                                       v1::Preferences* response) {
  // Locked: the event enters the outbox in the customer's order.
  auto customer = deps_.customers.GetForUpdate(txn, request.customer_id());
  if (!customer.ok()) return customer.status();
  auto entity = platform::ReadEntityForUpdate(txn, preferences_, request.customer_id());
  if (!entity.ok()) return entity.status();
  platform::Entity current_entity = entity->value_or(platform::Entity{});
  v1::Preferences current = DefaultPreferences(request.customer_id());
  if (entity->has_value() && !current.ParseFromString(current_entity.data)) {
    return absl::InternalError("unreadable preferences");
  }
  v1::Preferences updated = current;
  std::vector<platform::FieldViolation> violations;
  std::vector<std::string> changed = ApplyMask(request.preferences(), request.update_mask(),
                                               ChangeablePreferencePaths(), &updated, violations);
  if (!violations.empty()) return platform::InvalidFields(violations);
  if (absl::Status s = platform::CheckEtag(current_entity, rc.if_match); !s.ok()) return s;
  CheckPreferences(updated, "preferences.", violations);
  if (!violations.empty()) return platform::InvalidFields(violations);

  google::protobuf::Timestamp now = Now(deps_.clock);
  updated.set_customer_id(request.customer_id());
  updated.clear_etag();
  *updated.mutable_updated_at() = now;
  if (ConsentChanged(current, updated)) {
    *updated.mutable_consent()->mutable_changed_at() = now;
  } else {
    *updated.mutable_consent()->mutable_changed_at() = current.consent().changed_at();
  }
  uint64_t version = current_entity.version + 1;
  if (absl::Status s = platform::WriteEntity(txn, preferences_, request.customer_id(), version,
                                             updated.SerializeAsString());
      !s.ok()) {
    return s;
  }
  if (auto appended = PublishPreferencesChanged(deps_.outbox, txn, updated, changed, rc.request_id);
      !appended.ok()) {
    return appended.status();
  }
  *response = std::move(updated);
  response->set_etag(platform::EtagOf(version));
  return absl::OkStatus();
}

}  // namespace crm::customers
