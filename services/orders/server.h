// The orders service assembled on a platform Runtime: its stores, its client of the customers
// service, its handlers (api/) and its consumer (events/). main.cc serves it; tests build the
// same one (customers/server.h is the pattern).
#pragma once

#include <grpcpp/impl/service_type.h>

#include <memory>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "orders/api/after_sales.h"
#include "orders/api/carrier_service.h"
#include "orders/api/hold_releases.h"
#include "orders/api/order_service.h"
#include "orders/api/partner_service.h"
#include "orders/api/placement.h"
#include "orders/api/product_service.h"
#include "orders/api/shipment_changes.h"
#include "orders/api/shipment_service.h"
#include "orders/api/stock_service.h"
#include "orders/api/tracking_events.h"
#include "orders/clients/customers_client.h"
#include "orders/config.h"
#include "orders/store/carrier_store.h"
#include "orders/store/order_store.h"
#include "orders/store/product_store.h"
#include "orders/store/stock_store.h"
#include "orders/store/warehouse_store.h"
#include "platform/auth/sealed_box.h"
#include "platform/runtime/runtime.h"

namespace crm::orders {

class Server {
 public:
  // Wires everything on `rt`, which must not serve yet; `config` has passed Check(). Errors:
  // INVALID_ARGUMENT when the secrets key file cannot be read or holds no key.
  static absl::StatusOr<std::unique_ptr<Server>> Build(platform::Runtime& rt, const Config& config);

  // The gRPC services to serve.
  std::vector<grpc::Service*> services();

  // What the consumer applies other services' events with (tests apply them directly).
  AfterSales& after_sales() { return *after_sales_; }

 private:
  Server(platform::Runtime& rt, const Config& config, platform::SecretBox secrets);

  platform::SecretBox secrets_;
  ProductStore products_;
  WarehouseStore warehouses_;
  StockStore stock_;
  OrderStore orders_;
  CarrierStore carriers_;
  CustomersClient customers_;
  HoldReleases releases_;
  ShipmentChanges changes_;
  TrackingEvents tracking_;
  std::unique_ptr<Placement> placement_;
  std::unique_ptr<AfterSales> after_sales_;
  std::unique_ptr<ProductService> product_service_;
  std::unique_ptr<StockService> stock_service_;
  std::unique_ptr<OrderService> order_service_;
  std::unique_ptr<ShipmentService> shipment_service_;
  std::unique_ptr<CarrierService> carrier_service_;
  std::unique_ptr<PartnerService> partner_service_;
};

}  // namespace crm::orders
