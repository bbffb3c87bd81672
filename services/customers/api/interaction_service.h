// crm.customers.v1.InteractionService: the contact history, owned records
// "<customer id>/<interaction id>" in the column family "interactions". Interaction ids start
// with the inverted time of the interaction, so a prefix scan reads newest first and a page
// token is just the last id. Logging publishes InteractionLogged (without the note). Bounded
// work, inline. Thread-safe.
#pragma once

#include "crm/customers/v1/interactions.grpc.pb.h"
#include "customers/store/customer_store.h"
#include "platform/base/clock.h"
#include "platform/events/outbox.h"
#include "platform/runtime/rpc.h"
#include "platform/store/owned_records.h"
#include "platform/store/store.h"

namespace crm::customers {

struct InteractionServiceDeps {
  CustomerStore& customers;
  platform::OwnedRecords& interactions;
  platform::Outbox& outbox;
  const platform::Clock& clock;
  platform::Rpc rpc;
};

class InteractionService : public v1::InteractionService::CallbackService {
 public:
  explicit InteractionService(InteractionServiceDeps deps) : deps_(std::move(deps)) {}

  grpc::ServerUnaryReactor* LogInteraction(grpc::CallbackServerContext* context,
                                           const v1::LogInteractionRequest* request,
                                           v1::Interaction* response) override;
  grpc::ServerUnaryReactor* GetInteraction(grpc::CallbackServerContext* context,
                                           const v1::GetInteractionRequest* request,
                                           v1::Interaction* response) override;
  grpc::ServerUnaryReactor* ListInteractions(grpc::CallbackServerContext* context,
                                             const v1::ListInteractionsRequest* request,
                                             v1::ListInteractionsResponse* response) override;

  // Up to `limit` interactions, newest first, from `after_id` (exclusive; "" for the start);
  // `next` gets the id to continue after, or "" at the end. For the overview and export.
  absl::StatusOr<std::vector<v1::Interaction>> Newest(absl::string_view customer_id,
                                                      absl::string_view after_id, int limit,
                                                      std::string* next) const;

 private:
  absl::Status Log(platform::Txn& txn, const v1::LogInteractionRequest& request,
                   const platform::RequestContext& rc, v1::Interaction* response);
  absl::Status List(const v1::ListInteractionsRequest& request,
                    v1::ListInteractionsResponse* response);

  InteractionServiceDeps deps_;
};

}  // namespace crm::customers
