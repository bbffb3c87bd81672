// Everything a service process stands on, built from its flags and started in order: the
// store, metrics endpoint, outbox and relay, durable timers, idempotency, the bounded worker
// pool, event consumers, and the gRPC server with health, reflection, the RPC interceptor and
// the platform's own services (dead letters; the dev clock in --dev-mode).
// A service's main.cc only adds its own parts:
//
//   int main(int argc, char** argv) {
//     platform::BlockTerminationSignals();
//     platform::Flags flags("customers", argc, argv);
//     auto options = platform::RuntimeOptions::FromFlags(flags);
//     if (absl::Status s = flags.Finish(); !s.ok()) return platform::ExitForFlags(s);
//     options.column_families = customers::kColumnFamilies;
//     auto runtime = platform::Runtime::Open(options);
//     if (!runtime.ok()) return platform::ExitForStartup(runtime.status());
//     customers::CustomersService service((*runtime)->RpcOf<v1::CustomersService>(), ...);
//     return (*runtime)->Serve({&service});
//   }
//
// Serve returns after SIGTERM/SIGINT, having shut down gracefully: health NOT_SERVING, a short
// drain, Shutdown(deadline) of the gRPC server, consumers and timers stopped, the outbox
// drained to Kafka (bounded), then everything closed.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "platform/auth/tokens.h"
#include "platform/base/clock.h"
#include "platform/base/flags.h"
#include "platform/base/metrics.h"
#include "platform/base/process.h"
#include "platform/events/event_consumer.h"
#include "platform/events/outbox.h"
#include "platform/events/outbox_relay.h"
#include "platform/rpc/access_control.h"
#include "platform/rpc/service_tokens.h"
#include "platform/rpc/worker_pool.h"
#include "platform/runtime/revocations.h"
#include "platform/runtime/rpc.h"
#include "platform/store/idempotency.h"
#include "platform/store/store.h"
#include "platform/store/timers.h"

namespace grpc {
class Server;
class Service;
}  // namespace grpc

namespace crm::platform {

class DeadLetterService;
class DevClockService;

struct RuntimeOptions {
  // The service's short name, e.g. "customers": logs, ce_source "crm/<service>", Kafka client id.
  std::string service;
  // gRPC listen address. Default 127.0.0.1:0 (any free port; see the ready file).
  std::string grpc_address;
  // /metrics listen address (the flag's default: 127.0.0.1:0). Empty: metrics are kept but not
  // served (tests).
  std::string metrics_address;
  // RocksDB directory. Required.
  std::string data_dir;
  // Kafka bootstrap servers (a real cluster or the dev broker). Required.
  std::string kafka_brokers;
  // When set, a JSON file {service, pid, grpc, metrics} written once the service is healthy.
  std::string ready_file;
  // Serves DevClockService (moving time forward). Never in production. Default false.
  bool dev_mode = false;
  // Events waiting in the outbox past which writes answer OVERLOADED. Default 100000.
  int64_t outbox_cap = 100000;
  // Worker pool threads and queue for expensive work. Defaults 2 and 64.
  int64_t worker_threads = 2;
  int64_t worker_queue = 64;
  // Time between health NOT_SERVING and closing the listener. Default 300 ms.
  absl::Duration drain_delay = absl::Milliseconds(300);
  // How long in-flight RPCs may finish after that. Default 3 s.
  absl::Duration shutdown_grace = absl::Seconds(3);
  // How long shutdown tries to publish what is left in the outbox. Default 3 s.
  absl::Duration outbox_drain = absl::Seconds(3);
  // Trusted token issuers and their public key files: "crm/customers=/etc/crm/customers.pub".
  // Empty: no token is trusted, so only anonymous RPCs can be made.
  std::string token_public_keys;
  // The audience tokens must name, and the one algorithm accepted. Defaults "crm", "ES256".
  std::string token_audience = "crm";
  std::string token_algorithm = "ES256";
  // PEM private key file this service signs its own service tokens with (issuer
  // "crm/svc/<service>"), for calls to other services. Empty: it makes no such calls.
  std::string service_private_key;
  // How long a revoked session or raised token version is remembered; must exceed the access
  // token lifetime. Default 1 hour.
  absl::Duration revocation_keep = absl::Hours(1);
  // The service's own column families (set by its main, not a flag).
  std::vector<std::string> column_families;
  // Tests only: the clock everything reads instead of the system's; it must outlive the
  // Runtime. Null (the default): the system clock.
  const Clock* clock = nullptr;

