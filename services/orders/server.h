// The orders service assembled on a platform Runtime: its stores and its handlers (api/).
// main.cc serves it; tests build the same one (customers/server.h is the pattern).
#pragma once

#include <grpcpp/impl/service_type.h>

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "orders/api/product_service.h"
#include "orders/config.h"
#include "orders/store/product_store.h"
#include "platform/runtime/runtime.h"

namespace crm::orders {

class Server {
 public:
  // Wires everything on `rt`, which must not serve yet.
  static absl::StatusOr<std::unique_ptr<Server>> Build(platform::Runtime& rt, const Config& config);

  // The gRPC services to serve.
  std::vector<grpc::Service*> services();

 private:
  explicit Server(platform::Runtime& rt) : products_(rt.store()) {}

  ProductStore products_;
  std::unique_ptr<ProductService> product_service_;
};

}  // namespace crm::orders
