#include "platform/store/timers.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "platform/base/clock.h"
#include "platform/testing/test_support.h"

namespace crm::platform {
namespace {

using testing::MetricValue;
using testing::OpenTestStore;
using testing::TempDir;

const absl::Time kStart = absl::FromUnixSeconds(1'700'000'000);

struct Fired {
  std::string id;
  std::string payload;
  bool operator==(const Fired&) const = default;
};

// A store, a hand-driven clock and timers whose "remind" handler records what fired (and
// writes it into the store, in the handler's transaction).
struct Fixture {
  TempDir dir;
  ManualClock clock{kStart};
  std::unique_ptr<Metrics> metrics = Metrics::InMemory();
  std::unique_ptr<Store> store = OpenTestStore(dir.path(), {"effects"});
  std::unique_ptr<Timers> timers = MakeTimers();
  std::vector<Fired> fired;
  bool fail = false;

  std::unique_ptr<Timers> MakeTimers() {
    auto t = std::make_unique<Timers>(*store, clock, *metrics);
    t->Register("remind", [this](Txn& txn, absl::string_view id, absl::string_view payload) {
      if (fail) return absl::UnavailableError("downstream is down");
      fired.push_back({std::string(id), std::string(payload)});
      return txn.Put(store->cf("effects"), id, payload);
    });
    return t;
  }

  void Schedule(absl::string_view id, absl::Time due, absl::string_view payload) {
    auto txn = store->Begin();
    REQUIRE(timers->Schedule(*txn, "remind", id, due, payload).ok());
    REQUIRE(txn->Commit().ok());
  }

  int FireDue() {
    auto n = timers->FireDue();
    REQUIRE(n.ok());
    return *n;
  }
};

TEST_CASE("A timer fires once when due", "[timers]") {
  Fixture f;
  f.Schedule("t1", kStart + absl::Minutes(10), "hello");

  CHECK(f.FireDue() == 0);
  f.clock.Advance(absl::Minutes(10) - absl::Microseconds(1));
  CHECK(f.FireDue() == 0);
  CHECK(f.fired.empty());

  f.clock.Advance(absl::Microseconds(1));
  CHECK(f.FireDue() == 1);
  CHECK(f.fired == std::vector<Fired>{{"t1", "hello"}});
  auto effect = f.store->Get(f.store->cf("effects"), "t1");
  REQUIRE(effect.ok());
  CHECK(*effect == std::optional<std::string>("hello"));
  CHECK(MetricValue(*f.metrics, "crm_timers_fired_total{kind=\"remind\"}") == 1);

  f.clock.Advance(absl::Hours(1));
  CHECK(f.FireDue() == 0);
  CHECK(f.fired.size() == 1);
}

TEST_CASE("Due timers fire in due order", "[timers]") {
  Fixture f;
  f.Schedule("late", kStart + absl::Minutes(3), "");
  f.Schedule("early", kStart + absl::Minutes(1), "");
  f.Schedule("middle", kStart + absl::Minutes(2), "");
  f.Schedule("future", kStart + absl::Hours(1), "");
  f.clock.Advance(absl::Minutes(5));
  CHECK(f.FireDue() == 3);
  CHECK(f.fired == std::vector<Fired>{{"early", ""}, {"middle", ""}, {"late", ""}});
}

TEST_CASE("Scheduling the same kind and id again replaces the timer", "[timers]") {
  Fixture f;
  f.Schedule("t1", kStart + absl::Minutes(1), "first");
  f.Schedule("t1", kStart + absl::Minutes(5), "second");

  f.clock.Advance(absl::Minutes(2));
  CHECK(f.FireDue() == 0);  // the first due time is gone
  f.clock.Advance(absl::Minutes(3));
  CHECK(f.FireDue() == 1);
  CHECK(f.fired == std::vector<Fired>{{"t1", "second"}});

  // Another kind with the same id is another timer.
  f.timers->Register("other",
                     [](Txn&, absl::string_view, absl::string_view) { return absl::OkStatus(); });
  auto txn = f.store->Begin();
  REQUIRE(f.timers->Schedule(*txn, "other", "t2", kStart, "").ok());
  REQUIRE(f.timers->Schedule(*txn, "remind", "t2", kStart, "mine").ok());
  REQUIRE(txn->Commit().ok());
  CHECK(f.FireDue() == 2);
  CHECK(f.fired.back() == Fired{"t2", "mine"});
}

TEST_CASE("A cancelled timer never fires", "[timers]") {
  Fixture f;
  f.Schedule("t1", kStart + absl::Minutes(1), "");
  f.Schedule("t2", kStart + absl::Minutes(1), "");
  auto txn = f.store->Begin();
  REQUIRE(f.timers->Cancel(*txn, "remind", "t1").ok());
  REQUIRE(f.timers->Cancel(*txn, "remind", "never-scheduled").ok());
  REQUIRE(txn->Commit().ok());

  f.clock.Advance(absl::Minutes(1));
  CHECK(f.FireDue() == 1);
  CHECK(f.fired == std::vector<Fired>{{"t2", ""}});
}

TEST_CASE("A timer scheduled in a transaction that is not committed does not exist", "[timers]") {
  Fixture f;
  {
    auto txn = f.store->Begin();
    REQUIRE(f.timers->Schedule(*txn, "remind", "t1", kStart, "").ok());
  }
  f.clock.Advance(absl::Minutes(1));
  CHECK(f.FireDue() == 0);
  CHECK(f.fired.empty());
}

TEST_CASE("A failing handler leaves the timer for the next FireDue", "[timers]") {
  Fixture f;
  f.Schedule("t1", kStart + absl::Minutes(1), "retry me");
  f.clock.Advance(absl::Minutes(1));

  f.fail = true;
  CHECK(f.FireDue() == 0);
  CHECK(f.FireDue() == 0);
  CHECK(MetricValue(*f.metrics, "crm_timer_failures_total") == 2);
  auto effect = f.store->Get(f.store->cf("effects"), "t1");
  REQUIRE(effect.ok());
  CHECK_FALSE(effect->has_value());

  f.fail = false;
  CHECK(f.FireDue() == 1);
  CHECK(f.fired == std::vector<Fired>{{"t1", "retry me"}});
  CHECK(f.FireDue() == 0);
}

TEST_CASE("A timer without a registered handler stays and counts as a failure", "[timers]") {
  Fixture f;
  auto txn = f.store->Begin();
  REQUIRE(f.timers->Schedule(*txn, "unknown.kind", "x", kStart, "").ok());
  REQUIRE(txn->Commit().ok());
  CHECK(f.FireDue() == 0);
  CHECK(MetricValue(*f.metrics, "crm_timer_failures_total") == 1);
}

TEST_CASE("Timers survive closing and reopening the store", "[timers]") {
  Fixture f;
  f.Schedule("t1", kStart + absl::Hours(24), "durable");
  f.timers.reset();
  f.store.reset();

  f.store = OpenTestStore(f.dir.path(), {"effects"});
  f.timers = f.MakeTimers();
  CHECK(f.FireDue() == 0);
  f.clock.Advance(absl::Hours(24));
  CHECK(f.FireDue() == 1);
  CHECK(f.fired == std::vector<Fired>{{"t1", "durable"}});
}

TEST_CASE("Started timers fire on their own as the clock moves", "[timers]") {
  Fixture f;
  f.timers = std::make_unique<Timers>(*f.store, f.clock, *f.metrics, absl::Milliseconds(5));
  std::atomic<int> fired{0};
  f.timers->Register("remind", [&](Txn&, absl::string_view, absl::string_view) {
    ++fired;
    return absl::OkStatus();
  });
  f.Schedule("t1", kStart + absl::Minutes(1), "");
  f.timers->Start();
  f.clock.Advance(absl::Minutes(1));
  CHECK(testing::WaitFor([&] { return fired.load() == 1; }, absl::Seconds(5)));
  f.timers->Stop();
  CHECK(fired.load() == 1);
}

}  // namespace
}  // namespace crm::platform
