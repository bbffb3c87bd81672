// Tokens as an attacker would try them, at the gateway (REST) and at the service directly
// (gRPC): every forged, stale or misdirected token is refused with 401 at both; and a walk over
// the whole route table: every customer-scoped route answers 404 to another customer's token.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <jwt.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "crm/customers/v1/staff.grpc.pb.h"
#include "crm/platform/v1/dead_letters.grpc.pb.h"
#include "customer_calls.h"
#include "gateway/routing/route_table.h"
#include "harness.h"
#include "http_client.h"
#include "json_body.h"
#include "platform/auth/tokens.h"
#include "platform/rpc/grpc_status.h"
#include "platform/rpc/service_tokens.h"

namespace crm::testing {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Tokens signed with the run's real key but wrong claims, and outright forgeries.
std::map<std::string, std::string> BadTokens() {
  auto signer = platform::TokenSigner::Create(
      {.private_key_pem = ReadAll(TestTokenKeys().private_key), .issuer = "crm/customers"});
  REQUIRE(signer.ok());
  absl::Time now = absl::Now();
  platform::TokenClaims good{.subject = "c_someone",
                             .role = "customer",
                             .audience = "crm",
                             .issued_at = now,
                             .not_before = now,
                             .expires_at = now + absl::Minutes(15),
                             .session_id = "s_x"};
  std::map<std::string, std::string> tokens;
  auto sign = [&](platform::TokenClaims claims) { return *signer->Sign(claims); };

  platform::TokenClaims expired = good;
  expired.issued_at = now - absl::Hours(2);
  expired.not_before = expired.issued_at;
  expired.expires_at = now - absl::Hours(1);
  tokens["expired"] = sign(expired);

  platform::TokenClaims early = good;
  early.not_before = now + absl::Hours(1);
  tokens["not yet valid"] = sign(early);

  platform::TokenClaims elsewhere = good;
  elsewhere.audience = "another-app";
  tokens["wrong audience"] = sign(elsewhere);

  auto stranger = platform::TokenSigner::Create(
      {.private_key_pem = ReadAll(TestTokenKeys().private_key), .issuer = "evil"});
  tokens["wrong issuer"] = *stranger->Sign(good);

  std::string header = absl::WebSafeBase64Escape(R"({"alg":"none","typ":"JWT"})");
  std::string payload = absl::WebSafeBase64Escape(
      absl::StrCat(R"({"iss":"crm/customers","sub":"c_someone","aud":"crm","role":"admin","exp":)",
                   absl::ToUnixSeconds(now + absl::Hours(1)), "}"));
  tokens["alg none"] = absl::StrCat(header, ".", payload, ".");

  std::string public_pem = ReadAll(TestTokenKeys().public_key);
  jwt_t* raw = nullptr;
  REQUIRE(jwt_new(&raw) == 0);
  jwt_add_grant(raw, "iss", "crm/customers");
  jwt_add_grant(raw, "sub", "c_someone");
  jwt_add_grant(raw, "aud", "crm");
  jwt_add_grant(raw, "role", "admin");
  jwt_add_grant_int(raw, "exp", absl::ToUnixSeconds(now + absl::Hours(1)));
  jwt_set_alg(raw, JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(public_pem.data()),
              static_cast<int>(public_pem.size()));
  char* forged = jwt_encode_str(raw);
  tokens["HS256 with the public key"] = forged;
  free(forged);
  jwt_free(raw);

  std::vector<std::string> parts = absl::StrSplit(sign(good), '.');
  tokens["tampered payload"] = absl::StrCat(parts[0], ".", payload, ".", parts[2]);
  return tokens;
}

std::string Reason(const std::string& json) { return JsonField(json, "error.reason"); }

struct System {
  TempDir dir;
  DevBroker broker{dir.path()};
  Service customers{"customers", dir.path(), broker.bootstrap()};
  Gateway gateway{dir.path(), "customers=" + customers.grpc_address()};
};

TEST_CASE("forged, stale and misdirected tokens: 401 at the gateway and at the service",
          "[process][identity]") {
  System s;
  auto stub = customers::v1::CustomersService::NewStub(s.customers.Channel());
  CallResult ann = CreateCustomer(*stub, Registration("ann@example.com"));
  REQUIRE(ann.status.ok());
  std::string id = ann.customer.customer_id();
  std::string good = Login(s.customers.Channel(), "ann@example.com");
  REQUIRE_FALSE(good.empty());

  // The real token passes both doors: the tests below fail for the token, nothing else.
  CHECK(GetCustomer(*stub, id, good).status.ok());
  CHECK(HttpCall(s.gateway.address(), "GET", "/v1/customers/" + id, "",
                 {{"Authorization", "Bearer " + good}})
            .status == 200);

  for (const auto& [name, token] : BadTokens()) {
    INFO(name);
    HttpReply rest = HttpCall(s.gateway.address(), "GET", "/v1/customers/" + id, "",
                              {{"Authorization", "Bearer " + token}});
    CHECK(rest.status == 401);
    CallResult direct = GetCustomer(*stub, id, token);
    CHECK(direct.status.error_code() == grpc::StatusCode::UNAUTHENTICATED);
    if (name == "expired") {
      CHECK(Reason(rest.body) == "TOKEN_EXPIRED");
      CHECK(platform::DetailsOf(direct.status).reason() == "TOKEN_EXPIRED");
    }
    if (name == "not yet valid") CHECK(Reason(rest.body) == "TOKEN_NOT_YET_VALID");
  }

  // Logged out: the session's token is refused by the service (the gateway forwards it).
  {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + good);
    customers::v1::LogoutResponse out;
    REQUIRE(customers::v1::AuthService::NewStub(s.customers.Channel())
                ->Logout(&context, customers::v1::LogoutRequest(), &out)
                .ok());
  }
  CallResult revoked = GetCustomer(*stub, id, good);
  CHECK(revoked.status.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(platform::DetailsOf(revoked.status).reason() == "TOKEN_REVOKED");
  CHECK(HttpCall(s.gateway.address(), "GET", "/v1/customers/" + id, "",
                 {{"Authorization", "Bearer " + good}})
            .status == 401);
}

TEST_CASE("a burst of logins meets 429 with Retry-After (the default strict class)",
          "[process][identity]") {
  System s;
  int refused = 0;
  HttpReply last;
  for (int i = 0; i < 12; ++i) {
    // A new email each time: the per-account throttle of the customers service stays out of it.
    std::string body =
        absl::StrCat(R"({"email":"nobody)", i, R"(@example.com","password":"wrong password"})");
    last = HttpCall(s.gateway.address(), "POST", "/v1/auth/login", body,
                    {{"Content-Type", "application/json"}});
    if (last.status == 429) {
      ++refused;
      CHECK_FALSE(last.Header("retry-after").empty());
    } else {
      CHECK(last.status == 401);
    }
  }
  CHECK(refused == 2);  // 10 per minute per client
}

TEST_CASE("every customer-scoped route answers 404 to another customer's token",
          "[process][identity]") {
  auto routes = gateway::RouteTable::Build(gateway::RouteTable::GeneratedServices());
  REQUIRE(routes.ok());
  System s;
  auto stub = customers::v1::CustomersService::NewStub(s.customers.Channel());
  REQUIRE(CreateCustomer(*stub, Registration("a@example.com")).status.ok());
  CallResult b = CreateCustomer(*stub, Registration("b@example.com"));
  REQUIRE(b.status.ok());
  Headers as_a = {{"Authorization", "Bearer " + Login(s.customers.Channel(), "a@example.com")},
                  {"Content-Type", "application/json"}};

  int walked = 0;
  for (const auto& route : routes->routes()) {
    const api::v1::Access& access = route->access;
    INFO(route->http_method << " " << route->path.text());
    // Every RPC with a route declares who may call it.
    CHECK((access.anonymous() || access.roles_size() > 0));
    bool customers_allowed = false;
    for (int role : access.roles()) customers_allowed |= role == api::v1::Access::CUSTOMER;
    if (!customers_allowed || access.owner_field().empty()) continue;
    // The path with B's id for the owner field and a placeholder for any other capture.
    std::string path = route->path.text();
    for (const std::string& field : route->path.fields()) {
      std::string value = field == access.owner_field() ? b.customer.customer_id() : "x";
      path = absl::StrReplaceAll(path, {{"{" + field + "}", value}, {"{" + field + "=**}", value}});
    }
    std::string body = route->body.empty() ? "" : "{}";
    if (route->body == "*" && route->path.fields().empty()) {
      body = R"({")" + access.owner_field() + R"(":")" + b.customer.customer_id() + R"("})";
    }
    HttpReply r = HttpCall(s.gateway.address(), route->http_method, path, body, as_a);
    CHECK(r.status == 404);
    ++walked;
  }
  CHECK(walked >= 3);  // GET and PATCH /v1/customers/{customer_id}, its password at least
}

TEST_CASE(
    "a logout reaches the other services: they refuse the session's token once they read "
    "the event",
    "[process][identity]") {
  TempDir dir;
  DevBroker broker{dir.path()};
  Service customers{"customers", dir.path(), broker.bootstrap()};
  Service orders{"orders", dir.path(), broker.bootstrap()};
  std::string admin = Login(customers.Channel(), kTestAdminEmail, kTestAdminPassword);
  REQUIRE_FALSE(admin.empty());
  auto dead_letters = platform::v1::DeadLetterService::NewStub(orders.Channel());
  auto list = [&] {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    context.AddMetadata("authorization", "Bearer " + admin);
    platform::v1::ListDeadLettersResponse response;
    return dead_letters->ListDeadLetters(&context, platform::v1::ListDeadLettersRequest(),
                                         &response);
  };
  REQUIRE(list().ok());  // orders trusts the admin's token

  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + admin);
  customers::v1::LogoutResponse out;
  REQUIRE(customers::v1::AuthService::NewStub(customers.Channel())
              ->Logout(&context, customers::v1::LogoutRequest(), &out)
              .ok());
  grpc::Status refused;
  REQUIRE(WaitFor(
      [&] {
        refused = list();
        return refused.error_code() == grpc::StatusCode::UNAUTHENTICATED;
      },
      absl::Seconds(15)));
  CHECK(platform::DetailsOf(refused).reason() == "TOKEN_REVOKED");
}

