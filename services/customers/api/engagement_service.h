// crm.customers.v1.EngagementService: the wishlist (owned records "<customer id>/<sku>" in the
// column family "wishlist"), the recently viewed products (one RecentViews per customer in
// "views") and the preferences (one Preferences entity per customer in "preferences"; a change
// publishes PreferencesChanged). Rules in domain/engagement.h. Bounded work, inline.
// Thread-safe.
#pragma once

#include "crm/customers/v1/engagement.grpc.pb.h"
#include "customers/store/customer_store.h"
#include "platform/base/clock.h"
#include "platform/events/outbox.h"
#include "platform/runtime/rpc.h"
#include "platform/store/owned_records.h"
#include "platform/store/store.h"

namespace crm::customers {

struct EngagementServiceDeps {
  platform::Store& store;
  CustomerStore& customers;
  platform::OwnedRecords& wishlist;
  platform::Outbox& outbox;
  const platform::Clock& clock;
  platform::Rpc rpc;
};

class EngagementService : public v1::EngagementService::CallbackService {
 public:
  explicit EngagementService(EngagementServiceDeps deps);

  grpc::ServerUnaryReactor* AddToWishlist(grpc::CallbackServerContext* context,
                                          const v1::AddToWishlistRequest* request,
                                          v1::WishlistItem* response) override;
  grpc::ServerUnaryReactor* RemoveFromWishlist(grpc::CallbackServerContext* context,
                                               const v1::RemoveFromWishlistRequest* request,
                                               v1::RemoveFromWishlistResponse* response) override;
  grpc::ServerUnaryReactor* ListWishlist(grpc::CallbackServerContext* context,
                                         const v1::ListWishlistRequest* request,
                                         v1::ListWishlistResponse* response) override;
  grpc::ServerUnaryReactor* RecordView(grpc::CallbackServerContext* context,
                                       const v1::RecordViewRequest* request,
                                       v1::RecentViews* response) override;
  grpc::ServerUnaryReactor* ListViews(grpc::CallbackServerContext* context,
                                      const v1::ListViewsRequest* request,
                                      v1::ListViewsResponse* response) override;
  grpc::ServerUnaryReactor* GetPreferences(grpc::CallbackServerContext* context,
                                           const v1::GetPreferencesRequest* request,
                                           v1::Preferences* response) override;
  grpc::ServerUnaryReactor* UpdatePreferences(grpc::CallbackServerContext* context,
                                              const v1::UpdatePreferencesRequest* request,
                                              v1::Preferences* response) override;

  // The customer's wishlist, newest first; views; preferences (defaults when never set). For
  // export and the overview. Errors: INTERNAL.
  absl::StatusOr<std::vector<v1::WishlistItem>> Wishlist(absl::string_view customer_id) const;
  absl::StatusOr<v1::RecentViews> Views(absl::string_view customer_id) const;
  absl::StatusOr<v1::Preferences> Preferences(absl::string_view customer_id) const;
  // Deletes all three in `txn` (erasure).
  absl::Status EraseAll(platform::Txn& txn, absl::string_view customer_id);

 private:
  absl::Status Add(platform::Txn& txn, const v1::AddToWishlistRequest& request,
                   v1::WishlistItem* response);
  absl::Status Remove(platform::Txn& txn, const v1::RemoveFromWishlistRequest& request);
  absl::Status Record(platform::Txn& txn, const v1::RecordViewRequest& request,
                      v1::RecentViews* response);
  absl::Status Update(platform::Txn& txn, const v1::UpdatePreferencesRequest& request,
                      const platform::RequestContext& rc, v1::Preferences* response);
  // NOT_FOUND (CUSTOMER_NOT_FOUND) unless the customer exists.
  absl::Status RequireCustomer(absl::string_view customer_id) const;

  EngagementServiceDeps deps_;
  platform::ColumnFamily views_;
  platform::ColumnFamily preferences_;
};

}  // namespace crm::customers
