// An in-memory Kafka cluster on loopback: librdkafka's mock cluster, which speaks the real Kafka
// protocol, so any client (the services, kcat, ...) uses it unchanged. The dev broker
// (crm-devbroker) runs one as a process; tests (testing::MockKafka) run one in-process.
//
//   auto cluster = MockCluster::Start({.brokers = 3});
//   if (!cluster.ok()) ...;
//   for (const std::string& topic : EventTopics()) (*cluster)->CreateTopic(topic, 6);
//   clients use (*cluster)->bootstrap(), e.g. "127.0.0.1:40123,127.0.0.1:40125,...".
//
// Everything lives in memory; the mock keeps about 5 MiB of record batches per partition and
// silently drops the oldest ones beyond that, so this is for development and tests only. Each
// instance is a different cluster with its own cluster id. Unknown topics are auto-created on
// metadata requests (4 partitions). Thread-safe after Start.
#pragma once

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

typedef struct rd_kafka_s rd_kafka_t;
typedef struct rd_kafka_mock_cluster_s rd_kafka_mock_cluster_t;

namespace crm::platform {

struct MockClusterOptions {
  // Brokers, ids 1..brokers, each listening on an ephemeral 127.0.0.1 port. Default 3.
  int brokers = 3;
  // librdkafka's own log lines go to the platform's log (log.h) from this syslog level on
  // (3 = errors only, 6 = informational, the default).
  int log_level = 6;
};

class MockCluster {
 public:
  // Errors: INTERNAL when librdkafka cannot make the cluster.
  static absl::StatusOr<std::unique_ptr<MockCluster>> Start(MockClusterOptions options);
  ~MockCluster();
  MockCluster(const MockCluster&) = delete;
  MockCluster& operator=(const MockCluster&) = delete;

  // bootstrap.servers for clients.
  const std::string& bootstrap() const { return bootstrap_; }
  int brokers() const { return options_.brokers; }

  // Errors: INTERNAL naming librdkafka's error (e.g. a replication factor above the brokers).
  absl::Status CreateTopic(const std::string& topic, int partitions, int replication_factor = 1);
  // Every broker up or down: clients see a whole-cluster outage, which the outbox and the
  // consumers must survive. Re-applying is harmless. Errors: INTERNAL naming each broker that
  // did not switch (the others did).
  absl::Status SetAllBrokersUp(bool up);
  // The cluster id clients see (asked through a short-lived client); empty when it did not
  // answer within a few seconds.
  std::string ClusterId() const;

 private:
  explicit MockCluster(MockClusterOptions options) : options_(options) {}

  const MockClusterOptions options_;
  rd_kafka_t* host_ = nullptr;  // hosts the cluster (its thread and queue); never produces
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
  std::string bootstrap_;
};

}  // namespace crm::platform