TEST_CASE("a service's own token reaches another service - one from an unknown key does not",
          "[process][identity]") {
  System s;
  auto stub = customers::v1::CustomersService::NewStub(s.customers.Channel());
  CallResult ann = CreateCustomer(*stub, Registration("ann@example.com"));
  REQUIRE(ann.status.ok());
  platform::SystemClock clock;
  auto orders = platform::ServiceTokens::Create(
      {.service = "orders",
       .private_key_pem = ReadAll(TestTokenKeys().service_private_keys.at("orders"))},
      clock);
  REQUIRE(orders.ok());
  auto call = [&](platform::ServiceTokens& tokens) {
    grpc::ClientContext context;
    for (const auto& [name, value] : tokens.Metadata()) context.AddMetadata(name, value);
    customers::v1::GetCustomerRequest request;
    request.set_customer_id(ann.customer.customer_id());
    customers::v1::Customer out;
    return stub->GetCustomer(&context, request, &out);
  };
  CHECK(call(**orders).ok());
  // Staff-only calls stay closed to services that are not listed.
  {
    grpc::ClientContext context;
    for (const auto& [name, value] : (*orders)->Metadata()) context.AddMetadata(name, value);
    customers::v1::GetStaffRequest request;
    request.set_staff_id("st_x");
    customers::v1::Staff out;
    CHECK(customers::v1::StaffService::NewStub(s.customers.Channel())
              ->GetStaff(&context, request, &out)
              .error_code() == grpc::StatusCode::PERMISSION_DENIED);
  }
  auto impostor = platform::ServiceTokens::Create(
      {.service = "orders", .private_key_pem = platform::testing::NewEs256Keys().private_pem},
      clock);
  REQUIRE(impostor.ok());
  CHECK(call(**impostor).error_code() == grpc::StatusCode::UNAUTHENTICATED);
}

