// The contract suite: every operation of /openapi.json, driven through the real stack (dev broker,
// customers, gateway) behind Stoplight Prism's validating proxy (`prism proxy --errors`, from
// tools/web, pinned by its package-lock.json). Prism checks each request and each answer against
// the document the gateway serves and reports any mismatch in an `sl-violations` header (an
// undeclared status only as a warning there), or answers for the gateway (a request it finds
// invalid, a missing token). Every call here therefore asserts:
//   - no `sl-violations` header at all (errors and warnings alike);
//   - the status the case expects, which the document declares for the operation;
//   - the `X-Request-Id` it sent, echoed (431, given before the headers are read, carries one
//     the gateway made, as the document says): the answer came from the gateway, not Prism;
//   - for an error, `error.code` = the status and `error.requestId` = the request's id; for an
//     answer with an `etag`, the `ETag` header carrying it.
// Each operation needs a success and at least one of its declared errors; the last test fails for
// every operation of the document that no case exercised, so routes added by a new service join
// the suite or fail it until someone writes their cases.
#include <arpa/inet.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "crm/events/v1/notifications.pb.h"
#include "crm/events/v1/tracking.pb.h"
#include "gateway/auth/partner_signature.h"
#include "harness.h"
#include "http_client.h"
#include "json_body.h"
#include "platform/base/proto_time.h"
#include "platform/events/topic_reader.h"
#include "platform/events/topic_writer.h"

namespace crm::testing {
namespace {

using google::protobuf::Value;

const std::string kWebTools = std::string(CRM_SOURCE_DIR) + "/tools/web";
constexpr char kPassword[] = "correct horse battery";

// A loopback port free right now (Prism takes a port number, not 0).
int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

// Percent-encodes one path segment.
std::string Segment(const std::string& value) {
  std::string out;
  for (unsigned char c : value) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      absl::StrAppend(&out, "%",
                      absl::AsciiStrToUpper(absl::StrCat(absl::Hex(c, absl::kZeroPad2))));
    }
  }
  return out;
}

// The real stack and Prism in front of its gateway, started once for the whole suite.
class Stack {
 public:
  Stack()
      : broker_(dir_.path()),
        customers_("customers", dir_.path(), broker_.bootstrap()),
        orders_("orders", dir_.path(), broker_.bootstrap(),
                {"--customers-address", customers_.grpc_address()}),
        // Logins are many here; the strict class has its own tests (identity_test). Small body
        // and header limits, so that 413 and 431 cost little to reach.
        gateway_(dir_.path(),
                 "customers=" + customers_.grpc_address() + ",orders=" + orders_.grpc_address(),
                 {"--rate-limit-strict", "1000/60s", "--max-body-bytes", "65536",
                  "--max-header-bytes", "4096"}) {
    HttpReply document = HttpCall(gateway_.address(), "GET", "/openapi.json");
    REQUIRE(document.status == 200);
    REQUIRE(google::protobuf::util::JsonStringToMessage(document.body, &document_).ok());
    document_file_ = dir_.path() + "/openapi.json";
    std::ofstream(document_file_) << document.body;
    prism_address_ = StartPrism(gateway_.address(), "prism", &prism_);
  }

  const std::string& prism() const { return prism_address_; }
  // Prism before a second gateway whose calls to POST /v1/auth/login time out at once (504),
  // started at the first use.
  const std::string& prism_with_login_deadline() {
    if (slow_prism_address_.empty()) {
      slow_gateway_ = std::make_unique<Gateway>(
          slow_dir_.path(), "customers=" + customers_.grpc_address(),
          std::vector<std::string>{"--route-deadlines", "POST /v1/auth/login=1"});
      slow_prism_address_ = StartPrism(slow_gateway_->address(), "slow-prism", &slow_prism_);
    }
    return slow_prism_address_;
  }
  const Value& document() const { return document_; }
  const std::string& broker() const { return broker_.bootstrap(); }
  const std::string& log_dir() const { return dir_.path(); }
  // Stops the customers service: the gateway then answers 503 for its routes.
  void StopCustomers() {
    customers_.Kill(SIGKILL);
    customers_.Wait();
  }

 private:
  TempDir dir_;
  DevBroker broker_;
  Service customers_;
  Service orders_;
  Gateway gateway_;
  // Starts `prism proxy --errors` for the document in front of `gateway`; answers its address.
  std::string StartPrism(const std::string& gateway, const std::string& name,
                         std::unique_ptr<Process>* process) {
    const int port = FreePort();
    const std::string address = absl::StrCat("127.0.0.1:", port);
    const std::string log = absl::StrCat(dir_.path(), "/", name, ".log");
    *process = std::make_unique<Process>(
        kWebTools + "/node_modules/.bin/prism",
        std::vector<std::string>{"proxy", "--errors", "-h", "127.0.0.1", "-p", absl::StrCat(port),
                                 document_file_, absl::StrCat("http://", gateway)},
        log);
    // Ready when it answers anything: a path the document does not have is Prism's own 404.
    INFO("Prism did not start; see " << log);
    REQUIRE(
        WaitFor([&] { return HttpCall(address, "GET", "/ready").status != 0; }, absl::Seconds(30)));
    return address;
  }

  Value document_;
  std::string document_file_;
  std::string prism_address_;
  std::unique_ptr<Process> prism_;
  TempDir slow_dir_;
  std::unique_ptr<Gateway> slow_gateway_;
  std::string slow_prism_address_;
  std::unique_ptr<Process> slow_prism_;
};

// Started by the first case; stopped (every child killed) when the binary exits.
Stack& TheStack() {
  static Stack stack;
  return stack;
}

// What the cases exercised, per operationId: the statuses seen.
std::map<std::string, std::set<int>>& Exercised() {
  static auto* exercised = new std::map<std::string, std::set<int>>();
  return *exercised;
}

struct Call {
  std::string operation;                    // operationId
  std::map<std::string, std::string> path;  // path parameters by name
  std::string query;                        // "pageSize=5", without "?"
  std::string body;                         // JSON; "" for none
  std::string token;                        // bearer token; "" for none
  Headers headers;                          // more headers (Idempotency-Key, If-Match, ...)
  std::string prism;                        // "": the suite's Prism
  std::string partner;                      // a partner route: X-Partner-Id, signed with
  std::string partner_secret;               //   this secret (docs/architecture.md)
};

// The members of the object at `keys` below `value` (each key must be there).
const google::protobuf::Map<std::string, Value>& Members(const Value& value,
                                                         const std::vector<std::string>& keys) {
  const Value* at = &value;
  for (const std::string& key : keys) at = &at->struct_value().fields().at(key);
  return at->struct_value().fields();
}

// The operationId of an operation object ("" for other members of a path item).
std::string OperationId(const Value& operation) {
  if (!operation.has_struct_value()) return "";
  auto it = operation.struct_value().fields().find("operationId");
  return it == operation.struct_value().fields().end() ? "" : it->second.string_value();
}

