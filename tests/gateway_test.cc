// The REST API as a frontend developer meets it: the customers slice through the real gateway
// in front of the real customers service, every answer and error path of the gateway issue.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <signal.h>

#include <catch2/catch.hpp>

#include "harness.h"
#include "http_client.h"

namespace crm::testing {
namespace {

using google::protobuf::Struct;

Struct Parse(const std::string& json) {
  Struct parsed;
  INFO(json);
  REQUIRE(google::protobuf::util::JsonStringToMessage(json, &parsed).ok());
  return parsed;
}

std::string Field(const Struct& s, const std::string& name) {
  auto it = s.fields().find(name);
  return it == s.fields().end() ? "" : it->second.string_value();
}

const Struct& Error(const Struct& s) { return s.fields().at("error").struct_value(); }

std::string FirstViolation(const Struct& body) {
  const auto& violations = Error(body).fields().at("fieldViolations").list_value();
  REQUIRE(violations.values_size() >= 1);
  return Field(violations.values(0).struct_value(), "field");
}

const Headers kJson = {{"Content-Type", "application/json"}};

std::string Registration(const std::string& email) {
  return R"({"email":")" + email +
         R"(","password":"correct horse battery","displayName":"Ann Example","kind":"INDIVIDUAL"})";
}

// Logs `email` in through the REST API; the "Authorization" header for its calls.
Headers BearerFor(const std::string& gateway, const std::string& email) {
  HttpReply r =
      HttpCall(gateway, "POST", "/v1/auth/login",
               R"({"email":")" + email + R"(","password":"correct horse battery"})", kJson);
  REQUIRE(r.status == 200);
  std::string token = Field(Parse(r.body), "accessToken");
  REQUIRE_FALSE(token.empty());
  return {{"Authorization", "Bearer " + token}};
}

struct System {
  TempDir dir;
  DevBroker broker{dir.path()};
  Service customers{"customers", dir.path(), broker.bootstrap()};
  Gateway gateway{dir.path(),
                  "customers=" + customers.grpc_address(),
                  {"--cors-origins", "https://shop.example", "--max-body-bytes", "4096"}};

  HttpReply Call(const std::string& method, const std::string& target, const std::string& body = "",
                 Headers headers = kJson) {
    return HttpCall(gateway.address(), method, target, body, headers);
  }
};

TEST_CASE("register, then read the customer through REST", "[process][gateway]") {
  System s;
  HttpReply created = s.Call("POST", "/v1/customers", Registration("ann@example.com"));
  REQUIRE(created.status == 201);
  Struct customer = Parse(created.body);
  std::string id = Field(customer, "customerId");
  CHECK(id.rfind("c_", 0) == 0);
  CHECK(Field(customer, "email") == "ann@example.com");
  CHECK(Field(customer, "kind") == "INDIVIDUAL");
  CHECK(customer.fields().count("password") == 0);
  // What was not given is absent, not an empty string a client would parse as a date.
  CHECK(customer.fields().count("birthDate") == 0);
  CHECK(created.Header("location") == "/v1/customers/" + id);
  CHECK(created.Header("etag") == "\"v1\"");
  CHECK(created.Header("content-type") == "application/json");
  CHECK_FALSE(created.Header("x-request-id").empty());

  HttpReply anonymous = s.Call("GET", created.Header("location"));
  CHECK(anonymous.status == 401);
  HttpReply read = s.Call("GET", created.Header("location"), "",
                          BearerFor(s.gateway.address(), "ann@example.com"));
  REQUIRE(read.status == 200);
  CHECK(read.Header("etag") == "\"v1\"");
  CHECK(Field(Parse(read.body), "customerId") == id);

  // A customer's login answers their id and no staff id at all.
  HttpReply login = s.Call("POST", "/v1/auth/login",
                           R"({"email":"ann@example.com","password":"correct horse battery"})");
  REQUIRE(login.status == 200);
  CHECK(Field(Parse(login.body), "customerId") == id);
  CHECK(Parse(login.body).fields().count("staffId") == 0);
}

