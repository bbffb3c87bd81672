// A server interceptor on every RPC of every service: it makes sure each call has a request id
// (x-request-id, made when absent and echoed in the response metadata), and records per-method
// metrics and one JSON access log line:
//   crm_rpc_requests_total{method,code}   crm_rpc_errors_total{method,code}
//   crm_rpc_latency_seconds{method}        (histogram)
#pragma once

#include <grpcpp/support/server_interceptor.h>

#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "platform/base/metrics.h"

namespace crm::platform {

// Thread-safe: one factory serves every RPC of the server.
class RpcInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit RpcInterceptorFactory(Metrics& metrics);
  ~RpcInterceptorFactory() override;
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

  // One method's series, made once: an RPC then costs one map lookup, not a metric family
  // lookup per series.
  class MethodMetrics;

 private:
  // The label every method name this binary does not know shares.
  static constexpr char kUnknownMethod[] = "unknown";
  MethodMetrics& For(const std::string& method);

  Metrics& metrics_;
  absl::Mutex mu_;
  std::map<std::string, std::unique_ptr<MethodMetrics>> methods_ ABSL_GUARDED_BY(mu_);
};

}  // namespace crm::platform