TEST_CASE("analysts only read: no write route admits them, and the services refuse them",
          "[process][identity]") {
  auto routes = gateway::RouteTable::Build(gateway::RouteTable::GeneratedServices());
  REQUIRE(routes.ok());
  for (const auto& route : routes->routes()) {
    std::string name = absl::StrCat(route->http_method, " ", route->path.text());
    INFO(name);
    bool analyst = false;
    for (int role : route->access.roles()) analyst |= role == api::v1::Access::ANALYST;
    // Logging out ends only the caller's own session.
    if (route->http_method != "GET" && name != "POST /v1/auth/logout") CHECK_FALSE(analyst);
  }

  System s;
  auto stub = customers::v1::CustomersService::NewStub(s.customers.Channel());
  CallResult ann = CreateCustomer(*stub, Registration("ann@example.com"));
  REQUIRE(ann.status.ok());
  std::string id = ann.customer.customer_id();
  Headers as_admin = {{"Authorization", "Bearer " + Login(s.customers.Channel(), kTestAdminEmail,
                                                          kTestAdminPassword)},
                      {"Content-Type", "application/json"}};
  REQUIRE(HttpCall(s.gateway.address(), "POST", "/v1/staff",
                   R"({"email":"al@crm.example","password":"analyst password","displayName":"Al",)"
                   R"("role":"analyst"})",
                   as_admin)
              .status == 201);
  std::string analyst = Login(s.customers.Channel(), "al@crm.example", "analyst password");
  REQUIRE_FALSE(analyst.empty());
  Headers as_analyst = {{"Authorization", "Bearer " + analyst},
                        {"Content-Type", "application/json"}};

  CHECK(HttpCall(s.gateway.address(), "GET", "/v1/customers/" + id, "", as_analyst).status == 200);
  HttpReply patch = HttpCall(s.gateway.address(), "PATCH", "/v1/customers/" + id,
                             R"({"occupation":"Engineer"})", as_analyst);
  CHECK(patch.status == 403);
  CHECK(Reason(patch.body) == "ROLE_NOT_ALLOWED");
  CHECK(HttpCall(s.gateway.address(), "POST", "/v1/staff",
                 R"({"email":"x@crm.example","password":"some password","displayName":"X",)"
                 R"("role":"admin"})",
                 as_analyst)
            .status == 403);
  // The service itself refuses the analyst too, not only the gateway.
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + analyst);
  customers::v1::UpdateCustomerRequest request;
  request.set_customer_id(id);
  request.mutable_customer()->set_occupation("Engineer");
  request.mutable_update_mask()->add_paths("occupation");
  customers::v1::Customer out;
  CHECK(stub->UpdateCustomer(&context, request, &out).error_code() ==
        grpc::StatusCode::PERMISSION_DENIED);
}

