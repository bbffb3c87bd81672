#include "orders/server.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

namespace crm::orders {

Server::Server(platform::Runtime& rt, const Config& config)
    : products_(rt.store()),
      warehouses_(rt.store()),
      stock_(rt.store()),
      orders_(rt.store()),
      customers_(grpc::CreateChannel(config.customers_address, grpc::InsecureChannelCredentials()),
                 rt.service_tokens(), config.customers_timeout),
      releases_(orders_, rt.outbox(), rt.timers(), rt.clock()) {}

absl::StatusOr<std::unique_ptr<Server>> Server::Build(platform::Runtime& rt, const Config& config) {
  std::unique_ptr<Server> server(new Server(rt, config));
  server->product_service_ =
      std::make_unique<ProductService>(ProductServiceDeps{.products = server->products_,
                                                          .clock = rt.clock(),
                                                          .currency = config.currency,
                                                          .rpc = rt.RpcOf<v1::ProductService>()});
  server->stock_service_ =
      std::make_unique<StockService>(StockServiceDeps{.warehouses = server->warehouses_,
                                                      .stock = server->stock_,
                                                      .releases = server->releases_,
                                                      .products = server->products_,
                                                      .clock = rt.clock(),
                                                      .rpc = rt.RpcOf<v1::StockService>()});
  server->order_service_ =
      std::make_unique<OrderService>(OrderServiceDeps{.orders = server->orders_,
                                                      .stock = server->stock_,
                                                      .products = server->products_,
                                                      .warehouses = server->warehouses_,
                                                      .customers = server->customers_,
                                                      .releases = server->releases_,
                                                      .outbox = rt.outbox(),
                                                      .clock = rt.clock(),
                                                      .currency = config.currency,
                                                      .terms = config.Terms(),
                                                      .rpc = rt.RpcOf<v1::OrderService>()});
  server->shipment_service_ = std::make_unique<ShipmentService>(
      ShipmentServiceDeps{.orders = server->orders_, .rpc = rt.RpcOf<v1::ShipmentService>()});
  return server;
}

std::vector<grpc::Service*> Server::services() {
  return {product_service_.get(), stock_service_.get(), order_service_.get(),
          shipment_service_.get()};
}

}  // namespace crm::orders