// Sends `call` through Prism and checks what any call must satisfy; answers the reply.
HttpReply Send(const Call& call, int expected_status) {
  Stack& stack = TheStack();
  std::string verb, path;  // of the operation in the document
  for (const auto& [key, item] : Members(stack.document(), {"paths"})) {
    for (const auto& [name, operation] : item.struct_value().fields()) {
      if (OperationId(operation) == call.operation) {
        verb = name;
        path = key;
      }
    }
  }
  INFO("operation " << call.operation);
  REQUIRE(!verb.empty());
  const std::string method = absl::AsciiStrToUpper(verb);
  const auto& responses = Members(stack.document(), {"paths", path, verb, "responses"});
  std::string target = path;
  for (const auto& [name, value] : call.path) {
    target = absl::StrReplaceAll(target, {{absl::StrCat("{", name, "}"), Segment(value)}});
  }
  REQUIRE(target.find('{') == std::string::npos);
  if (!call.query.empty()) absl::StrAppend(&target, "?", call.query);
  static int sequence = 0;
  const std::string request_id = absl::StrCat("contract-", ++sequence);
  Headers headers = call.headers;
  headers.emplace_back("X-Request-Id", request_id);
  if (!call.body.empty()) headers.emplace_back("Content-Type", "application/json");
  if (!call.token.empty()) headers.emplace_back("Authorization", "Bearer " + call.token);
  if (!call.partner.empty()) {
    std::string timestamp = absl::StrCat(absl::ToUnixSeconds(absl::Now()));
    headers.emplace_back("X-Partner-Id", call.partner);
    headers.emplace_back("X-Timestamp", timestamp);
    headers.emplace_back(
        "X-Signature",
        gateway::SignRequest(call.partner_secret,
                             gateway::CanonicalRequest(method, target, timestamp, call.body)));
  }

  HttpReply reply =
      HttpCall(call.prism.empty() ? stack.prism() : call.prism, method, target, call.body, headers);
  INFO(method << " " << target << " " << call.body);
  INFO("answer " << reply.status << " " << reply.body);
  INFO("sl-violations: " << reply.Header("sl-violations"));
  CHECK(reply.Header("sl-violations").empty());
  CHECK(reply.status == expected_status);
  CHECK(responses.count(absl::StrCat(reply.status)) == 1);  // declared
  // Echoed: the gateway answered, not Prism. 431 comes before the gateway has read the
  // request's headers, and the document says it carries an id of the gateway's making.
  if (reply.status == 431) {
    CHECK_FALSE(reply.Header("x-request-id").empty());
  } else {
    CHECK(reply.Header("x-request-id") == request_id);
  }
  if (reply.status >= 400) {
    // API.md's one error shape, beyond what the schema can say.
    CHECK(JsonField(reply.body, "error.code") == absl::StrCat(reply.status));
    CHECK(JsonField(reply.body, "error.requestId") == reply.Header("x-request-id"));
  } else if (const std::string etag = JsonField(reply.body, "etag"); !etag.empty()) {
    CHECK(reply.Header("etag") == absl::StrCat("\"", etag, "\""));
  }
  Exercised()[call.operation].insert(reply.status);
  return reply;
}

std::string Field(const HttpReply& reply, const std::string& path) {
  return JsonField(reply.body, path);
}

std::string Etag(const HttpReply& reply) { return reply.Header("etag"); }

// Registers a customer; answers its id.
std::string Register(const std::string& email) {
  HttpReply r = Send({.operation = "CreateCustomer",
                      .body = absl::StrCat(R"({"email":")", email, R"(","password":")", kPassword,
                                           R"(","displayName":"Contract Customer"})")},
                     201);
  REQUIRE(r.status == 201);
  return Field(r, "customerId");
}

struct Session {
  std::string access_token, refresh_token;
};

Session LogIn(const std::string& email, const std::string& password = kPassword) {
  HttpReply r =
      Send({.operation = "Login",
            .body = absl::StrCat(R"({"email":")", email, R"(","password":")", password, R"("})")},
           200);
  REQUIRE(r.status == 200);
  return {Field(r, "accessToken"), Field(r, "refreshToken")};
}

// Two customers (Ann acts; Bob's records are someone else's to her), an agent and the admin.
struct People {
  std::string ann_id, bob_id;
  std::string ann, bob, agent, admin;  // access tokens
  std::string agent_id;
};

People& ThePeople() {
  static People* people = [] {
    auto* p = new People();
    p->ann_id = Register("ann@contract.example");
    p->bob_id = Register("bob@contract.example");
    p->ann = LogIn("ann@contract.example").access_token;
    p->bob = LogIn("bob@contract.example").access_token;
    p->admin = LogIn(kTestAdminEmail, kTestAdminPassword).access_token;
    HttpReply agent =
        Send({.operation = "CreateStaff",
              .body = absl::StrCat(R"({"email":"agent@contract.example","password":")", kPassword,
                                   R"(","displayName":"Agent","role":"agent"})"),
              .token = p->admin,
              .headers = {{"Idempotency-Key", "contract-agent"}}},
             201);
    p->agent_id = Field(agent, "staffId");
    p->agent = LogIn("agent@contract.example").access_token;
    return p;
  }();
  return *people;
}

TEST_CASE("contract: registration, login, refresh and logout", "[contract]") {
  People& p = ThePeople();
  // Registration: a retry with the same key answers the same; a taken email is 409; a short
  // password 400 naming it.
  const std::string body = absl::StrCat(R"({"email":"cy@contract.example","password":")", kPassword,
                                        R"(","displayName":"Cy"})");
  HttpReply first = Send({.operation = "CreateCustomer",
                          .body = body,
                          .headers = {{"Idempotency-Key", "contract-cy"}}},
                         201);
  CHECK(first.Header("location") == "/v1/customers/" + Field(first, "customerId"));
  HttpReply again = Send({.operation = "CreateCustomer",
                          .body = body,
                          .headers = {{"Idempotency-Key", "contract-cy"}}},
                         201);
  CHECK(Field(again, "customerId") == Field(first, "customerId"));
  // Without a token, the same key with another body is another request (no 422 declared).
  HttpReply other = Send({.operation = "CreateCustomer",
                          .body = absl::StrCat(R"({"email":"cyd@contract.example","password":")",
                                               kPassword, R"(","displayName":"Cyd"})"),
                          .headers = {{"Idempotency-Key", "contract-cy"}}},
                         201);
  CHECK(Field(other, "customerId") != Field(first, "customerId"));
  HttpReply taken = Send({.operation = "CreateCustomer",
                          .body = absl::StrCat(R"({"email":"ann@contract.example","password":")",
                                               kPassword, R"(","displayName":"Ann again"})")},
                         409);
  CHECK(Field(taken, "error.reason") == "EMAIL_TAKEN");
  HttpReply short_password =
      Send({.operation = "CreateCustomer",
            .body = R"({"email":"dee@contract.example","password":"short","displayName":"Dee"})"},
           400);
  CHECK(Field(short_password, "error.fieldViolations.0.field") == "password");

  // Login: a wrong password is 401, the same answer as an unknown email.
  HttpReply wrong =
      Send({.operation = "Login",
            .body = R"({"email":"ann@contract.example","password":"not hers at all"})"},
           401);
  CHECK(Field(wrong, "error.reason") == "INVALID_CREDENTIALS");

  Session session = LogIn("cy@contract.example");
  HttpReply refreshed =
      Send({.operation = "RefreshToken",
            .body = absl::StrCat(R"({"refreshToken":")", session.refresh_token, R"("})")},
           200);
  CHECK_FALSE(Field(refreshed, "accessToken").empty());
  HttpReply stale = Send(
      {.operation = "RefreshToken", .body = R"({"refreshToken":"no-such-session.secret"})"}, 401);
  CHECK(Field(stale, "error.reason") == "REFRESH_TOKEN_INVALID");

  // Logout takes no body; a token that is not one is 401 at the gateway.
  Send({.operation = "Logout", .body = "{}", .token = Field(refreshed, "accessToken")}, 204);
  HttpReply not_a_token = Send({.operation = "Logout", .token = "not-a-jwt"}, 401);
  CHECK(Field(not_a_token, "error.reason") == "TOKEN_INVALID");
  (void)p;
}

