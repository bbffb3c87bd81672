// crm.customers.v1.PrivacyService: erasure and export (privacy.proto). Erasure is one
// transaction over every column family that holds the person (profile and its indexes, the
// email index, addresses, wishlist, views, preferences, interactions), revokes every session
// and token, and publishes TokenVersionRaised and CustomerErased; the loyalty ledger and the
// registration facts stay. Export reads through the other services' readers, so it shows what
// they show. Thread-safe.
#pragma once

#include "crm/customers/v1/privacy.grpc.pb.h"
#include "customers/api/customers_service.h"
#include "customers/api/engagement_service.h"
#include "customers/api/interaction_service.h"
#include "customers/api/loyalty_service.h"
#include "customers/store/customer_index.h"
#include "customers/store/customer_store.h"
#include "customers/store/loyalty_store.h"
#include "customers/store/session_store.h"
#include "platform/base/clock.h"
#include "platform/events/outbox.h"
#include "platform/runtime/rpc.h"
#include "platform/store/owned_records.h"
#include "platform/store/store.h"

namespace crm::customers {

struct PrivacyServiceDeps {
  CustomerStore& customers;
  CustomerIndex& index;
  SessionStore& sessions;
  LoyaltyStore& loyalty_store;
  platform::OwnedRecords& addresses;
  platform::OwnedRecords& interactions;
  EngagementService& engagement;
  const CustomersService& profiles;
  const LoyaltyService& loyalty;
  const InteractionService& interaction_reader;
  platform::Outbox& outbox;
  const platform::Clock& clock;
  platform::Rpc rpc;
};

class PrivacyService : public v1::PrivacyService::CallbackService {
 public:
  explicit PrivacyService(PrivacyServiceDeps deps) : deps_(std::move(deps)) {}

  grpc::ServerUnaryReactor* EraseCustomer(grpc::CallbackServerContext* context,
                                          const v1::EraseCustomerRequest* request,
                                          v1::EraseCustomerResponse* response) override;
  grpc::ServerUnaryReactor* ExportCustomer(grpc::CallbackServerContext* context,
                                           const v1::ExportCustomerRequest* request,
                                           v1::CustomerExport* response) override;

 private:
  absl::Status Erase(platform::Txn& txn, const v1::EraseCustomerRequest& request,
                     const platform::RequestContext& rc);
  absl::Status Export(const v1::ExportCustomerRequest& request, v1::CustomerExport* response);

  PrivacyServiceDeps deps_;
};

}  // namespace crm::customers