TEST_CASE("log in, read your own record only, refresh, log out: the old token is refused",
          "[process][gateway][identity]") {
  System s;
  HttpReply ann = s.Call("POST", "/v1/customers", Registration("ann@example.com"));
  HttpReply bob = s.Call("POST", "/v1/customers", Registration("bob@example.com"));
  REQUIRE(ann.status == 201);
  REQUIRE(bob.status == 201);

  HttpReply wrong = s.Call("POST", "/v1/auth/login",
                           R"({"email":"ann@example.com","password":"not the password"})");
  CHECK(wrong.status == 401);
  CHECK(Field(Error(Parse(wrong.body)), "reason") == "INVALID_CREDENTIALS");

  HttpReply login = s.Call("POST", "/v1/auth/login",
                           R"({"email":"ann@example.com","password":"correct horse battery"})");
  REQUIRE(login.status == 200);
  Struct tokens = Parse(login.body);
  CHECK(Field(tokens, "role") == "customer");
  CHECK(Field(tokens, "customerId") == Field(Parse(ann.body), "customerId"));
  CHECK(Field(tokens, "expiresIn") == "900");
  Headers bearer = {{"Authorization", "Bearer " + Field(tokens, "accessToken")}};

  CHECK(s.Call("GET", ann.Header("location"), "", bearer).status == 200);
  CHECK(s.Call("GET", bob.Header("location"), "", bearer).status == 404);
  CHECK(s.Call("GET", ann.Header("location")).status == 401);

  // Change the own profile: the body's fields, under If-Match; a stale etag changes nothing.
  Headers patching = {{"Content-Type", "application/json"}, bearer[0], {"If-Match", "\"v1\""}};
  HttpReply patched = s.Call("PATCH", ann.Header("location"),
                             R"({"displayName":"Ann Lee","phone":"+49 30 1234567"})", patching);
  INFO(patched.body);
  REQUIRE(patched.status == 200);
  CHECK(patched.Header("etag") == "\"v2\"");
  CHECK(Field(Parse(patched.body), "displayName") == "Ann Lee");
  CHECK(Field(Parse(patched.body), "phone") == "+49 30 1234567");
  HttpReply stale = s.Call("PATCH", ann.Header("location"), R"({"phone":"12345"})", patching);
  CHECK(stale.status == 412);
  CHECK(Field(Error(Parse(stale.body)), "reason") == "ETAG_MISMATCH");
  Headers unconditional = {{"Content-Type", "application/json"}, bearer[0]};
  HttpReply invalid =
      s.Call("PATCH", ann.Header("location"), R"({"phone":"call me"})", unconditional);
  CHECK(invalid.status == 400);
  CHECK(FirstViolation(Parse(invalid.body)) == "phone");
  HttpReply masked =
      s.Call("PATCH", ann.Header("location") + "?updateMask=occupation",
             R"({"displayName":"Not Applied","occupation":"Engineer"})", unconditional);
  REQUIRE(masked.status == 200);
  CHECK(Field(Parse(masked.body), "displayName") == "Ann Lee");
  CHECK(Field(Parse(masked.body), "occupation") == "Engineer");
  CHECK(masked.Header("etag") == "\"v3\"");
  CHECK(s.Call("PATCH", bob.Header("location"), R"({"phone":"12345"})", unconditional).status ==
        404);
  CHECK(s.Call("PATCH", ann.Header("location"), R"({"phone":"12345"})").status == 401);

  HttpReply refreshed = s.Call("POST", "/v1/auth/refresh",
                               R"({"refreshToken":")" + Field(tokens, "refreshToken") + R"("})");
  REQUIRE(refreshed.status == 200);
  Headers renewed = {{"Authorization", "Bearer " + Field(Parse(refreshed.body), "accessToken")}};
  CHECK(s.Call("GET", ann.Header("location"), "", renewed).status == 200);

  HttpReply logout =
      s.Call("POST", "/v1/auth/logout", "{}", {{"Content-Type", "application/json"}, renewed[0]});
  CHECK(logout.status == 204);
  for (const Headers* old : {&bearer, &renewed}) {
    HttpReply refused = s.Call("GET", ann.Header("location"), "", *old);
    CHECK(refused.status == 401);
    CHECK(Field(Error(Parse(refused.body)), "reason") == "TOKEN_REVOKED");
  }
}

