// A server interceptor on every RPC of every service: it makes sure each call has a request id
// (x-request-id, made when absent and echoed in the response metadata), and records per-method
// metrics and one JSON access log line:
//   crm_rpc_requests_total{method,code}   crm_rpc_errors_total{method,code}
//   crm_rpc_latency_seconds{method}        (histogram)
#pragma once

#include <grpcpp/support/server_interceptor.h>

#include "metrics.h"

namespace crm::platform {

class RpcInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit RpcInterceptorFactory(Metrics& metrics) : metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  Metrics& metrics_;
};

}  // namespace crm::platform
