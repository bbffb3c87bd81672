#include "platform/events/outbox.h"

#include <google/protobuf/util/time_util.h>
#include <google/protobuf/wrappers.pb.h>
#include <librdkafka/rdkafkacpp.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "crm/events/v1/customers.pb.h"
#include "platform/base/clock.h"
#include "platform/base/errors.h"
#include "platform/base/keys.h"
#include "platform/base/partitioning.h"
#include "platform/events/outbox_relay.h"
#include "platform/testing/test_support.h"

namespace crm::platform {
namespace {

using google::protobuf::StringValue;
using google::protobuf::util::TimeUtil;
using testing::MetricValue;
using testing::MockKafka;
using testing::OpenTestStore;
using testing::TempDir;
using testing::WaitFor;

const absl::Time kStart = absl::FromUnixSeconds(1'700'000'000) + absl::Microseconds(123456);
constexpr char kTopic[] = "crm.test.v1";

StringValue Payload(absl::string_view text) {
  StringValue m;
  m.set_value(std::string(text));
  return m;
}

std::vector<std::pair<std::string, events::v1::OutboxRecord>> Records(const Store& store) {
  std::vector<std::pair<std::string, events::v1::OutboxRecord>> records;
  REQUIRE(store
              .Scan(store.cf(kOutboxCf), "", "",
                    [&](absl::string_view key, absl::string_view value) {
                      events::v1::OutboxRecord record;
                      REQUIRE(record.ParseFromArray(value.data(), static_cast<int>(value.size())));
                      records.emplace_back(std::string(key), std::move(record));
                      return true;
                    })
              .ok());
  return records;
}

struct Fixture {
  explicit Fixture(int64_t cap = 100000) : cap(cap) { Reopen(); }

  // Closes and opens the store and the outbox again, as a restarted process would.
  void Reopen() {
    outbox.reset();
    store.reset();
    metrics = Metrics::InMemory();
    store = OpenTestStore(dir.path());
    auto opened = Outbox::Open(*store, clock, *metrics, {.source = "crm/test", .cap = cap});
    REQUIRE(opened.ok());
    outbox = std::move(*opened);
  }

  // Appends one event for `subject` in its own committed transaction; answers its id.
  std::string Append(absl::string_view subject, absl::string_view text = "hello") {
    auto txn = store->Begin();
    auto id = outbox->Append(
        *txn, {.topic = kTopic, .subject = std::string(subject), .request_id = "req-1"},
        Payload(text));
    REQUIRE(id.ok());
    REQUIRE(txn->Commit().ok());
    return *id;
  }

  int64_t cap;
  TempDir dir;
  ManualClock clock{kStart};
  std::unique_ptr<Metrics> metrics;
  std::unique_ptr<Store> store;
  std::unique_ptr<Outbox> outbox;
};

TEST_CASE("Append adds to the outbox only when its transaction commits", "[outbox]") {
  Fixture f;
  CHECK(f.outbox->depth() == 0);
  int woken = 0;
  f.outbox->SetOnAppend([&] { ++woken; });

  auto txn = f.store->Begin();
  auto id = f.outbox->Append(*txn, {.topic = kTopic, .subject = "c_1", .request_id = "req-9"},
                             Payload("hello"));
  REQUIRE(id.ok());
  CHECK(f.outbox->depth() == 0);
  CHECK(Records(*f.store).empty());
  CHECK(woken == 0);

  REQUIRE(txn->Commit().ok());
  CHECK(f.outbox->depth() == 1);
  CHECK(woken == 1);
  CHECK(MetricValue(*f.metrics, "crm_outbox_depth") == 1);
  CHECK(MetricValue(*f.metrics, "crm_outbox_appended_total") == 1);

  auto records = Records(*f.store);
  REQUIRE(records.size() == 1);
  const events::v1::OutboxRecord& record = records[0].second;
  CHECK(record.topic() == kTopic);
  CHECK(record.key() == "c_1");
  const events::v1::EventEnvelope& envelope = record.envelope();
  CHECK(envelope.id() == *id);
  CHECK(envelope.id().size() == 36);  // a UUID
  CHECK(envelope.type() == "google.protobuf.StringValue");
  CHECK(envelope.source() == "crm/test");
  CHECK(envelope.subject() == "c_1");
  CHECK(envelope.request_id() == "req-9");
  CHECK(TimeUtil::TimestampToMicroseconds(envelope.time()) == absl::ToUnixMicros(kStart));
  StringValue payload;
  REQUIRE(envelope.payload().UnpackTo(&payload));
  CHECK(payload.value() == "hello");
}

TEST_CASE("An event goes to its type's topic, and a message that is not an event is refused",
          "[outbox]") {
  Fixture f;
  auto txn = f.store->Begin();
  events::v1::CustomerRegistered registered;
  registered.set_customer_id("c_1");
  REQUIRE(f.outbox->Append(*txn, {.subject = "c_1"}, registered).ok());
  auto refused = f.outbox->Append(*txn, {.subject = "c_1"}, Payload("not an event"));
  CHECK(refused.status().code() == absl::StatusCode::kInternal);
  REQUIRE(txn->Commit().ok());
  auto records = Records(*f.store);
  REQUIRE(records.size() == 1);
  CHECK(records[0].second.topic() == "crm.customers.v1");
  CHECK(records[0].second.envelope().type() == "crm.events.v1.CustomerRegistered");
  CHECK(f.outbox->depth() == 1);
}

TEST_CASE("A transaction that is not committed adds nothing to the outbox", "[outbox]") {
  Fixture f;
  {
    auto txn = f.store->Begin();
    REQUIRE(f.outbox->Append(*txn, {.topic = kTopic, .subject = "c_1"}, Payload("x")).ok());
  }
  CHECK(f.outbox->depth() == 0);
  CHECK(Records(*f.store).empty());
  CHECK(MetricValue(*f.metrics, "crm_outbox_appended_total") == 0);
}

TEST_CASE("Events wait in append order each with its own id", "[outbox]") {
  Fixture f;
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    f.clock.Advance(absl::Seconds(1));
    ids.push_back(f.Append(absl::StrCat("c_", i), absl::StrCat("event ", i)));
  }
  CHECK(f.outbox->depth() == 5);
  auto records = Records(*f.store);
  REQUIRE(records.size() == 5);
  for (int i = 0; i < 5; ++i) {
    INFO("event " << i);
    CHECK(records[i].second.envelope().id() == ids[i]);
    CHECK(records[i].second.key() == absl::StrCat("c_", i));
    CHECK(TimeUtil::TimestampToMicroseconds(records[i].second.envelope().time()) ==
          absl::ToUnixMicros(kStart + absl::Seconds(i + 1)));
  }
  CHECK(ids[0] != ids[1]);
}

TEST_CASE("Append refuses with UNAVAILABLE / OVERLOADED once cap events wait", "[outbox]") {
  Fixture f(/*cap=*/2);
  f.Append("c_1");
  f.Append("c_2");

  auto txn = f.store->Begin();
  auto refused = f.outbox->Append(*txn, {.topic = kTopic, .subject = "c_3"}, Payload("x"));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == absl::StatusCode::kUnavailable);
  CHECK(DetailsOf(refused.status()).reason() == "OVERLOADED");
  REQUIRE(txn->Commit().ok());
  CHECK(f.outbox->depth() == 2);
  CHECK(Records(*f.store).size() == 2);

