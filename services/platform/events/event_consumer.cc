#include "platform/events/event_consumer.h"

#include <google/protobuf/util/time_util.h>
#include <librdkafka/rdkafkacpp.h>

#include <limits>

#include "absl/strings/str_cat.h"
#include "platform/base/keys.h"
#include "platform/base/log.h"
#include "platform/base/proto_time.h"
#include "platform/events/kafka.h"

namespace crm::platform {
namespace {

using google::protobuf::util::TimeUtil;

// Failures that pass on their own; anything else is the handler refusing this event.
bool IsTransient(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kResourceExhausted:
      return true;
    default:
      return false;
  }
}

std::string OffsetKey(const std::string& topic, int partition) {
  return absl::StrCat(topic, "/", partition);
}

}  // namespace

EventConsumer::EventConsumer(Store& store, const Clock& clock, Metrics& metrics,
                             EventConsumerOptions options, EventHandler handler)
    : store_(store),
      clock_(clock),
      metrics_(metrics),
      options_(std::move(options)),
      handler_(std::move(handler)),
      consumed_(metrics.AddCounter("crm_consumer_events_total", "Events applied", {})),
      duplicates_(metrics.AddCounter("crm_consumer_duplicates_total",
                                     "Events skipped because their id was already seen", {})),
      failures_(metrics.AddCounter("crm_consumer_failures_total",
                                   "Failed attempts to apply an event", {})),
      dead_lettered_(metrics.AddCounter("crm_consumer_dead_letters_total",
                                        "Events moved to the dead-letter column family", {})),
      offset_resets_(metrics.AddCounter("crm_consumer_offset_resets_total",
                                        "Offsets out of range, resumed from the earliest", {})) {}

EventConsumer::~EventConsumer() { Stop(); }

absl::Status EventConsumer::Start() {
  auto conf = KafkaConf(options_.brokers, options_.client_id,
                        {{"group.id", absl::StrCat("crm-", options_.client_id)},
                         {"enable.auto.commit", "false"},
                         {"enable.auto.offset.store", "false"},
                         // Out of range is reported to us (counted, then resumed from the
                         // earliest) instead of being reset silently.
                         {"auto.offset.reset", "error"},
                         {"enable.partition.eof", "false"}});
  if (!conf.ok()) return conf.status();
  std::string err;
  consumer_.reset(RdKafka::KafkaConsumer::create(conf->get(), err));
  if (!consumer_) return absl::InvalidArgumentError(absl::StrCat("kafka consumer: ", err));
  thread_ = std::thread([this] { Run(); });
  return absl::OkStatus();
}

void EventConsumer::Stop() {
  if (stopping_.exchange(true)) return;
  if (thread_.joinable()) thread_.join();
  if (consumer_) consumer_->close();
}

bool EventConsumer::Assign() {
  cluster_id_ = consumer_->clusterid(2000);
  if (cluster_id_.empty()) return false;
  std::vector<RdKafka::TopicPartition*> assignment;
  assigned_.clear();
  for (const std::string& topic : options_.topics) {
    auto count = PartitionCount(*consumer_, topic, absl::Seconds(2));
    if (!count.ok()) {
      for (auto* tp : assignment) delete tp;
      return false;
    }
    for (int p = 0; p < *count; ++p) {
      int64_t start = RdKafka::Topic::OFFSET_BEGINNING;
      auto stored = store_.Get(store_.cf(kConsumerOffsetsCf), OffsetKey(topic, p));
      platform::store::v1::ConsumerOffset offset;
      int64_t low = 0, high = 0;
      bool known =
          consumer_->query_watermark_offsets(topic, p, &low, &high, 2000) == RdKafka::ERR_NO_ERROR;
      // An offset stored on another cluster, or past this partition's end (a cluster that
      // reused an id), means nothing here: start from the earliest; seen marks skip repeats.
      if (stored.ok() && stored->has_value() && offset.ParseFromString(**stored) &&
          offset.cluster_id() == cluster_id_ && known && offset.next_offset() <= high) {
        start = offset.next_offset();
      }
      assignment.push_back(RdKafka::TopicPartition::create(topic, p, start));
      assigned_.emplace_back(topic, p);
    }
  }
  RdKafka::ErrorCode code = consumer_->assign(assignment);
  for (auto* tp : assignment) delete tp;
  if (code != RdKafka::ERR_NO_ERROR) {
    LogWarning("kafka assign failed", {{"error", RdKafka::err2str(code)}});
    return false;
  }
  LogInfo("consuming", {{"cluster", cluster_id_}, {"partitions", absl::StrCat(assigned_.size())}});
  return true;
}