  // Reads the flags every service shares (see each field). Call flags.Finish() afterwards.
  static RuntimeOptions FromFlags(Flags& flags);
};

class Runtime {
 public:
  // Opens the store and metrics endpoint and prepares the rest. Errors: those of Store::Open
  // and Metrics::Serve, INVALID_ARGUMENT for a bad Kafka configuration.
  static absl::StatusOr<std::unique_ptr<Runtime>> Open(RuntimeOptions options);
  ~Runtime();

  const RuntimeOptions& options() const { return options_; }
  // The system clock (moved forward by the dev clock in --dev-mode), or the test's.
  const Clock& clock() const { return options_.clock != nullptr ? *options_.clock : clock_; }
  Metrics& metrics() { return *metrics_; }
  Store& store() { return *store_; }
  Outbox& outbox() { return *outbox_; }
  Timers& timers() { return *timers_; }
  Idempotency& idempotency() { return *idempotency_; }
  WorkerPool& workers() { return *workers_; }
  // nullptr when no token issuer is configured.
  const TokenVerifier* verifier() const { return verifier_.get(); }
  // The token for calls to other services; nullptr without --service-private-key.
  ServiceTokens* service_tokens() { return service_tokens_.get(); }
  // The admission and handler shapes (rpc.h) of `service`'s RPCs, with the configured verifier
  // and session check (by default the revocations learnt from crm.customers.v1:
  // platform/runtime/revocations.h). When the service's protos declare wrongly (a method without
  // an access option: access_control.h), Serve refuses to start, naming it.
  Rpc RpcOf(const google::protobuf::ServiceDescriptor& service);
  template <typename GrpcService>
  Rpc RpcOf() {
    return RpcOf(DescriptorOf<GrpcService>());
  }
  // For the service that owns sessions: asked for every verified token, on its own RPCs and
  // the platform's (dead letters, dev clock), instead of the revocations table. Call before
  // Access and Serve.
  void SetSessionCheck(std::function<absl::Status(const TokenClaims&)> check) {
    session_check_ = std::move(check);
    owns_sessions_ = true;
  }

  // Has `handler` see the events of `types` (event payload messages) from Serve on; the
  // consumer reads their topics (each type's (crm.events.v1.topic) option: topics.h). The
  // service has one consumer (one group, one set of offsets and seen marks) for all its topics:
  // each event is applied in one transaction, by every handler whose types include its payload's
  // type, in the order they were added. Crashes when a type names no topic (a bug in the list).
  void Consume(const std::vector<const google::protobuf::Descriptor*>& types, EventHandler handler);

  // Starts everything, serves `services` until SIGTERM/SIGINT, then shuts down. Answers the
  // process exit code.
  int Serve(const std::vector<grpc::Service*>& services);

 private:
  explicit Runtime(RuntimeOptions options);
  absl::Status Start(const std::vector<grpc::Service*>& services);
  void Shutdown();
  absl::Status WriteReadyFile(const std::string& grpc_address) const;

  const RuntimeOptions options_;
  SystemClock clock_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<Timers> timers_;
  std::unique_ptr<Idempotency> idempotency_;
  std::unique_ptr<OutboxRelay> relay_;
  std::unique_ptr<WorkerPool> workers_;
  std::unique_ptr<TokenVerifier> verifier_;
  std::unique_ptr<Revocations> revocations_;
  std::unique_ptr<ServiceTokens> service_tokens_;
  std::function<absl::Status(const TokenClaims&)> session_check_;
  bool owns_sessions_ = false;
  std::vector<std::string> consumed_topics_;
  std::vector<EventHandler> handlers_;
  // What RpcOf found wrong in the services' declarations.
  std::vector<std::string> declaration_problems_;
  std::unique_ptr<Rpc> dead_letters_rpc_;
  std::unique_ptr<Rpc> dev_clock_rpc_;
  std::vector<std::unique_ptr<EventConsumer>> consumers_;
  std::unique_ptr<DevClockService> dev_clock_;
  std::unique_ptr<DeadLetterService> dead_letters_;
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace crm::platform

namespace crm::platform {

// The whole main of a service that has no RPCs of its own yet: flags, Runtime, Serve. It still
// answers health, serves /metrics and owns its store.
int RunServiceWithoutRpcs(absl::string_view service, int argc, char** argv);

}  // namespace crm::platform
