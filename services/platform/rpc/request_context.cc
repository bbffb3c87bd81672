#include "platform/rpc/request_context.h"

#include "platform/base/ids.h"

namespace crm::platform {
namespace {

std::string Metadata(const grpc::ServerContextBase& context, const char* name) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find(name);
  return it == metadata.end() ? std::string() : std::string(it->second.data(), it->second.size());
}

}  // namespace

RequestContext RequestContext::From(const grpc::ServerContextBase& context) {
  RequestContext rc;
  rc.request_id = Metadata(context, "x-request-id");
  if (rc.request_id.empty()) rc.request_id = NewUuid();
  rc.idempotency_key = Metadata(context, "idempotency-key");
  rc.if_match = Metadata(context, "if-match");
  return rc;
}

}  // namespace crm::platform