TEST_CASE("contract: the profile, search, export, overview and erasure", "[contract]") {
  People& p = ThePeople();
  HttpReply mine =
      Send({.operation = "GetCustomer", .path = {{"customerId", p.ann_id}}, .token = p.ann}, 200);
  CHECK(Etag(mine) == absl::StrCat("\"", Field(mine, "etag"), "\""));
  // Another customer's record does not exist for Ann.
  Send({.operation = "GetCustomer", .path = {{"customerId", p.bob_id}}, .token = p.ann}, 404);
  Send({.operation = "GetCustomer", .path = {{"customerId", p.ann_id}}, .token = "not-a-jwt"}, 401);

  HttpReply updated = Send({.operation = "UpdateCustomer",
                            .path = {{"customerId", p.ann_id}},
                            .query = "updateMask=phone",
                            .body = R"({"phone":"+49 30 1234567"})",
                            .token = p.ann,
                            .headers = {{"If-Match", Etag(mine)}}},
                           200);
  CHECK(Field(updated, "phone") == "+49 30 1234567");
  HttpReply stale = Send({.operation = "UpdateCustomer",
                          .path = {{"customerId", p.ann_id}},
                          .body = R"({"phone":"+49 30 7654321"})",
                          .token = p.ann,
                          .headers = {{"If-Match", Etag(mine)}}},
                         412);
  CHECK(Field(stale, "error.reason") == "ETAG_MISMATCH");
  HttpReply bad_phone = Send({.operation = "UpdateCustomer",
                              .path = {{"customerId", p.ann_id}},
                              .body = R"({"phone":"call me maybe"})",
                              .token = p.ann},
                             400);
  // Named as the client wrote it: the body is the customer.
  CHECK(Field(bad_phone, "error.fieldViolations.0.field") == "phone");
  // A query parameter that is no field of the request.
  Send({.operation = "GetCustomer",
        .path = {{"customerId", p.ann_id}},
        .query = "fields=all",
        .token = p.ann},
       400);

  HttpReply found = Send(
      {.operation = "SearchCustomers", .query = "query=ann%40contract.example", .token = p.agent},
      200);
  CHECK(Field(found, "customers.0.customerId") == p.ann_id);
  Send({.operation = "SearchCustomers", .query = "query=ann%40contract.example", .token = p.ann},
       403);

  HttpReply exported = Send(
      {.operation = "ExportCustomer", .path = {{"customerId", p.ann_id}}, .token = p.ann}, 200);
  CHECK(Field(exported, "customer.customerId") == p.ann_id);
  Send({.operation = "ExportCustomer", .path = {{"customerId", p.bob_id}}, .token = p.ann}, 404);

  HttpReply overview = Send(
      {.operation = "GetCustomerOverview", .path = {{"customerId", p.ann_id}}, .token = p.agent},
      200);
  CHECK(Field(overview, "customer.customerId") == p.ann_id);
  Send({.operation = "GetCustomerOverview", .path = {{"customerId", p.bob_id}}, .token = p.ann},
       404);

  // Erasure: a stale If-Match changes nothing; then done; then there is nobody to erase.
  const std::string eve_id = Register("eve@contract.example");
  HttpReply eve =
      Send({.operation = "GetCustomer", .path = {{"customerId", eve_id}}, .token = p.admin}, 200);
  Send({.operation = "EraseCustomer",
        .path = {{"customerId", eve_id}},
        .token = p.admin,
        .headers = {{"If-Match", "\"v999\""}}},
       412);
  Send({.operation = "EraseCustomer",
        .path = {{"customerId", eve_id}},
        .token = p.admin,
        .headers = {{"If-Match", Etag(eve)}}},
       204);
  Send({.operation = "EraseCustomer", .path = {{"customerId", eve_id}}, .token = p.admin}, 404);
}

TEST_CASE("contract: the address book", "[contract]") {
  People& p = ThePeople();
  const std::string home = R"({"recipient":"Ann Example","line1":"Hauptstr. 1","city":"Berlin",)"
                           R"("postalCode":"10115","country":"DE"})";
  HttpReply created = Send({.operation = "CreateAddress",
                            .path = {{"customerId", p.ann_id}},
                            .body = home,
                            .token = p.ann,
                            .headers = {{"Idempotency-Key", "contract-home"}}},
                           201);
  const std::string address_id = Field(created, "addressId");
  CHECK(created.Header("location") ==
        absl::StrCat("/v1/customers/", p.ann_id, "/addresses/", address_id));
  // The same key with another body: 422, nothing added.
  HttpReply reused = Send({.operation = "CreateAddress",
                           .path = {{"customerId", p.ann_id}},
                           .body = absl::StrReplaceAll(home, {{"Berlin", "Hamburg"}}),
                           .token = p.ann,
                           .headers = {{"Idempotency-Key", "contract-home"}}},
                          422);
  CHECK(Field(reused, "error.reason") == "IDEMPOTENCY_KEY_REUSED");
  HttpReply bad_country = Send({.operation = "CreateAddress",
                                .path = {{"customerId", p.ann_id}},
                                .body = absl::StrReplaceAll(home, {{"\"DE\"", "\"Germany\""}}),
                                .token = p.ann},
                               400);
  CHECK(Field(bad_country, "error.reason") == "FIELD_INVALID");
  CHECK(Field(bad_country, "error.fieldViolations.0.field") == "country");

  const std::map<std::string, std::string> path = {{"customerId", p.ann_id},
                                                   {"addressId", address_id}};
  HttpReply read = Send({.operation = "GetAddress", .path = path, .token = p.ann}, 200);
  CHECK(Field(read, "city") == "Berlin");
  Send({.operation = "GetAddress",
        .path = {{"customerId", p.ann_id}, {"addressId", "a_none"}},
        .token = p.ann},
       404);
  HttpReply list =
      Send({.operation = "ListAddresses", .path = {{"customerId", p.ann_id}}, .token = p.ann}, 200);
  CHECK(Field(list, "addresses.0.addressId") == address_id);
  Send({.operation = "ListAddresses", .path = {{"customerId", p.bob_id}}, .token = p.ann}, 404);

  HttpReply moved = Send({.operation = "UpdateAddress",
                          .path = path,
                          .query = "updateMask=city",
                          .body = R"({"city":"Potsdam"})",
                          .token = p.ann,
                          .headers = {{"If-Match", Etag(read)}}},
                         200);
  CHECK(Field(moved, "city") == "Potsdam");
  Send({.operation = "UpdateAddress",
        .path = path,
        .body = R"({"city":"Bonn"})",
        .token = p.ann,
        .headers = {{"If-Match", Etag(read)}}},
       412);

  // A route that takes no body accepts {} too.
  HttpReply made =
      Send({.operation = "MakeDefaultAddress", .path = path, .body = "{}", .token = p.ann}, 200);
  CHECK(Field(made, "addressId") == address_id);
  Send({.operation = "MakeDefaultAddress",
        .path = {{"customerId", p.ann_id}, {"addressId", "a_none"}},
        .token = p.ann},
       404);

  Send({.operation = "DeleteAddress",
        .path = path,
        .token = p.ann,
        .headers = {{"If-Match", Etag(read)}}},
       412);
  Send({.operation = "DeleteAddress",
        .path = path,
        .token = p.ann,
        .headers = {{"If-Match", Etag(made)}}},
       204);
  Send({.operation = "DeleteAddress", .path = path, .token = p.ann}, 404);
}

