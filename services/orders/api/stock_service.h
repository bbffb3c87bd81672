// crm.orders.v1.StockService: warehouses and the stock each holds per product
// (domain/stock.h, store/warehouse_store.h, store/stock_store.h). Admins put warehouses
// and counted stock; staff and services read a product's stock across warehouses. Orders
// reserve from it (reserved is never set from outside). Thread-safe.
#pragma once

#include "crm/orders/v1/stock.grpc.pb.h"
#include "orders/api/hold_releases.h"
#include "orders/store/product_store.h"
#include "orders/store/stock_store.h"
#include "orders/store/warehouse_store.h"
#include "platform/base/clock.h"
#include "platform/runtime/rpc.h"

namespace crm::orders {

struct StockServiceDeps {
  WarehouseStore& warehouses;
  StockStore& stock;
  // Stock that arrives serves the backorders waiting for it first.
  HoldReleases& releases;
  const ProductStore& products;
  const platform::Clock& clock;
  platform::Rpc rpc;
};

class StockService : public v1::StockService::CallbackService {
 public:
  explicit StockService(StockServiceDeps deps) : deps_(std::move(deps)) {}

  grpc::ServerUnaryReactor* PutWarehouse(grpc::CallbackServerContext* context,
                                         const v1::PutWarehouseRequest* request,
                                         v1::Warehouse* response) override;
  grpc::ServerUnaryReactor* PutStock(grpc::CallbackServerContext* context,
                                     const v1::PutStockRequest* request,
                                     v1::Stock* response) override;
  grpc::ServerUnaryReactor* GetStock(grpc::CallbackServerContext* context,
                                     const v1::GetStockRequest* request,
                                     v1::StockLevels* response) override;

 private:
  absl::Status PutWarehouse(platform::Txn& txn, const v1::PutWarehouseRequest& request,
                            absl::string_view if_match, v1::Warehouse* response);
  absl::Status PutStock(platform::Txn& txn, const v1::PutStockRequest& request,
                        const platform::RequestContext& rc, v1::Stock* response);
  absl::Status GetStock(const v1::GetStockRequest& request, v1::StockLevels* response) const;

  StockServiceDeps deps_;
};

}  // namespace crm::orders