TEST_CASE("staff roles on the wire are agent, analyst and admin, as API.md spells them",
          "[process][identity]") {
  System s;
  Headers as_admin = {{"Authorization", "Bearer " + Login(s.customers.Channel(), kTestAdminEmail,
                                                          kTestAdminPassword)},
                      {"Content-Type", "application/json"}};
  HttpReply created = HttpCall(s.gateway.address(), "POST", "/v1/staff",
                               R"({"email":"ag@crm.example","password":"agent password",)"
                               R"("displayName":"Ag","role":"agent"})",
                               as_admin);
  INFO(created.body);
  REQUIRE(created.status == 201);
  CHECK(JsonField(created.body, "role") == "agent");
  const std::string staff_id = JsonField(created.body, "staffId");

  HttpReply login = HttpCall(s.gateway.address(), "POST", "/v1/auth/login",
                             R"({"email":"ag@crm.example","password":"agent password"})",
                             {{"Content-Type", "application/json"}});
  REQUIRE(login.status == 200);
  CHECK(JsonField(login.body, "role") == "agent");
  CHECK(JsonField(login.body, "staffId") == staff_id);

  HttpReply changed = HttpCall(s.gateway.address(), "PATCH", "/v1/staff/" + staff_id,
                               R"({"role":"analyst"})", as_admin);
  INFO(changed.body);
  REQUIRE(changed.status == 200);
  CHECK(JsonField(changed.body, "role") == "analyst");
  CHECK(JsonField(HttpCall(s.gateway.address(), "GET", "/v1/staff/" + staff_id, "", as_admin).body,
                  "role") == "analyst");

  // The upper-case names are not the contract's.
  HttpReply upper = HttpCall(s.gateway.address(), "POST", "/v1/staff",
                             R"({"email":"up@crm.example","password":"agent password",)"
                             R"("displayName":"Up","role":"AGENT"})",
                             as_admin);
  CHECK(upper.status == 400);
  CHECK(JsonField(upper.body, "error.fieldViolations.0.field") == "role");
  // A role left out is refused by the service, which lists the roles without ROLE_UNSPECIFIED.
  HttpReply missing = HttpCall(s.gateway.address(), "POST", "/v1/staff",
                               R"({"email":"no@crm.example","password":"agent password",)"
                               R"("displayName":"No"})",
                               as_admin);
  CHECK(missing.status == 400);
  CHECK(JsonField(missing.body, "error.fieldViolations.0.field") == "role");
  CHECK(JsonField(missing.body, "error.fieldViolations.0.description") ==
        "must be agent, analyst or admin");
}

}  // namespace
}  // namespace crm::testing