TEST_CASE("contract: wishlist, recently viewed and preferences", "[contract]") {
  People& p = ThePeople();
  const std::map<std::string, std::string> item = {{"customerId", p.ann_id}, {"sku", "SKU-1"}};
  HttpReply added = Send({.operation = "AddToWishlist", .path = item, .token = p.ann}, 200);
  CHECK(Field(added, "sku") == "SKU-1");
  Send({.operation = "AddToWishlist",
        .path = {{"customerId", p.ann_id}, {"sku", "not a sku!"}},
        .token = p.ann},
       400);
  HttpReply wishlist =
      Send({.operation = "ListWishlist", .path = {{"customerId", p.ann_id}}, .token = p.ann}, 200);
  CHECK(Field(wishlist, "items.0.sku") == "SKU-1");
  Send({.operation = "ListWishlist", .path = {{"customerId", p.bob_id}}, .token = p.ann}, 404);
  Send({.operation = "RemoveFromWishlist", .path = item, .body = "{}", .token = p.ann}, 204);
  Send({.operation = "RemoveFromWishlist",
        .path = {{"customerId", p.ann_id}, {"sku", "not a sku!"}},
        .token = p.ann},
       400);

  HttpReply viewed = Send({.operation = "RecordView",
                           .path = {{"customerId", p.ann_id}},
                           .body = R"({"sku":"SKU-2"})",
                           .token = p.ann},
                          200);
  CHECK(Field(viewed, "views.0.sku") == "SKU-2");
  Send({.operation = "RecordView",
        .path = {{"customerId", p.ann_id}},
        .body = R"({"sku":"not a sku!"})",
        .token = p.ann},
       400);
  HttpReply views =
      Send({.operation = "ListViews", .path = {{"customerId", p.ann_id}}, .token = p.ann}, 200);
  CHECK(Field(views, "views.0.sku") == "SKU-2");
  Send({.operation = "ListViews", .path = {{"customerId", p.bob_id}}, .token = p.ann}, 404);

  HttpReply preferences = Send(
      {.operation = "GetPreferences", .path = {{"customerId", p.ann_id}}, .token = p.ann}, 200);
  Send({.operation = "GetPreferences", .path = {{"customerId", p.bob_id}}, .token = p.ann}, 404);
  HttpReply changed = Send({.operation = "UpdatePreferences",
                            .path = {{"customerId", p.ann_id}},
                            .query = "updateMask=consent.email,language",
                            .body = R"({"consent":{"email":true},"language":"de-DE"})",
                            .token = p.ann},
                           200);
  CHECK(Field(changed, "language") == "de-DE");
  HttpReply stale = Send({.operation = "UpdatePreferences",
                          .path = {{"customerId", p.ann_id}},
                          .body = R"({"language":"fr"})",
                          .token = p.ann,
                          .headers = {{"If-Match", "\"v999\""}}},
                         412);
  CHECK(Field(stale, "error.reason") == "ETAG_MISMATCH");
  (void)preferences;
}

TEST_CASE("contract: contact history", "[contract]") {
  People& p = ThePeople();
  const std::string call = R"({"channel":"PHONE","direction":"INBOUND",)"
                           R"("topic":"Where is my parcel?"})";
  HttpReply logged = Send({.operation = "LogInteraction",
                           .path = {{"customerId", p.ann_id}},
                           .body = call,
                           .token = p.agent,
                           .headers = {{"Idempotency-Key", "contract-call"}}},
                          201);
  const std::string interaction_id = Field(logged, "interactionId");
  CHECK(Field(logged, "agentId") == p.agent_id);
  CHECK(logged.Header("location") ==
        absl::StrCat("/v1/customers/", p.ann_id, "/interactions/", interaction_id));
  // A retry is answered from the first call; the same key with another body is 422.
  HttpReply retried = Send({.operation = "LogInteraction",
                            .path = {{"customerId", p.ann_id}},
                            .body = call,
                            .token = p.agent,
                            .headers = {{"Idempotency-Key", "contract-call"}}},
                           201);
  CHECK(Field(retried, "interactionId") == interaction_id);
  Send({.operation = "LogInteraction",
        .path = {{"customerId", p.ann_id}},
        .body = absl::StrReplaceAll(call, {{"PHONE", "EMAIL"}}),
        .token = p.agent,
        .headers = {{"Idempotency-Key", "contract-call"}}},
       422);
  Send({.operation = "LogInteraction",
        .path = {{"customerId", p.ann_id}},
        .body = absl::StrCat(R"({"channel":"PHONE","direction":"INBOUND","topic":")",
                             std::string(101, 'x'), R"("})"),
        .token = p.agent},
       400);
  HttpReply read = Send({.operation = "GetInteraction",
                         .path = {{"customerId", p.ann_id}, {"interactionId", interaction_id}},
                         .token = p.ann},
                        200);
  CHECK(Field(read, "topic") == "Where is my parcel?");
  Send({.operation = "GetInteraction",
        .path = {{"customerId", p.bob_id}, {"interactionId", interaction_id}},
        .token = p.bob},
       404);
  HttpReply list = Send({.operation = "ListInteractions",
                         .path = {{"customerId", p.ann_id}},
                         .query = "pageSize=10",
                         .token = p.ann},
                        200);
  CHECK(Field(list, "interactions.0.interactionId") == interaction_id);
  Send({.operation = "ListInteractions",
        .path = {{"customerId", p.ann_id}},
        .query = "pageSize=1000",
        .token = p.ann},
       400);
}

