// Publishes the outbox to Kafka: reads waiting events in order, sends each with an idempotent
// producer (enable.idempotence, acks=all) to the partition PartitionOf(key) picks, with the
// CloudEvents Kafka headers (ce_id, ce_type, ce_source, ce_time, ce_subject), and deletes an
// event only after Kafka acknowledged it. A crash between the acknowledgement and the delete
// publishes that event again; consumers deduplicate on ce_id.
//
//   OutboxRelay relay(store, outbox, clock, metrics, {.brokers = "127.0.0.1:9092"});
//   relay.Start();            // background thread
//   ...
//   relay.Drain(absl::Seconds(3));  // on shutdown: publish what is left, bounded
//   relay.Stop();
//
// While Kafka is down events wait and writes go on; outbox depth and oldest age are metrics.
// A topic Kafka cannot serve holds back only its own events (their order kept). An event Kafka
// refuses for good (too large, invalid) goes to the dead-letter column family instead of
// blocking the rest. A fatal error of the idempotent producer replaces the producer.
// Thread-safe.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "platform/base/clock.h"
#include "platform/base/metrics.h"
#include "platform/events/outbox.h"
#include "platform/store/store.h"

namespace RdKafka {
class Producer;
}

namespace crm::platform {

struct OutboxRelayOptions {
  // Kafka bootstrap servers. Required.
  std::string brokers;
  // Kafka client.id. Default "crm".
  std::string client_id = "crm";
  // Events read and sent per round. Default 500.
  int batch_size = 500;
  // How long one send may wait for Kafka before it is retried in a later round. Default 5 s.
  absl::Duration send_timeout = absl::Seconds(5);
  // Pause after a failed round. Default 500 ms.
  absl::Duration retry_backoff = absl::Milliseconds(500);
};

class OutboxRelay {
 public:
  OutboxRelay(Store& store, Outbox& outbox, const Clock& clock, Metrics& metrics,
              OutboxRelayOptions options);
  ~OutboxRelay();

  // Creates the producer and starts publishing. Errors: INVALID_ARGUMENT for a bad Kafka
  // configuration. Kafka being unreachable is not an error: the relay keeps trying.
  absl::Status Start();
  // Stops the background thread, then publishes until the outbox is empty or `timeout` passed;
  // true when it is empty. Shutdown calls it so `crm down` leaves nothing behind.
  bool Drain(absl::Duration timeout);
  // Stops the background thread; unpublished events stay in the outbox for the next start.
  void Stop();

 private:
  // A new idempotent producer in producer_. Errors: INVALID_ARGUMENT for a bad configuration.
  absl::Status CreateProducer();
  void Run();
  // Sends one batch and waits for Kafka's answers until `deadline` (sooner when `interruptible`
  // and Stop was called); returns how many were published and deleted. Errors: UNAVAILABLE
  // when some were not acknowledged (they stay for a later round).
  absl::StatusOr<int> PublishBatch(absl::Time deadline, bool interruptible);
  void Wake();
  // The topic's partition count, asked of Kafka at most once a minute.
  absl::StatusOr<int> Partitions(const std::string& topic) ABSL_EXCLUSIVE_LOCKS_REQUIRED(round_mu_);

  Store& store_;
  Outbox& outbox_;
  const Clock& clock_;
  const OutboxRelayOptions options_;
  std::unique_ptr<RdKafka::Producer> producer_;
  std::thread thread_;

  absl::Mutex mu_;
  std::atomic<bool> stopping_{false};
  bool woken_ ABSL_GUARDED_BY(mu_) = false;
  // Serializes rounds between the background thread and Drain.
  absl::Mutex round_mu_;
  std::map<std::string, std::pair<int, absl::Time>> partitions_ ABSL_GUARDED_BY(round_mu_);
  // Where the next round's scan starts: no unpublished event is below it (0: from the start,
  // as after a restart). Keeps a round from stepping over the deletions of every event already
  // published, which RocksDB keeps until its memtable is flushed.
  uint64_t floor_ ABSL_GUARDED_BY(round_mu_) = 0;

  Counter published_;
  Counter failures_;
  Counter rejected_;
  Counter producer_restarts_;
  Gauge oldest_age_;
  Histogram publish_latency_;
};

}  // namespace crm::platform
