#include "event_consumer.h"

#include <google/protobuf/util/time_util.h>
#include <librdkafka/rdkafkacpp.h>

#include <limits>

#include "absl/strings/str_cat.h"
#include "kafka.h"
#include "keys.h"
#include "log.h"

namespace crm::platform {
namespace {

using google::protobuf::util::TimeUtil;

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
                         {"auto.offset.reset", "earliest"},
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
      platform::v1::ConsumerOffset offset;
      if (stored.ok() && stored->has_value() && offset.ParseFromString(**stored) &&
          offset.cluster_id() == cluster_id_) {
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
      case RdKafka::ERR_OFFSET_OUT_OF_RANGE:
        offset_resets_.Increment();
        LogWarning("offset out of range; resuming from the earliest",
                   {{"topic", message->topic_name()}, {"error", message->errstr()}});
        break;
      default:
        LogWarning("kafka consume error", {{"error", message->errstr()}});
    }
    UpdateLag();
  }
}

void EventConsumer::Handle(const RdKafka::Message& message) {
  events::v1::EventEnvelope envelope;
  if (!envelope.ParseFromArray(message.payload(), static_cast<int>(message.len())) ||
      envelope.id().empty()) {
    // It will never parse: retrying cannot help.
    if (absl::Status s = DeadLetter(message, "not an EventEnvelope with an id", 1); !s.ok()) {
      LogError("cannot store dead letter", {{"error", s.ToString()}});
    }
    return;
  }
  absl::Status status;
  for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
    status = ApplyOnce(message.topic_name(), message.partition(), message.offset(), envelope);
    if (status.ok()) return;
    failures_.Increment();
    LogWarning("event failed", {{"eventId", envelope.id()},
                                {"type", envelope.type()},
                                {"attempt", absl::StrCat(attempt)},
                                {"error", status.ToString()}});
    if (stopping_) return;  // not stored as done: it is read again at the next start
    absl::SleepFor(options_.retry_backoff);
  }
  if (absl::Status s = DeadLetter(message, status.ToString(), options_.max_attempts); !s.ok()) {
    LogError("cannot store dead letter", {{"error", s.ToString()}});
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
  platform::v1::ConsumerOffset offset;
  offset.set_cluster_id(cluster_id_);
  offset.set_next_offset(next);
  return txn.Put(store_.cf(kConsumerOffsetsCf), OffsetKey(topic, partition),
                 offset.SerializeAsString());
}

absl::Status EventConsumer::DeadLetter(const RdKafka::Message& message, const std::string& error,
                                       int attempts) {
  platform::v1::DeadLetter letter;
  letter.set_topic(message.topic_name());
  letter.set_partition(message.partition());
  letter.set_offset(message.offset());
  letter.set_value(static_cast<const char*>(message.payload()), message.len());
  letter.set_error(error);
  letter.set_attempts(attempts);
  absl::Time now = clock_.Now();
  *letter.mutable_failed_at() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(now));
  auto txn = store_.Begin();
  // Ordered by failure time, then partition and offset as fixed-width numbers.
  std::string key = absl::StrCat(BigEndian64(absl::ToUnixMicros(now)), message.topic_name(), "/",
                                 BigEndian64(static_cast<uint64_t>(message.partition())),
                                 BigEndian64(static_cast<uint64_t>(message.offset())));
  if (absl::Status s = txn->Put(store_.cf(kDeadLettersCf), key, letter.SerializeAsString());
      !s.ok()) {
    return s;
  }
  if (absl::Status s = StoreOffset(*txn, message.topic_name(), message.partition(),
                                   message.offset() + 1);
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
