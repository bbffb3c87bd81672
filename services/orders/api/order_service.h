// crm.orders.v1.OrderService: placing, reading and cancelling orders (domain/order.h and
// domain/cancellation.h for the rules, store/order_store.h for what is kept). Placing is a call,
// then a write: the customer's checkout benefits are asked from the customers service
// (clients/customers_client.h), then api/placement.h places the order in one transaction.
// Thread-safe.
#pragma once

#include <string>

#include "crm/orders/v1/orders.grpc.pb.h"
#include "orders/api/placement.h"
#include "orders/api/shipment_changes.h"
#include "orders/clients/customers_client.h"
#include "orders/store/order_store.h"
#include "orders/store/stock_store.h"
#include "platform/base/clock.h"
#include "platform/events/outbox.h"
#include "platform/runtime/rpc.h"

namespace crm::orders {

struct OrderServiceDeps {
  OrderStore& orders;
  Placement& placement;
  StockStore& stock;
  const CustomersClient& customers;
  // Cancelled shipments and the order's status.
  ShipmentChanges& changes;
  // Stock freed by a cancellation serves waiting backorders.
  HoldReleases& releases;
  platform::Outbox& outbox;
  const platform::Clock& clock;
  // The shop's one currency.
  std::string currency;
  platform::Rpc rpc;
};

class OrderService : public v1::OrderService::CallbackService {
 public:
  explicit OrderService(OrderServiceDeps deps) : deps_(std::move(deps)) {}

  grpc::ServerUnaryReactor* PlaceOrder(grpc::CallbackServerContext* context,
                                       const v1::PlaceOrderRequest* request,
                                       v1::Order* response) override;
  grpc::ServerUnaryReactor* GetOrder(grpc::CallbackServerContext* context,
                                     const v1::GetOrderRequest* request,
                                     v1::Order* response) override;
  grpc::ServerUnaryReactor* ListCustomerOrders(grpc::CallbackServerContext* context,
                                               const v1::ListCustomerOrdersRequest* request,
                                               v1::ListCustomerOrdersResponse* response) override;
  grpc::ServerUnaryReactor* CancelOrder(grpc::CallbackServerContext* context,
                                        const v1::CancelOrderRequest* request,
                                        v1::Order* response) override;
  grpc::ServerUnaryReactor* MarkRefunded(grpc::CallbackServerContext* context,
                                         const v1::MarkRefundedRequest* request,
                                         v1::Order* response) override;
  grpc::ServerUnaryReactor* GetReturnableLines(grpc::CallbackServerContext* context,
                                               const v1::GetReturnableLinesRequest* request,
                                               v1::ReturnableLines* response) override;
  grpc::ServerUnaryReactor* GetOrdersSummary(grpc::CallbackServerContext* context,
                                             const v1::GetOrdersSummaryRequest* request,
                                             v1::OrdersSummary* response) override;

 private:
  absl::Status Cancel(platform::Txn& txn, const v1::CancelOrderRequest& request,
                      const platform::RequestContext& rc, v1::Order* response);
  absl::Status Refunded(platform::Txn& txn, const v1::MarkRefundedRequest& request,
                        const platform::RequestContext& rc, v1::Order* response);
  // The order and its shipments as `txn` sees them (after its own writes).
  absl::StatusOr<v1::Order> LoadIn(platform::Txn& txn, absl::string_view order_id) const;
  absl::Status Summary(absl::string_view customer_id, const platform::RequestContext& rc,
                       v1::OrdersSummary* response) const;
  // The order `order_id` with its shipments, as the caller may see it.
  absl::StatusOr<v1::Order> Load(absl::string_view order_id,
                                 const platform::RequestContext& rc) const;

  OrderServiceDeps deps_;
};

}  // namespace crm::orders
