#include "platform/events/event_consumer.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/wrappers.pb.h>
#include <grpcpp/grpcpp.h>
#include <librdkafka/rdkafkacpp.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "platform/auth/tokens.h"
#include "platform/base/clock.h"
#include "platform/rpc/access_control.h"
#include "platform/rpc/grpc_status.h"
#include "platform/runtime/dead_letter_service.h"
#include "platform/runtime/rpc.h"
#include "platform/store/idempotency.h"
#include "platform/store/timers.h"
#include "platform/testing/test_support.h"

namespace crm::platform {
namespace {

using testing::MetricValue;
using testing::MockKafka;
using testing::OpenTestStore;
using testing::TempDir;
using testing::WaitFor;

// One partition, so the order of reading is the order of producing.
constexpr char kTopic[] = "crm.consumer-test.v1";
constexpr char kEffects[] = "effects";
const absl::Duration kWait = absl::Seconds(15);

events::v1::EventEnvelope Envelope(absl::string_view id) {
  events::v1::EventEnvelope e;
  e.set_id(std::string(id));
  e.set_type("google.protobuf.StringValue");
  e.set_source("crm/test");
  e.set_subject(absl::StrCat("subject-of-", id));
  google::protobuf::StringValue payload;
  payload.set_value(absl::StrCat("payload of ", id));
  e.mutable_payload()->PackFrom(payload);
  return e;
}

// Produces raw values to partition 0 of kTopic and waits until Kafka acknowledged them all.
void ProduceRaw(const std::string& brokers, const std::vector<std::string>& values) {
  class Reports : public RdKafka::DeliveryReportCb {
   public:
    void dr_cb(RdKafka::Message& m) override {
      if (m.err() == RdKafka::ERR_NO_ERROR) ++delivered;
    }
    int delivered = 0;
  } reports;
  std::string err;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  conf->set("bootstrap.servers", brokers, err);
  conf->set("log_level", "3", err);
  conf->set("dr_cb", &reports, err);
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), err));
  REQUIRE(producer);
  for (const std::string& value : values) {
    REQUIRE(producer->produce(kTopic, 0, RdKafka::Producer::RK_MSG_COPY,
                              const_cast<char*>(value.data()), value.size(), nullptr, 0, 0, nullptr,
                              nullptr) == RdKafka::ERR_NO_ERROR);
  }
  producer->flush(10000);
  REQUIRE(reports.delivered == static_cast<int>(values.size()));
}

void Produce(const std::string& brokers, const std::vector<std::string>& ids) {
  std::vector<std::string> values;
  for (const auto& id : ids) values.push_back(Envelope(id).SerializeAsString());
  ProduceRaw(brokers, values);
}