TEST_CASE("contract: points", "[contract]") {
  People& p = ThePeople();
  const std::map<std::string, std::string> ann = {{"customerId", p.ann_id}};
  // 64-bit integers are accepted as numbers too.
  HttpReply adjusted = Send({.operation = "AdjustPoints",
                             .path = ann,
                             .body = R"({"points":100,"reason":"goodwill"})",
                             .token = p.agent,
                             .headers = {{"Idempotency-Key", "contract-adjust"}}},
                            200);
  CHECK(Field(adjusted, "balance") == "100");
  Send({.operation = "AdjustPoints",
        .path = ann,
        .body = R"({"points":"0","reason":"none"})",
        .token = p.agent,
        .headers = {{"Idempotency-Key", "contract-adjust-zero"}}},
       400);
  Send({.operation = "AdjustPoints",
        .path = ann,
        .body = R"({"points":"99","reason":"goodwill"})",
        .token = p.agent,
        .headers = {{"Idempotency-Key", "contract-adjust"}}},
       422);
  Send({.operation = "AdjustPoints",
        .path = ann,
        .body = R"({"points":"5","reason":"self"})",
        .token = p.ann,
        .headers = {{"Idempotency-Key", "contract-adjust-self"}}},
       403);

  HttpReply redeemed = Send({.operation = "RedeemPoints",
                             .path = ann,
                             .body = R"({"points":"30","reason":"checkout"})",
                             .token = p.ann,
                             .headers = {{"Idempotency-Key", "contract-redeem"}}},
                            200);
  CHECK(Field(redeemed, "balance") == "70");
  HttpReply reused = Send({.operation = "RedeemPoints",
                           .path = ann,
                           .body = R"({"points":"31","reason":"checkout"})",
                           .token = p.ann,
                           .headers = {{"Idempotency-Key", "contract-redeem"}}},
                          422);
  CHECK(Field(reused, "error.reason") == "IDEMPOTENCY_KEY_REUSED");
  HttpReply short_balance = Send({.operation = "RedeemPoints",
                                  .path = ann,
                                  .body = R"({"points":"1000","reason":"checkout"})",
                                  .token = p.ann,
                                  .headers = {{"Idempotency-Key", "contract-redeem-1000"}}},
                                 409);
  CHECK(Field(short_balance, "error.reason") == "POINTS_INSUFFICIENT");

  HttpReply points = Send({.operation = "GetPoints", .path = ann, .token = p.ann}, 200);
  CHECK(Field(points, "balance") == "70");
  Send({.operation = "GetPoints", .path = {{"customerId", p.bob_id}}, .token = p.ann}, 404);
}

TEST_CASE("contract: password change and reset", "[contract]") {
  People& p = ThePeople();
  const std::string id = Register("fay@contract.example");
  const std::string token = LogIn("fay@contract.example").access_token;
  HttpReply wrong = Send({.operation = "ChangePassword",
                          .path = {{"customerId", id}},
                          .body = R"({"currentPassword":"not my password",)"
                                  R"("newPassword":"a much better passphrase"})",
                          .token = token},
                         400);
  CHECK(Field(wrong, "error.fieldViolations.0.field") == "currentPassword");
  Send({.operation = "ChangePassword",
        .path = {{"customerId", id}},
        .body = absl::StrCat(R"({"currentPassword":")", kPassword,
                             R"(","newPassword":"a much better passphrase"})"),
        .token = token,
        .headers = {{"Idempotency-Key", "contract-fay-password"}}},
       204);
  Send({.operation = "ChangePassword",
        .path = {{"customerId", id}},
        .body = absl::StrCat(R"({"currentPassword":")", kPassword,
                             R"(","newPassword":"yet another passphrase"})"),
        .token = token,
        .headers = {{"Idempotency-Key", "contract-fay-password"}}},
       422);

  Send({.operation = "RequestPasswordReset", .body = R"({"email":"fay@contract.example"})"}, 202);
  Send({.operation = "RequestPasswordReset",
        .body = absl::StrCat(R"({"email":")", std::string(300, 'f'), R"(@contract.example"})")},
       400);
  // The token reaches the mailer sealed on crm.notifications.v1.
  std::string reset_token;
  REQUIRE(WaitFor(
      [&] {
        auto events =
            platform::ReadTopic(TheStack().broker(), "crm.notifications.v1", absl::Seconds(5));
        if (!events.ok()) return false;
        for (const auto& envelope : *events) {
          events::v1::PasswordResetRequested event;
          if (!envelope.payload().UnpackTo(&event)) continue;
          auto plain = TestMailerKeys().keys.Open(event.sealed_message());
          events::v1::PasswordResetMessage message;
          if (plain.ok() && message.ParseFromString(*plain) &&
              message.email() == "fay@contract.example") {
            reset_token = message.token();
          }
        }
        return !reset_token.empty();
      },
      absl::Seconds(20)));
  HttpReply unknown =
      Send({.operation = "ConfirmPasswordReset",
            .body = R"({"token":"no-such-token","newPassword":"another passphrase"})"},
           400);
  CHECK(Field(unknown, "error.reason") == "RESET_TOKEN_INVALID");
  Send({.operation = "ConfirmPasswordReset",
        .body = absl::StrCat(R"({"token":")", reset_token,
                             R"(","newPassword":"another fine passphrase"})")},
       204);
  (void)p;
}

TEST_CASE("contract: staff accounts", "[contract]") {
  People& p = ThePeople();
  HttpReply taken =
      Send({.operation = "CreateStaff",
            .body = absl::StrCat(R"({"email":"ann@contract.example","password":")", kPassword,
                                 R"(","displayName":"Ann","role":"agent"})"),
            .token = p.admin},
           409);
  CHECK(Field(taken, "error.reason") == "EMAIL_TAKEN");
  Send({.operation = "CreateStaff",
        .body = absl::StrCat(R"({"email":"gus@contract.example","password":")", kPassword,
                             R"(","displayName":"Gus","role":"analyst"})"),
        .token = p.ann},
       403);
  // The key that made the agent, with another body.
  Send({.operation = "CreateStaff",
        .body = absl::StrCat(R"({"email":"gus@contract.example","password":")", kPassword,
                             R"(","displayName":"Gus","role":"analyst"})"),
        .token = p.admin,
        .headers = {{"Idempotency-Key", "contract-agent"}}},
       422);

  HttpReply agent =
      Send({.operation = "GetStaff", .path = {{"staffId", p.agent_id}}, .token = p.admin}, 200);
  CHECK(Field(agent, "role") == "agent");
  Send({.operation = "GetStaff", .path = {{"staffId", "s_none"}}, .token = p.admin}, 404);
  HttpReply renamed = Send({.operation = "UpdateStaff",
                            .path = {{"staffId", p.agent_id}},
                            .query = "updateMask=displayName",
                            .body = R"({"displayName":"Agent Smith"})",
                            .token = p.admin,
                            .headers = {{"If-Match", Etag(agent)}}},
                           200);
  CHECK(Field(renamed, "displayName") == "Agent Smith");
  Send({.operation = "UpdateStaff",
        .path = {{"staffId", p.agent_id}},
        .body = R"({"displayName":"Agent Jones"})",
        .token = p.admin,
        .headers = {{"If-Match", Etag(agent)}}},
       412);
}

