#include "platform/events/outbox_relay.h"

#include <google/protobuf/util/time_util.h>
#include <librdkafka/rdkafkacpp.h>

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "crm/events/v1/envelope.pb.h"
#include "platform/base/keys.h"
#include "platform/base/log.h"
#include "platform/base/partitioning.h"
#include "platform/base/proto_time.h"
#include "platform/events/kafka.h"
#include "platform/store/dead_letters.h"

namespace crm::platform {
namespace {

using google::protobuf::util::TimeUtil;

// One event of a round, and what Kafka said about it. The delivery callback fills it in.
struct Pending {
  std::string key;    // outbox key
  bool sent = false;  // handed to the producer: a delivery report will come
  bool done = false;
  RdKafka::ErrorCode error = RdKafka::ERR_NO_ERROR;
};

// Errors no retry can fix: the event itself is unacceptable to Kafka.
bool IsPermanent(RdKafka::ErrorCode code) {
  return code == RdKafka::ERR_MSG_SIZE_TOO_LARGE || code == RdKafka::ERR__INVALID_ARG ||
         code == RdKafka::ERR_INVALID_MSG || code == RdKafka::ERR_INVALID_RECORD ||
         code == RdKafka::ERR_RECORD_LIST_TOO_LARGE;
}

class DeliveryReport : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override {
    auto* pending = static_cast<Pending*>(message.msg_opaque());
    pending->done = true;
    pending->error = message.err();
  }
};

DeliveryReport& DeliveryReports() {
  static DeliveryReport report;
  return report;
}

RdKafka::Headers* CloudEventHeaders(const events::v1::EventEnvelope& envelope) {
  RdKafka::Headers* headers = RdKafka::Headers::create();
  headers->add("ce_specversion", "1.0");
  headers->add("ce_id", envelope.id());
  headers->add("ce_type", envelope.type());
  headers->add("ce_source", envelope.source());
  headers->add("ce_time", TimeUtil::ToString(envelope.time()));
  headers->add("ce_subject", envelope.subject());
  headers->add("content-type", "application/protobuf");
  return headers;
}

}  // namespace

OutboxRelay::OutboxRelay(Store& store, Outbox& outbox, const Clock& clock, Metrics& metrics,
                         OutboxRelayOptions options)
    : store_(store),
      outbox_(outbox),
      clock_(clock),
      options_(std::move(options)),
      published_(metrics.AddCounter("crm_outbox_published_total",
                                    "Events Kafka acknowledged and the outbox deleted", {})),
      failures_(metrics.AddCounter("crm_outbox_publish_failures_total",
                                   "Sends Kafka did not acknowledge (retried later)", {})),
      rejected_(metrics.AddCounter("crm_outbox_rejected_total",
                                   "Events Kafka refused for good, moved to dead letters", {})),
      producer_restarts_(metrics.AddCounter("crm_outbox_producer_restarts_total",
                                            "Producers replaced after a fatal error", {})),
      oldest_age_(metrics.AddGauge("crm_outbox_oldest_age_seconds",
                                   "Age of the oldest event waiting in the outbox", {})),
      publish_latency_(metrics.AddHistogram("crm_outbox_publish_latency_seconds",
                                            "Time from append to Kafka acknowledgement", {},
                                            Metrics::LatencyBuckets())) {}

OutboxRelay::~OutboxRelay() { Stop(); }

absl::Status OutboxRelay::Start() {
  if (absl::Status s = CreateProducer(); !s.ok()) return s;
  outbox_.SetOnAppend([this] { Wake(); });
  thread_ = std::thread([this] { Run(); });
  return absl::OkStatus();
}

absl::Status OutboxRelay::CreateProducer() {
  auto conf = KafkaConf(
      options_.brokers, options_.client_id,
      {{"enable.idempotence", "true"},
       {"acks", "all"},
       {"linger.ms", "2"},
       {"message.timeout.ms", absl::StrCat(absl::ToInt64Milliseconds(options_.send_timeout))}});
  if (!conf.ok()) return conf.status();
  std::string err;
  if ((*conf)->set("dr_cb", &DeliveryReports(), err) != RdKafka::Conf::CONF_OK) {
    return absl::InternalError(err);
  }
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf->get(), err));
  if (!producer) return absl::InvalidArgumentError(absl::StrCat("kafka producer: ", err));
  producer_ = std::move(producer);
  return absl::OkStatus();
}

