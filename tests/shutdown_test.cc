// SIGTERM shuts a service down gracefully: it stops answering health as SERVING, finishes, and
// publishes what its outbox holds before it exits 0 (what `crm down` relies on).
#include <signal.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "customer_calls.h"
#include "harness.h"

namespace crm::testing {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST_CASE("SIGTERM publishes what the outbox holds, then exits 0", "[process]") {
  TempDir dir;
  DevBroker broker(dir.path());
  Service customers("customers", dir.path(), broker.bootstrap(), {"--outbox-drain-ms", "20000"});
  auto stub = customers::v1::CustomersService::NewStub(customers.Channel());

  broker.AllDown();
  REQUIRE(CreateCustomer(*stub, Registration("bye@example.com")).status.ok());
  REQUIRE(customers.Metric("crm_outbox_depth") == 1);
  broker.AllUp();

  customers.Kill(SIGTERM);
  CHECK(customers.Wait(absl::Seconds(30)) == 0);
  CHECK_FALSE(std::filesystem::exists(customers.ready_file()));
  // The process is gone; its last log line says what it left behind.
  std::string log = ReadFile(dir.path() + "/customers.log");
  CHECK(log.find(R"("outboxDrained":"true","outboxDepth":"0")") != std::string::npos);
}

TEST_CASE("every service starts healthy and serves metrics that promtool accepts", "[process]") {
  TempDir dir;
  DevBroker broker(dir.path());
  for (const char* name : {"customers", "orders", "aftersales", "analytics"}) {
    Service service(name, dir.path(), broker.bootstrap());
    if (std::string(name) == "customers") {
      auto stub = customers::v1::CustomersService::NewStub(service.Channel());
      REQUIRE(CreateCustomer(*stub, Registration("metrics@example.com")).status.ok());
    }
    std::string metrics = service.Metrics();
    if (std::string(name) == "customers") {
      CHECK(
          MetricValue(
              metrics,
              R"(crm_rpc_requests_total{code="OK",method="/crm.customers.v1.CustomersService/CreateCustomer"})") ==
          1);
      CHECK(
          MetricValue(
              metrics,
              R"(crm_rpc_latency_seconds_count{method="/crm.customers.v1.CustomersService/CreateCustomer"})") ==
          1);
    }
    CHECK(metrics.find("crm_rocksdb_wal_synced_total") != std::string::npos);
    CHECK(metrics.find("crm_outbox_depth") != std::string::npos);
    std::string promtool_output;
    int promtool = PromtoolCheck(metrics, &promtool_output);
    INFO(name << ": " << promtool_output);
    CHECK(promtool == 0);
    service.Kill(SIGTERM);
    CHECK(service.Wait(absl::Seconds(10)) == 0);
  }
}

}  // namespace
}  // namespace crm::testing