void EventConsumer::Run() {
  while (!stopping_ && !Assign()) absl::SleepFor(absl::Milliseconds(500));
  while (!stopping_) {
    std::unique_ptr<RdKafka::Message> message(consumer_->consume(100));
    switch (message->err()) {
      case RdKafka::ERR_NO_ERROR:
        Handle(*message);
        break;
      case RdKafka::ERR__TIMED_OUT:
        break;
      case RdKafka::ERR__AUTO_OFFSET_RESET:
      case RdKafka::ERR_OFFSET_OUT_OF_RANGE: {
        offset_resets_.Increment();
        LogWarning("offset out of range; resuming from the earliest",
                   {{"topic", message->topic_name()},
                    {"partition", absl::StrCat(message->partition())},
                    {"error", message->errstr()}});
        std::unique_ptr<RdKafka::TopicPartition> earliest(RdKafka::TopicPartition::create(
            message->topic_name(), message->partition(), RdKafka::Topic::OFFSET_BEGINNING));
        consumer_->seek(*earliest, 2000);
        break;
      }
      default:
        LogWarning("kafka consume error", {{"error", message->errstr()}});
    }
    UpdateLag();
  }
}

void EventConsumer::Handle(const RdKafka::Message& message) {
  events::v1::EventEnvelope envelope;
  absl::Status status;
  int attempts = 0;
  if (!envelope.ParseFromArray(message.payload(), static_cast<int>(message.len())) ||
      envelope.id().empty()) {
    // It will never parse: retrying cannot help.
    status = absl::InvalidArgumentError("not an EventEnvelope with an id");
    attempts = 1;
  } else {
    absl::Duration backoff = options_.retry_backoff;
    while (true) {
      status = ApplyOnce(message.topic_name(), message.partition(), message.offset(), envelope);
      if (status.ok()) return;
      ++attempts;
      failures_.Increment();
      LogWarning("event failed", {{"eventId", envelope.id()},
                                  {"type", envelope.type()},
                                  {"attempt", absl::StrCat(attempts)},
                                  {"error", status.ToString()}});
      // A passing condition (contention, an overloaded outbox, a store hiccup) holds the
      // partition until it passes, so events after it never overtake it; only an event the
      // handler refuses as such is set aside after max_attempts.
      bool transient = IsTransient(status);
      if (!transient && attempts >= options_.max_attempts) break;
      if (stopping_) return;  // not stored as done: it is read again at the next start
      absl::SleepFor(backoff);
      if (transient) backoff = std::min(backoff * 2, absl::Seconds(5));
    }
  }
  // Never move past an event whose dead letter is not stored: its offset would be lost with it.
  for (absl::Duration backoff = options_.retry_backoff; !stopping_;
       backoff = std::min(backoff * 2, absl::Seconds(5))) {
    absl::Status stored = DeadLetter(message, status.ToString(), attempts);
    if (stored.ok()) return;
    LogError("cannot store dead letter", {{"error", stored.ToString()}});
    absl::SleepFor(backoff);
  }
}

absl::Status EventConsumer::ApplyOnce(const std::string& topic, int partition, int64_t offset,
                                      const events::v1::EventEnvelope& envelope) {
  auto txn = store_.Begin();
  auto seen = txn->GetForUpdate(store_.cf(kSeenEventsCf), envelope.id());
  if (!seen.ok()) return seen.status();
  bool duplicate = seen->has_value();
  if (!duplicate) {
    if (absl::Status s = handler_(*txn, envelope); !s.ok()) return s;
    if (absl::Status s = txn->Put(store_.cf(kSeenEventsCf), envelope.id(),
                                  BigEndian64(absl::ToUnixMicros(clock_.Now())));
        !s.ok()) {
      return s;
    }
  }
  if (absl::Status s = StoreOffset(*txn, topic, partition, offset + 1); !s.ok()) return s;
  if (absl::Status s = txn->Commit(); !s.ok()) return s;
  if (duplicate) {
    duplicates_.Increment();
  } else {
    consumed_.Increment();
    ++applied_;
  }
  return absl::OkStatus();
}