void OutboxRelay::Wake() {
  absl::MutexLock lock(&mu_);
  woken_ = true;
}

void OutboxRelay::Stop() {
  {
    absl::MutexLock lock(&mu_);  // wakes the idle wait, which reads stopping_
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
  outbox_.SetOnAppend(nullptr);
}

bool OutboxRelay::Drain(absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  Stop();  // the rounds below run here, with our deadline
  if (!producer_) return outbox_.depth() == 0;
  while (outbox_.depth() > 0 && absl::Now() < deadline) {
    auto published = PublishBatch(deadline, /*interruptible=*/false);
    if (!published.ok() || *published == 0) absl::SleepFor(absl::Milliseconds(50));
  }
  return outbox_.depth() == 0;
}

void OutboxRelay::Run() {
  while (!stopping_) {
    absl::StatusOr<int> published =
        PublishBatch(absl::Now() + options_.send_timeout, /*interruptible=*/true);
    absl::Duration pause = absl::ZeroDuration();
    if (!published.ok()) {
      pause = options_.retry_backoff;
    } else if (*published == 0) {
      pause = absl::Milliseconds(200);  // idle: an append wakes us sooner
    }
    if (pause > absl::ZeroDuration()) {
      absl::MutexLock lock(&mu_);
      mu_.AwaitWithTimeout(absl::Condition(
                               +[](OutboxRelay* r) ABSL_EXCLUSIVE_LOCKS_REQUIRED(r->mu_) {
                                 return r->stopping_ || r->woken_;
                               },
                               this),
                           pause);
      woken_ = false;
    }
  }
}

absl::StatusOr<int> OutboxRelay::Partitions(const std::string& topic) {
  // Asked again now and then: a topic's partitions can be added while we run.
  auto cached = partitions_.find(topic);
  if (cached != partitions_.end() && absl::Now() - cached->second.second < absl::Minutes(1)) {
    return cached->second.first;
  }
  absl::StatusOr<int> count = PartitionCount(*producer_, topic, absl::Seconds(2));
  if (count.ok()) partitions_[topic] = {*count, absl::Now()};
  return count;
}

absl::StatusOr<int> OutboxRelay::PublishBatch(absl::Time deadline, bool interruptible) {
  absl::MutexLock round(&round_mu_);
  ColumnFamily cf = store_.cf(kOutboxCf);

  std::vector<events::v1::OutboxRecord> records;
  std::vector<std::string> keys;
  // Sampled before the scan: whatever commits after it has a sequence at least this.
  const uint64_t watermark = outbox_.LowWatermark();
  absl::Status scanned =
      store_.Scan(cf, "", floor_ == 0 ? "" : BigEndian64(floor_),
                  [&](absl::string_view key, absl::string_view value) {
                    events::v1::OutboxRecord record;
                    if (!record.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
                      LogError("unreadable outbox record; skipped", {});
                      return true;
                    }
                    keys.emplace_back(key);
                    records.push_back(std::move(record));
                    return static_cast<int>(records.size()) < options_.batch_size;
                  });
  if (!scanned.ok()) return scanned;
  if (records.empty()) {
    floor_ = std::min(floor_ == 0 ? watermark : floor_, watermark);
    oldest_age_.Set(0);
    return 0;
  }
  oldest_age_.Set(
      absl::ToDoubleSeconds(clock_.Now() - FromTimestamp(records.front().envelope().time())));

  // Each event is sent, held for a later round, or rejected for good. A topic Kafka cannot
  // take now holds all its later events too, so one topic's order is kept.
  std::vector<Pending> pending(records.size());
  std::set<std::string> held_topics;
  for (size_t i = 0; i < records.size(); ++i) {
    const auto& record = records[i];
    pending[i].key = keys[i];
    if (held_topics.contains(record.topic())) continue;
    absl::StatusOr<int> partitions = Partitions(record.topic());
    if (!partitions.ok()) {
      held_topics.insert(record.topic());
      continue;
    }
    std::string value = record.envelope().SerializeAsString();
    RdKafka::Headers* headers = CloudEventHeaders(record.envelope());
    RdKafka::ErrorCode code;
    for (;;) {
      code = producer_->produce(
          record.topic(), PartitionOf(record.key(), *partitions), RdKafka::Producer::RK_MSG_COPY,
          value.data(), value.size(), record.key().data(), record.key().size(),
          TimeUtil::TimestampToMilliseconds(record.envelope().time()), headers, &pending[i]);
      if (code != RdKafka::ERR__QUEUE_FULL) break;
      producer_->poll(50);
    }
    if (code == RdKafka::ERR_NO_ERROR) {
      pending[i].sent = true;
      continue;
    }
    delete headers;  // librdkafka owns them only when produce succeeded
    LogWarning("outbox send refused",
               {{"topic", record.topic()}, {"error", RdKafka::err2str(code)}});
    if (IsPermanent(code)) {
      pending[i].done = true;
      pending[i].error = code;
    } else {
      held_topics.insert(record.topic());
    }
  }

  // Wait for every report: the producer retries on its own until send_timeout. Past our
  // deadline (or when stopping) the rest is purged, which still reports each message, so
  // `pending` is never written after this function returns.
  auto all_done = [&] {
    for (const Pending& p : pending) {
      if (p.sent && !p.done) return false;
    }
    return true;
  };
  while (!all_done()) {
    if (absl::Now() >= deadline || (interruptible && stopping_.load())) {
      producer_->purge(RdKafka::Producer::PURGE_QUEUE | RdKafka::Producer::PURGE_INFLIGHT);
    }
    producer_->poll(20);
    oldest_age_.Set(
        absl::ToDoubleSeconds(clock_.Now() - FromTimestamp(records.front().envelope().time())));
  }

  // Published events leave the outbox; rejected ones move to the dead letters in the same
  // commit. Deleting a published event need not wait for fsync (if the delete is lost the event
  // is published again, which consumers tolerate); moving one to the dead letters must.
  bool any_rejected = false;
  for (const Pending& p : pending) any_rejected |= p.done && IsPermanent(p.error);
  auto txn = store_.Begin(any_rejected ? Durability::kSynced : Durability::kRelaxed);
  int published = 0, rejected = 0, waiting = 0;
  // The next scan starts at the first event left here, else just past the last one seen.
  uint64_t resume = ReadBigEndian64(keys.back()) + 1;
  absl::Time now = clock_.Now();
  for (size_t i = 0; i < records.size(); ++i) {
    const Pending& p = pending[i];
    if (p.done && p.error == RdKafka::ERR_NO_ERROR) {
      publish_latency_.Observe(
          absl::ToDoubleSeconds(now - FromTimestamp(records[i].envelope().time())));
      ++published;
    } else if (p.done && IsPermanent(p.error)) {
      platform::store::v1::DeadLetter letter;
      letter.set_topic(records[i].topic());
      letter.set_partition(-1);
      letter.set_offset(static_cast<int64_t>(ReadBigEndian64(p.key)));
      letter.set_value(records[i].envelope().SerializeAsString());
      letter.set_error(absl::StrCat("kafka refused the event: ", RdKafka::err2str(p.error)));
      letter.set_attempts(1);
      *letter.mutable_failed_at() = ToTimestamp(now);
      if (absl::Status s = AddDeadLetter(*txn, store_, letter); !s.ok()) return s;
      ++rejected;
    } else {
      if (waiting++ == 0) resume = ReadBigEndian64(p.key);
      continue;
    }
    if (absl::Status s = txn->Delete(cf, p.key); !s.ok()) return s;
  }
  if (published + rejected > 0) {
    if (absl::Status s = txn->Commit(); !s.ok()) return s;
    floor_ = std::min(resume, watermark);
    outbox_.Published(published + rejected);
    published_.Increment(published);
    rejected_.Increment(rejected);
  }

  // A fatal error (e.g. a broken idempotence sequence) leaves the producer useless: replace it.
  std::string fatal;
  if (producer_->fatal_error(fatal) != RdKafka::ERR_NO_ERROR) {
    LogError("kafka producer failed fatally; replacing it", {{"error", fatal}});
    producer_restarts_.Increment();
    if (absl::Status s = CreateProducer(); !s.ok()) return s;
  }
  if (waiting > 0) {
    failures_.Increment(waiting);
    return absl::UnavailableError("kafka did not acknowledge every event");
  }
  return published;
}

}  // namespace crm::platform
