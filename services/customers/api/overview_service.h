// crm.customers.v1.OverviewService: the customer 360 from what this service holds (profile,
// points and tier, the last interactions). The orders, aftersales and analytics parts are
// listed in `degraded` until those services exist; then the gateway's fan-out adds them.
// Bounded reads, inline. Thread-safe.
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
