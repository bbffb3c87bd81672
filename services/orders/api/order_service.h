// crm.orders.v1.OrderService: placing orders and reading them (domain/order.h for the rules,
// domain/planner.h for the split, store/order_store.h and store/stock_store.h for what is kept,
// events/order_events.h for what is published). Placing is a call, then a write: the customer's
// checkout benefits are asked from the customers service (clients/customers_client.h), then in
// one transaction the stock of every line is locked, the shipments planned, units reserved or
// queued as backorders, the order stored and its events added. Thread-safe.
#pragma once

#include <string>

#include "crm/orders/v1/orders.grpc.pb.h"
#include "orders/api/hold_releases.h"
#include "orders/api/shipment_changes.h"
#include "orders/clients/customers_client.h"
#include "orders/domain/delivery_terms.h"
#include "orders/store/order_store.h"
#include "orders/store/product_store.h"
#include "orders/store/stock_store.h"
#include "orders/store/warehouse_store.h"
#include "platform/base/clock.h"
#include "platform/events/outbox.h"
#include "platform/runtime/rpc.h"

namespace crm::orders {

struct OrderServiceDeps {
  OrderStore& orders;
  StockStore& stock;
  const ProductStore& products;
  const WarehouseStore& warehouses;
  const CustomersClient& customers;
  // Sets the release timers of pre-sale parcels.
  HoldReleases& releases;
  // Cancelled shipments, late checks, the order's status.
  ShipmentChanges& changes;
  platform::Outbox& outbox;
  const platform::Clock& clock;
  // The shop's one currency and its shipping table.
  std::string currency;
  DeliveryTerms terms;
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
  grpc::ServerUnaryReactor* GetOrdersSummary(grpc::CallbackServerContext* context,
                                             const v1::GetOrdersSummaryRequest* request,
                                             v1::OrdersSummary* response) override;

 private:
  absl::Status Place(platform::Txn& txn, const v1::PlaceOrderRequest& request,
                     const CheckoutBenefits& benefits, const platform::RequestContext& rc,
                     v1::Order* response);
  // The stock of the order's lines, locked, as the planner sees it; the locked levels by
  // (sku, warehouse id) in `locked`.
  absl::StatusOr<std::vector<WarehouseStock>> LockStock(
      platform::Txn& txn, const v1::Order& order,
      std::map<std::pair<std::string, std::string>, StoredStock>& locked);
  absl::Status Cancel(platform::Txn& txn, const v1::CancelOrderRequest& request,
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
