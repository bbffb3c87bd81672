// A partner's signed request through the gateway, as the orders service's partner routes will
// get them: the test-only route POST /v1/gatewaytest/partners/{carrierId}/tracking-events
// (PARTNER_SIGNATURE) behind the real handler, with a fake owning service that keeps the
// partner's secrets and checks its callers as every service does.
#include <catch2/catch.hpp>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gateway_fakes.h"
#include "json_body.h"

namespace crm::testing {
namespace {

constexpr char kTarget[] = "/v1/gatewaytest/partners/dhl/tracking-events";
constexpr char kBody[] = R"({"eventIds":["e1","e2"]})";

struct Partners {
  // The gateway's and the services' time.
  platform::ManualClock clock{kTestNow};
  FakeServices fakes{TestIssuers(), &clock};
  InProcessGateway gateway{{.upstreams = {{"gatewaytest", fakes.address()}}, .clock = &clock}};

  HttpReply Post(const Headers& headers, const std::string& body = kBody,
                 const std::string& target = kTarget) {
    return HttpCall(gateway.address(), "POST", target, body, headers);
  }
};

// The headers of a signed kBody to kTarget, with `name` set to `value` ("" leaves it out).
Headers With(Headers headers, const std::string& name, const std::string& value) {
  Headers out;
  for (auto& [n, v] : headers) {
    if (n != name) out.emplace_back(n, v);
  }
  if (!value.empty()) out.emplace_back(name, value);
  return out;
}

Headers Signed(const std::string& secret = kNewSecret, absl::Time at = kTestNow) {
  return SignedHeaders("POST", kTarget, kBody, secret, at);
}

// 401 in API.md's shape, with `reason` and the header named.
void CheckRefused(const HttpReply& reply, const std::string& reason, const std::string& header) {
  INFO(reply.body);
  CHECK(reply.status == 401);
  CHECK(JsonField(reply.body, "error.code") == "401");
  CHECK(JsonField(reply.body, "error.status") == "UNAUTHENTICATED");
  CHECK(JsonField(reply.body, "error.reason") == reason);
  CHECK(JsonField(reply.body, "error.fieldViolations.0.field") == header);
  CHECK_FALSE(JsonField(reply.body, "error.requestId").empty());
}

TEST_CASE("a signed partner request reaches the service as a partner token of the gateway's",
          "[gateway][partner]") {
  Partners p;
  // A token the client sends along is not the partner's credential and never goes on.
  HttpReply reply = p.Post(With(Signed(), "Authorization", "Bearer not-a-token"));
  INFO(reply.body);
  REQUIRE(reply.status == 200);
  CHECK(JsonField(reply.body, "accepted") == "2");
  CHECK(JsonField(reply.body, "subject") == "partner:dhl");
  CHECK(JsonField(reply.body, "role") == "partner");
  CHECK(JsonField(reply.body, "issuer") == "crm/gateway");
  CHECK(p.fakes.last_authorization() != "Bearer not-a-token");

  // Either of the partner's secrets (a rotation), as hex or base64.
  Headers old = Signed(kOldSecret);
  CHECK(p.Post(old).status == 200);
  std::string hex = old.back().second;
  CHECK(p.Post(With(old, "X-Signature", absl::Base64Escape(absl::HexStringToBytes(hex)))).status ==
        200);
  // The service's own errors come back as they are.
  std::string missing = R"({"eventIds":["missing"]})";
  HttpReply not_found = p.Post(SignedHeaders("POST", kTarget, missing, kNewSecret), missing);
  CHECK(not_found.status == 404);
  CHECK(JsonField(not_found.body, "error.reason") == "NO_SUCH_EVENT");
}

TEST_CASE("missing or malformed signature headers: 401 naming the header", "[gateway][partner]") {
  Partners p;
  for (const char* header : {"X-Partner-Id", "X-Timestamp", "X-Signature"}) {
    INFO(header);
    CheckRefused(p.Post(With(Signed(), header, "")), "SIGNATURE_MISSING", header);
  }
  CheckRefused(p.Post(With(Signed(), "X-Partner-Id", "dhl/../ups")), "SIGNATURE_INVALID",
               "X-Partner-Id");
  CheckRefused(p.Post(With(Signed(), "X-Timestamp", "yesterday")), "SIGNATURE_INVALID",
               "X-Timestamp");
  CheckRefused(p.Post(With(Signed(), "X-Signature", "sha256=abc")), "SIGNATURE_INVALID",
               "X-Signature");
  // Bytes gRPC metadata could not carry never reach a service, and the gateway stays up.
  CheckRefused(p.Post(With(Signed(), "X-Partner-Id", "dh\xc3\xa9")), "SIGNATURE_INVALID",
               "X-Partner-Id");
  CHECK(HttpCall(p.gateway.address(), "GET", "/healthz").status == 200);
  CHECK(p.fakes.secret_reads() == 0);
}

TEST_CASE("a signature over anything else than this request is refused alike",
          "[gateway][partner]") {
  Partners p;
  const std::string other_target = std::string(kTarget) + "?dryRun=true";
  for (const Headers& headers : {
           SignedHeaders("POST", kTarget, R"({"eventIds":["e1"]})", kNewSecret),  // another body
           SignedHeaders("PUT", kTarget, kBody, kNewSecret),                      // method
           SignedHeaders("POST", other_target, kBody, kNewSecret),                // query
           SignedHeaders("POST", kTarget, kBody, "a guessed secret, 32 bytes long"),
           With(Signed(), "X-Timestamp", absl::StrCat(absl::ToUnixSeconds(kTestNow) + 1)),
       }) {
    CheckRefused(p.Post(headers), "SIGNATURE_INVALID", "X-Signature");
  }
  // An unknown partner gets the same answer as a wrong signature: ids cannot be probed.
  HttpReply unknown = p.Post(SignedHeaders("POST", "/v1/gatewaytest/partners/ups/tracking-events",
                                           kBody, kNewSecret, kTestNow, "ups"),
                             kBody, "/v1/gatewaytest/partners/ups/tracking-events");
  CheckRefused(unknown, "SIGNATURE_INVALID", "X-Signature");
  CHECK(JsonField(unknown.body, "error.message") ==
        "the X-Signature header does not match the request with any secret of the partner");
  // Counted for operations: under the known partner, and one bucket for ids nobody knows.
  auto failures = [&](const std::string& partner) {
    return platform::testing::MetricValue(
        p.gateway.metrics(), absl::StrCat("crm_gateway_partner_signature_failures_total{partner=\"",
                                          partner, "\",reason=\"SIGNATURE_INVALID\"}"));
  };
  CHECK(failures("dhl") == 5);
  CHECK(failures("unknown") == 1);
  CHECK(failures("ups") == -1);
}

TEST_CASE("X-Timestamp must be within 300 s of the gateway's clock", "[gateway][partner]") {
  Partners p;
  CHECK(p.Post(Signed(kNewSecret, kTestNow - absl::Seconds(300))).status == 200);
  CHECK(p.Post(Signed(kNewSecret, kTestNow + absl::Seconds(300))).status == 200);
  CheckRefused(p.Post(Signed(kNewSecret, kTestNow - absl::Seconds(301))), "SIGNATURE_EXPIRED",
               "X-Timestamp");
  CheckRefused(p.Post(Signed(kNewSecret, kTestNow + absl::Seconds(301))), "SIGNATURE_EXPIRED",
               "X-Timestamp");
  // The window follows the gateway's injected clock, not the machine's: the same request, once
  // the clock has moved on, is stale.
  Headers now = Signed();
  REQUIRE(p.Post(now).status == 200);
  p.clock.Advance(absl::Minutes(6));
  CheckRefused(p.Post(now), "SIGNATURE_EXPIRED", "X-Timestamp");
}

TEST_CASE("a partner calls about itself only: another carrier in the path is 403",
          "[gateway][partner]") {
  Partners p;
  const std::string target = "/v1/gatewaytest/partners/ups/tracking-events";
  HttpReply reply = p.Post(SignedHeaders("POST", target, kBody, kNewSecret), kBody, target);
  INFO(reply.body);
  CHECK(reply.status == 403);
  CHECK(JsonField(reply.body, "error.reason") == "PARTNER_MISMATCH");
  CHECK(JsonField(reply.body, "error.fieldViolations.0.field") == "carrierId");
}

TEST_CASE("secrets are read with the gateway's service identity, once, and kept for a minute",
          "[gateway][partner]") {
  Partners p;
  for (int i = 0; i < 5; ++i) REQUIRE(p.Post(Signed()).status == 200);
  CHECK(p.fakes.secret_reads() == 1);
  CHECK(p.fakes.secret_reader() == "svc:gateway");
  p.clock.Advance(absl::Seconds(61));
  REQUIRE(p.Post(Signed(kNewSecret, p.clock.Now())).status == 200);
  CHECK(p.fakes.secret_reads() == 2);
}

TEST_CASE("secrets that cannot be read: 503, and the next request reads again",
          "[gateway][partner]") {
  Partners p;
  p.fakes.SetSecretsDown(true);
  HttpReply down = p.Post(Signed());
  CHECK(down.status == 503);
  CHECK(JsonField(down.body, "error.reason") == "SERVICE_UNAVAILABLE");
  CHECK_FALSE(down.Header("retry-after").empty());
  p.fakes.SetSecretsDown(false);
  CHECK(p.Post(Signed()).status == 200);
  CHECK(p.fakes.secret_reads() == 2);
}

TEST_CASE("a partner token is the gateway's to make: sent from outside it is refused",
          "[gateway][partner]") {
  Partners p;
  std::string token = TestToken("crm/gateway", "partner:dhl", "partner");
  HttpReply reply = HttpCall(p.gateway.address(), "GET", "/v1/gatewaytest/things/t_1/overview", "",
                             {{"Authorization", "Bearer " + token}});
  CHECK(reply.status == 401);
  CHECK(JsonField(reply.body, "error.reason") == "TOKEN_INVALID");
  CHECK(JsonField(reply.body, "error.message") ==
        "partner tokens are not accepted from outside: sign the request");
}

TEST_CASE("a gateway without a partner key answers partner routes 503", "[gateway][partner]") {
  FakeServices fakes(TestIssuers());
  InProcessGateway gateway(
      {.upstreams = {{"gatewaytest", fakes.address()}}, .partner_signatures = false});
  HttpReply reply = HttpCall(gateway.address(), "POST", kTarget, kBody, Signed());
  CHECK(reply.status == 503);
  CHECK(fakes.secret_reads() == 0);
}

}  // namespace
}  // namespace crm::testing
