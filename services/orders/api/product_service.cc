#include "orders/api/product_service.h"

#include <vector>

#include "orders/domain/product.h"
#include "platform/base/errors.h"
#include "platform/base/proto_time.h"
#include "platform/base/text.h"
#include "platform/store/entity.h"

namespace crm::orders {

namespace {

// The stored product as answered: its sku and the etag of its version.
v1::Product Answer(const StoredProduct& stored) {
  v1::Product product = stored.record;
  product.set_sku(stored.id);
  product.set_etag(stored.etag);
  return product;
}

}  // namespace

grpc::ServerUnaryReactor* ProductService::PutProduct(grpc::CallbackServerContext* context,
                                                     const v1::PutProductRequest* request,
                                                     v1::Product* response) {
  return deps_.rpc.Write(
      context, request, response,
      {.check =
           [this, request] {
             std::vector<platform::FieldViolation> violations;
             platform::CheckSku("sku", request->sku(), violations);
             CheckProduct(request->product(), deps_.currency, violations);
             return platform::InvalidFields(violations);
           },
       .write =
           [this, request, response](platform::Txn& txn, const platform::RequestContext& rc) {
             return Put(txn, *request, rc.if_match, response);
           }});
}

absl::Status ProductService::Put(platform::Txn& txn, const v1::PutProductRequest& request,
                                 absl::string_view if_match, v1::Product* response) {
  v1::Product product = request.product();
  product.set_sku(request.sku());
  product.clear_etag();
  *product.mutable_updated_at() = platform::ToTimestamp(deps_.clock.Now());
  auto stored = deps_.products.Replace(txn, request.sku(), product, if_match);
  if (!stored.ok()) return stored.status();
  *response = Answer(*stored);
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* ProductService::GetProduct(grpc::CallbackServerContext* context,
                                                     const v1::GetProductRequest* request,
                                                     v1::Product* response) {
  return deps_.rpc.Read(context, *request, [&](const platform::RequestContext&) -> absl::Status {
    std::vector<platform::FieldViolation> violations;
    platform::CheckSku("sku", request->sku(), violations);
    if (absl::Status s = platform::InvalidFields(violations); !s.ok()) return s;
    auto stored = deps_.products.Get(request->sku());
    if (!stored.ok()) return stored.status();
    *response = Answer(*stored);
    return absl::OkStatus();
  });
}

}  // namespace crm::orders
