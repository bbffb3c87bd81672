// crm.orders.v1.PartnerService: what a partner carrier does through its signed routes (the
// gateway checked the signature and admits it as role partner, naming itself): list its own
// assigned shipments, push tracking events (api/tracking_events.h). Thread-safe.
#pragma once

#include "crm/orders/v1/partners.grpc.pb.h"
#include "orders/api/tracking_events.h"
#include "orders/store/order_store.h"
#include "platform/runtime/rpc.h"

namespace crm::orders {

struct PartnerServiceDeps {
  const OrderStore& orders;
  TrackingEvents& tracking;
  platform::Rpc rpc;
};

class PartnerService : public v1::PartnerService::CallbackService {
 public:
  explicit PartnerService(PartnerServiceDeps deps) : deps_(std::move(deps)) {}

  grpc::ServerUnaryReactor* ListPartnerShipments(
      grpc::CallbackServerContext* context, const v1::ListPartnerShipmentsRequest* request,
      v1::ListPartnerShipmentsResponse* response) override;
  grpc::ServerUnaryReactor* PostTrackingEvents(grpc::CallbackServerContext* context,
                                               const v1::PostTrackingEventsRequest* request,
                                               v1::PostTrackingEventsResponse* response) override;

 private:
  absl::Status List(const v1::ListPartnerShipmentsRequest& request,
                    v1::ListPartnerShipmentsResponse* response) const;

  PartnerServiceDeps deps_;
};

}  // namespace crm::orders