  // Once the relay published one, there is room again.
  auto del = f.store->Begin();
  REQUIRE(del->Delete(f.store->cf(kOutboxCf), Records(*f.store)[0].first).ok());
  REQUIRE(del->Commit().ok());
  f.outbox->Published(1);
  CHECK(f.outbox->depth() == 1);
  CHECK(MetricValue(*f.metrics, "crm_outbox_depth") == 1);
  f.Append("c_3");
  CHECK(f.outbox->depth() == 2);
}

TEST_CASE("Open counts the events already waiting and appends after them", "[outbox]") {
  Fixture f;
  std::string first = f.Append("c_1");
  std::string second = f.Append("c_2");
  std::string third = f.Append("c_3");

  f.Reopen();
  CHECK(f.outbox->depth() == 3);
  CHECK(MetricValue(*f.metrics, "crm_outbox_depth") == 3);

  std::string fourth = f.Append("c_4");
  CHECK(f.outbox->depth() == 4);
  auto records = Records(*f.store);
  REQUIRE(records.size() == 4);
  std::vector<std::string> ids;
  for (const auto& [key, record] : records) ids.push_back(record.envelope().id());
  CHECK(ids == std::vector<std::string>{first, second, third, fourth});
  CHECK(ReadBigEndian64(records[3].first) > ReadBigEndian64(records[2].first));
}

TEST_CASE("The low watermark is the lowest sequence of a transaction still open", "[outbox]") {
  Fixture f;
  f.Append("c_1");  // sequence 1, committed
  CHECK(f.outbox->LowWatermark() == 2);
  auto open = f.store->Begin();
  REQUIRE(f.outbox->Append(*open, {.topic = kTopic, .subject = "c_2"}, Payload("late")).ok());
  f.Append("c_3");  // sequence 3 commits while 2 is open
  CHECK(f.outbox->LowWatermark() == 2);
  open.reset();  // rolled back
  CHECK(f.outbox->LowWatermark() == 4);
}

// ---- The relay, against an in-process Kafka cluster.

struct Received {
  std::string key;
  int partition = -1;
  std::map<std::string, std::string> headers;
  events::v1::EventEnvelope envelope;
};

// Reads every partition of `topic` from the beginning until `count` messages arrived or
// `timeout` passed.
std::vector<Received> ConsumeAll(const std::string& brokers, const std::string& topic,
                                 int partitions, size_t count, absl::Duration timeout) {
  std::string err;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  conf->set("bootstrap.servers", brokers, err);
  conf->set("group.id", "outbox-test-reader", err);
  conf->set("enable.auto.commit", "false", err);
  conf->set("log_level", "3", err);
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(RdKafka::KafkaConsumer::create(conf.get(), err));
  REQUIRE(consumer);
  std::vector<RdKafka::TopicPartition*> assignment;
  for (int p = 0; p < partitions; ++p) {
    assignment.push_back(
        RdKafka::TopicPartition::create(topic, p, RdKafka::Topic::OFFSET_BEGINNING));
  }
  REQUIRE(consumer->assign(assignment) == RdKafka::ERR_NO_ERROR);
  RdKafka::TopicPartition::destroy(assignment);

  std::vector<Received> received;
  absl::Time deadline = absl::Now() + timeout;
  while (received.size() < count && absl::Now() < deadline) {
    std::unique_ptr<RdKafka::Message> message(consumer->consume(50));
    if (message->err() != RdKafka::ERR_NO_ERROR) continue;
    Received r;
    r.key = message->key() ? *message->key() : "";
    r.partition = message->partition();
    if (RdKafka::Headers* headers = message->headers()) {
      for (const auto& h : headers->get_all()) {
        r.headers[h.key()] = std::string(static_cast<const char*>(h.value()), h.value_size());
      }
    }
    REQUIRE(r.envelope.ParseFromArray(message->payload(), static_cast<int>(message->len())));
    received.push_back(std::move(r));
  }
  consumer->close();
  return received;
}

TEST_CASE(
    "The relay publishes every event with its key and headers on its partition and then deletes it",
    "[outbox][relay][kafka]") {
  constexpr int kPartitions = 4;
  MockKafka kafka({{kTopic, kPartitions}});
  Fixture f;
  std::map<std::string, std::string> subject_of;  // event id -> subject
  for (int i = 0; i < 6; ++i) {
    std::string subject = absl::StrCat("c_", i);
    subject_of[f.Append(subject, absl::StrCat("event ", i))] = subject;
  }
  REQUIRE(f.outbox->depth() == 6);

  OutboxRelay relay(*f.store, *f.outbox, f.clock, *f.metrics,
                    {.brokers = kafka.bootstrap(), .client_id = "outbox-test"});
  REQUIRE(relay.Start().ok());
  CHECK(WaitFor([&] { return f.outbox->depth() == 0; }, absl::Seconds(15)));

  // Appended while the relay runs: published too.
  for (int i = 6; i < 8; ++i) {
    std::string subject = absl::StrCat("c_", i);
    subject_of[f.Append(subject, absl::StrCat("event ", i))] = subject;
  }
  CHECK(relay.Drain(absl::Seconds(10)));
  CHECK(f.outbox->depth() == 0);
  CHECK(Records(*f.store).empty());
  CHECK(MetricValue(*f.metrics, "crm_outbox_depth") == 0);
  CHECK(MetricValue(*f.metrics, "crm_outbox_published_total") == 8);

  auto received = ConsumeAll(kafka.bootstrap(), kTopic, kPartitions, 8, absl::Seconds(15));
  REQUIRE(received.size() == 8);
  std::set<int> partitions_used;
  for (const Received& r : received) {
    const events::v1::EventEnvelope& e = r.envelope;
    INFO("event " << e.id() << " key " << r.key);
    REQUIRE(subject_of.contains(e.id()));
    CHECK(r.key == subject_of[e.id()]);
    CHECK(e.subject() == r.key);
    CHECK(r.partition == PartitionOf(r.key, kPartitions));
    partitions_used.insert(r.partition);
    auto header = [&](const std::string& name) {
      auto it = r.headers.find(name);
      return it == r.headers.end() ? std::string("<missing>") : it->second;
    };
    CHECK(header("ce_id") == e.id());
    CHECK(header("ce_type") == "google.protobuf.StringValue");
    CHECK(header("ce_source") == "crm/test");
    CHECK(header("ce_subject") == r.key);
    CHECK(header("ce_time") == TimeUtil::ToString(e.time()));
    CHECK(header("ce_specversion") == "1.0");
    StringValue payload;
    REQUIRE(e.payload().UnpackTo(&payload));
    CHECK(payload.value() == absl::StrCat("event ", r.key.substr(2)));
    subject_of.erase(e.id());  // each exactly once
  }
  CHECK(subject_of.empty());
  CHECK(partitions_used.size() > 1);

  // Within a partition events arrive in append order (c_0 .. c_7 were appended in order).
  std::map<int, std::vector<std::string>> per_partition;
  for (const Received& r : received) per_partition[r.partition].push_back(r.key);
  for (const auto& [partition, keys] : per_partition) {
    INFO("partition " << partition);
    CHECK(std::is_sorted(keys.begin(), keys.end()));
  }
}

TEST_CASE("An event committed after a later one was published is still found and published",
          "[outbox][relay][kafka]") {
  MockKafka kafka({{kTopic, 1}});
  Fixture f;
  OutboxRelay relay(*f.store, *f.outbox, f.clock, *f.metrics,
                    {.brokers = kafka.bootstrap(), .client_id = "outbox-test"});
  REQUIRE(relay.Start().ok());
  // The slow transaction takes its sequence first, the quick one commits and is published.
  auto slow = f.store->Begin();
  REQUIRE(f.outbox->Append(*slow, {.topic = kTopic, .subject = "c_1"}, Payload("slow")).ok());
  f.Append("c_2", "quick");
  REQUIRE(WaitFor([&] { return MetricValue(*f.metrics, "crm_outbox_published_total") == 1; },
                  absl::Seconds(15)));
  // More published past it, so the relay's scan has moved on.
  f.Append("c_3", "later");
  REQUIRE(WaitFor([&] { return MetricValue(*f.metrics, "crm_outbox_published_total") == 2; },
                  absl::Seconds(15)));
  REQUIRE(slow->Commit().ok());
  CHECK(WaitFor([&] { return f.outbox->depth() == 0; }, absl::Seconds(15)));
  auto received = ConsumeAll(kafka.bootstrap(), kTopic, 1, 3, absl::Seconds(15));
  std::set<std::string> texts;
  for (const Received& r : received) {
    StringValue payload;
    REQUIRE(r.envelope.payload().UnpackTo(&payload));
    texts.insert(payload.value());
  }
  CHECK(texts == std::set<std::string>{"slow", "quick", "later"});
}

TEST_CASE("A stopped relay leaves events waiting and Drain publishes them",
          "[outbox][relay][kafka]") {
  MockKafka kafka({{kTopic, 2}});
  Fixture f;
  OutboxRelay relay(*f.store, *f.outbox, f.clock, *f.metrics, {.brokers = kafka.bootstrap()});
  REQUIRE(relay.Start().ok());
  relay.Stop();
  std::string id = f.Append("c_1");
  CHECK(f.outbox->depth() == 1);

  CHECK(relay.Drain(absl::Seconds(10)));
  CHECK(f.outbox->depth() == 0);
  auto received = ConsumeAll(kafka.bootstrap(), kTopic, 2, 1, absl::Seconds(15));
  REQUIRE(received.size() == 1);
  CHECK(received[0].envelope.id() == id);
}

TEST_CASE("While Kafka is unreachable events stay in the outbox", "[outbox][relay][kafka]") {
  std::string gone;
  {
    MockKafka kafka({{kTopic, 1}});
    gone = kafka.bootstrap();
  }
  Fixture f;
  f.Append("c_1");
  OutboxRelay relay(*f.store, *f.outbox, f.clock, *f.metrics,
                    {.brokers = gone, .send_timeout = absl::Milliseconds(500)});
  REQUIRE(relay.Start().ok());
  CHECK_FALSE(relay.Drain(absl::Milliseconds(300)));
  CHECK(f.outbox->depth() == 1);
  CHECK(Records(*f.store).size() == 1);
  CHECK(MetricValue(*f.metrics, "crm_outbox_publish_failures_total") >= 1);
}

}  // namespace
}  // namespace crm::platform