absl::Status EventConsumer::StoreOffset(Txn& txn, const std::string& topic, int partition,
                                        int64_t next) {
  platform::store::v1::ConsumerOffset offset;
  offset.set_cluster_id(cluster_id_);
  offset.set_next_offset(next);
  return txn.Put(store_.cf(kConsumerOffsetsCf), OffsetKey(topic, partition),
                 offset.SerializeAsString());
}

absl::Status EventConsumer::DeadLetter(const RdKafka::Message& message, const std::string& error,
                                       int attempts) {
  platform::store::v1::DeadLetter letter;
  letter.set_topic(message.topic_name());
  letter.set_partition(message.partition());
  letter.set_offset(message.offset());
  letter.set_value(static_cast<const char*>(message.payload()), message.len());
  letter.set_error(error);
  letter.set_attempts(attempts);
  *letter.mutable_failed_at() = ToTimestamp(clock_.Now());
  auto txn = store_.Begin();
  if (absl::Status s = AddDeadLetter(*txn, store_, letter); !s.ok()) return s;
  if (absl::Status s =
          StoreOffset(*txn, message.topic_name(), message.partition(), message.offset() + 1);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = txn->Commit(); !s.ok()) return s;
  dead_lettered_.Increment();
  LogError("event dead-lettered", {{"topic", message.topic_name()},
                                   {"offset", absl::StrCat(message.offset())},
                                   {"error", error}});
  return absl::OkStatus();
}

bool EventConsumer::Reads(absl::string_view topic) const {
  for (const std::string& t : options_.topics) {
    if (t == topic) return true;
  }
  return false;
}

absl::StatusOr<std::vector<DeadLetterEntry>> EventConsumer::ListDeadLetters(int limit) const {
  auto all = platform::ListDeadLetters(store_, std::numeric_limits<int>::max(), "");
  if (!all.ok()) return all.status();
  std::vector<DeadLetterEntry> mine;
  for (auto& entry : *all) {
    if (static_cast<int>(mine.size()) >= limit) break;
    if (Reads(entry.letter.topic())) mine.push_back(std::move(entry));
  }
  return mine;
}

absl::StatusOr<int> EventConsumer::ReplayDeadLetters() {
  auto entries = ListDeadLetters(std::numeric_limits<int>::max());
  if (!entries.ok()) return entries.status();
  int replayed = 0;
  for (const auto& entry : *entries) {
    events::v1::EventEnvelope envelope;
    if (!envelope.ParseFromString(entry.letter.value()) || envelope.id().empty()) continue;
    auto txn = store_.Begin();
    auto seen = txn->GetForUpdate(store_.cf(kSeenEventsCf), envelope.id());
    if (!seen.ok()) return seen.status();
    if (!seen->has_value()) {
      if (!handler_(*txn, envelope).ok()) continue;  // still failing: it stays
      if (absl::Status s = txn->Put(store_.cf(kSeenEventsCf), envelope.id(),
                                    BigEndian64(absl::ToUnixMicros(clock_.Now())));
          !s.ok()) {
        return s;
      }
    }
    if (absl::Status s = txn->Delete(store_.cf(kDeadLettersCf), entry.key); !s.ok()) return s;
    if (absl::Status s = txn->Commit(); !s.ok()) return s;
    ++replayed;
  }
  return replayed;
}

void EventConsumer::UpdateLag() {
  absl::Time now = absl::Now();
  if (now - last_lag_update_ < absl::Seconds(1)) return;
  last_lag_update_ = now;
  std::vector<RdKafka::TopicPartition*> positions;
  for (const auto& [topic, p] : assigned_) {
    positions.push_back(RdKafka::TopicPartition::create(topic, p));
  }
  consumer_->position(positions);
  for (auto* tp : positions) {
    int64_t low = 0, high = 0;
    if (consumer_->get_watermark_offsets(tp->topic(), tp->partition(), &low, &high) ==
            RdKafka::ERR_NO_ERROR &&
        tp->offset() >= 0) {
      metrics_
          .AddGauge("crm_consumer_lag", "Messages in the partition not yet consumed",
                    {{"topic", tp->topic()}, {"partition", absl::StrCat(tp->partition())}})
          .Set(static_cast<double>(std::max<int64_t>(0, high - tp->offset())));
    }
    delete tp;
  }
}

}  // namespace crm::platform
