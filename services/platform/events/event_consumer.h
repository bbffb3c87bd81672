// The consumer loop: at-least-once delivery from Kafka, exactly-once effect in the store.
// For each message, one transaction holds the handler's effect, the event id marked seen, and
// the partition's next offset, so after any crash state and progress agree and a redelivered
// event is skipped.
//
//   EventConsumer consumer(store, clock, metrics,
//                          {.brokers = b, .client_id = "customers", .topics = {"crm.orders.v1"}},
//                          [&](Txn& txn, const events::v1::EventEnvelope& event) {
//                            return points.Apply(txn, event);  // writes into txn only
//                          });
//   consumer.Start();
//
// Offsets live in RocksDB with the Kafka cluster id; a different cluster (the dev broker was
// restarted) starts from the earliest offset, which the seen marks make safe. Partitions are
// assigned explicitly (no consumer-group rebalancing): by default every partition of each topic.
// A handler failing with a passing condition (ABORTED, UNAVAILABLE, DEADLINE_EXCEEDED,
// RESOURCE_EXHAUSTED) is retried with backoff until it passes, holding its partition so later
// events never overtake it. An event the handler refuses with any other code `max_attempts`
// times goes to the dead-letter column family with its error, counted, listable and
// replayable, so one bad event never stops a partition.
// Thread-safe.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "crm/events/v1/envelope.pb.h"
#include "platform/base/clock.h"
#include "platform/base/metrics.h"
#include "platform/store/dead_letters.h"
#include "platform/store/records.pb.h"
#include "platform/store/store.h"

namespace RdKafka {
class KafkaConsumer;
class Message;
}  // namespace RdKafka

namespace crm::platform {

// Applies one event inside `txn` (write nothing outside it). A non-OK status rolls the
// transaction back; the event is retried, and dead-lettered only for a non-passing code (see
// above).
using EventHandler = std::function<absl::Status(Txn& txn, const events::v1::EventEnvelope&)>;

struct EventConsumerOptions {
  // Kafka bootstrap servers. Required.
  std::string brokers;
  // Kafka client.id and group.id suffix, e.g. "customers". Required.
  std::string client_id;
  // Topics to read. Required.
  std::vector<std::string> topics;
  // Attempts before an event the handler refuses is dead-lettered. Default 5.
  int max_attempts = 5;
  // Pause between attempts of a failing event. Default 100 ms.
  absl::Duration retry_backoff = absl::Milliseconds(100);
};

class EventConsumer {
 public:
  EventConsumer(Store& store, const Clock& clock, Metrics& metrics, EventConsumerOptions options,
                EventHandler handler);
  ~EventConsumer();

  // Starts the loop. Errors: INVALID_ARGUMENT for a bad Kafka configuration. An unreachable
  // cluster is not an error: the loop waits for it.
  absl::Status Start();
  void Stop();

  // This consumer's dead letters (those of its topics) in the order they failed, at most
  // `limit`.
  absl::StatusOr<std::vector<DeadLetterEntry>> ListDeadLetters(int limit) const;
  // Runs the handler again on each of this consumer's dead letters; those that now succeed
  // leave the list (and are marked seen). Answers how many succeeded.
  absl::StatusOr<int> ReplayDeadLetters();
  // True for the topics this consumer reads.
  bool Reads(absl::string_view topic) const;

  // Events applied (not counting duplicates), for tests and metrics.
  int64_t applied() const { return applied_.load(); }

 private:
  void Run();
  // Assigns every partition of every topic at its stored offset. False when Kafka is unreachable.
  bool Assign();
  void Handle(const RdKafka::Message& message);
  // One attempt in one transaction: skip if seen, else apply; then store the next offset.
  absl::Status ApplyOnce(const std::string& topic, int partition, int64_t offset,
                         const events::v1::EventEnvelope& envelope);
  absl::Status DeadLetter(const RdKafka::Message& message, const std::string& error, int attempts);
  absl::Status StoreOffset(Txn& txn, const std::string& topic, int partition, int64_t next);
  void UpdateLag();

  Store& store_;
  const Clock& clock_;
  Metrics& metrics_;
  const EventConsumerOptions options_;
  const EventHandler handler_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  std::string cluster_id_;
  std::vector<std::pair<std::string, int>> assigned_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<int64_t> applied_{0};
  absl::Time last_lag_update_ = absl::InfinitePast();

  Counter consumed_;
  Counter duplicates_;
  Counter failures_;
  Counter dead_lettered_;
  Counter offset_resets_;
};

}  // namespace crm::platform