TEST_CASE("contract: the price list", "[contract]") {
  People& p = ThePeople();
  const std::string kettle =
      R"({"name":"Kettle","priceCents":"3999","currency":"EUR","returnable":true,)"
      R"("warrantyMonths":24,"releaseAt":"2030-01-01T00:00:00Z"})";
  HttpReply put = Send({.operation = "PutProduct",
                        .path = {{"sku", "CONTRACT-1"}},
                        .body = kettle,
                        .token = p.admin},
                       200);
  CHECK(Field(put, "sku") == "CONTRACT-1");
  Send({.operation = "PutProduct",
        .path = {{"sku", "CONTRACT-1"}},
        .body = R"({"name":"Kettle","priceCents":"3999","currency":"USD"})",
        .token = p.admin},
       400);
  Send({.operation = "PutProduct", .path = {{"sku", "CONTRACT-1"}}, .body = kettle, .token = p.ann},
       403);
  Send({.operation = "PutProduct",
        .path = {{"sku", "CONTRACT-1"}},
        .body = kettle,
        .token = p.admin,
        .headers = {{"If-Match", "\"v9\""}}},
       412);
  HttpReply got =
      Send({.operation = "GetProduct", .path = {{"sku", "CONTRACT-1"}}, .token = p.ann}, 200);
  CHECK(Field(got, "priceCents") == "3999");
  Send({.operation = "GetProduct", .path = {{"sku", "NONE-1"}}, .token = p.ann}, 404);

  HttpReply north = Send({.operation = "PutWarehouse",
                          .path = {{"warehouseId", "wh-north"}},
                          .body = R"({"name":"North hub","region":"north"})",
                          .token = p.admin},
                         200);
  CHECK(Field(north, "warehouseId") == "wh-north");
  Send({.operation = "PutWarehouse",
        .path = {{"warehouseId", "wh-north"}},
        .body = R"({"name":"North hub","region":"north east"})",
        .token = p.admin},
       400);
  HttpReply stock = Send({.operation = "PutStock",
                          .path = {{"warehouseId", "wh-north"}, {"sku", "CONTRACT-1"}},
                          .body = R"({"onHand":"12","restockAt":"2030-02-01T00:00:00Z"})",
                          .token = p.admin},
                         200);
  CHECK(Field(stock, "available") == "12");
  Send({.operation = "PutStock",
        .path = {{"warehouseId", "wh-none"}, {"sku", "CONTRACT-1"}},
        .body = R"({"onHand":"1"})",
        .token = p.admin},
       404);
  HttpReply levels =
      Send({.operation = "GetStock", .path = {{"sku", "CONTRACT-1"}}, .token = p.admin}, 200);
  CHECK(Field(levels, "warehouses.0.onHand") == "12");
  Send({.operation = "GetStock", .path = {{"sku", "CONTRACT-1"}}, .token = p.ann}, 403);
}

TEST_CASE("contract: orders and their shipments", "[contract]") {
  People& p = ThePeople();
  for (const char* sku : {"ORDER-1", "ORDER-GONE"}) {
    Send({.operation = "PutProduct",
          .path = {{"sku", sku}},
          .body = R"({"name":"Teapot","priceCents":"2500","currency":"EUR","returnable":true})",
          .token = p.admin},
         200);
  }
  Send({.operation = "PutWarehouse",
        .path = {{"warehouseId", "wh-orders"}},
        .body = R"({"name":"Orders hub","region":"north"})",
        .token = p.admin},
       200);
  Send({.operation = "PutStock",
        .path = {{"warehouseId", "wh-orders"}, {"sku", "ORDER-1"}},
        .body = R"({"onHand":"5"})",
        .token = p.admin},
       200);
  auto order = [&](const std::string& sku, int quantity) {
    return absl::StrCat(
        R"({"customerId":")", p.ann_id, R"(","lines":[{"sku":")", sku, R"(","quantity":)", quantity,
        R"(}],"currency":"EUR","shippingAddress":{"recipient":"Ann","line1":"Main Street 1",)"
        R"("city":"Hamburg","region":"north","postalCode":"20095","country":"DE"},)"
        R"("paymentMethod":"CASH_ON_DELIVERY","delivery":{"speed":"STANDARD"},)"
        R"("splitPolicy":"SHIP_WHEN_READY"})");
  };
  HttpReply placed = Send({.operation = "PlaceOrder",
                           .body = order("ORDER-1", 2),
                           .token = p.ann,
                           .headers = {{"Idempotency-Key", "contract-order"}}},
                          201);
  const std::string order_id = Field(placed, "orderId");
  const std::string shipment_id = Field(placed, "shipments.0.shipmentId");
  CHECK(Field(placed, "totalCents") == "5490");
  CHECK(Field(placed, "shipments.0.status") == "READY");
  CHECK(placed.Header("location") == "/v1/orders/" + order_id);
  HttpReply bad = Send({.operation = "PlaceOrder",
                        .body = order("ORDER-1", 0),
                        .token = p.ann,
                        .headers = {{"Idempotency-Key", "contract-order-bad"}}},
                       400);
  CHECK(Field(bad, "error.fieldViolations.0.field") == "lines[0].quantity");
  HttpReply gone = Send({.operation = "PlaceOrder",
                         .body = order("ORDER-GONE", 1),
                         .token = p.ann,
                         .headers = {{"Idempotency-Key", "contract-order-gone"}}},
                        409);
  CHECK(Field(gone, "error.reason") == "SKU_UNAVAILABLE");
  CHECK(Field(gone, "error.fieldViolations.0.field") == "lines[0].sku");

  HttpReply got =
      Send({.operation = "GetOrder", .path = {{"orderId", order_id}}, .token = p.ann}, 200);
  CHECK(Field(got, "status") == "PLACED");
  Send({.operation = "GetOrder", .path = {{"orderId", order_id}}, .token = p.bob}, 404);
  HttpReply listed = Send(
      {.operation = "ListCustomerOrders", .path = {{"customerId", p.ann_id}}, .token = p.agent},
      200);
  CHECK(Field(listed, "orders.0.orderId") == order_id);
  Send({.operation = "ListCustomerOrders", .path = {{"customerId", p.ann_id}}, .token = p.bob},
       404);
  HttpReply shipments = Send(
      {.operation = "ListOrderShipments", .path = {{"orderId", order_id}}, .token = p.ann}, 200);
  CHECK(Field(shipments, "shipments.0.shipmentId") == shipment_id);
  Send({.operation = "ListOrderShipments", .path = {{"orderId", order_id}}, .token = p.bob}, 404);
  HttpReply shipment = Send(
      {.operation = "GetShipment", .path = {{"shipmentId", shipment_id}}, .token = p.ann}, 200);
  CHECK(Field(shipment, "codDueCents") == "5490");
  Send({.operation = "GetShipment", .path = {{"shipmentId", shipment_id}}, .token = p.bob}, 404);
  // The customer 360 shows it, composed from the orders service.
  HttpReply overview = Send(
      {.operation = "GetCustomerOverview", .path = {{"customerId", p.ann_id}}, .token = p.agent},
      200);
  CHECK(Field(overview, "orders.lastOrders.0.orderId") == order_id);
  CHECK(Field(overview, "orders.openShipments.0.shipmentId") == shipment_id);
  CHECK(Field(overview, "degraded.0") == "aftersales");
}

