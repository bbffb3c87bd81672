// crm.orders.v1.ProductService: the price list (domain/product.h, store/product_store.h). Admins
// put products whole (an If-Match etag, when sent, must be the current one); everyone signed in
// reads them. Thread-safe.
#pragma once

#include <string>

#include "crm/orders/v1/products.grpc.pb.h"
#include "orders/store/product_store.h"
#include "platform/base/clock.h"
#include "platform/runtime/rpc.h"

namespace crm::orders {

struct ProductServiceDeps {
  ProductStore& products;
  const platform::Clock& clock;
  // The shop's one currency: a price in another is refused.
  std::string currency;
  platform::Rpc rpc;
};

class ProductService : public v1::ProductService::CallbackService {
 public:
  explicit ProductService(ProductServiceDeps deps) : deps_(std::move(deps)) {}

  grpc::ServerUnaryReactor* PutProduct(grpc::CallbackServerContext* context,
                                       const v1::PutProductRequest* request,
                                       v1::Product* response) override;
  grpc::ServerUnaryReactor* GetProduct(grpc::CallbackServerContext* context,
                                       const v1::GetProductRequest* request,
                                       v1::Product* response) override;

 private:
  absl::Status Put(platform::Txn& txn, const v1::PutProductRequest& request,
                   absl::string_view if_match, v1::Product* response);

  ProductServiceDeps deps_;
};

}  // namespace crm::orders
