// The transactional outbox: a service adds its event to the same transaction as the state
// change, so the two can never disagree; the OutboxRelay (outbox_relay.h) later publishes it to
// Kafka and deletes it only once Kafka acknowledged it.
//
//   auto txn = store.Begin();
//   ...state change...
//   events::v1::CustomerRegistered event = ...;
//   auto id = outbox.Append(*txn, {.subject = customer_id, .request_id = rc.request_id}, event);
//   txn->Commit();
//
// The topic comes from the payload's type: its (crm.events.v1.topic) option
// (platform/events/topics.h), so no service names a topic.
//
// Keys in the outbox column family are a big-endian sequence number, so the relay publishes in
// append order. The number is taken at Append, not at commit, so one customer's events stay in
// order only if every transaction that appends for a customer first locks a key of that
// customer (GetForUpdate on its record): then appends for one customer happen in commit order.
// Handlers follow that rule.
// Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "crm/events/v1/envelope.pb.h"
#include "platform/base/clock.h"
#include "platform/base/metrics.h"
#include "platform/store/store.h"

namespace google::protobuf {
class Message;
}

namespace crm::platform {

struct OutboxOptions {
  // ce_source of every event, e.g. "crm/customers". Required.
  std::string source;
  // Events waiting to be published past which Append refuses (writes answer OVERLOADED, 503).
  // Default 100000.
  int64_t cap = 100000;
};

struct EventTarget {
  // Default (empty): the topic of the payload's type (its (crm.events.v1.topic) option), which
  // is what services use. Set only by tests whose payloads are not events.
  std::string topic;
  // The customer the event is about: the Kafka key and the envelope's subject.
  std::string subject;
  // The request that caused the event, if any.
  std::string request_id;
};

class Outbox {
 public:
  // Counts what is already waiting. Errors: INTERNAL when the store cannot be read.
  static absl::StatusOr<std::unique_ptr<Outbox>> Open(Store& store, const Clock& clock,
                                                      Metrics& metrics, OutboxOptions options);

  // Adds `payload` wrapped in an EventEnvelope to `txn`, for the topic of its type; answers the
  // event id. Errors: UNAVAILABLE / OVERLOADED when `cap` events are already waiting; INTERNAL
  // when the payload's type names no topic (and `target.topic` is empty).
  absl::StatusOr<std::string> Append(Txn& txn, const EventTarget& target,
                                     const google::protobuf::Message& payload);

  int64_t depth() const { return depth_.load(); }

  // For the relay: called after each commit that appended, so it wakes at once.
  void SetOnAppend(std::function<void()> fn);
  // For the relay: records it deleted `n` published events.
  void Published(int64_t n);
  // For the relay: no event committed from now on has a sequence below this one (the lowest
  // taken by a transaction still open, else the next to be taken). The relay scans from there
  // instead of stepping over every published event's deletion since the last memtable flush.
  uint64_t LowWatermark() const;

 private:
  Outbox(Store& store, const Clock& clock, Metrics& metrics, OutboxOptions options);

  Store& store_;
  const Clock& clock_;
  const OutboxOptions options_;
  std::atomic<uint64_t> next_sequence_{1};
  // Sequences of transactions still open (appended, not yet committed or rolled back).
  mutable absl::Mutex in_flight_mu_;
  std::set<uint64_t> in_flight_ ABSL_GUARDED_BY(in_flight_mu_);
  std::atomic<int64_t> depth_{0};
  absl::Mutex on_append_mu_;
  std::function<void()> on_append_ ABSL_GUARDED_BY(on_append_mu_);
  Gauge depth_gauge_;
  Counter appended_;
};

}  // namespace crm::platform
