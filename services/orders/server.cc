#include "orders/server.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include "absl/strings/str_cat.h"
#include "orders/events/tracking_consumer.h"
#include "platform/base/process.h"

namespace crm::orders {

Server::Server(platform::Runtime& rt, const Config& config, platform::SecretBox secrets)
    : secrets_(std::move(secrets)),
      products_(rt.store()),
      warehouses_(rt.store()),
      stock_(rt.store()),
      orders_(rt.store()),
      carriers_(rt.store()),
      customers_(grpc::CreateChannel(config.customers_address, grpc::InsecureChannelCredentials()),
                 rt.service_tokens(), config.customers_timeout),
      releases_(orders_, rt.outbox(), rt.timers(), rt.clock()),
      changes_(orders_, rt.outbox(), rt.timers(), rt.metrics(), rt.clock()),
      tracking_(orders_, changes_, rt.clock()) {}

absl::StatusOr<std::unique_ptr<Server>> Server::Build(platform::Runtime& rt, const Config& config) {
  auto key = platform::ReadFile(config.secrets_key_file);
  if (!key.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--secrets-key-file: ", key.status().message()));
  }
  auto secrets = platform::SecretBox::FromKeyBase64(*key);
  if (!secrets.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--secrets-key-file: ", secrets.status().message()));
  }
  std::unique_ptr<Server> server(new Server(rt, config, *std::move(secrets)));
  if (auto indexed = server->stock_.IndexLocations(rt.store()); !indexed.ok()) {
    return indexed.status();
  }
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
  server->placement_ = std::make_unique<Placement>(PlacementDeps{.orders = server->orders_,
                                                                 .stock = server->stock_,
                                                                 .products = server->products_,
                                                                 .warehouses = server->warehouses_,
                                                                 .releases = server->releases_,
                                                                 .changes = server->changes_,
                                                                 .outbox = rt.outbox(),
                                                                 .clock = rt.clock(),
                                                                 .terms = config.Terms()});
  server->order_service_ =
      std::make_unique<OrderService>(OrderServiceDeps{.orders = server->orders_,
                                                      .placement = *server->placement_,
                                                      .stock = server->stock_,
                                                      .customers = server->customers_,
                                                      .changes = server->changes_,
                                                      .releases = server->releases_,
                                                      .outbox = rt.outbox(),
                                                      .clock = rt.clock(),
                                                      .currency = config.currency,
                                                      .rpc = rt.RpcOf<v1::OrderService>()});
  server->after_sales_ =
      std::make_unique<AfterSales>(AfterSalesDeps{.orders = server->orders_,
                                                  .placement = *server->placement_,
                                                  .changes = server->changes_,
                                                  .clock = rt.clock(),
                                                  .terms = config.Terms()});
  rt.Consume(AfterSales::Types(),
             [after_sales = server->after_sales_.get()](platform::Txn& txn,
                                                        const events::v1::EventEnvelope& envelope) {
               return after_sales->Apply(txn, envelope);
             });
  server->shipment_service_ = std::make_unique<ShipmentService>(
      ShipmentServiceDeps{.orders = server->orders_,
                          .stock = server->stock_,
                          .carriers = server->carriers_,
                          .changes = server->changes_,
                          .clock = rt.clock(),
                          .rpc = rt.RpcOf<v1::ShipmentService>()});
  server->carrier_service_ = std::make_unique<CarrierService>(
      CarrierServiceDeps{.carriers = server->carriers_,
                         .secrets = server->secrets_,
                         .clock = rt.clock(),
                         .rpc = rt.RpcOf<v1::CarrierService>(),
                         .partner_secret_rpc = rt.RpcOf<api::v1::PartnerSecretService>()});
  server->partner_service_ =
      std::make_unique<PartnerService>(PartnerServiceDeps{.orders = server->orders_,
                                                          .tracking = server->tracking_,
                                                          .rpc = rt.RpcOf<v1::PartnerService>()});
  ConsumeTrackingEvents(rt, server->tracking_);
  return server;
}

std::vector<grpc::Service*> Server::services() {
  return {product_service_.get(),  stock_service_.get(),   order_service_.get(),
          shipment_service_.get(), carrier_service_.get(), carrier_service_->partner_secrets(),
          partner_service_.get()};
}

}  // namespace crm::orders
