// The customer 360 composed by the gateway from the real customers service: the test-only route
// GET /v1/gatewaytest/customers/{customerId}/overview declares the composition that
// crm.customers.v1.OverviewService/GetCustomerOverview is to carry (customers' own answer
// required, the parts of services not built yet named in `degraded`), served by the real handler
// in front of a real customers process.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <signal.h>

#include <catch2/catch.hpp>

#include "crm/customers/v1/customers.grpc.pb.h"
#include "customer_calls.h"
#include "gateway_fakes.h"
#include "json_body.h"
#include "platform/base/process.h"

namespace crm::testing {
namespace {

google::protobuf::Struct WithoutDegraded(const std::string& json) {
  google::protobuf::Struct parsed;
  INFO(json);
  REQUIRE(google::protobuf::util::JsonStringToMessage(json, &parsed).ok());
  parsed.mutable_fields()->erase("degraded");
  return parsed;
}

TEST_CASE("the composed customer overview answers what customers' own overview does",
          "[process][gateway][compose]") {
  TempDir dir;
  DevBroker broker(dir.path());
  Service customers("customers", dir.path(), broker.bootstrap());
  auto public_key = platform::ReadFile(TestTokenKeys().public_key);
  REQUIRE(public_key.ok());
  platform::SystemClock clock;  // the customers process signs tokens on real time
  InProcessGateway gateway({.upstreams = {{"customers", customers.grpc_address()}},
                            .real_routes = true,
                            .issuers = {{"crm/customers", *public_key}},
                            .partner_signatures = false,
                            .clock = &clock});
  auto stub = customers::v1::CustomersService::NewStub(customers.Channel());
  CallResult ann = CreateCustomer(*stub, Registration("ann@example.com"));
  CallResult bob = CreateCustomer(*stub, Registration("bob@example.com"));
  REQUIRE(ann.status.ok());
  REQUIRE(bob.status.ok());
  Headers as_ann = {{"Authorization", "Bearer " + Login(customers.Channel(), "ann@example.com")}};
  const std::string id = ann.customer.customer_id();

  HttpReply own =
      HttpCall(gateway.address(), "GET", "/v1/customers/" + id + "/overview", "", as_ann);
  HttpReply composed = HttpCall(gateway.address(), "GET",
                                "/v1/gatewaytest/customers/" + id + "/overview", "", as_ann);
  INFO(own.body);
  INFO(composed.body);
  REQUIRE(own.status == 200);
  REQUIRE(composed.status == 200);
  // The same document (API.md's shape), but for `degraded`, which is the gateway's to fill.
  CHECK(google::protobuf::util::MessageDifferencer::Equals(WithoutDegraded(own.body),
                                                           WithoutDegraded(composed.body)));
  CHECK(JsonField(composed.body, "customer.customerId") == id);
  CHECK(JsonStrings(composed.body, "degraded") ==
        std::vector<std::string>{"orders", "aftersales", "analytics"});

  // Another customer's overview: 404, as for a missing one, before any part is called.
  HttpReply other =
      HttpCall(gateway.address(), "GET",
               "/v1/gatewaytest/customers/" + bob.customer.customer_id() + "/overview", "", as_ann);
  CHECK(other.status == 404);
  // Staff asking for an unknown customer: the required part's own 404.
  Headers as_admin = {{"Authorization", "Bearer " + Login(customers.Channel(), kTestAdminEmail,
                                                          kTestAdminPassword)}};
  HttpReply missing = HttpCall(gateway.address(), "GET",
                               "/v1/gatewaytest/customers/c_nobody/overview", "", as_admin);
  CHECK(missing.status == 404);
  CHECK(JsonField(missing.body, "error.reason") == "CUSTOMER_NOT_FOUND");

  // Customers down: the required part is missing, so there is no overview.
  customers.Kill(SIGKILL);
  REQUIRE(customers.Wait() == 128 + SIGKILL);
  HttpReply down = HttpCall(gateway.address(), "GET",
                            "/v1/gatewaytest/customers/" + id + "/overview", "", as_ann);
  CHECK(down.status == 503);
  CHECK(JsonField(down.body, "error.reason") == "SERVICE_UNAVAILABLE");
}

}  // namespace
}  // namespace crm::testing