TEST_CASE("contract: carriers, handing over, tracking, delivery and cancelling", "[contract]") {
  People& p = ThePeople();
  const std::string secret = "contract-carrier-secret-0123456789abcdef";
  HttpReply carrier =
      Send({.operation = "PutCarrier",
            .path = {{"carrierId", "ship-fast"}},
            .body = absl::StrCat(R"({"name":"Ship Fast","signingSecrets":[")", secret, R"("]})"),
            .token = p.admin},
           200);
  CHECK(Field(carrier, "signingSecretCount") == "1");
  CHECK(carrier.body.find(secret) == std::string::npos);
  Send({.operation = "PutCarrier",
        .path = {{"carrierId", "ship-fast"}},
        .body = R"({"name":"Ship Fast","signingSecrets":["short"]})",
        .token = p.admin},
       400);
  Send({.operation = "GetCarrier", .path = {{"carrierId", "ship-fast"}}, .token = p.agent}, 200);
  Send({.operation = "GetCarrier", .path = {{"carrierId", "nobody"}}, .token = p.agent}, 404);

  Send({.operation = "PutStock",
        .path = {{"warehouseId", "wh-orders"}, {"sku", "ORDER-1"}},
        .body = R"({"onHand":"20"})",
        .token = p.admin},
       200);
  auto order = [&](int quantity) {
    return absl::StrCat(
        R"({"customerId":")", p.ann_id, R"(","lines":[{"sku":"ORDER-1","quantity":)", quantity,
        R"(}],"currency":"EUR","shippingAddress":{"recipient":"Ann","line1":"Main Street 1",)"
        R"("city":"Hamburg","region":"north","postalCode":"20095","country":"DE"},)"
        R"("paymentMethod":"CASH_ON_DELIVERY","delivery":{"speed":"EXPRESS"},)"
        R"("splitPolicy":"SHIP_TOGETHER"})");
  };
  HttpReply shipped = Send({.operation = "PlaceOrder",
                            .body = order(1),
                            .token = p.ann,
                            .headers = {{"Idempotency-Key", "contract-ship"}}},
                           201);
  const std::string shipment_id = Field(shipped, "shipments.0.shipmentId");
  HttpReply handed = Send({.operation = "AssignShipment",
                           .path = {{"shipmentId", shipment_id}},
                           .body = R"({"carrierId":"ship-fast","trackingNumber":"SF-1"})",
                           .token = p.agent},
                          200);
  CHECK(Field(handed, "status") == "HANDED_TO_CARRIER");
  Send({.operation = "AssignShipment",
        .path = {{"shipmentId", shipment_id}},
        .body = R"({"carrierId":"ship-fast","trackingNumber":"SF-2"})",
        .token = p.agent},
       409);
  Send({.operation = "AssignShipment",
        .path = {{"shipmentId", shipment_id}},
        .body = R"({"carrierId":"nobody","trackingNumber":"SF-3"})",
        .token = p.agent},
       404);

  HttpReply mine = Send({.operation = "ListPartnerShipments",
                         .path = {{"carrierId", "ship-fast"}},
                         .query = "status=HANDED_TO_CARRIER",
                         .partner = "ship-fast",
                         .partner_secret = secret},
                        200);
  CHECK(Field(mine, "shipments.0.shipmentId") == shipment_id);
  HttpReply forged = Send({.operation = "ListPartnerShipments",
                           .path = {{"carrierId", "ship-fast"}},
                           .partner = "ship-fast",
                           .partner_secret = "not-the-secret-0123456789abcdef012345"},
                          401);
  CHECK(Field(forged, "error.reason") == "SIGNATURE_INVALID");

  const std::string now = absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(), absl::UTCTimeZone());
  const std::string earlier =
      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now() - absl::Minutes(5), absl::UTCTimeZone());
  HttpReply balance_before =
      Send({.operation = "GetPoints", .path = {{"customerId", p.ann_id}}, .token = p.ann}, 200);
  HttpReply tracked =
      Send({.operation = "PostTrackingEvents",
            .path = {{"carrierId", "ship-fast"}},
            .body = absl::StrCat(
                R"({"events":[{"eventId":"c-2","trackingNumber":"SF-1","status":"DELIVERED",)",
                R"("occurredAt":")", now, R"(","codCollectedCents":"100"},)",
                R"({"eventId":"c-1","trackingNumber":"SF-1","status":"IN_TRANSIT","occurredAt":")",
                earlier, R"("},{"eventId":"c-3","trackingNumber":"NOPE","status":"IN_TRANSIT",)",
                R"("occurredAt":")", now, R"("}]})"),
            .partner = "ship-fast",
            .partner_secret = secret},
           200);
  CHECK(Field(tracked, "results.0.result") == "ACCEPTED");
  CHECK(Field(tracked, "results.1.result") == "ACCEPTED");
  CHECK(Field(tracked, "results.2.result") == "REJECTED");
  CHECK(Field(tracked, "results.2.reason") == "UNKNOWN_SHIPMENT");
  std::string batch = R"({"events":[)";
  for (int i = 0; i <= 500; ++i) {
    absl::StrAppend(&batch, i ? "," : "", R"({"eventId":"b)", i,
                    R"(","trackingNumber":"SF-1","status":"IN_TRANSIT","occurredAt":")", now,
                    R"("})");
  }
  absl::StrAppend(&batch, "]}");
  Send({.operation = "PostTrackingEvents",
        .path = {{"carrierId", "ship-fast"}},
        .body = batch,
        .partner = "ship-fast",
        .partner_secret = secret},
       413);
  HttpReply queue = Send({.operation = "ListShipments",
                          .query = "warehouseId=wh-orders&status=DELIVERED",
                          .token = p.agent},
                         200);
  CHECK(Field(queue, "shipments.0.warehouseId") == "wh-orders");
  Send({.operation = "ListShipments", .query = "carrierId=no%20such", .token = p.agent}, 400);
  HttpReply mismatches = Send({.operation = "ListCodMismatches", .token = p.agent}, 200);
  CHECK(Field(mismatches, "mismatches.0.shipmentId") == shipment_id);
  CHECK(Field(mismatches, "mismatches.0.collectedCents") == "100");
  Send({.operation = "ListCodMismatches", .token = p.ann}, 403);
  HttpReply delivered = Send(
      {.operation = "GetOrder", .path = {{"orderId", Field(shipped, "orderId")}}, .token = p.ann},
      200);
  CHECK(Field(delivered, "status") == "DELIVERED");
  // The delivery reaches customers' loyalty through Kafka: the points grow, once.
  const std::string before = Field(balance_before, "balance");
  std::string after = before;
  for (int i = 0; i < 100 && after == before; ++i) {
    absl::SleepFor(absl::Milliseconds(100));
    after = Field(
        Send({.operation = "GetPoints", .path = {{"customerId", p.ann_id}}, .token = p.ann}, 200),
        "balance");
  }
  CHECK(after != before);

  // An integration adapter's event on crm.tracking.inbound.v1 takes the same path.
  HttpReply adapted = Send({.operation = "PlaceOrder",
                            .body = order(1),
                            .token = p.ann,
                            .headers = {{"Idempotency-Key", "contract-adapter"}}},
                           201);
  const std::string adapted_id = Field(adapted, "shipments.0.shipmentId");
  Send({.operation = "AssignShipment",
        .path = {{"shipmentId", adapted_id}},
        .body = R"({"carrierId":"ship-fast","trackingNumber":"SF-ADAPTER"})",
        .token = p.agent},
       200);
  events::v1::InboundTrackingEvent inbound;
  inbound.set_carrier_id("ship-fast");
  inbound.mutable_event()->set_event_id("adapter-1");
  inbound.mutable_event()->set_tracking_number("SF-ADAPTER");
  inbound.mutable_event()->set_status(orders::v1::Shipment::IN_TRANSIT);
  *inbound.mutable_event()->mutable_occurred_at() = platform::ToTimestamp(absl::Now());
  events::v1::EventEnvelope envelope;
  envelope.set_id("adapter-envelope-1");
  envelope.set_type("crm.events.v1.InboundTrackingEvent");
  envelope.set_subject("ship-fast");
  envelope.mutable_payload()->PackFrom(inbound);
  REQUIRE(platform::PublishEnvelope(TheStack().broker(), "crm.tracking.inbound.v1", envelope,
                                    absl::Seconds(10))
              .ok());
  std::string status;
  for (int i = 0; i < 100 && status != "IN_TRANSIT"; ++i) {
    absl::SleepFor(absl::Milliseconds(100));
    status = Field(
        Send({.operation = "GetShipment", .path = {{"shipmentId", adapted_id}}, .token = p.ann},
             200),
        "status");
  }
  CHECK(status == "IN_TRANSIT");

  HttpReply waiting = Send({.operation = "PlaceOrder",
                            .body = order(2),
                            .token = p.ann,
                            .headers = {{"Idempotency-Key", "contract-cancel"}}},
                           201);
  const std::string waiting_id = Field(waiting, "orderId");
  Send({.operation = "CancelOrder",
        .path = {{"orderId", waiting_id}},
        .body = R"({"reason":"changed my mind"})",
        .token = p.bob,
        .headers = {{"Idempotency-Key", "contract-cancel-bob"}}},
       404);
  HttpReply cancelled = Send({.operation = "CancelOrder",
                              .path = {{"orderId", waiting_id}},
                              .body = R"({"reason":"changed my mind"})",
                              .token = p.ann,
                              .headers = {{"Idempotency-Key", "contract-cancel-1"}}},
                             200);
  CHECK(Field(cancelled, "status") == "CANCELLED");
  // Cash on delivery: nothing was paid, so nothing is owed back.
  HttpReply nothing_owed = Send({.operation = "MarkRefunded",
                                 .path = {{"orderId", waiting_id}},
                                 .body = "{}",
                                 .token = p.agent},
                                409);
  CHECK(Field(nothing_owed, "error.reason") == "NO_REFUND_DUE");
  HttpReply prepaid =
      Send({.operation = "PlaceOrder",
            .body = absl::StrReplaceAll(order(1), {{"CASH_ON_DELIVERY", "PREPAID"}}),
            .token = p.ann,
            .headers = {{"Idempotency-Key", "contract-prepaid"}}},
           201);
  Send({.operation = "CancelOrder",
        .path = {{"orderId", Field(prepaid, "orderId")}},
        .body = "{}",
        .token = p.ann,
        .headers = {{"Idempotency-Key", "contract-prepaid-cancel"}}},
       200);
  HttpReply refunded = Send({.operation = "MarkRefunded",
                             .path = {{"orderId", Field(prepaid, "orderId")}},
                             .body = R"({"reference":"bank transfer 42"})",
                             .token = p.agent},
                            200);
  CHECK(Field(refunded, "paymentStatus") == "REFUNDED");
  Send({.operation = "CancelOrder",
        .path = {{"orderId", waiting_id}},
        .body = "{}",
        .token = p.ann,
        .headers = {{"Idempotency-Key", "contract-cancel-2"}}},
       409);
}

