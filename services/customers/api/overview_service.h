// crm.customers.v1.OverviewService: customers' part of the customer 360 (profile, points and
// tier, the last interactions). The gateway composes the whole overview from it and the other
// services' parts, and names the parts it could not get in `degraded` (the compose option in
// overview.proto). Bounded reads. Thread-safe.
#pragma once

#include "crm/customers/v1/overview.grpc.pb.h"
#include "customers/api/customers_service.h"
#include "customers/api/interaction_service.h"
#include "customers/api/loyalty_service.h"
#include "platform/runtime/rpc.h"

namespace crm::customers {

struct OverviewServiceDeps {
  const CustomersService& customers;
  const LoyaltyService& loyalty;
  const InteractionService& interactions;
  platform::Rpc rpc;
};

class OverviewService : public v1::OverviewService::CallbackService {
 public:
  explicit OverviewService(OverviewServiceDeps deps) : deps_(std::move(deps)) {}

  grpc::ServerUnaryReactor* GetCustomerOverview(grpc::CallbackServerContext* context,
                                                const v1::GetCustomerOverviewRequest* request,
                                                v1::CustomerOverview* response) override;

 private:
  OverviewServiceDeps deps_;
};

}  // namespace crm::customers
