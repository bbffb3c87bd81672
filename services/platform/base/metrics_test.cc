#include "platform/base/metrics.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

#include "absl/strings/numbers.h"
#include "platform/testing/test_support.h"

namespace crm::platform {
namespace {

using testing::MetricValue;

bool Contains(const std::string& text, absl::string_view part) {
  return text.find(std::string(part)) != std::string::npos;
}

// A blocking HTTP/1.0 GET of http://<address><path>; answers the whole response (status line,
// headers, body), or an empty string when the server could not be reached. Bounded by a 5 s
// receive timeout.
std::string HttpGet(const std::string& address, const std::string& path) {
  size_t colon = address.rfind(':');
  int port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(address.substr(colon + 1), &port)) return "";
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, address.substr(0, colon).c_str(), &addr.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return "";
  }
  std::string request = "GET " + path + " HTTP/1.0\r\nHost: " + address + "\r\n\r\n";
  if (::send(fd, request.data(), request.size(), 0) != static_cast<ssize_t>(request.size())) {
    ::close(fd);
    return "";
  }
  std::string response;
  char buffer[4096];
  for (;;) {
    ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;  // closed (HTTP/1.0), or the timeout passed
    response.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return response;
}

TEST_CASE("Counters and gauges and histograms appear in the scrape", "[metrics]") {
  auto metrics = Metrics::InMemory();
  CHECK(metrics->address().empty());

  Counter get_ok = metrics->AddCounter("crm_test_requests_total", "Requests",
                                       {{"method", "Get"}, {"code", "OK"}});
  Counter get_err = metrics->AddCounter("crm_test_requests_total", "Requests",
                                        {{"method", "Get"}, {"code", "NOT_FOUND"}});
  Gauge depth = metrics->AddGauge("crm_test_depth", "Depth", {});
  Histogram latency =
      metrics->AddHistogram("crm_test_latency_seconds", "Latency", {}, {0.01, 0.1, 1});
  get_ok.Increment();
  get_ok.Increment(2);
  get_err.Increment();
  depth.Set(10);
  depth.Increment(5);
  depth.Decrement(3);
  latency.Observe(0.05);
  latency.Observe(0.5);
  latency.Observe(5);

  CHECK(get_ok.Value() == 3);
  CHECK(depth.Value() == 12);

  std::string text = metrics->Scrape();
  INFO(text);
  CHECK(Contains(text, "# HELP crm_test_requests_total Requests"));
  CHECK(Contains(text, "# TYPE crm_test_requests_total counter"));
  CHECK(MetricValue(*metrics, "crm_test_requests_total{code=\"OK\",method=\"Get\"}") == 3);
  CHECK(MetricValue(*metrics, "crm_test_requests_total{code=\"NOT_FOUND\",method=\"Get\"}") == 1);
  CHECK(Contains(text, "# TYPE crm_test_depth gauge"));
  CHECK(MetricValue(*metrics, "crm_test_depth") == 12);
  CHECK(Contains(text, "# TYPE crm_test_latency_seconds histogram"));
  CHECK(MetricValue(*metrics, "crm_test_latency_seconds_bucket{le=\"0.01\"}") == 0);
  CHECK(MetricValue(*metrics, "crm_test_latency_seconds_bucket{le=\"0.1\"}") == 1);
  CHECK(MetricValue(*metrics, "crm_test_latency_seconds_bucket{le=\"1\"}") == 2);
  CHECK(MetricValue(*metrics, "crm_test_latency_seconds_bucket{le=\"+Inf\"}") == 3);
  CHECK(MetricValue(*metrics, "crm_test_latency_seconds_count") == 3);
  CHECK(MetricValue(*metrics, "crm_test_latency_seconds_sum") == Approx(5.55));
}

TEST_CASE("Adding the same counter twice gives the same series", "[metrics]") {
  auto metrics = Metrics::InMemory();
  metrics->AddCounter("crm_test_twice_total", "Twice", {{"k", "v"}}).Increment();
  metrics->AddCounter("crm_test_twice_total", "Twice", {{"k", "v"}}).Increment();
  CHECK(MetricValue(*metrics, "crm_test_twice_total{k=\"v\"}") == 2);
}

TEST_CASE("Serve exposes /metrics over HTTP on a free port", "[metrics]") {
  auto metrics = Metrics::Serve("127.0.0.1:0");
  REQUIRE(metrics.ok());
  const std::string& address = (*metrics)->address();
  INFO("address " << address);
  REQUIRE(address.rfind("127.0.0.1:", 0) == 0);
  int port = 0;
  REQUIRE(absl::SimpleAtoi(address.substr(address.rfind(':') + 1), &port));
  CHECK(port > 0);

  Counter served = (*metrics)->AddCounter("crm_test_served_total", "Served", {});
  served.Increment(7);

  std::string response = HttpGet(address, "/metrics");
  INFO(response);
  CHECK(response.rfind("HTTP/1.", 0) == 0);
  CHECK(Contains(response, " 200 "));
  CHECK(Contains(response, "\ncrm_test_served_total 7"));

  SECTION("the same address cannot be served twice") {
    auto again = Metrics::Serve(address);
    REQUIRE_FALSE(again.ok());
    CHECK(again.status().code() == absl::StatusCode::kUnavailable);
  }
}

}  // namespace
}  // namespace crm::platform
