// What an attacker tries from outside, and what a frontend team's client sends by accident:
// header bytes gRPC would abort on, smuggling framings, a leaked service key, unknown method
// names, error answers that grow with the input. The gateway and the service keep serving.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <catch2/catch.hpp>

#include "absl/strings/str_cat.h"
#include "harness.h"
#include "http_client.h"
#include "json_body.h"
#include "platform/auth/tokens.h"
#include "platform/rpc/generic_call.h"
#include "platform/runtime/runtime.h"

namespace crm::testing {
namespace {

const Headers kJson = {{"Content-Type", "application/json"}};

struct System {
  TempDir dir;
  DevBroker broker{dir.path()};
  Service customers{"customers", dir.path(), broker.bootstrap()};
  Gateway gateway{dir.path(), "customers=" + customers.grpc_address()};

  HttpReply Call(const std::string& method, const std::string& target, const std::string& body = "",
                 Headers headers = kJson) {
    return HttpCall(gateway.address(), method, target, body, headers);
  }
  bool Serving() { return Call("GET", "/healthz").status == 200; }
};

std::string Login(System&) {
  return R"({"email":"nobody@example.com","password":"correct horse battery"})";
}

TEST_CASE("every forwarded header with every byte, and over-long: 400 naming it, gateway up",
          "[process][hardening]") {
  System s;
  const std::vector<std::string> names = {"Idempotency-Key", "If-Match", "traceparent",
                                          "tracestate", "Authorization"};
  for (const std::string& name : names) {
    for (int byte = 0; byte < 256; ++byte) {
      if (byte >= 0x20 && byte < 0x7f) continue;
      std::string value = absl::StrCat("a", std::string(1, static_cast<char>(byte)), "b");
      std::string raw = absl::StrCat("POST /v1/auth/login HTTP/1.1\r\nHost: x\r\n", name, ": ",
                                     value, "\r\nContent-Type: application/json\r\n",
                                     "Content-Length: ", Login(s).size(),
                                     "\r\nConnection: close\r\n\r\n", Login(s));
      std::vector<HttpReply> replies = HttpRaw(s.gateway.address(), raw, 1);
      INFO(name << " byte " << byte);
      REQUIRE(replies.size() == 1);
      // Bytes the HTTP parser already refuses (CR, LF, NUL, ...) answer 400 MALFORMED_REQUEST;
      // the rest reach the header check, which names the header.
      CHECK(replies[0].status == 400);
      if (JsonField(replies[0].body, "error.reason") == "HEADER_INVALID") {
        CHECK(JsonField(replies[0].body, "error.fieldViolations.0.field") == name);
      } else {
        CHECK(JsonField(replies[0].body, "error.reason") == "MALFORMED_REQUEST");
      }
    }
    HttpReply long_value =
        s.Call("POST", "/v1/auth/login", Login(s),
               {{"Content-Type", "application/json"}, {name, std::string(6000, 'a')}});
    INFO(name << " over-long");
    CHECK(long_value.status == 400);
    CHECK(JsonField(long_value.body, "error.fieldViolations.0.field") == name);
    REQUIRE(s.Serving());
  }
  // UTF-8 in an Idempotency-Key, as the issue's curl sends it.
  HttpReply utf8 = s.Call("POST", "/v1/auth/login", Login(s),
                          {{"Content-Type", "application/json"}, {"Idempotency-Key", "\xc3\xa9"}});
  CHECK(utf8.status == 400);
  CHECK(s.Serving());
  CHECK(s.Call("POST", "/v1/auth/login", Login(s)).status == 401);  // the service still answers
}

TEST_CASE("Transfer-Encoding other than chunked answers 501 and closes - no smuggled request",
          "[process][hardening]") {
  System s;
  for (const std::string coding : {"gzip", "identity", "chunked, identity", "xchunked"}) {
    std::string raw = absl::StrCat(
        "POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: ", coding,
        "\r\nContent-Type: application/json\r\n\r\n", "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    std::vector<HttpReply> replies = HttpRaw(s.gateway.address(), raw, 2);
    INFO(coding);
    // One answer, then the connection is closed: the "second request" is never read.
    REQUIRE(replies.size() == 1);
    CHECK(replies[0].status == 501);
    CHECK(JsonField(replies[0].body, "error.reason") == "TRANSFER_ENCODING_UNSUPPORTED");
  }
  std::string both =
      absl::StrCat("POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n",
                   "Content-Length: 5\r\n\r\n0\r\n\r\n");
  std::vector<HttpReply> replies = HttpRaw(s.gateway.address(), both, 2);
  REQUIRE(replies.size() == 1);
  CHECK(replies[0].status == 400);
  // Plain chunked still works.
  std::string body = Login(s);
  std::string chunked =
      absl::StrCat("POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n",
                   "Content-Type: application/json\r\nConnection: close\r\n\r\n",
                   absl::StrCat(absl::Hex(body.size())), "\r\n", body, "\r\n0\r\n\r\n");
  replies = HttpRaw(s.gateway.address(), chunked, 1);
  REQUIRE(replies.size() == 1);
  CHECK(replies[0].status == 401);  // read in full and answered by the service
  CHECK(s.Serving());
}

TEST_CASE("a token made with a service key and a person's role is refused everywhere",
          "[process][hardening]") {
  System s;
  HttpReply created = s.Call(
      "POST", "/v1/customers",
      R"({"email":"victim@example.com","password":"correct horse battery","displayName":"V"})");
  REQUIRE(created.status == 201);
  std::string victim = JsonField(created.body, "customerId");

  auto pem = platform::ReadFile(TestTokenKeys().service_private_keys.at("orders"));
  REQUIRE(pem.ok());
  auto signer =
      platform::TokenSigner::Create({.private_key_pem = *pem, .issuer = "crm/svc/orders"});
  REQUIRE(signer.ok());
  absl::Time now = absl::Now();
  auto sign = [&](std::string subject, std::string role) {
    return *signer->Sign({.subject = std::move(subject),
                          .role = std::move(role),
                          .audience = "crm",
                          .issued_at = now,
                          .not_before = now,
                          .expires_at = now + absl::Minutes(5)});
  };
  for (auto [subject, role] : std::vector<std::pair<std::string, std::string>>{
           {"st_forged", "admin"}, {victim, "customer"}, {"svc:orders", "service"}}) {
    std::string token = sign(subject, role);
    INFO(role);
    // At the gateway: refused at the edge, even the honest service token.
    HttpReply r = s.Call("GET", absl::StrCat("/v1/customers/", victim, ":export"), "",
                         {{"Authorization", "Bearer " + token}});
    CHECK(r.status == 401);
    CHECK(JsonField(r.body, "error.reason") == "TOKEN_INVALID");
    // At the service, called directly: only the honest service token passes verification (and
    // then its role decides: export is not for services).
    platform::RawReply direct =
        platform::CallRaw(s.customers.Channel(), "/crm.customers.v1.PrivacyService/ExportCustomer",
                          "", absl::Seconds(5), {{"authorization", "Bearer " + token}});
    CHECK_FALSE(direct.status.ok());
    if (role != "service") CHECK(direct.status.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  }
}

TEST_CASE("unknown method names share one metrics series", "[process][hardening]") {
  System s;
  for (int i = 0; i < 50; ++i) {
    platform::RawReply reply =
        platform::CallRaw(s.customers.Channel(), absl::StrCat("/crm.Nope", i, "/Method", i), "",
                          absl::Seconds(5), {});
    CHECK(reply.status.error_code() == grpc::StatusCode::UNIMPLEMENTED);
  }
  std::string metrics = s.customers.Metrics();
  CHECK(metrics.find("crm.Nope") == std::string::npos);
  CHECK(s.customers.Metric(R"(crm_rpc_requests_total{code="UNIMPLEMENTED",method="unknown"})") ==
        50);
}

TEST_CASE("answers that grow with the input stay a 400, never a 429", "[process][hardening]") {
  System s;
  std::string interests;
  for (int i = 0; i < 300; ++i) absl::StrAppend(&interests, i ? "," : "", "\"\"");
  HttpReply r = s.Call("POST", "/v1/customers",
                       absl::StrCat(R"({"email":"grow@example.com","password":"correct horse )"
                                    R"(battery","displayName":"G","interests":[)",
                                    interests, "]}"));
  CHECK(r.status == 400);
  HttpReply created = s.Call(
      "POST", "/v1/customers",
      R"({"email":"mask@example.com","password":"correct horse battery","displayName":"M"})");
  REQUIRE(created.status == 201);
  std::string id = JsonField(created.body, "customerId");
  HttpReply login = s.Call("POST", "/v1/auth/login",
                           R"({"email":"mask@example.com","password":"correct horse battery"})");
  REQUIRE(login.status == 200);
  Headers auth = {{"Content-Type", "application/json"},
                  {"Authorization", "Bearer " + JsonField(login.body, "accessToken")}};
  std::string mask = std::string(8000, 'x');
  r = s.Call("PATCH", absl::StrCat("/v1/customers/", id, "?updateMask=", mask),
             R"({"displayName":"N"})", auth);
  CHECK(r.status == 400);
  CHECK(s.Serving());
}

}  // namespace
}  // namespace crm::testing
