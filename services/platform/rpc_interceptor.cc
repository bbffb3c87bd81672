#include "rpc_interceptor.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "ids.h"
#include "grpc_status.h"
#include "log.h"

namespace crm::platform {
namespace {

using grpc::experimental::InterceptionHookPoints;

class RpcInterceptor : public grpc::experimental::Interceptor {
 public:
  RpcInterceptor(Metrics& metrics, std::string method)
      : metrics_(metrics), method_(std::move(method)) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      auto* metadata = methods->GetRecvInitialMetadata();
      auto it = metadata->find("x-request-id");
      if (it != metadata->end() && it->second.length() > 0 && it->second.length() <= 128) {
        request_id_.assign(it->second.data(), it->second.length());
      } else {
        // Handlers read the id from the client metadata, so a made one is put there.
        if (it != metadata->end()) metadata->erase(it);
        request_id_ = NewUuid();
        metadata->emplace("x-request-id", request_id_);
      }
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->emplace("x-request-id", request_id_);
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      Record(methods->GetSendStatus());
    }
    methods->Proceed();
  }

 private:
  void Record(const grpc::Status& status) {
    double seconds = absl::ToDoubleSeconds(absl::Now() - start_);
    std::string code = CodeName(status.error_code());
    metrics_
        .AddCounter("crm_rpc_requests_total", "RPCs answered, by method and code",
                    {{"method", method_}, {"code", code}})
        .Increment();
    if (!status.ok()) {
      metrics_
          .AddCounter("crm_rpc_errors_total", "RPCs answered with an error, by method and code",
                      {{"method", method_}, {"code", code}})
          .Increment();
    }
    metrics_
        .AddHistogram("crm_rpc_latency_seconds", "RPC latency, by method", {{"method", method_}},
                      Metrics::LatencyBuckets())
        .Observe(seconds);
    if (method_.rfind("/grpc.health.v1.", 0) == 0) return;  // probes would drown the log
    LogInfo("rpc", {{"method", method_},
                    {"code", code},
                    {"latencyMs", absl::StrCat(seconds * 1000)},
                    {"requestId", request_id_}});
  }

  Metrics& metrics_;
  const std::string method_;
  const absl::Time start_ = absl::Now();
  std::string request_id_;
};

}  // namespace

grpc::experimental::Interceptor* RpcInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new RpcInterceptor(metrics_, info->method());
}

}  // namespace crm::platform