// A store whose handler counts, in the handler's transaction, how often each event applied.
// Events whose id is in `failing` fail while `fixed` is false.
struct Fixture {
  TempDir dir;
  ManualClock clock{absl::FromUnixSeconds(1'700'000'000)};
  std::unique_ptr<Store> store = OpenTestStore(dir.path(), {kEffects});
  std::set<std::string> failing;
  std::atomic<bool> fixed{false};
  // Events whose id is in `flaky` fail with UNAVAILABLE while this is above zero.
  std::set<std::string> flaky;
  std::atomic<int> transient_failures_left{0};

  EventHandler Handler() {
    return [this](Txn& txn, const events::v1::EventEnvelope& event) -> absl::Status {
      if (flaky.contains(event.id()) && transient_failures_left.load() > 0) {
        --transient_failures_left;
        return absl::UnavailableError("store is busy");
      }
      if (failing.contains(event.id()) && !fixed.load()) {
        return absl::FailedPreconditionError(absl::StrCat("cannot apply ", event.id()));
      }
      google::protobuf::StringValue payload;
      if (!event.payload().UnpackTo(&payload) ||
          payload.value() != absl::StrCat("payload of ", event.id())) {
        return absl::InvalidArgumentError("payload did not arrive intact");
      }
      for (std::string key : {absl::StrCat("count/", event.id()), std::string("total")}) {
        auto current = txn.GetForUpdate(store->cf(kEffects), key);
        if (!current.ok()) return current.status();
        int n = 0;
        if (current->has_value() && !absl::SimpleAtoi(**current, &n)) {
          return absl::InternalError("bad counter");
        }
        if (absl::Status s = txn.Put(store->cf(kEffects), key, absl::StrCat(n + 1)); !s.ok()) {
          return s;
        }
      }
      return absl::OkStatus();
    };
  }

  std::unique_ptr<EventConsumer> Consumer(const MockKafka& kafka, Metrics& metrics) {
    auto consumer = std::make_unique<EventConsumer>(
        *store, clock, metrics,
        EventConsumerOptions{.brokers = kafka.bootstrap(),
                             .client_id = "consumer-test",
                             .topics = {kTopic},
                             .max_attempts = 3,
                             .retry_backoff = absl::Milliseconds(10)},
        Handler());
    REQUIRE(consumer->Start().ok());
    return consumer;
  }

  // How often the handler's effect for `key` ("count/<id>" or "total") was committed.
  int Effect(absl::string_view key) {
    auto value = store->Get(store->cf(kEffects), key);
    REQUIRE(value.ok());
    int n = 0;
    if (value->has_value()) REQUIRE(absl::SimpleAtoi(**value, &n));
    return n;
  }

  std::vector<DeadLetterEntry> DeadLetters(const EventConsumer& consumer) {
    auto letters = consumer.ListDeadLetters(100);
    REQUIRE(letters.ok());
    return *letters;
  }
};

TEST_CASE("Each distinct event is applied once and repeats are counted as duplicates",
          "[event_consumer][kafka]") {
  MockKafka kafka({{kTopic, 1}});
  Fixture f;
  auto metrics = Metrics::InMemory();
  Produce(kafka.bootstrap(), {"e1", "e2", "e1", "e3", "e2", "e1"});

  auto consumer = f.Consumer(kafka, *metrics);
  REQUIRE(
      WaitFor([&] { return MetricValue(*metrics, "crm_consumer_duplicates_total") == 3; }, kWait));
  CHECK(consumer->applied() == 3);
  CHECK(MetricValue(*metrics, "crm_consumer_events_total") == 3);
  CHECK(f.Effect("count/e1") == 1);
  CHECK(f.Effect("count/e2") == 1);
  CHECK(f.Effect("count/e3") == 1);
  CHECK(f.Effect("total") == 3);
  CHECK(f.DeadLetters(*consumer).empty());
}

TEST_CASE(
    "An event that keeps failing is dead-lettered while later events still apply and "
    "replaying after a fix applies it",
    "[event_consumer][kafka]") {
  MockKafka kafka({{kTopic, 1}});
  Fixture f;
  f.failing = {"bad"};
  auto metrics = Metrics::InMemory();
  ProduceRaw(kafka.bootstrap(),
             {Envelope("a").SerializeAsString(), Envelope("bad").SerializeAsString(),
              std::string("\xff\xff not an envelope"), Envelope("c").SerializeAsString()});

  auto consumer = f.Consumer(kafka, *metrics);
  REQUIRE(WaitFor([&] { return consumer->applied() == 2; }, kWait));
  CHECK(f.Effect("count/a") == 1);
  CHECK(f.Effect("count/c") == 1);
  CHECK(f.Effect("count/bad") == 0);
  CHECK(MetricValue(*metrics, "crm_consumer_failures_total") == 3);
  CHECK(MetricValue(*metrics, "crm_consumer_dead_letters_total") == 2);

  auto letters = f.DeadLetters(*consumer);
  REQUIRE(letters.size() == 2);
  // In the order they failed: "bad" (offset 1), then the unparseable message (offset 2).
  const platform::store::v1::DeadLetter& bad = letters[0].letter;
  CHECK(bad.topic() == kTopic);
  CHECK(bad.partition() == 0);
  CHECK(bad.offset() == 1);
  CHECK(bad.attempts() == 3);
  CHECK(bad.error().find("cannot apply bad") != std::string::npos);
  CHECK(bad.failed_at().seconds() == 1'700'000'000);
  events::v1::EventEnvelope kept;
  REQUIRE(kept.ParseFromString(bad.value()));
  CHECK(kept.id() == "bad");
  const platform::store::v1::DeadLetter& garbage = letters[1].letter;
  CHECK(garbage.offset() == 2);
  CHECK(garbage.attempts() == 1);
  CHECK(garbage.value() == "\xff\xff not an envelope");

  // Still failing: replay keeps it.
  auto replayed = consumer->ReplayDeadLetters();
  REQUIRE(replayed.ok());
  CHECK(*replayed == 0);
  CHECK(f.DeadLetters(*consumer).size() == 2);

  f.fixed = true;
  replayed = consumer->ReplayDeadLetters();
  REQUIRE(replayed.ok());
  CHECK(*replayed == 1);
  CHECK(f.Effect("count/bad") == 1);
  CHECK(f.Effect("total") == 3);
  // What can never parse stays listed for a person to look at.
  letters = f.DeadLetters(*consumer);
  REQUIRE(letters.size() == 1);
  CHECK(letters[0].letter.offset() == 2);

  replayed = consumer->ReplayDeadLetters();
  REQUIRE(replayed.ok());
  CHECK(*replayed == 0);
  CHECK(f.Effect("count/bad") == 1);
}

TEST_CASE("A restarted consumer goes on from its stored offsets", "[event_consumer][kafka]") {
  MockKafka kafka({{kTopic, 1}});
  Fixture f;
  Produce(kafka.bootstrap(), {"e1", "e2"});
  {
    auto metrics = Metrics::InMemory();
    auto consumer = f.Consumer(kafka, *metrics);
    REQUIRE(WaitFor([&] { return consumer->applied() == 2; }, kWait));
  }
  Produce(kafka.bootstrap(), {"e3"});

  auto metrics = Metrics::InMemory();
  auto consumer = f.Consumer(kafka, *metrics);
  REQUIRE(WaitFor([&] { return consumer->applied() == 1; }, kWait));
  // e3 comes after e1 and e2 in the partition: had they been read again, they would have been
  // counted as duplicates before e3 applied.
  CHECK(MetricValue(*metrics, "crm_consumer_duplicates_total") == 0);
  CHECK(f.Effect("count/e1") == 1);
  CHECK(f.Effect("count/e2") == 1);
  CHECK(f.Effect("count/e3") == 1);
  CHECK(f.Effect("total") == 3);
}

TEST_CASE(
    "On a different Kafka cluster the consumer re-reads from the earliest offset "
    "and applies nothing twice",
    "[event_consumer][kafka]") {
  Fixture f;
  auto first = std::make_unique<MockKafka>(std::vector<std::pair<std::string, int>>{{kTopic, 1}});
  Produce(first->bootstrap(), {"e1", "e2"});
  {
    auto metrics = Metrics::InMemory();
    auto consumer = f.Consumer(*first, *metrics);
    REQUIRE(WaitFor([&] { return consumer->applied() == 2; }, kWait));
  }

  // A restarted broker: new cluster id, its log starts again at offset 0.
  MockKafka second({{kTopic, 1}});
  std::string first_id = first->ClusterId();
  std::string second_id = second.ClusterId();
  REQUIRE_FALSE(first_id.empty());
  REQUIRE_FALSE(second_id.empty());
  REQUIRE(first_id != second_id);
  first.reset();
  Produce(second.bootstrap(), {"e1", "e2", "e3"});

  auto metrics = Metrics::InMemory();
  auto consumer = f.Consumer(second, *metrics);
  REQUIRE(WaitFor([&] { return consumer->applied() == 1; }, kWait));
  // Read from offset 0 (the stored offset 2 belongs to the other cluster): e1 and e2 again,
  // skipped thanks to their seen marks.
  CHECK(
      WaitFor([&] { return MetricValue(*metrics, "crm_consumer_duplicates_total") == 2; }, kWait));
  CHECK(f.Effect("count/e1") == 1);
  CHECK(f.Effect("count/e2") == 1);
  CHECK(f.Effect("count/e3") == 1);
  CHECK(f.Effect("total") == 3);
}

}  // namespace
}  // namespace crm::platform

namespace crm::platform {
namespace {

TEST_CASE("A passing failure is retried past max_attempts and never dead-lettered",
          "[event_consumer][kafka]") {
  MockKafka kafka({{kTopic, 1}});
  Fixture f;
  f.flaky = {"x"};
  f.transient_failures_left = 6;  // twice max_attempts
  auto metrics = Metrics::InMemory();
  Produce(kafka.bootstrap(), {"x", "y"});
  auto consumer = f.Consumer(kafka, *metrics);
  REQUIRE(WaitFor([&] { return consumer->applied() == 2; }, kWait));
  CHECK(f.Effect("count/x") == 1);
  CHECK(f.Effect("count/y") == 1);
  CHECK(MetricValue(*metrics, "crm_consumer_failures_total") == 6);
  CHECK(MetricValue(*metrics, "crm_consumer_dead_letters_total") == 0);
  CHECK(f.DeadLetters(*consumer).empty());
}

TEST_CASE("DeadLetterService lists dead letters page by page and replays them after a fix",
          "[event_consumer][kafka][dead_letter_service]") {
  MockKafka kafka({{kTopic, 1}});
  Fixture f;
  f.failing = {"bad1", "bad2", "bad3"};
  auto metrics = Metrics::InMemory();
  Produce(kafka.bootstrap(), {"a", "bad1", "bad2", "bad3"});
  auto consumer = f.Consumer(kafka, *metrics);
  REQUIRE(WaitFor([&] { return MetricValue(*metrics, "crm_consumer_dead_letters_total") == 3; },
                  kWait));

  testing::KeyPair keys = testing::NewEs256Keys();
  auto signer =
      TokenSigner::Create({.private_key_pem = keys.private_pem, .issuer = "crm/customers"});
  auto verifier =
      TokenVerifier::Create({.issuers = {{"crm/customers", keys.public_pem}}, .audience = "crm"});
  REQUIRE(signer.ok());
  REQUIRE(verifier.ok());
  SystemClock real_time;
  Timers timers(*f.store, real_time, *metrics);
  Idempotency idempotency(*f.store, timers, real_time);
  WorkerPool workers({.threads = 1, .queue_capacity = 1});
  Rpc rpc(AccessControl(DescriptorOf<platform::v1::DeadLetterService>(), real_time,
                        {.verifier = &*verifier}),
          {.store = *f.store, .idempotency = idempotency, .workers = workers});
  auto token_for = [&](const std::string& role) {
    return *signer->Sign({.subject = "st_ops",
                          .role = role,
                          .audience = "crm",
                          .issued_at = absl::Now(),
                          .not_before = absl::Now(),
                          .expires_at = absl::Now() + absl::Minutes(5)});
  };
  std::string admin = "Bearer " + token_for("admin");
  DeadLetterService service(*f.store, {consumer.get()}, rpc);
  testing::InProcessServer server({&service});
  auto stub = platform::v1::DeadLetterService::NewStub(server.Channel());

  auto list = [&](int page_size, const std::string& token,
                  platform::v1::ListDeadLettersResponse* response) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", admin);
    platform::v1::ListDeadLettersRequest request;
    request.set_page_size(page_size);
    request.set_page_token(token);
    return stub->ListDeadLetters(&context, request, response);
  };
  auto replay = [&](platform::v1::ReplayDeadLettersResponse* response) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", admin);
    return stub->ReplayDeadLetters(&context, platform::v1::ReplayDeadLettersRequest(), response);
  };

