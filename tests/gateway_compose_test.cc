// A composed route through the gateway: the test-only GET /v1/gatewaytest/things/{thingId}/overview
// (tests/protos/crm/gatewaytest/v1/gatewaytest.proto) puts together a required part, a list,
// a slow part, a failing one, one in another area, and one no service answers yet.
#include <catch2/catch.hpp>

#include "absl/time/clock.h"
#include "gateway_fakes.h"
#include "json_body.h"

namespace crm::testing {
namespace {

constexpr char kOverview[] = "/v1/gatewaytest/things/t_1/overview";

Headers Agent() {
  return {{"Authorization", "Bearer " + TestToken("crm/customers", "st_1", "agent")}};
}

std::vector<std::string> Degraded(const std::string& body) { return JsonStrings(body, "degraded"); }

TEST_CASE(
    "a composed route's parts are called at once and put together, what is missing named in "
    "degraded",
    "[gateway][compose]") {
  FakeServices fakes(TestIssuers());
  FakeOther other;
  InProcessGateway gateway(
      {.upstreams = {{"gatewaytest", fakes.address()}, {"gatewaytestother", other.address()}}});
  const Headers agent = Agent();
  absl::Time start = absl::Now();
  HttpReply reply = HttpCall(gateway.address(), "GET", kOverview, "", agent);
  absl::Duration took = absl::Now() - start;
  INFO(reply.body);
  REQUIRE(reply.status == 200);
  // The required part, into its field.
  CHECK(JsonField(reply.body, "thing.thingId") == "t_1");
  CHECK(JsonField(reply.body, "thing.name") == "the thing");
  // One field of a part's answer (its request filled from the route's: owner_id=thing_id).
  CHECK(JsonField(reply.body, "recentOrders.0.orderId") == "o_1_of_t_1");
  CHECK(JsonField(reply.body, "recentOrders.1.orderId") == "o_2_of_t_1");
  CHECK(JsonField(reply.body, "score") == "42");
  // The slow part missed its 300 ms, the failing one failed, "later" has no service yet; their
  // fields stay empty.
  CHECK(Degraded(reply.body) == std::vector<std::string>{"slow", "failing", "later"});
  CHECK(JsonField(reply.body, "slow.name").empty());
  // Every part ran while the slow one was held, and the answer waited for its deadline only.
  CHECK(took >= absl::Milliseconds(300));
  CHECK(took < absl::Seconds(3));
  // The caller's own token reached the parts, which each checked it.
  CHECK(fakes.last_authorization() == agent[0].second);
  std::string metrics = gateway.metrics().Scrape();
  CHECK(MetricValue(metrics, R"(crm_gateway_degraded_parts_total{part="slow",)"
                             R"(route="GET /v1/gatewaytest/things/{thing_id}/overview"})") == 1);
  fakes.ReleaseSlow();
}

TEST_CASE("a composed route's required part decides: its error is the answer",
          "[gateway][compose]") {
  FakeServices fakes(TestIssuers());
  InProcessGateway gateway({.upstreams = {{"gatewaytest", fakes.address()}}});
  HttpReply reply =
      HttpCall(gateway.address(), "GET", "/v1/gatewaytest/things/missing/overview", "", Agent());
  INFO(reply.body);
  CHECK(reply.status == 404);
  CHECK(JsonField(reply.body, "error.reason") == "THING_NOT_FOUND");
}

TEST_CASE("a part whose service is down or not configured is named in degraded",
          "[gateway][compose]") {
  FakeServices fakes(TestIssuers());
  std::string dead;
  {
    FakeOther gone;
    dead = gone.address();
  }
  for (const auto& upstreams : std::vector<std::map<std::string, std::string>>{
           {{"gatewaytest", fakes.address()}, {"gatewaytestother", dead}},
           {{"gatewaytest", fakes.address()}}}) {
    InProcessGateway gateway({.upstreams = upstreams});
    HttpReply reply = HttpCall(gateway.address(), "GET", kOverview, "", Agent());
    INFO(reply.body);
    REQUIRE(reply.status == 200);
    CHECK(Degraded(reply.body) == std::vector<std::string>{"slow", "failing", "other", "later"});
    CHECK(JsonField(reply.body, "thing.thingId") == "t_1");
    fakes.ReleaseSlow();
  }
}

TEST_CASE("a composed route's own access option is applied before any part is called",
          "[gateway][compose]") {
  FakeServices fakes(TestIssuers());
  InProcessGateway gateway({.upstreams = {{"gatewaytest", fakes.address()}}});
  HttpReply anonymous = HttpCall(gateway.address(), "GET", kOverview);
  CHECK(anonymous.status == 401);
  CHECK(JsonField(anonymous.body, "error.reason") == "TOKEN_MISSING");
  HttpReply customer =
      HttpCall(gateway.address(), "GET", kOverview, "",
               {{"Authorization", "Bearer " + TestToken("crm/customers", "c_1", "customer")}});
  CHECK(customer.status == 403);
  CHECK(JsonField(customer.body, "error.reason") == "ROLE_NOT_ALLOWED");
  CHECK(fakes.last_authorization().empty());
}

}  // namespace
}  // namespace crm::testing
