// crm-bench-store: what durability costs. Commits small transactions (one 200-byte entity, one
// index key, one outbox-sized record) into a platform Store in a temp directory and prints
// commits/s and latency percentiles for:
//   relaxed-1   no fsync, 1 thread             the baseline: RocksDB without durability
//   synced-1    fsync per commit, 1 thread     what one client sees
//   synced-N    fsync, N threads               group commit: concurrent commits share fsyncs
// and the ratios synced-1/relaxed-1 and synced-N/synced-1.
//
//   crm-bench-store [--seconds 5] [--threads 8] [--dir /tmp]
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "platform/base/flags.h"
#include "platform/base/keys.h"
#include "platform/base/metrics.h"
#include "platform/runtime/runtime.h"
#include "platform/store/store.h"

namespace crm::bench {
namespace {

struct Result {
  double per_second = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  double fsyncs = 0;
};

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  size_t i = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(i), v.end());
  return v[i];
}

double WalSyncs(platform::Store& store) {
  auto metrics = platform::Metrics::InMemory();
  metrics->AddCollectable(store.StatisticsCollector());
  std::string text = metrics->Scrape();
  size_t at = text.find("\ncrm_rocksdb_wal_synced_total ");
  return at == std::string::npos ? 0 : std::atof(text.c_str() + at + 30);
}

Result Run(const std::string& dir, platform::Durability durability, int threads,
           absl::Duration duration) {
  std::filesystem::remove_all(dir);
  auto store = std::move(*platform::Store::Open({.path = dir, .column_families = {"entities"}}));
  double syncs_before = WalSyncs(*store);
  std::atomic<bool> stop{false};
  std::vector<std::vector<double>> latencies(threads);
  std::vector<std::thread> workers;
  const std::string value(200, 'x');
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (uint64_t i = 0; !stop; ++i) {
        absl::Time start = absl::Now();
        auto txn = store->Begin(durability);
        std::string key = absl::StrCat(t, "/", platform::BigEndian64(i));
        (void)txn->GetForUpdate(store->cf("entities"), key);
        (void)txn->Put(store->cf("entities"), key, value);
        (void)txn->Put(store->cf(platform::kOutboxCf), key, value);
        if (!txn->Commit().ok()) std::abort();
        latencies[t].push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
      }
    });
  }
  absl::SleepFor(duration);
  stop = true;
  for (auto& w : workers) w.join();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  Result r;
  r.per_second = static_cast<double>(all.size()) / absl::ToDoubleSeconds(duration);
  r.fsyncs = WalSyncs(*store) - syncs_before;
  r.p50_ms = Percentile(all, 0.50);
  r.p99_ms = Percentile(all, 0.99);
  return r;
}

void Print(const char* name, const Result& r, absl::Duration duration) {
  std::printf("%-10s %12.0f %10.3f %10.3f %14.0f\n", name, r.per_second, r.p50_ms, r.p99_ms,
              r.fsyncs / absl::ToDoubleSeconds(duration));
}

}  // namespace
}  // namespace crm::bench

int main(int argc, char** argv) {
  using namespace crm;
  platform::Flags flags("bench", argc, argv);
  int64_t seconds = flags.Int("seconds", 5, "duration of each run", 1, 600);
  int64_t threads = flags.Int("threads", 8, "writers in the concurrent run", 2, 256);
  std::string base = flags.String("dir", "/tmp", "where the temp store goes");
  if (absl::Status s = flags.Finish(); !s.ok()) return platform::ExitForFlags(s);
  std::string dir = absl::StrCat(base, "/crm-bench-store-", getpid());
  absl::Duration d = absl::Seconds(seconds);

  bench::Result relaxed = bench::Run(dir, platform::Durability::kRelaxed, 1, d);
  bench::Result synced = bench::Run(dir, platform::Durability::kSynced, 1, d);
  bench::Result grouped =
      bench::Run(dir, platform::Durability::kSynced, static_cast<int>(threads), d);
  std::filesystem::remove_all(dir);

  std::printf("%-10s %12s %10s %10s %14s\n", "run", "commits/s", "p50 ms", "p99 ms", "fsyncs/s");
  bench::Print("relaxed-1", relaxed, d);
  bench::Print("synced-1", synced, d);
  bench::Print(absl::StrCat("synced-", threads).c_str(), grouped, d);
  std::printf("ratio synced-1/relaxed-1: %.3f\n", synced.per_second / relaxed.per_second);
  std::printf("ratio synced-%lld/synced-1: %.2f (group commit: commits per fsync %.2f)\n",
              static_cast<long long>(threads), grouped.per_second / synced.per_second,
              grouped.fsyncs > 0
                  ? grouped.per_second * static_cast<double>(seconds) / grouped.fsyncs
                  : 0.0);
  return 0;
}
