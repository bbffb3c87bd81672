// The process's Prometheus metrics and its /metrics endpoint (prometheus-cpp pull exposer).
// Services use the small handles below; only platform/ includes prometheus-cpp headers.
//
//   auto metrics = Metrics::Serve("127.0.0.1:0");       // any free port; see address()
//   Counter created = (*metrics)->AddCounter("crm_customers_registered_total", "...", {});
//   created.Increment();
//
// Thread-safe. Adding the same name twice with other labels adds a series to one family.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace prometheus {
class Collectable;
class Counter;
class Exposer;
class Gauge;
class Histogram;
class Registry;
}  // namespace prometheus

namespace crm::platform {

using Labels = std::map<std::string, std::string>;

class Counter {
 public:
  explicit Counter(prometheus::Counter* c) : c_(c) {}
  void Increment(double by = 1);
  double Value() const;

 private:
  prometheus::Counter* c_;
};

class Gauge {
 public:
  explicit Gauge(prometheus::Gauge* g) : g_(g) {}
  void Set(double value);
  void Increment(double by = 1);
  void Decrement(double by = 1);
  double Value() const;

 private:
  prometheus::Gauge* g_;
};

class Histogram {
 public:
  explicit Histogram(prometheus::Histogram* h) : h_(h) {}
  void Observe(double value);

 private:
  prometheus::Histogram* h_;
};

class Metrics {
 public:
  // Metrics with an HTTP endpoint at http://<address>/metrics. Port 0 picks a free one.
  // Errors: UNAVAILABLE when the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<Metrics>> Serve(const std::string& address);
  // Metrics without an endpoint, for tests.
  static std::unique_ptr<Metrics> InMemory();
  ~Metrics();

  // "127.0.0.1:9101": where /metrics is served; empty when InMemory.
  const std::string& address() const { return address_; }

  Counter AddCounter(absl::string_view name, absl::string_view help, const Labels& labels);
  Gauge AddGauge(absl::string_view name, absl::string_view help, const Labels& labels);
  // `buckets`: upper bounds in the metric's unit, ascending.
  Histogram AddHistogram(absl::string_view name, absl::string_view help, const Labels& labels,
                         const std::vector<double>& buckets);
  // Something computing its own samples at each scrape (e.g. RocksDB statistics).
  void AddCollectable(std::shared_ptr<prometheus::Collectable> collectable);

  // The text exposition of everything registered, as a scrape would see it.
  std::string Scrape() const;

  // Latency buckets in seconds, 0.5 ms .. 10 s, for RPC and relay histograms.
  static const std::vector<double>& LatencyBuckets();

 private:
  Metrics();

  std::shared_ptr<prometheus::Registry> registry_;
  std::vector<std::shared_ptr<prometheus::Collectable>> collectables_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  std::string address_;
};

}  // namespace crm::platform