TEST_CASE("every error path of the customers slice answers in API.md's shape",
          "[process][gateway]") {
  System s;
  REQUIRE(s.Call("POST", "/v1/customers", Registration("taken@example.com")).status == 201);

  SECTION("a bad email: 400 naming email, nothing created") {
    HttpReply r = s.Call("POST", "/v1/customers", Registration("not-an-email"),
                         {{"Content-Type", "application/json"}, {"X-Request-Id", "req-42"}});
    REQUIRE(r.status == 400);
    Struct body = Parse(r.body);
    CHECK(Error(body).fields().at("code").number_value() == 400);
    CHECK(Field(Error(body), "status") == "INVALID_ARGUMENT");
    CHECK(Field(Error(body), "reason") == "FIELD_INVALID");
    CHECK(FirstViolation(body) == "email");
    CHECK(Field(Error(body), "requestId") == "req-42");
    CHECK(r.Header("x-request-id") == "req-42");
    CHECK(s.customers.Metric("crm_customers_registered_total") == 1);
  }
  SECTION("a duplicate email, in other letters: 409") {
    HttpReply r = s.Call("POST", "/v1/customers", Registration("TAKEN@example.com"));
    CHECK(r.status == 409);
    CHECK(Field(Error(Parse(r.body)), "reason") == "EMAIL_TAKEN");
  }
  SECTION("an unknown id, or another customer's: 404 alike") {
    Headers bearer = BearerFor(s.gateway.address(), "taken@example.com");
    HttpReply r = s.Call("GET", "/v1/customers/c_doesnotexist", "", bearer);
    CHECK(r.status == 404);
    CHECK(Field(Error(Parse(r.body)), "status") == "NOT_FOUND");
  }
  SECTION("no token, or a bad one: 401 before any service is called") {
    CHECK(s.Call("GET", "/v1/customers/c_x").status == 401);
    HttpReply forged = s.Call("GET", "/v1/customers/c_x", "",
                              {{"Authorization", "Bearer eyJhbGciOiJub25lIn0.e30."}});
    CHECK(forged.status == 401);
    CHECK(Field(Error(Parse(forged.body)), "reason") == "TOKEN_INVALID");
  }
  SECTION("a body that is not JSON: 400") {
    HttpReply r = s.Call("POST", "/v1/customers", "email=ann@example.com");
    CHECK(r.status == 400);
    CHECK(FirstViolation(Parse(r.body)) == "body");
  }
  SECTION("an unknown field: 400 naming it") {
    HttpReply r =
        s.Call("POST", "/v1/customers",
               R"({"email":"x@example.com","password":"correct horse","displayNme":"X"})");
    CHECK(r.status == 400);
    CHECK(FirstViolation(Parse(r.body)) == "displayNme");
  }
  SECTION("an unknown route: 404, a wrong method: 405 with Allow, both in the same shape") {
    HttpReply missing = s.Call("GET", "/v1/nothing-here");
    CHECK(missing.status == 404);
    CHECK(Field(Error(Parse(missing.body)), "reason") == "ROUTE_NOT_FOUND");
    HttpReply wrong = s.Call("DELETE", "/v1/customers");
    CHECK(wrong.status == 405);
    CHECK(wrong.Header("allow") == "GET, POST");  // search and register
    CHECK(Field(Error(Parse(wrong.body)), "reason") == "METHOD_NOT_ALLOWED");
  }
  SECTION("a body over the limit: 413") {
    HttpReply r = s.Call("POST", "/v1/customers", std::string(5000, ' '));
    CHECK(r.status == 413);
    CHECK(Field(Error(Parse(r.body)), "reason") == "BODY_TOO_LARGE");
  }
}

