#include "platform/events/outbox.h"

#include <google/protobuf/message.h>
#include <google/protobuf/util/time_util.h>

#include "platform/base/errors.h"
#include "platform/base/ids.h"
#include "platform/base/keys.h"
#include "platform/base/proto_time.h"
#include "platform/events/topics.h"

namespace crm::platform {

Outbox::Outbox(Store& store, const Clock& clock, Metrics& metrics, OutboxOptions options)
    : store_(store),
      clock_(clock),
      options_(std::move(options)),
      depth_gauge_(metrics.AddGauge("crm_outbox_depth", "Events waiting to be published", {})),
      appended_(metrics.AddCounter("crm_outbox_appended_total", "Events added to the outbox", {})) {
}

absl::StatusOr<std::unique_ptr<Outbox>> Outbox::Open(Store& store, const Clock& clock,
                                                     Metrics& metrics, OutboxOptions options) {
  std::unique_ptr<Outbox> outbox(new Outbox(store, clock, metrics, std::move(options)));
  int64_t depth = 0;
  uint64_t last = 0;
  absl::Status scanned =
      store.Scan(store.cf(kOutboxCf), "", "", [&](absl::string_view key, absl::string_view) {
        ++depth;
        last = ReadBigEndian64(key);
        return true;
      });
  if (!scanned.ok()) return scanned;
  outbox->depth_ = depth;
  outbox->next_sequence_ = last + 1;
  outbox->depth_gauge_.Set(static_cast<double>(depth));
  return outbox;
}

absl::StatusOr<std::string> Outbox::Append(Txn& txn, const EventTarget& target,
                                           const google::protobuf::Message& payload) {
  std::string topic = target.topic;
  if (topic.empty()) {
    auto typed = TopicOf(*payload.GetDescriptor());
    if (!typed.ok()) return typed.status();
    topic = std::move(*typed);
  }
  if (depth_.load() >= options_.cap) return Overloaded("the event outbox");

  events::v1::OutboxRecord record;
  record.set_topic(std::move(topic));
  record.set_key(target.subject);
  events::v1::EventEnvelope& envelope = *record.mutable_envelope();
  envelope.set_id(NewUuid());
  envelope.set_type(payload.GetDescriptor()->full_name());
  envelope.set_source(options_.source);
  envelope.set_subject(target.subject);
  *envelope.mutable_time() = ToTimestamp(clock_.Now());
  envelope.mutable_payload()->PackFrom(payload);
  envelope.set_request_id(target.request_id);

  uint64_t sequence;
  {
    // Taken and marked at once, so LowWatermark never passes a sequence about to be written.
    absl::MutexLock lock(&in_flight_mu_);
    sequence = next_sequence_.fetch_add(1);
    in_flight_.insert(sequence);
  }
  txn.AtEnd([this, sequence] {
    absl::MutexLock lock(&in_flight_mu_);
    in_flight_.erase(sequence);
  });
  if (absl::Status s =
          txn.Put(store_.cf(kOutboxCf), BigEndian64(sequence), record.SerializeAsString());
      !s.ok()) {
    return s;
  }
  txn.AfterCommit([this] {
    depth_gauge_.Set(static_cast<double>(++depth_));
    appended_.Increment();
    absl::MutexLock lock(&on_append_mu_);
    if (on_append_) on_append_();
  });
  return envelope.id();
}

void Outbox::SetOnAppend(std::function<void()> fn) {
  absl::MutexLock lock(&on_append_mu_);
  on_append_ = std::move(fn);
}

void Outbox::Published(int64_t n) { depth_gauge_.Set(static_cast<double>(depth_ -= n)); }

uint64_t Outbox::LowWatermark() const {
  absl::MutexLock lock(&in_flight_mu_);
  return in_flight_.empty() ? next_sequence_.load() : *in_flight_.begin();
}

}  // namespace crm::platform
