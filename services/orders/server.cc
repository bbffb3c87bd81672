#include "orders/server.h"

namespace crm::orders {

absl::StatusOr<std::unique_ptr<Server>> Server::Build(platform::Runtime& rt, const Config& config) {
  std::unique_ptr<Server> server(new Server(rt));
  server->product_service_ =
      std::make_unique<ProductService>(ProductServiceDeps{.products = server->products_,
                                                          .clock = rt.clock(),
                                                          .currency = config.currency,
                                                          .rpc = rt.RpcOf<v1::ProductService>()});
  server->stock_service_ =
      std::make_unique<StockService>(StockServiceDeps{.warehouses = server->warehouses_,
                                                      .stock = server->stock_,
                                                      .products = server->products_,
                                                      .clock = rt.clock(),
                                                      .rpc = rt.RpcOf<v1::StockService>()});
  return server;
}

std::vector<grpc::Service*> Server::services() {
  return {product_service_.get(), stock_service_.get()};
}

}  // namespace crm::orders