  {
    // Only admins and services: no token, or an agent's, is refused.
    platform::v1::ListDeadLettersResponse ignored;
    grpc::ClientContext anonymous;
    CHECK(stub->ListDeadLetters(&anonymous, {}, &ignored).error_code() ==
          grpc::StatusCode::UNAUTHENTICATED);
    grpc::ClientContext agent;
    agent.AddMetadata("authorization", "Bearer " + token_for("agent"));
    CHECK(stub->ListDeadLetters(&agent, {}, &ignored).error_code() ==
          grpc::StatusCode::PERMISSION_DENIED);
  }
  platform::v1::ListDeadLettersResponse first, second, bad_token;
  REQUIRE(list(2, "", &first).ok());
  REQUIRE(first.dead_letters_size() == 2);
  CHECK(first.dead_letters(0).event_id() == "bad1");
  CHECK(first.dead_letters(0).event_type() == "google.protobuf.StringValue");
  CHECK(first.dead_letters(0).attempts() == 3);
  CHECK(first.dead_letters(1).event_id() == "bad2");
  REQUIRE_FALSE(first.next_page_token().empty());
  REQUIRE(list(2, first.next_page_token(), &second).ok());
  REQUIRE(second.dead_letters_size() == 1);
  CHECK(second.dead_letters(0).event_id() == "bad3");
  CHECK(second.next_page_token().empty());

  grpc::Status refused = list(2, "not a token!", &bad_token);
  CHECK(refused.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  REQUIRE(DetailsOf(refused).field_violations_size() == 1);
  CHECK(DetailsOf(refused).field_violations(0).field() == "pageToken");

  platform::v1::ReplayDeadLettersResponse still_failing, after_fix, again;
  REQUIRE(replay(&still_failing).ok());
  CHECK(still_failing.replayed() == 0);
  CHECK(still_failing.remaining() == 3);

  f.fixed = true;
  REQUIRE(replay(&after_fix).ok());
  CHECK(after_fix.replayed() == 3);
  CHECK(after_fix.remaining() == 0);
  CHECK(f.Effect("count/bad1") == 1);
  CHECK(f.Effect("count/bad3") == 1);

  REQUIRE(replay(&again).ok());
  CHECK(again.replayed() == 0);
  CHECK(f.Effect("count/bad1") == 1);
}

}  // namespace
}  // namespace crm::platform
