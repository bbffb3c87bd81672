// crm.orders.v1.ShipmentService: the parcels of orders (store/order_store.h), read by their
// customer, staff and services; handed to carriers by staff (:assign: the units leave the
// warehouse's stock); the cash-on-delivery mismatches staff settle. Thread-safe.
#pragma once

#include "crm/orders/v1/shipments.grpc.pb.h"
#include "orders/api/shipment_changes.h"
#include "orders/store/carrier_store.h"
#include "orders/store/order_store.h"
#include "orders/store/stock_store.h"
#include "platform/base/clock.h"
#include "platform/runtime/rpc.h"

namespace crm::orders {

struct ShipmentServiceDeps {
  OrderStore& orders;
  StockStore& stock;
  const CarrierStore& carriers;
  ShipmentChanges& changes;
  const platform::Clock& clock;
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
  grpc::ServerUnaryReactor* ListShipments(grpc::CallbackServerContext* context,
                                          const v1::ListShipmentsRequest* request,
                                          v1::ListShipmentsResponse* response) override;
  grpc::ServerUnaryReactor* AssignShipment(grpc::CallbackServerContext* context,
                                           const v1::AssignShipmentRequest* request,
                                           v1::Shipment* response) override;
  grpc::ServerUnaryReactor* ListCodMismatches(grpc::CallbackServerContext* context,
                                              const v1::ListCodMismatchesRequest* request,
                                              v1::ListCodMismatchesResponse* response) override;

 private:
  absl::Status Queue(const v1::ListShipmentsRequest& request,
                     v1::ListShipmentsResponse* response) const;
  absl::Status Assign(platform::Txn& txn, const v1::AssignShipmentRequest& request,
                      const platform::RequestContext& rc, v1::Shipment* response);
  absl::Status List(const v1::ListOrderShipmentsRequest& request,
                    const platform::RequestContext& rc,
                    v1::ListOrderShipmentsResponse* response) const;
  absl::Status Get(const v1::GetShipmentRequest& request, const platform::RequestContext& rc,
                   v1::Shipment* response) const;

  ShipmentServiceDeps deps_;
};

}  // namespace crm::orders
