// Helpers shared by the platform's unit tests (and any service test that wants them):
//
//   TempDir dir;                                        // removed at the end of the scope
//   auto store = OpenTestStore(dir.path(), {"things"});
//   MockKafka kafka({{"crm.test.v1", 3}});              // in-process 3-broker cluster
//   EventConsumer consumer(*store, clock, *metrics, {.brokers = kafka.bootstrap(), ...}, ...);
//   REQUIRE(WaitFor([&] { return consumer.applied() == 3; }, absl::Seconds(10)));
//
// Nothing here opens a fixed port or sleeps to wait for readiness: waits poll with a deadline.
// Not thread-safe unless said otherwise.
#pragma once

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <grpcpp/channel.h>
#include <grpcpp/server.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "crm/events/v1/envelope.pb.h"
#include "platform/auth/tokens.h"
#include "platform/base/metrics.h"
#include "platform/events/mock_cluster.h"
#include "platform/runtime/runtime.h"
#include "platform/store/store.h"

namespace crm::platform::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it when destroyed.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // `path()/name`, not created.
  std::string Sub(absl::string_view name) const;

 private:
  std::string path_;
};

// Opens (or creates) a Store at `dir` with the platform's column families plus `extra_cfs`;
// fails the running test when it cannot.
std::unique_ptr<Store> OpenTestStore(const std::string& dir,
                                     const std::vector<std::string>& extra_cfs = {},
                                     absl::Duration lock_timeout = absl::Seconds(2));

// Calls `predicate` every few milliseconds until it answers true (then true) or `timeout`
// passed (then false, after one last try).
bool WaitFor(const std::function<bool()>& predicate, absl::Duration timeout);

// The value of one series in `metrics`' text exposition, e.g. "crm_outbox_depth" or
// `crm_timers_fired_total{kind="x"}`; -1 when the scrape does not show it.
double MetricValue(const Metrics& metrics, absl::string_view series);
// The same over Prometheus text, e.g. a process's /metrics page.
double MetricValue(absl::string_view text, absl::string_view series);

// A FileDescriptorProto from its text format (request and response types built at run time
// for tests of code that works from descriptors); fails the running test when it does not
// parse.
google::protobuf::FileDescriptorProto FileFromText(absl::string_view text);
// A pool over the generated one with `file` added; fails the running test when it does not
// build.
std::unique_ptr<google::protobuf::DescriptorPool> PoolWith(
    const google::protobuf::FileDescriptorProto& file);

// The events waiting in `store`'s outbox, oldest first; fails the running test when unreadable.
std::vector<events::v1::OutboxRecord> OutboxEvents(const Store& store);

// A fresh ES256 (P-256) key pair in PEM, as `openssl ecparam -genkey -name prime256v1` makes.
using platform::KeyPair;
// Runs `fn` with the process's stderr (where logs go) sent to a file; answers what it wrote.
std::string CaptureStderr(const std::function<void()>& fn);

// A new ES256 key pair; fails the running test when OpenSSL cannot make one.
KeyPair NewEs256Keys();

// A Runtime opened as a service's main opens it, in `dir`, on the test's `clock`, trusting the
// tokens the issuers "crm/customers" and "crm/gateway" (partners) sign with `keys`; never started
// (no gRPC server, relay or consumer): the test serves its services in-process and fires timers
// itself. Metrics are kept, not served. With `service_keys`, the service signs its own service
// tokens with them (calls to other services). Fails the running test when it cannot open.
std::unique_ptr<Runtime> OpenTestRuntime(const std::string& dir, absl::string_view service,
                                         const std::vector<std::string>& column_families,
                                         const Clock& clock, const KeyPair& keys,
                                         const KeyPair* service_keys = nullptr);

// `services` served in-process on a free loopback port, and a channel to them; fails the
// running test when the server cannot start. Shut down (5 s grace) when destroyed.
class InProcessServer {
 public:
  explicit InProcessServer(const std::vector<grpc::Service*>& services);
  ~InProcessServer();
  std::shared_ptr<grpc::Channel> Channel() const;
  // "127.0.0.1:<port>".
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

// An in-process Kafka cluster (platform::MockCluster, as the dev broker runs) of 3 brokers on
// loopback ports. Each instance is a different cluster with its own cluster id. Thread-safe
// after construction.
class MockKafka {
 public:
  // Creates the cluster and `topics` (name, partition count).
  explicit MockKafka(const std::vector<std::pair<std::string, int>>& topics);
  ~MockKafka();
  MockKafka(const MockKafka&) = delete;
  MockKafka& operator=(const MockKafka&) = delete;

  // bootstrap.servers for clients, e.g. "127.0.0.1:40123,127.0.0.1:40125,...".
  const std::string& bootstrap() const { return bootstrap_; }
  void CreateTopic(const std::string& topic, int partitions);
  // The cluster id clients see (asked through a short-lived client); empty when it did not
  // answer within a few seconds.
  std::string ClusterId() const { return cluster_->ClusterId(); }

 private:
  std::unique_ptr<MockCluster> cluster_;
  std::string bootstrap_;
};

}  // namespace crm::platform::testing
