#include "platform/base/metrics.h"

#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <exception>

#include "absl/strings/str_cat.h"

namespace crm::platform {

void Counter::Increment(double by) { c_->Increment(by); }
double Counter::Value() const { return c_->Value(); }
void Gauge::Set(double value) { g_->Set(value); }
void Gauge::Increment(double by) { g_->Increment(by); }
void Gauge::Decrement(double by) { g_->Decrement(by); }
double Gauge::Value() const { return g_->Value(); }
void Histogram::Observe(double value) { h_->Observe(value); }

Metrics::Metrics() : registry_(std::make_shared<prometheus::Registry>()) {}
Metrics::~Metrics() = default;

std::unique_ptr<Metrics> Metrics::InMemory() { return std::unique_ptr<Metrics>(new Metrics()); }

absl::StatusOr<std::unique_ptr<Metrics>> Metrics::Serve(const std::string& address) {
  std::unique_ptr<Metrics> metrics(new Metrics());
  try {
    // civetweb throws when it cannot bind; nothing of it may escape the platform.
    metrics->exposer_ = std::make_unique<prometheus::Exposer>(address, /*num_threads=*/1);
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve metrics on ", address, ": ", e.what()));
  }
  metrics->exposer_->RegisterCollectable(metrics->registry_);
  std::vector<int> ports = metrics->exposer_->GetListeningPorts();
  std::string host = address.substr(0, address.rfind(':'));
  metrics->address_ = absl::StrCat(host, ":", ports.empty() ? 0 : ports.front());
  return metrics;
}

Counter Metrics::AddCounter(absl::string_view name, absl::string_view help, const Labels& labels) {
  auto& family = prometheus::BuildCounter()
                     .Name(std::string(name))
                     .Help(std::string(help))
                     .Register(*registry_);
  return Counter(&family.Add(labels));
}

Gauge Metrics::AddGauge(absl::string_view name, absl::string_view help, const Labels& labels) {
  auto& family =
      prometheus::BuildGauge().Name(std::string(name)).Help(std::string(help)).Register(*registry_);
  return Gauge(&family.Add(labels));
}

Histogram Metrics::AddHistogram(absl::string_view name, absl::string_view help,
                                const Labels& labels, const std::vector<double>& buckets) {
  auto& family = prometheus::BuildHistogram()
                     .Name(std::string(name))
                     .Help(std::string(help))
                     .Register(*registry_);
  return Histogram(&family.Add(labels, buckets));
}

void Metrics::AddCollectable(std::shared_ptr<prometheus::Collectable> collectable) {
  if (exposer_) exposer_->RegisterCollectable(collectable);
  collectables_.push_back(std::move(collectable));
}

std::string Metrics::Scrape() const {
  auto families = registry_->Collect();
  for (const auto& c : collectables_) {
    auto more = c->Collect();
    families.insert(families.end(), more.begin(), more.end());
  }
  return prometheus::TextSerializer().Serialize(families);
}

const std::vector<double>& Metrics::LatencyBuckets() {
  static const std::vector<double> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                               0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return kBuckets;
}

}  // namespace crm::platform