TEST_CASE("contract: the gateway's own refusals carry their declared headers", "[contract]") {
  People& p = ThePeople();
  // 413: a body beyond --max-body-bytes, valid as far as the document goes.
  HttpReply large = Send({.operation = "RecordView",
                          .path = {{"customerId", p.ann_id}},
                          .body = absl::StrCat(R"({"sku":")", std::string(70000, 'x'), R"("})"),
                          .token = p.ann},
                         413);
  CHECK(Field(large, "error.reason") == "BODY_TOO_LARGE");
  // 431: headers beyond --max-header-bytes.
  HttpReply headers = Send({.operation = "GetPoints",
                            .path = {{"customerId", p.ann_id}},
                            .token = p.ann,
                            .headers = {{"X-Padding", std::string(6000, 'p')}}},
                           431);
  CHECK(Field(headers, "error.reason") == "HEADERS_TOO_LARGE");
  // 429 with Retry-After: wrong passwords for one email, beyond the free ones.
  HttpReply throttled;
  for (int i = 0; i < 10 && throttled.status != 429; ++i) {
    throttled = Send({.operation = "Login",
                      .body = R"({"email":"nobody@contract.example","password":"a wrong guess"})"},
                     i < 6 ? 401 : 429);
  }
  CHECK(Field(throttled, "error.reason") == "LOGIN_THROTTLED");
  CHECK_FALSE(throttled.Header("retry-after").empty());
  // 504: the service did not answer within the route's deadline.
  HttpReply late = Send(
      {.operation = "Login",
       .body = absl::StrCat(R"({"email":"ann@contract.example","password":")", kPassword, R"("})"),
       .prism = TheStack().prism_with_login_deadline()},
      504);
  CHECK(Field(late, "error.status") == "DEADLINE_EXCEEDED");
  // 503 with Retry-After: the service is gone (last: the stack stays without it).
  TheStack().StopCustomers();
  HttpReply down =
      Send({.operation = "GetCustomer", .path = {{"customerId", p.ann_id}}, .token = p.ann}, 503);
  CHECK_FALSE(down.Header("retry-after").empty());
}

// Last by name and by declaration: Catch runs test cases in declaration order by default.
TEST_CASE("contract: every operation of /openapi.json was exercised, with a success and an error",
          "[contract]") {
  const auto& paths = Members(TheStack().document(), {"paths"});
  std::vector<std::string> missing;
  size_t operations = 0;
  for (const auto& [key, item] : paths) {
    for (const auto& [verb, op] : item.struct_value().fields()) {
      const std::string id = OperationId(op);
      if (id.empty()) continue;
      ++operations;
      const std::set<int>& seen = Exercised()[id];
      const bool success = std::any_of(seen.begin(), seen.end(), [](int s) { return s < 300; });
      const bool error = std::any_of(seen.begin(), seen.end(), [](int s) { return s >= 400; });
      if (!success || !error) {
        missing.push_back(absl::StrCat(id, " (", absl::AsciiStrToUpper(verb), " ", key, "):",
                                       success ? "" : " no success", error ? "" : " no error"));
      }
    }
  }
  INFO("not exercised: " << absl::StrJoin(missing, "; "));
  CHECK(operations > 0);
  CHECK(missing.empty());
}

}  // namespace
}  // namespace crm::testing
