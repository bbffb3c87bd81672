// While every Kafka broker is down, writes still succeed and their events wait in the outbox;
// when the brokers come back every event arrives. A consumer built on the platform's consumer
// loop, fed each event twice, applies each once.
#include <librdkafka/rdkafkacpp.h>

#include <catch2/catch.hpp>
#include <map>
#include <mutex>

#include "customer_calls.h"
#include "harness.h"
#include "platform/base/clock.h"
#include "platform/base/metrics.h"
#include "platform/base/partitioning.h"
#include "platform/events/event_consumer.h"
#include "platform/store/store.h"

namespace crm::testing {
namespace {

constexpr char kTopic[] = "crm.customers.v1";
constexpr int kCustomers = 5;

// Counts, per customer, how many times an event about it was applied.
class CountingConsumer {
 public:
  CountingConsumer(const std::string& dir, const std::string& brokers) {
    store_ = std::move(*platform::Store::Open({.path = dir, .column_families = {"effects"}}));
    consumer_ = std::make_unique<platform::EventConsumer>(
        *store_, clock_, *metrics_,
        platform::EventConsumerOptions{
            .brokers = brokers, .client_id = "outage-test", .topics = {kTopic}},
        [this](platform::Txn& txn, const events::v1::EventEnvelope& event) {
          auto count = txn.GetForUpdate(store_->cf("effects"), event.subject());
          if (!count.ok()) return count.status();
          int n = count->has_value() ? std::stoi(**count) : 0;
          std::lock_guard<std::mutex> lock(mu_);
          received_.push_back(event);
          return txn.Put(store_->cf("effects"), event.subject(), std::to_string(n + 1));
        });
    REQUIRE(consumer_->Start().ok());
  }
  ~CountingConsumer() { consumer_->Stop(); }

  int64_t applied() const { return consumer_->applied(); }
  double duplicates() const {
    return MetricValue(metrics_->Scrape(), "crm_consumer_duplicates_total");
  }
  int EffectsOn(const std::string& customer_id) const {
    auto count = store_->Get(store_->cf("effects"), customer_id);
    return count.ok() && count->has_value() ? std::stoi(**count) : 0;
  }
  std::vector<events::v1::EventEnvelope> received() {
    std::lock_guard<std::mutex> lock(mu_);
    return received_;
  }

 private:
  platform::SystemClock clock_;
  std::unique_ptr<platform::Metrics> metrics_ = platform::Metrics::InMemory();
  std::unique_ptr<platform::Store> store_;
  std::unique_ptr<platform::EventConsumer> consumer_;
  std::mutex mu_;
  std::vector<events::v1::EventEnvelope> received_;
};

// Publishes `events` again, as a relay that crashed between Kafka's ack and its delete would.
void PublishAgain(const std::string& brokers,
                  const std::vector<events::v1::EventEnvelope>& events) {
  std::string err;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  conf->set("bootstrap.servers", brokers, err);
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), err));
  REQUIRE(producer);
  for (const auto& event : events) {
    std::string value = event.SerializeAsString();
    REQUIRE(producer->produce(kTopic, platform::PartitionOf(event.subject(), 6),
                              RdKafka::Producer::RK_MSG_COPY, value.data(), value.size(),
                              event.subject().data(), event.subject().size(), 0,
                              nullptr) == RdKafka::ERR_NO_ERROR);
  }
  REQUIRE(producer->flush(10000) == RdKafka::ERR_NO_ERROR);
}

TEST_CASE("events written while Kafka is down all arrive, and each applies once", "[process]") {
  TempDir dir;
  DevBroker broker(dir.path());
  Service customers("customers", dir.path(), broker.bootstrap());
  auto stub = customers::v1::CustomersService::NewStub(customers.Channel());

  broker.AllDown();
  std::vector<std::string> ids;
  for (int i = 0; i < kCustomers; ++i) {
    CallResult created =
        CreateCustomer(*stub, Registration("outage" + std::to_string(i) + "@example.com"));
    REQUIRE(created.status.ok());  // Kafka being down does not stop writes
    ids.push_back(created.customer.customer_id());
  }
  CHECK(customers.Metric("crm_outbox_depth") == kCustomers);

  broker.AllUp();
  REQUIRE(WaitFor([&] { return customers.Metric("crm_outbox_depth") == 0; }, absl::Seconds(60)));
  CHECK(customers.Metric("crm_outbox_published_total") == kCustomers);

  CountingConsumer consumer(dir.path() + "/consumer", broker.bootstrap());
  REQUIRE(WaitFor([&] { return consumer.applied() == kCustomers; }, absl::Seconds(60)));
  for (const auto& id : ids) CHECK(consumer.EffectsOn(id) == 1);

  // Every event a second time: skipped by id, no second effect.
  PublishAgain(broker.bootstrap(), consumer.received());
  REQUIRE(WaitFor([&] { return consumer.duplicates() == kCustomers; }, absl::Seconds(30)));
  CHECK(consumer.applied() == kCustomers);
  for (const auto& id : ids) CHECK(consumer.EffectsOn(id) == 1);
}

}  // namespace
}  // namespace crm::testing
