#include "customers/api/overview_service.h"

namespace crm::customers {
namespace {

constexpr int kEntries = 10;
constexpr int kInteractions = 5;

}  // namespace

grpc::ServerUnaryReactor* OverviewService::GetCustomerOverview(
    grpc::CallbackServerContext* context, const v1::GetCustomerOverviewRequest* request,
    v1::CustomerOverview* response) {
  return deps_.rpc.Read(context, *request, [&](const platform::RequestContext&) -> absl::Status {
    auto profile = deps_.customers.Profile(request->customer_id());
    if (!profile.ok()) return profile.status();
    auto points = deps_.loyalty.Account(request->customer_id(), kEntries);
    if (!points.ok()) return points.status();
    std::string next;
    auto interactions = deps_.interactions.Newest(request->customer_id(), "", kInteractions, &next);
    if (!interactions.ok()) return interactions.status();
    *response->mutable_customer() = std::move(*profile);
    *response->mutable_points() = std::move(*points);
    for (v1::Interaction& i : *interactions) *response->add_recent_interactions() = std::move(i);
    return absl::OkStatus();
  });
}

}  // namespace crm::customers
