// The orders service assembled on a platform Runtime: its stores and its handlers (api/).
// main.cc serves it; tests build the same one (customers/server.h is the pattern).
#pragma once

#include <grpcpp/impl/service_type.h>

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "orders/api/product_service.h"
#include "orders/api/stock_service.h"
#include "orders/config.h"
#include "orders/store/product_store.h"
#include "orders/store/warehouse_store.h"
#include "platform/runtime/runtime.h"
#include "platform/store/owned_records.h"

namespace crm::orders {

class Server {
 public:
  // Wires everything on `rt`, which must not serve yet.
  static absl::StatusOr<std::unique_ptr<Server>> Build(platform::Runtime& rt, const Config& config);

  // The gRPC services to serve.
  std::vector<grpc::Service*> services();

 private:
  explicit Server(platform::Runtime& rt)
      : products_(rt.store()), warehouses_(rt.store()), stock_(rt.store(), kStockCf) {}

  ProductStore products_;
  WarehouseStore warehouses_;
  platform::OwnedRecords stock_;
  std::unique_ptr<ProductService> product_service_;
  std::unique_ptr<StockService> stock_service_;
};

}  // namespace crm::orders
