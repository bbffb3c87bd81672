// crm.orders.v1.ShipmentService: the parcels of orders (store/order_store.h), read by their
// customer, staff and services. Thread-safe.
#pragma once

#include "crm/orders/v1/shipments.grpc.pb.h"
#include "orders/store/order_store.h"
#include "platform/runtime/rpc.h"

namespace crm::orders {

struct ShipmentServiceDeps {
  const OrderStore& orders;
  platform::Rpc rpc;
};

class ShipmentService : public v1::ShipmentService::CallbackService {
 public:
  explicit ShipmentService(ShipmentServiceDeps deps) : deps_(std::move(deps)) {}

  grpc::ServerUnaryReactor* ListOrderShipments(grpc::CallbackServerContext* context,
                                               const v1::ListOrderShipmentsRequest* request,
                                               v1::ListOrderShipmentsResponse* response) override;
  grpc::ServerUnaryReactor* GetShipment(grpc::CallbackServerContext* context,
                                        const v1::GetShipmentRequest* request,
                                        v1::Shipment* response) override;

 private:
  absl::Status List(const v1::ListOrderShipmentsRequest& request,
                    const platform::RequestContext& rc,
                    v1::ListOrderShipmentsResponse* response) const;
  absl::Status Get(const v1::GetShipmentRequest& request, const platform::RequestContext& rc,
                   v1::Shipment* response) const;

  ShipmentServiceDeps deps_;
};

}  // namespace crm::orders