TEST_CASE("the gateway's limits: headers, deadline, connections", "[process][gateway]") {
  TempDir dir;
  DevBroker broker(dir.path());
  Service customers("customers", dir.path(), broker.bootstrap());
  Gateway gateway(dir.path(), "customers=" + customers.grpc_address(),
                  {"--max-header-bytes", "2048", "--max-connections", "1",
                   // a registration hashes a password for far longer than 1 ms
                   "--route-deadlines", "POST /v1/customers=1"});

  SECTION("headers over the limit: 431") {
    HttpReply r =
        HttpCall(gateway.address(), "GET", "/healthz", "", {{"X-Padding", std::string(4096, 'x')}});
    CHECK(r.status == 431);
    CHECK(Field(Error(Parse(r.body)), "reason") == "HEADERS_TOO_LARGE");
  }
  SECTION("a service slower than the route's deadline: 504") {
    HttpReply r = HttpCall(gateway.address(), "POST", "/v1/customers",
                           Registration("slow@example.com"), kJson);
    CHECK(r.status == 504);
    CHECK(Field(Error(Parse(r.body)), "status") == "DEADLINE_EXCEEDED");
  }
  SECTION("one connection more than allowed: 503 and closed") {
    OpenConnection first(gateway.address());  // idle, counted until the gateway drops it
    REQUIRE(first.connected());
    HttpReply r;
    REQUIRE(WaitFor(
        [&] {
          r = HttpCall(gateway.address(), "GET", "/healthz");
          return r.status == 503;
        },
        absl::Seconds(5)));
    CHECK(Field(Error(Parse(r.body)), "reason") == "TOO_MANY_CONNECTIONS");
  }
}

TEST_CASE("a burst on a strict route meets 429 with Retry-After, and passes after the window",
          "[process][gateway]") {
  TempDir dir;
  DevBroker broker(dir.path());
  Service customers("customers", dir.path(), broker.bootstrap());
  Gateway gateway(
      dir.path(), "customers=" + customers.grpc_address(),
      {"--rate-limit-strict", "2/2s", "--strict-routes", "GET /v1/customers/{customer_id}"});
  // Without a token each answer is 401, but the limit counts every request of the client.
  auto get = [&] { return HttpCall(gateway.address(), "GET", "/v1/customers/c_someone"); };
  CHECK(get().status == 401);
  CHECK(get().status == 401);
  HttpReply limited = get();
  REQUIRE(limited.status == 429);
  CHECK(Field(Error(Parse(limited.body)), "reason") == "RATE_LIMITED");
  CHECK(limited.Header("retry-after") == "1");
  // Routes of other classes are not held back (a refresh is in the default class).
  CHECK(
      HttpCall(gateway.address(), "POST", "/v1/auth/refresh", R"({"refreshToken":"s_x.y"})", kJson)
          .status == 401);
  // The bucket refills at 2 per 2 s: after the Retry-After the route answers again.
  CHECK(WaitFor([&] { return get().status == 401; }, absl::Seconds(5)));
  std::string metrics = HttpGet(gateway.address(), "/metrics");
  CHECK(MetricValue(metrics, R"(crm_gateway_rate_limited_total{class="strict"})") >= 1);
}

TEST_CASE(
    "a repeated Idempotency-Key answers the identical 201 - anonymous, another body is "
    "another request",
    "[process][gateway]") {
  System s;
  Headers keyed = {{"Content-Type", "application/json"}, {"Idempotency-Key", "k-1"}};
  HttpReply first = s.Call("POST", "/v1/customers", Registration("once@example.com"), keyed);
  HttpReply again = s.Call("POST", "/v1/customers", Registration("once@example.com"), keyed);
  REQUIRE(first.status == 201);
  CHECK(again.status == 201);
  CHECK(again.body == first.body);
  CHECK(again.Header("location") == first.Header("location"));
  CHECK(s.customers.Metric("crm_customers_registered_total") == 1);

  // No caller to scope an anonymous key by: the request is part of it (the signed-in 422 is in
  // customer_records_test).
  HttpReply other = s.Call("POST", "/v1/customers", Registration("other@example.com"), keyed);
  CHECK(other.status == 201);
  CHECK(other.body != first.body);
}

