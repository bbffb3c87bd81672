#include "platform/store/store.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "platform/base/metrics.h"
#include "platform/testing/test_support.h"

namespace crm::platform {
namespace {

using testing::MetricValue;
using testing::OpenTestStore;
using testing::TempDir;

std::optional<std::string> Committed(const Store& store, absl::string_view cf,
                                     absl::string_view key) {
  auto value = store.Get(store.cf(cf), key);
  REQUIRE(value.ok());
  return *value;
}

TEST_CASE("Store keeps values apart per column family", "[store]") {
  TempDir dir;
  auto store = OpenTestStore(dir.path(), {"things", "others"});

  auto txn = store->Begin();
  REQUIRE(txn->Put(store->cf("things"), "k", "in things").ok());
  REQUIRE(txn->Put(store->cf("others"), "k", "in others").ok());
  REQUIRE(txn->Put(store->cf(kOutboxCf), "k", "in outbox").ok());
  // A transaction sees its own writes before commit; others do not.
  auto own = txn->Get(store->cf("things"), "k");
  REQUIRE(own.ok());
  CHECK(*own == std::optional<std::string>("in things"));
  CHECK_FALSE(Committed(*store, "things", "k").has_value());
  REQUIRE(txn->Commit().ok());

  CHECK(Committed(*store, "things", "k") == std::optional<std::string>("in things"));
  CHECK(Committed(*store, "others", "k") == std::optional<std::string>("in others"));
  CHECK(Committed(*store, std::string(kOutboxCf), "k") == std::optional<std::string>("in outbox"));
  CHECK_FALSE(Committed(*store, std::string(kTimersCf), "k").has_value());
  CHECK_FALSE(Committed(*store, "things", "absent").has_value());

  auto del = store->Begin();
  REQUIRE(del->Delete(store->cf("things"), "k").ok());
  REQUIRE(del->Commit().ok());
  CHECK_FALSE(Committed(*store, "things", "k").has_value());
  CHECK(Committed(*store, "others", "k") == std::optional<std::string>("in others"));
}

TEST_CASE("A transaction that is not committed leaves nothing", "[store]") {
  TempDir dir;
  auto store = OpenTestStore(dir.path(), {"things"});
  {
    auto txn = store->Begin();
    REQUIRE(txn->Put(store->cf("things"), "k", "v").ok());
    bool ran = false;
    txn->AfterCommit([&] { ran = true; });
    // Dropped without Commit: rolled back.
    txn.reset();
    CHECK_FALSE(ran);
  }
  CHECK_FALSE(Committed(*store, "things", "k").has_value());
  // The key is not left locked either.
  auto next = store->Begin();
  auto row = next->GetForUpdate(store->cf("things"), "k");
  REQUIRE(row.ok());
  CHECK_FALSE(row->has_value());
}

TEST_CASE("GetForUpdate makes a second transaction give up with ABORTED", "[store]") {
  TempDir dir;
  auto store = OpenTestStore(dir.path(), {"things"}, absl::Milliseconds(100));
  ColumnFamily cf = store->cf("things");

  auto first = store->Begin();
  auto locked = first->GetForUpdate(cf, "k");
  REQUIRE(locked.ok());
  CHECK_FALSE(locked->has_value());
  REQUIRE(first->Put(cf, "k", "first").ok());

  auto second = store->Begin();
  absl::Time start = absl::Now();
  auto contended = second->GetForUpdate(cf, "k");
  absl::Duration waited = absl::Now() - start;
  REQUIRE_FALSE(contended.ok());
  CHECK(contended.status().code() == absl::StatusCode::kAborted);
  CHECK(waited >= absl::Milliseconds(80));
  CHECK(waited < absl::Seconds(2));
  // Writing the locked key is refused the same way.
  CHECK(second->Put(cf, "k", "second").code() == absl::StatusCode::kAborted);

  REQUIRE(first->Commit().ok());
  // Once the first committed, a retry gets the lock and sees its value.
  auto retry = store->Begin();
  auto row = retry->GetForUpdate(cf, "k");
  REQUIRE(row.ok());
  CHECK(*row == std::optional<std::string>("first"));
}

TEST_CASE("Committed data survives closing and reopening the store", "[store]") {
  TempDir dir;
  {
    auto store = OpenTestStore(dir.path(), {"things"});
    auto txn = store->Begin();
    REQUIRE(txn->Put(store->cf("things"), "k", "kept").ok());
    REQUIRE(txn->Commit().ok());
    auto relaxed = store->Begin(Durability::kRelaxed);
    REQUIRE(relaxed->Put(store->cf("things"), "r", "also kept on a clean close").ok());
    REQUIRE(relaxed->Commit().ok());
  }
  auto store = OpenTestStore(dir.path(), {"things"});
  CHECK(Committed(*store, "things", "k") == std::optional<std::string>("kept"));
  CHECK(Committed(*store, "things", "r") ==
        std::optional<std::string>("also kept on a clean close"));
}

TEST_CASE("A store held open cannot be opened a second time", "[store]") {
  TempDir dir;
  auto store = OpenTestStore(dir.path(), {});
  auto again = Store::Open({.path = dir.path()});
  REQUIRE_FALSE(again.ok());
  CHECK(again.status().code() == absl::StatusCode::kInternal);

  CHECK(Store::Open({.path = ""}).status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("Synced commits show in crm_rocksdb_wal_synced_total and relaxed ones do not",
          "[store][metrics]") {
  TempDir dir;
  auto store = OpenTestStore(dir.path(), {"things"});
  auto metrics = Metrics::InMemory();
  metrics->AddCollectable(store->StatisticsCollector());

  double before = MetricValue(*metrics, "crm_rocksdb_wal_synced_total");
  REQUIRE(before >= 0);

  auto synced = store->Begin();
  REQUIRE(synced->Put(store->cf("things"), "a", "1").ok());
  REQUIRE(synced->Commit().ok());
  double after_synced = MetricValue(*metrics, "crm_rocksdb_wal_synced_total");
  CHECK(after_synced > before);

  auto relaxed = store->Begin(Durability::kRelaxed);
  REQUIRE(relaxed->Put(store->cf("things"), "b", "2").ok());
  REQUIRE(relaxed->Commit().ok());
  CHECK(MetricValue(*metrics, "crm_rocksdb_wal_synced_total") == after_synced);

  // Other tickers are exported too, named the same way.
  CHECK(MetricValue(*metrics, "crm_rocksdb_number_keys_written_total") >= 2);
}

TEST_CASE("Scan visits keys with the prefix from the given key on in order", "[store]") {
  TempDir dir;
  auto store = OpenTestStore(dir.path(), {"things"});
  ColumnFamily cf = store->cf("things");
  auto txn = store->Begin();
  for (const char* key : {"a/1", "a/2", "a/3", "a0", "b/1", "/x"}) {
    REQUIRE(txn->Put(cf, key, std::string("value of ") + key).ok());
  }
  REQUIRE(txn->Commit().ok());

  auto scan = [&](absl::string_view prefix, absl::string_view from, size_t limit = 100) {
    std::vector<std::string> keys;
    absl::Status s = store->Scan(cf, prefix, from, [&](absl::string_view k, absl::string_view v) {
      CHECK(v == "value of " + std::string(k));
      keys.emplace_back(k);
      return keys.size() < limit;
    });
    REQUIRE(s.ok());
    return keys;
  };

  using Keys = std::vector<std::string>;
  CHECK(scan("a/", "") == Keys{"a/1", "a/2", "a/3"});
  CHECK(scan("a/", "a/2") == Keys{"a/2", "a/3"});
  CHECK(scan("a/", "a/25") == Keys{"a/3"});
  CHECK(scan("a/", "a/4").empty());
  CHECK(scan("b/", "a/") == Keys{"b/1"});  // `from` before the prefix starts at the prefix
  CHECK(scan("c/", "").empty());
  CHECK(scan("", "") == Keys{"/x", "a/1", "a/2", "a/3", "a0", "b/1"});
  CHECK(scan("", "", 2) == Keys{"/x", "a/1"});  // stops when visit answers false
}

TEST_CASE("AfterCommit callbacks run once after a successful commit", "[store]") {
  TempDir dir;
  auto store = OpenTestStore(dir.path(), {"things"});
  ColumnFamily cf = store->cf("things");

  auto txn = store->Begin();
  REQUIRE(txn->Put(cf, "k", "v").ok());
  std::vector<std::string> seen;
  txn->AfterCommit([&] {
    // By now the write is visible to everyone.
    auto value = store->Get(cf, "k");
    seen.push_back(value.ok() && value->has_value() ? **value : "<absent>");
  });
  txn->AfterCommit([&] { seen.push_back("second"); });
  CHECK(seen.empty());
  REQUIRE(txn->Commit().ok());
  CHECK(seen == std::vector<std::string>{"v", "second"});
}

}  // namespace
}  // namespace crm::platform
