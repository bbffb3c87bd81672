#include "platform/rpc/rpc_interceptor.h"

#include <google/protobuf/descriptor.h>

#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "platform/base/ids.h"
#include "platform/base/log.h"
#include "platform/rpc/grpc_status.h"

namespace crm::platform {
namespace {

using grpc::experimental::InterceptionHookPoints;

bool IsInternal(grpc::StatusCode code) {
  return code == grpc::StatusCode::INTERNAL || code == grpc::StatusCode::UNKNOWN ||
         code == grpc::StatusCode::DATA_LOSS;
}

}  // namespace

class RpcInterceptorFactory::MethodMetrics {
 public:
  MethodMetrics(Metrics& metrics, std::string method)
      : metrics_(metrics),
        method_(std::move(method)),
        latency_(metrics.AddHistogram("crm_rpc_latency_seconds", "RPC latency, by method",
                                      {{"method", method_}}, Metrics::LatencyBuckets())) {}

  const std::string& method() const { return method_; }

  void Record(grpc::StatusCode code, double seconds) {
    latency_.Observe(seconds);
    absl::MutexLock lock(&mu_);
    auto it = by_code_.find(code);
    if (it == by_code_.end()) {
      Labels labels = {{"method", method_}, {"code", CodeName(code)}};
      Series series{metrics_.AddCounter("crm_rpc_requests_total",
                                        "RPCs answered, by method and code", labels),
                    std::nullopt};
      if (code != grpc::StatusCode::OK) {
        series.errors = metrics_.AddCounter(
            "crm_rpc_errors_total", "RPCs answered with an error, by method and code", labels);
      }
      it = by_code_.emplace(code, std::move(series)).first;
    }
    it->second.requests.Increment();
    if (it->second.errors) it->second.errors->Increment();
  }

 private:
  struct Series {
    Counter requests;
    std::optional<Counter> errors;
  };
  Metrics& metrics_;
  const std::string method_;
  Histogram latency_;
  absl::Mutex mu_;
  std::map<grpc::StatusCode, Series> by_code_ ABSL_GUARDED_BY(mu_);
};

namespace {

class RpcInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit RpcInterceptor(RpcInterceptorFactory::MethodMetrics& metrics) : metrics_(metrics) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
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
      grpc::Status status = methods->GetSendStatus();
      if (IsInternal(status.error_code())) {
        // The one place every handler's internal error passes: logged in full with the call it
        // broke, answered with a text that tells a client nothing about the inside.
        LogError("internal error", {{"method", metrics_.method()},
                                    {"requestId", request_id_},
                                    {"code", CodeName(status.error_code())},
                                    {"error", status.error_message()}});
        methods->ModifySendStatus(
            grpc::Status(status.error_code(), "internal error", status.error_details()));
      }
      Record(status);
    }
    methods->Proceed();
  }

 private:
  void Record(const grpc::Status& status) {
    double seconds = absl::ToDoubleSeconds(absl::Now() - start_);
    metrics_.Record(status.error_code(), seconds);
    const std::string& method = metrics_.method();
    if (method.rfind("/grpc.health.v1.", 0) == 0) return;  // probes would drown the log
    LogInfo("rpc", {{"method", method},
                    {"code", CodeName(status.error_code())},
                    {"latencyMs", absl::StrCat(seconds * 1000)},
                    {"requestId", request_id_}});
  }

  RpcInterceptorFactory::MethodMetrics& metrics_;
  const absl::Time start_ = absl::Now();
  std::string request_id_;
};

}  // namespace

RpcInterceptorFactory::RpcInterceptorFactory(Metrics& metrics) : metrics_(metrics) {}
RpcInterceptorFactory::~RpcInterceptorFactory() = default;

namespace {

// "/crm.customers.v1.CustomersService/GetCustomer" names a method this binary was built with?
bool IsKnownMethod(absl::string_view method) {
  // gRPC serves health from its own (not protobuf-generated) descriptors.
  if (method == "/grpc.health.v1.Health/Check" || method == "/grpc.health.v1.Health/Watch") {
    return true;
  }
  if (!absl::ConsumePrefix(&method, "/")) return false;
  size_t slash = method.find('/');
  if (slash == absl::string_view::npos) return false;
  return google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
             absl::StrCat(method.substr(0, slash), ".", method.substr(slash + 1))) != nullptr;
}

}  // namespace

RpcInterceptorFactory::MethodMetrics& RpcInterceptorFactory::For(const std::string& called) {
  // Anyone can call any method name on the port: only the methods compiled in get series of
  // their own, or a client could make the registry grow without bound.
  const std::string& method = IsKnownMethod(called) ? called : kUnknownMethod;
  absl::MutexLock lock(&mu_);
  auto& entry = methods_[method];
  if (!entry) entry = std::make_unique<MethodMetrics>(metrics_, method);
  return *entry;
}

grpc::experimental::Interceptor* RpcInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new RpcInterceptor(For(info->method()));
}

}  // namespace crm::platform
