#include "orders/api/stock_service.h"

#include <string>
#include <vector>

#include "orders/domain/stock.h"
#include "platform/base/errors.h"
#include "platform/base/proto_time.h"
#include "platform/base/text.h"
#include "platform/store/entity.h"

namespace crm::orders {

namespace {

// A stock level as answered: ids, etag and what is available.
v1::Stock StockAnswer(const StoredStock& level) {
  v1::Stock stock = level.stock;
  stock.set_sku(level.sku);
  stock.set_warehouse_id(level.warehouse_id);
  stock.set_etag(platform::EtagOf(level.version));
  stock.set_available(Available(stock));
  return stock;
}

}  // namespace

grpc::ServerUnaryReactor* StockService::PutWarehouse(grpc::CallbackServerContext* context,
                                                     const v1::PutWarehouseRequest* request,
                                                     v1::Warehouse* response) {
  return deps_.rpc.Write(
      context, request, response,
      {.check =
           [request] {
             std::vector<platform::FieldViolation> violations;
             platform::CheckSku("warehouseId", request->warehouse_id(), violations);
             CheckWarehouse(request->warehouse(), violations);
             return platform::InvalidFields(violations);
           },
       .write =
           [this, request, response](platform::Txn& txn, const platform::RequestContext& rc) {
             return PutWarehouse(txn, *request, rc.if_match, response);
           }});
}

absl::Status StockService::PutWarehouse(platform::Txn& txn, const v1::PutWarehouseRequest& request,
                                        absl::string_view if_match, v1::Warehouse* response) {
  v1::Warehouse warehouse = request.warehouse();
  warehouse.set_warehouse_id(request.warehouse_id());
  warehouse.clear_etag();
  auto stored = deps_.warehouses.Replace(txn, request.warehouse_id(), warehouse, if_match);
  if (!stored.ok()) return stored.status();
  *response = stored->record;
  response->set_etag(stored->etag);
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* StockService::PutStock(grpc::CallbackServerContext* context,
                                                 const v1::PutStockRequest* request,
                                                 v1::Stock* response) {
  return deps_.rpc.Write(
      context, request, response,
      {.check =
           [request] {
             std::vector<platform::FieldViolation> violations;
             platform::CheckSku("warehouseId", request->warehouse_id(), violations);
             platform::CheckSku("sku", request->sku(), violations);
             CheckStock(request->stock(), violations);
             return platform::InvalidFields(violations);
           },
       .write =
           [this, request, response](platform::Txn& txn, const platform::RequestContext& rc) {
             return PutStock(txn, *request, rc, response);
           }});
}

absl::Status StockService::PutStock(platform::Txn& txn, const v1::PutStockRequest& request,
                                    const platform::RequestContext& rc, v1::Stock* response) {
  if (auto warehouse = deps_.warehouses.Get(request.warehouse_id()); !warehouse.ok()) {
    return warehouse.status();
  }
  if (auto product = deps_.products.Get(request.sku()); !product.ok()) return product.status();
  // Locked: orders reserving this stock wait, and see the new count.
  auto level = deps_.stock.GetForUpdate(txn, request.sku(), request.warehouse_id());
  if (!level.ok()) return level.status();
  if (absl::Status s = platform::CheckEtag({.version = level->version}, rc.if_match); !s.ok()) {
    return s;
  }
  // Set absolutely, as counted; what orders reserved or wait for stays theirs.
  level->stock.set_on_hand(request.stock().on_hand());
  if (request.stock().has_restock_at()) {
    *level->stock.mutable_restock_at() = request.stock().restock_at();
  } else {
    level->stock.clear_restock_at();
  }
  *level->stock.mutable_updated_at() = platform::ToTimestamp(deps_.clock.Now());
  if (absl::Status s = deps_.releases.ServeBackorders(txn, deps_.stock, *level, rc.request_id);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = deps_.stock.Put(txn, *level); !s.ok()) return s;
  *response = StockAnswer(*level);
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* StockService::GetStock(grpc::CallbackServerContext* context,
                                                 const v1::GetStockRequest* request,
                                                 v1::StockLevels* response) {
  return deps_.rpc.Read(context, *request, [&](const platform::RequestContext&) {
    return GetStock(*request, response);
  });
}

absl::Status StockService::GetStock(const v1::GetStockRequest& request,
                                    v1::StockLevels* response) const {
  std::vector<platform::FieldViolation> violations;
  platform::CheckSku("sku", request.sku(), violations);
  if (absl::Status s = platform::InvalidFields(violations); !s.ok()) return s;
  if (auto product = deps_.products.Get(request.sku()); !product.ok()) return product.status();
  response->set_sku(request.sku());
  return deps_.stock.List(request.sku(), [&](const StoredStock& level) {
    *response->add_warehouses() = StockAnswer(level);
    return true;
  });
}

}  // namespace crm::orders
