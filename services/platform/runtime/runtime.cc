#include "platform/runtime/runtime.h"

#include <google/protobuf/descriptor.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "crm/events/v1/customers.pb.h"
#include "platform/base/log.h"
#include "platform/base/process.h"
#include "platform/base/ready_file.h"
#include "platform/base/signals.h"
#include "platform/events/topics.h"
#include "platform/rpc/rpc_interceptor.h"
#include "platform/runtime/dead_letter_service.h"
#include "platform/runtime/dev_clock_service.h"

namespace crm::platform {

RuntimeOptions RuntimeOptions::FromFlags(Flags& flags) {
  RuntimeOptions o;
  o.grpc_address = flags.String("grpc-address", "127.0.0.1:0", "gRPC listen address");
  o.metrics_address = flags.String("metrics-address", "127.0.0.1:0", "/metrics listen address");
  o.data_dir = flags.RequiredString("data-dir", "RocksDB directory");
  o.kafka_brokers = flags.RequiredString("kafka-brokers", "Kafka bootstrap servers");
  o.ready_file = flags.String("ready-file", "", "JSON file written once healthy");
  o.dev_mode = flags.Bool("dev-mode", false, "serve the dev clock (never in production)");
  o.outbox_cap =
      flags.Int("outbox-cap", 100000, "outbox depth past which writes answer 503", 1, 100000000);
  o.worker_threads = flags.Int("worker-threads", 2, "threads for expensive work", 1, 256);
  o.worker_queue = flags.Int("worker-queue", 64, "expensive tasks waiting before 503", 0, 100000);
  o.drain_delay = absl::Milliseconds(
      flags.Int("drain-ms", 300, "NOT_SERVING before closing the listener, ms", 0, 60000));
  o.shutdown_grace = absl::Milliseconds(
      flags.Int("shutdown-grace-ms", 3000, "time in-flight RPCs get to finish, ms", 0, 60000));
  o.outbox_drain = absl::Milliseconds(
      flags.Int("outbox-drain-ms", 3000, "time to publish the outbox at shutdown, ms", 0, 60000));
  o.token_public_keys = flags.String(
      "token-public-keys", "", "trusted token issuers: issuer=public-key.pem,... (empty: none)");
  o.token_audience = flags.String("token-audience", "crm", "the audience tokens must name");
  o.token_algorithm = flags.String("token-algorithm", "ES256", "the one token algorithm accepted");
  o.service_private_key = flags.String(
      "service-private-key", "",
      "PEM private key for this service's own tokens (issuer crm/svc/<service>); empty: none");
  o.revocation_keep = absl::Seconds(flags.Int(
      "revocation-keep-s", 3600,
      "how long revoked sessions are remembered, seconds (longer than the access token lifetime)",
      60, 7 * 86400));
  std::string level = flags.String("log-level", "info", "debug, info, warning or error");
  LogLevel parsed;
  if (ParseLogLevel(level, &parsed)) SetLogLevel(parsed);
  return o;
}

Runtime::Runtime(RuntimeOptions options) : options_(std::move(options)) {}

Runtime::~Runtime() = default;

absl::StatusOr<std::unique_ptr<Runtime>> Runtime::Open(RuntimeOptions options) {
  InitProcess(options.service);
  std::unique_ptr<Runtime> rt(new Runtime(std::move(options)));
  const RuntimeOptions& o = rt->options_;

  auto verifier = LoadTokenVerifier(o.token_public_keys, o.token_audience, o.token_algorithm);
  if (!verifier.ok()) return verifier.status();
  rt->verifier_ = std::move(*verifier);
  if (!rt->verifier_) LogWarning("no token issuer configured: only anonymous RPCs can be made", {});
  // The idempotency hashes are keyed with a secret from outside the store when there is one.
  std::string pepper;
  if (!o.service_private_key.empty()) {
    auto key = ReadFile(o.service_private_key);
    if (!key.ok()) return key.status();
    pepper = *key;
    auto tokens = ServiceTokens::Create({.service = o.service,
                                         .private_key_pem = *key,
                                         .algorithm = o.token_algorithm,
                                         .audience = o.token_audience},
                                        rt->clock());
    if (!tokens.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--service-private-key: ", tokens.status().message()));
    }
    rt->service_tokens_ = std::move(*tokens);
  }

  if (o.metrics_address.empty()) {
    // Tests: no endpoint to serve (and none to stop, which takes civetweb 2 s).
    rt->metrics_ = Metrics::InMemory();
  } else {
    auto metrics = Metrics::Serve(o.metrics_address);
    if (!metrics.ok()) return metrics.status();
    rt->metrics_ = std::move(*metrics);
  }

  auto store = Store::Open({.path = o.data_dir, .column_families = o.column_families});
  if (!store.ok()) return store.status();
  rt->store_ = std::move(*store);
  rt->metrics_->AddCollectable(rt->store_->StatisticsCollector());

  auto outbox = Outbox::Open(*rt->store_, rt->clock(), *rt->metrics_,
                             {.source = absl::StrCat("crm/", o.service), .cap = o.outbox_cap});
  if (!outbox.ok()) return outbox.status();
  rt->outbox_ = std::move(*outbox);

  rt->timers_ = std::make_unique<Timers>(*rt->store_, rt->clock(), *rt->metrics_);
  rt->idempotency_ = std::make_unique<Idempotency>(*rt->store_, *rt->timers_, rt->clock(),
                                                   absl::Hours(24), pepper);
  rt->revocations_ =
      std::make_unique<Revocations>(*rt->store_, *rt->timers_, rt->clock(), o.revocation_keep);
  Revocations* revocations = rt->revocations_.get();
  rt->session_check_ = [revocations](const TokenClaims& claims) {
    return revocations->Check(claims);
  };
  rt->relay_ = std::make_unique<OutboxRelay>(
      *rt->store_, *rt->outbox_, rt->clock(), *rt->metrics_,
      OutboxRelayOptions{.brokers = o.kafka_brokers, .client_id = o.service});
  rt->workers_ = std::make_unique<WorkerPool>(
      WorkerPoolOptions{.threads = static_cast<size_t>(o.worker_threads),
                        .queue_capacity = static_cast<size_t>(o.worker_queue)});
  return rt;
}

void Runtime::Consume(const std::vector<const google::protobuf::Descriptor*>& types,
                      EventHandler handler) {
  for (std::string& topic : TopicsOf(types)) {
    if (std::find(consumed_topics_.begin(), consumed_topics_.end(), topic) ==
        consumed_topics_.end()) {
      consumed_topics_.push_back(std::move(topic));
    }
  }
  std::vector<std::string> names;
  for (const google::protobuf::Descriptor* type : types) names.push_back(type->full_name());
  handlers_.push_back([names = std::move(names), handler = std::move(handler)](
                          Txn& txn, const events::v1::EventEnvelope& event) {
    absl::string_view url = event.payload().type_url();
    absl::string_view type = url.substr(url.rfind('/') + 1);
    if (std::find(names.begin(), names.end(), type) == names.end()) return absl::OkStatus();
    return handler(txn, event);
  });
}

absl::Status Runtime::Start(const std::vector<grpc::Service*>& services) {
  // A service that does not own sessions learns revocations from their owner's events.
  if (!owns_sessions_ && verifier_) {
    Consume(
        {events::v1::SessionRevoked::descriptor(), events::v1::TokenVersionRaised::descriptor()},
        [this](Txn& txn, const events::v1::EventEnvelope& event) {
          return revocations_->Apply(txn, event);
        });
  }
  if (!handlers_.empty()) {
    consumers_.push_back(
        std::make_unique<EventConsumer>(*store_, clock(), *metrics_,
                                        EventConsumerOptions{.brokers = options_.kafka_brokers,
                                                             .client_id = options_.service,
                                                             .topics = consumed_topics_},
                                        [this](Txn& txn, const events::v1::EventEnvelope& event) {
                                          for (const EventHandler& handler : handlers_) {
                                            if (absl::Status s = handler(txn, event); !s.ok())
                                              return s;
                                          }
                                          return absl::OkStatus();
                                        }));
  }
  if (absl::Status s = relay_->Start(); !s.ok()) return s;
  for (auto& consumer : consumers_) {
    if (absl::Status s = consumer->Start(); !s.ok()) return s;
  }
  timers_->Start();

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(options_.grpc_address, grpc::InsecureServerCredentials(), &port);
  for (grpc::Service* service : services) builder.RegisterService(service);
  std::vector<EventConsumer*> consumers;
  for (auto& consumer : consumers_) consumers.push_back(consumer.get());
  dead_letters_rpc_ = std::make_unique<Rpc>(RpcOf<platform::v1::DeadLetterService>());
  dead_letters_ =
      std::make_unique<DeadLetterService>(*store_, std::move(consumers), *dead_letters_rpc_);
  builder.RegisterService(dead_letters_.get());
  // The dev clock moves the system clock; a test's own clock is moved by the test.
  if (options_.dev_mode && options_.clock == nullptr) {
    dev_clock_rpc_ = std::make_unique<Rpc>(RpcOf<platform::v1::DevClockService>());
    dev_clock_ = std::make_unique<DevClockService>(clock_, *dev_clock_rpc_);
    builder.RegisterService(dev_clock_.get());
  }
  // Found while the services were built: a handler that could never admit anyone is a bug in
  // the protos, refused before the first call rather than at it.
  if (!declaration_problems_.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("RPC declarations: ", absl::StrJoin(declaration_problems_, "; ")));
  }
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<RpcInterceptorFactory>(*metrics_));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  server_ = builder.BuildAndStart();
  if (!server_ || port == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options_.grpc_address));
  }
  std::string host = options_.grpc_address.substr(0, options_.grpc_address.rfind(':'));
  std::string address = absl::StrCat(host, ":", port);
  server_->GetHealthCheckService()->SetServingStatus(true);
  if (absl::Status s = WriteReadyFile(address); !s.ok()) return s;
  LogInfo("serving", {{"grpc", address},
                      {"metrics", absl::StrCat("http://", metrics_->address(), "/metrics")},
                      {"dataDir", options_.data_dir},
                      {"kafka", options_.kafka_brokers},
                      {"devMode", options_.dev_mode ? "true" : "false"}});
  return absl::OkStatus();
}