TEST_CASE("a stopped service makes its routes 503 while the gateway stays ready",
          "[process][gateway]") {
  System s;
  HttpReply created = s.Call("POST", "/v1/customers", Registration("gone@example.com"));
  REQUIRE(created.status == 201);
  Headers bearer = BearerFor(s.gateway.address(), "gone@example.com");
  s.customers.Kill(SIGKILL);
  REQUIRE(s.customers.Wait() == 128 + SIGKILL);
  HttpReply r = s.Call("GET", created.Header("location"), "", bearer);
  CHECK(r.status == 503);
  CHECK(Field(Error(Parse(r.body)), "reason") == "SERVICE_UNAVAILABLE");
  CHECK_FALSE(r.Header("retry-after").empty());
  CHECK(s.Call("GET", "/readyz").status == 200);
  CHECK(s.Call("GET", "/healthz").status == 200);
}

TEST_CASE("CORS: allowed origins get preflights answered and headers exposed",
          "[process][gateway]") {
  System s;
  HttpReply preflight =
      s.Call("OPTIONS", "/v1/customers", "",
             {{"Origin", "https://shop.example"},
              {"Access-Control-Request-Method", "POST"},
              {"Access-Control-Request-Headers", "content-type,idempotency-key"}});
  CHECK(preflight.status == 204);
  CHECK(preflight.Header("access-control-allow-origin") == "https://shop.example");
  CHECK(preflight.Header("access-control-allow-methods").find("POST") != std::string::npos);
  CHECK(preflight.Header("access-control-allow-headers").find("Idempotency-Key") !=
        std::string::npos);

  HttpReply stranger =
      s.Call("OPTIONS", "/v1/customers", "",
             {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "POST"}});
  CHECK(stranger.Header("access-control-allow-origin").empty());

  HttpReply created =
      s.Call("POST", "/v1/customers", Registration("cors@example.com"),
             {{"Content-Type", "application/json"}, {"Origin", "https://shop.example"}});
  CHECK(created.status == 201);
  CHECK(created.Header("access-control-allow-origin") == "https://shop.example");
  CHECK(created.Header("access-control-expose-headers").find("Location") != std::string::npos);
}

TEST_CASE("pipelined requests on one keep-alive connection are answered in order",
          "[process][gateway]") {
  System s;
  HttpReply created = s.Call("POST", "/v1/customers", Registration("pipe@example.com"));
  REQUIRE(created.status == 201);
  std::string auth =
      "Authorization: " + BearerFor(s.gateway.address(), "pipe@example.com")[0].second;
  std::string get =
      "GET " + created.Header("location") + " HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n\r\n";
  std::string missing = "GET /v1/customers/c_missing HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n\r\n";
  std::string health = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  auto replies = HttpRaw(s.gateway.address(), get + missing + health, 3);
  REQUIRE(replies.size() == 3);
  CHECK(replies[0].status == 200);
  CHECK(replies[1].status == 404);
  CHECK(replies[2].status == 200);
}

TEST_CASE("the gateway's /metrics counts requests per route and passes promtool",
          "[process][gateway]") {
  System s;
  REQUIRE(s.Call("POST", "/v1/customers", Registration("m@example.com")).status == 201);
  REQUIRE(s.Call("GET", "/v1/customers/c_missing").status == 401);  // no token
  HttpReply metrics = s.Call("GET", "/metrics");
  REQUIRE(metrics.status == 200);
  CHECK(MetricValue(metrics.body,
                    R"(crm_gateway_requests_total{class="2xx",route="POST /v1/customers"})") == 1);
  CHECK(MetricValue(
            metrics.body,
            R"(crm_gateway_requests_total{class="4xx",route="GET /v1/customers/{customer_id}"})") ==
        1);
  std::string output;
  int promtool = PromtoolCheck(metrics.body, &output);
  INFO(output);
  CHECK(promtool == 0);
}

}  // namespace
}  // namespace crm::testing