Rpc Runtime::RpcOf(const google::protobuf::ServiceDescriptor& service) {
  AccessControl access(service, clock(), {.verifier = verifier(), .check_session = session_check_});
  if (!access.declarations().ok()) {
    declaration_problems_.emplace_back(access.declarations().message());
  }
  return Rpc(std::move(access),
             {.store = *store_, .idempotency = *idempotency_, .workers = *workers_});
}

absl::Status Runtime::WriteReadyFile(const std::string& grpc_address) const {
  if (options_.ready_file.empty()) return absl::OkStatus();
  return platform::WriteReadyFile(options_.ready_file, {{"service", options_.service},
                                                        {"pid", absl::StrCat(::getpid())},
                                                        {"grpc", grpc_address},
                                                        {"metrics", metrics_->address()}});
}

void Runtime::Shutdown() {
  LogInfo("shutting down", {});
  if (server_) {
    server_->GetHealthCheckService()->SetServingStatus(false);
    absl::SleepFor(options_.drain_delay);
    server_->Shutdown(absl::ToChronoTime(absl::Now() + options_.shutdown_grace));
  }
  for (auto& consumer : consumers_) consumer->Stop();
  timers_->Stop();
  bool drained = relay_->Drain(options_.outbox_drain);
  LogInfo("stopped", {{"outboxDrained", drained ? "true" : "false"},
                      {"outboxDepth", absl::StrCat(outbox_->depth())}});
  std::error_code ignored;
  if (!options_.ready_file.empty()) std::filesystem::remove(options_.ready_file, ignored);
}

int Runtime::Serve(const std::vector<grpc::Service*>& services) {
  if (absl::Status s = Start(services); !s.ok()) {
    Shutdown();
    return ExitForStartup(s);
  }
  int signal = AwaitTerminationSignal();
  LogInfo("signal received", {{"signal", absl::StrCat(signal)}});
  Shutdown();
  return 0;
}

}  // namespace crm::platform

namespace crm::platform {

int RunServiceWithoutRpcs(absl::string_view service, int argc, char** argv) {
  BlockTerminationSignals();
  Flags flags(service, argc, argv);
  RuntimeOptions options = RuntimeOptions::FromFlags(flags);
  if (absl::Status s = flags.Finish(); !s.ok()) return ExitForFlags(s);
  options.service = std::string(service);
  auto runtime = Runtime::Open(options);
  if (!runtime.ok()) return ExitForStartup(runtime.status());
  return (*runtime)->Serve({});
}

}  // namespace crm::platform
