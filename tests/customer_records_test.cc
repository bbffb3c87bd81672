// The customer's own records through the gateway, as a frontend uses them: the address book,
// the wishlist, recently viewed products, preferences and the contact history. Every write is
// also tried with bad input: 400 naming the field, and nothing changed.
#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "crm/events/v1/customers.pb.h"
#include "harness.h"
#include "http_client.h"
#include "json_body.h"
#include "platform/base/ids.h"
#include "platform/events/topic_reader.h"
#include "platform/events/topics.h"

namespace crm::testing {
namespace {

struct System {
  TempDir dir;
  DevBroker broker{dir.path()};
  Service customers{"customers", dir.path(), broker.bootstrap()};
  Gateway gateway{dir.path(), "customers=" + customers.grpc_address()};
  std::string id;
  Headers as_customer;

  System() {
    HttpReply created = HttpCall(gateway.address(), "POST", "/v1/customers",
                                 R"({"email":"ann@example.com","password":"correct horse battery",)"
                                 R"("displayName":"Ann Example"})",
                                 {{"Content-Type", "application/json"}});
    REQUIRE(created.status == 201);
    id = JsonField(created.body, "customerId");
    as_customer = Bearer(Login("ann@example.com", "correct horse battery"));
  }

  std::string Login(const std::string& email, const std::string& password) {
    HttpReply r =
        HttpCall(gateway.address(), "POST", "/v1/auth/login",
                 absl::StrCat(R"({"email":")", email, R"(","password":")", password, R"("})"),
                 {{"Content-Type", "application/json"}});
    REQUIRE(r.status == 200);
    return JsonField(r.body, "accessToken");
  }

  static Headers Bearer(const std::string& token) {
    return {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token}};
  }

  HttpReply Call(const std::string& method, const std::string& path, const std::string& body = "",
                 Headers headers = {}) {
    if (headers.empty()) headers = as_customer;
    return HttpCall(gateway.address(), method, absl::StrCat("/v1/customers/", id, path), body,
                    headers);
  }
};

// `headers` with a new Idempotency-Key: for calls that require one (points move).
Headers Keyed(Headers headers) {
  headers.emplace_back("Idempotency-Key", platform::NewUuid());
  return headers;
}

// The field the first violation names.
std::string Violation(const HttpReply& r) {
  return JsonField(r.body, "error.fieldViolations.0.field");
}

TEST_CASE("the address book: one default, add, change, make default, delete",
          "[process][customer_records]") {
  System s;
  HttpReply bad = s.Call(
      "POST", "/addresses",
      R"({"recipient":"Ann","line1":"Main St 1","postalCode":"10115","country":"Deutschland"})");
  CHECK(bad.status == 400);
  // Named as the client wrote them: the body is the address.
  CHECK(bad.body.find(R"("field":"city")") != std::string::npos);
  CHECK(bad.body.find(R"("field":"country")") != std::string::npos);
  CHECK(bad.body.find("address.") == std::string::npos);
  CHECK(JsonField(s.Call("GET", "/addresses").body, "addresses.0.addressId").empty());

  const std::string home = R"({"recipient":"Ann Example","line1":"Main St 1","city":"Berlin",)"
                           R"("postalCode":"10115","country":"de"})";
  HttpReply first = s.Call("POST", "/addresses", home);
  REQUIRE(first.status == 201);
  std::string a1 = JsonField(first.body, "addressId");
  CHECK(first.Header("location") == absl::StrCat("/v1/customers/", s.id, "/addresses/", a1));
  CHECK(first.body.find(R"("isDefault":true)") != std::string::npos);
  CHECK(JsonField(first.body, "country") == "DE");
  HttpReply second = s.Call("POST", "/addresses",
                            R"({"recipient":"Ann Example","line1":"Office Rd 2","city":"Hamburg",)"
                            R"("postalCode":"20095","country":"DE"})");
  REQUIRE(second.status == 201);
  std::string a2 = JsonField(second.body, "addressId");
  CHECK(second.body.find(R"("isDefault":false)") != std::string::npos);

  HttpReply made = s.Call("POST", "/addresses/" + a2 + ":makeDefault", "{}");
  REQUIRE(made.status == 200);
  CHECK(made.body.find(R"("isDefault":true)") != std::string::npos);
  HttpReply list = s.Call("GET", "/addresses");
  CHECK(JsonField(list.body, "addresses.0.addressId") == a2);  // the default first
  CHECK(JsonField(list.body, "addresses.1.addressId") == a1);
  CHECK(list.body.find(R"("isDefault":true)") == list.body.rfind(R"("isDefault":true)"));

  Headers stale = s.as_customer;
  stale.push_back({"If-Match", "\"v1\""});
  HttpReply refused = s.Call("PATCH", "/addresses/" + a1, R"({"city":"Potsdam"})", stale);
  CHECK(refused.status == 412);  // makeDefault moved a1 to v2
  HttpReply invalid = s.Call("PATCH", "/addresses/" + a1, R"({"postalCode":"10/115"})");
  CHECK(invalid.status == 400);
  CHECK(Violation(invalid) == "postalCode");
  HttpReply changed = s.Call("PATCH", "/addresses/" + a1, R"({"city":"Potsdam"})");
  REQUIRE(changed.status == 200);
  CHECK(JsonField(changed.body, "city") == "Potsdam");
  CHECK(JsonField(changed.body, "line1") == "Main St 1");

  CHECK(s.Call("DELETE", "/addresses/" + a2).status == 204);
  CHECK(s.Call("GET", "/addresses/" + a2).status == 404);
  HttpReply left = s.Call("GET", "/addresses/" + a1);
  CHECK(left.body.find(R"("isDefault":true)") != std::string::npos);  // promoted
  CHECK(s.Call("DELETE", "/addresses/" + a2).status == 404);
  CHECK(s.Call("POST", "/addresses/" + a2 + ":makeDefault", "{}").status == 404);
  CHECK(s.Call("PATCH", "/addresses/" + a2, R"({"city":"Bonn"})").status == 404);
  CHECK(JsonField(s.Call("GET", "/addresses").body, "addresses.1.addressId").empty());
}

TEST_CASE("deletes that cannot be undone honour If-Match: stale is 412 and nothing is deleted",
          "[process][customer_records][if_match]") {
  System s;
  HttpReply created = s.Call("POST", "/addresses",
                             R"({"recipient":"Ann Example","line1":"Main St 1","city":"Berlin",)"
                             R"("postalCode":"10115","country":"DE"})");
  REQUIRE(created.status == 201);
  const std::string address = JsonField(created.body, "addressId");
  const std::string address_etag = created.Header("etag");
  REQUIRE_FALSE(address_etag.empty());
  REQUIRE(s.Call("PATCH", "/addresses/" + address, R"({"city":"Potsdam"})").status == 200);

  // The etag read before the change is stale now.
  Headers stale = s.as_customer;
  stale.push_back({"If-Match", address_etag});
  HttpReply refused = s.Call("DELETE", "/addresses/" + address, "", stale);
  CHECK(refused.status == 412);
  CHECK(JsonField(refused.body, "error.reason") == "ETAG_MISMATCH");
  CHECK(s.Call("GET", "/addresses/" + address).status == 200);
  Headers current = s.as_customer;
  current.push_back({"If-Match", s.Call("GET", "/addresses/" + address).Header("etag")});
  CHECK(s.Call("DELETE", "/addresses/" + address, "", current).status == 204);
  CHECK(s.Call("GET", "/addresses/" + address).status == 404);

  // Erasure: the profile changed since it was read.
  HttpReply profile = s.Call("GET", "");
  REQUIRE(profile.status == 200);
  Headers stale_profile = s.as_customer;
  stale_profile.push_back({"If-Match", profile.Header("etag")});
  REQUIRE(s.Call("PATCH", "", R"({"occupation":"Engineer"})").status == 200);
  HttpReply not_erased = s.Call("DELETE", "", "", stale_profile);
  CHECK(not_erased.status == 412);
  CHECK(JsonField(not_erased.body, "error.reason") == "ETAG_MISMATCH");
  HttpReply still = s.Call("GET", "");
  CHECK(still.status == 200);
  CHECK(JsonField(still.body, "email") == "ann@example.com");
  CHECK(JsonField(still.body, "occupation") == "Engineer");
  Headers current_profile = s.as_customer;
  current_profile.push_back({"If-Match", still.Header("etag")});
  CHECK(s.Call("DELETE", "", "", current_profile).status == 204);
}

TEST_CASE("every list pages: pageSize, pageToken, nextPageToken", "[process][customer_records]") {
  System s;
  for (const char* city : {"Berlin", "Hamburg", "Munich"}) {
    REQUIRE(s.Call("POST", "/addresses",
                   absl::StrCat(R"({"recipient":"Ann Example","line1":"Main St 1","city":")", city,
                                R"(","postalCode":"10115","country":"DE"})"))
                .status == 201);
  }
  for (const char* sku : {"sku-1", "sku-2", "sku-3"}) {
    REQUIRE(s.Call("PUT", absl::StrCat("/wishlist/", sku)).status == 200);
  }
  for (int i = 0; i < 12; ++i) {
    REQUIRE(s.Call("POST", "/views", absl::StrCat(R"({"sku":"p-)", i, R"("})")).status == 200);
  }

  // Each list, read two (or ten) at a time to the end: every item once, in the list's order.
  auto read_all = [&](const std::string& path, const std::string& items, const std::string& field,
                      int page_size) {
    std::vector<std::string> seen;
    std::string token;
    int pages = 0;
    do {
      HttpReply page = s.Call("GET", absl::StrCat(path, "?pageSize=", page_size,
                                                  token.empty() ? "" : "&pageToken=" + token));
      INFO(page.body);
      REQUIRE(page.status == 200);
      for (int i = 0;; ++i) {
        std::string value = JsonField(page.body, absl::StrCat(items, ".", i, ".", field));
        if (value.empty()) break;
        CHECK(i < page_size);
        seen.push_back(value);
      }
      token = JsonField(page.body, "nextPageToken");
      REQUIRE(++pages < 10);
    } while (!token.empty());
    return seen;
  };
  CHECK(read_all("/addresses", "addresses", "city", 2) ==
        std::vector<std::string>{"Berlin", "Hamburg", "Munich"});
  CHECK(read_all("/wishlist", "items", "sku", 2) ==
        std::vector<std::string>{"sku-3", "sku-2", "sku-1"});
  std::vector<std::string> views = read_all("/views", "views", "sku", 10);
  REQUIRE(views.size() == 12);
  CHECK(views.front() == "p-11");
  CHECK(views.back() == "p-0");

  HttpReply first = s.Call("GET", "/views?pageSize=10");
  CHECK(JsonField(first.body, "views.9.sku") == "p-2");
  CHECK(JsonField(first.body, "views.10.sku").empty());
  CHECK_FALSE(JsonField(first.body, "nextPageToken").empty());
  // Without pageSize: the whole (capped) list, as before there were pages.
  HttpReply whole = s.Call("GET", "/views");
  CHECK(JsonField(whole.body, "views.11.sku") == "p-0");
  CHECK(JsonField(whole.body, "nextPageToken").empty());

  CHECK(Violation(s.Call("GET", "/wishlist?pageSize=201")) == "pageSize");
  CHECK(Violation(s.Call("GET", "/addresses?pageToken=%25%25")) == "pageToken");
}

TEST_CASE("text that could look other than it is on a staff screen is refused, naming the field",
          "[process][customer_records]") {
  System s;
  // U+202E (right-to-left override) in an address line; U+200B (zero width space) in a name.
  HttpReply bidi = s.Call("POST", "/addresses",
                          "{\"recipient\":\"Ann Example\",\"line1\":\"Main St \u202e1\","
                          "\"city\":\"Berlin\",\"postalCode\":\"10115\",\"country\":\"DE\"}");
  CHECK(bidi.status == 400);
  CHECK(Violation(bidi) == "line1");
  HttpReply invisible = s.Call("PATCH", "", "{\"displayName\":\"Ann\u200bExample\"}");
  CHECK(invisible.status == 400);
  CHECK(Violation(invisible) == "displayName");
  // A note keeps its line breaks, not a line separator.
  CHECK(s.Call("PATCH", "", "{\"notes\":\"line one\\nline two\"}").status == 200);
  HttpReply separator = s.Call("PATCH", "", "{\"notes\":\"line one\u2028line two\"}");
  CHECK(separator.status == 400);
  CHECK(Violation(separator) == "notes");
  CHECK(JsonField(s.Call("GET", "").body, "displayName") == "Ann Example");
}

TEST_CASE("a signed-in caller's Idempotency-Key: same body, same answer - another body 422",
          "[process][customer_records]") {
  System s;
  Headers keyed = s.as_customer;
  keyed.push_back({"Idempotency-Key", "address-1"});
  const std::string home = R"({"recipient":"Ann Example","line1":"Main St 1","city":"Berlin",)"
                           R"("postalCode":"10115","country":"DE"})";
  HttpReply first = s.Call("POST", "/addresses", home, keyed);
  HttpReply again = s.Call("POST", "/addresses", home, keyed);
  REQUIRE(first.status == 201);
  CHECK(again.status == 201);
  CHECK(again.body == first.body);
  HttpReply other =
      s.Call("POST", "/addresses", absl::StrReplaceAll(home, {{"Berlin", "Bonn"}}), keyed);
  CHECK(other.status == 422);
  CHECK(JsonField(other.body, "error.reason") == "IDEMPOTENCY_KEY_REUSED");
  CHECK(JsonField(s.Call("GET", "/addresses").body, "addresses.1.addressId").empty());
}

TEST_CASE("the wishlist and recently viewed products", "[process][customer_records]") {
  System s;
  CHECK(Violation(s.Call("PUT", "/wishlist/has%20space")) == "sku");
  REQUIRE(s.Call("PUT", "/wishlist/sku-1").status == 200);
  HttpReply first = s.Call("GET", "/wishlist");
  REQUIRE(s.Call("PUT", "/wishlist/sku-2").status == 200);
  HttpReply again = s.Call("PUT", "/wishlist/sku-1");  // already there: unchanged
  CHECK(JsonField(again.body, "addedAt") == JsonField(first.body, "items.0.addedAt"));
  HttpReply list = s.Call("GET", "/wishlist");
  CHECK(JsonField(list.body, "items.0.sku") == "sku-2");  // newest first
  CHECK(JsonField(list.body, "items.1.sku") == "sku-1");
  CHECK(Violation(s.Call("DELETE", "/wishlist/has%20space")) == "sku");
  CHECK(s.Call("DELETE", "/wishlist/sku-1").status == 204);
  CHECK(JsonField(s.Call("GET", "/wishlist").body, "items.1.sku").empty());

  CHECK(Violation(s.Call("POST", "/views", R"({"sku":""})")) == "sku");
  for (const char* sku : {"a", "b", "a"}) {
    REQUIRE(s.Call("POST", "/views", absl::StrCat(R"({"sku":")", sku, R"("})")).status == 200);
  }
  HttpReply views = s.Call("GET", "/views");
  CHECK(JsonField(views.body, "views.0.sku") == "a");  // a repeat moves to the front
  CHECK(JsonField(views.body, "views.1.sku") == "b");
  CHECK(JsonField(views.body, "views.2.sku").empty());
}

TEST_CASE("preferences: defaults, partial changes, consent recorded and published",
          "[process][customer_records]") {
  System s;
  HttpReply defaults = s.Call("GET", "/preferences");
  REQUIRE(defaults.status == 200);
  CHECK(JsonField(defaults.body, "language") == "en");
  CHECK(JsonField(defaults.body, "packaging") == "STANDARD");
  CHECK(defaults.body.find(R"("email":false)") != std::string::npos);

  CHECK(Violation(s.Call("PATCH", "/preferences", R"({"language":"english please"})")) ==
        "language");
  CHECK(s.Call("PATCH", "/preferences", R"({"deliverySlot":"NOON"})").status == 400);
  CHECK(JsonField(s.Call("GET", "/preferences").body, "etag") == "v0");  // nothing changed

  HttpReply changed =
      s.Call("PATCH", "/preferences", R"({"consent":{"email":true},"language":"de-DE"})");
  REQUIRE(changed.status == 200);
  CHECK(changed.body.find(R"("email":true)") != std::string::npos);
  CHECK(changed.body.find(R"("sms":false)") != std::string::npos);
  CHECK_FALSE(JsonField(changed.body, "consent.changedAt").empty());
  CHECK(JsonField(changed.body, "language") == "de-DE");
  CHECK(changed.Header("etag") == "\"v1\"");

  // Marketing learns of the consent from the event.
  bool seen = false;
  REQUIRE(WaitFor(
      [&] {
        auto events =
            platform::ReadTopic(s.broker.bootstrap(), "crm.customers.v1", absl::Seconds(5));
        if (!events.ok()) return false;
        for (const auto& e : *events) {
          events::v1::PreferencesChanged p;
          if (e.payload().UnpackTo(&p) && p.customer_id() == s.id && p.consent_email()) seen = true;
        }
        return seen;
      },
      absl::Seconds(15)));
}

TEST_CASE("the contact history: logged by staff and customers, newest first, in pages",
          "[process][customer_records]") {
  System s;
  std::string admin = s.Login(kTestAdminEmail, kTestAdminPassword);
  HttpReply bad =
      s.Call("POST", "/interactions", R"({"topic":"","note":"x"})", System::Bearer(admin));
  CHECK(bad.status == 400);
  CHECK(bad.body.find(R"("field":"channel")") != std::string::npos);
  CHECK(bad.body.find(R"("field":"direction")") != std::string::npos);
  CHECK(bad.body.find(R"("field":"topic")") != std::string::npos);

  for (int i = 0; i < 3; ++i) {
    HttpReply logged =
        s.Call("POST", "/interactions",
               absl::StrCat(R"({"channel":"PHONE","direction":"INBOUND","topic":"delivery )", i,
                            R"(","note":"asked where the parcel is","occurredAt":"2026-11-0)",
                            i + 1, R"(T10:00:00Z"})"),
               System::Bearer(admin));
    REQUIRE(logged.status == 201);
    CHECK_FALSE(JsonField(logged.body, "agentId").empty());
    CHECK(logged.Header("location") == absl::StrCat("/v1/customers/", s.id, "/interactions/",
                                                    JsonField(logged.body, "interactionId")));
  }
  HttpReply own = s.Call("POST", "/interactions",
                         R"({"channel":"WEB","direction":"INBOUND","topic":"return question"})");
  REQUIRE(own.status == 201);
  CHECK(JsonField(own.body, "agentId").empty());

  HttpReply page1 = s.Call("GET", "/interactions?pageSize=2");
  REQUIRE(page1.status == 200);
  CHECK(JsonField(page1.body, "interactions.0.topic") == "return question");  // now: newest
  CHECK(JsonField(page1.body, "interactions.1.topic") == "delivery 2");
  std::string token = JsonField(page1.body, "nextPageToken");
  REQUIRE_FALSE(token.empty());
  HttpReply page2 = s.Call("GET", "/interactions?pageSize=2&pageToken=" + token);
  CHECK(JsonField(page2.body, "interactions.0.topic") == "delivery 1");
  CHECK(JsonField(page2.body, "interactions.1.topic") == "delivery 0");
  CHECK(JsonField(page2.body, "nextPageToken").empty());
  CHECK(Violation(s.Call("GET", "/interactions?pageSize=500")) == "pageSize");

  // Each one reached Kafka for analytics, without its note.
  int logged = 0;
  REQUIRE(WaitFor(
      [&] {
        auto events =
            platform::ReadTopic(s.broker.bootstrap(), "crm.customers.v1", absl::Seconds(5));
        if (!events.ok()) return false;
        logged = 0;
        for (const auto& e : *events) {
          events::v1::InteractionLogged event;
          if (e.payload().UnpackTo(&event) && event.customer_id() == s.id) {
            ++logged;
            CHECK(e.SerializeAsString().find("asked where the parcel is") == std::string::npos);
          }
        }
        return logged == 4;
      },
      absl::Seconds(15)));
}

}  // namespace
}  // namespace crm::testing

namespace crm::testing {
namespace {

TEST_CASE("staff search by name, phone, email or tier, a page at a time",
          "[process][customer_records]") {
  System s;  // Ann Example, ann@example.com
  auto add = [&](const std::string& body) {
    REQUIRE(HttpCall(s.gateway.address(), "POST", "/v1/customers", body,
                     {{"Content-Type", "application/json"}})
                .status == 201);
  };
  add(R"({"email":"ann.lee@example.com","password":"correct horse battery",)"
      R"("displayName":"Ann Lee","phone":"+49 30 1234567"})");
  add(R"({"email":"bo@shop.example","password":"correct horse battery","displayName":"Bo Annersen"})");
  add(R"({"email":"acme@example.com","password":"correct horse battery","displayName":"Acme",)"
      R"("kind":"COMPANY","company":{"name":"Acme Trading","contactPerson":"Cy Anders"}})");
  Headers admin = System::Bearer(s.Login(kTestAdminEmail, kTestAdminPassword));
  auto search = [&](const std::string& query) {
    return HttpCall(s.gateway.address(), "GET", "/v1/customers?" + query, "", admin);
  };
  auto names = [](const HttpReply& r) {
    std::set<std::string> found;
    for (int i = 0;; ++i) {
      std::string name = JsonField(r.body, absl::StrCat("customers.", i, ".displayName"));
      if (name.empty()) return found;
      found.insert(name);
    }
  };

  // Word prefixes of display name, company name and contact person.
  CHECK(names(search("query=ann")) ==
        std::set<std::string>{"Ann Example", "Ann Lee", "Bo Annersen"});
  CHECK(names(search("query=ANN+lee")) == std::set<std::string>{"Ann Lee"});
  CHECK(names(search("query=trad")) == std::set<std::string>{"Acme"});
  CHECK(names(search("query=anders")) == std::set<std::string>{"Acme"});
  CHECK(names(search("query=%2B49+30+12")) == std::set<std::string>{"Ann Lee"});
  CHECK(names(search("query=bo%40")) == std::set<std::string>{"Bo Annersen"});
  CHECK(names(search("query=zzz")).empty());
  CHECK(names(search("tier=REGULAR")).size() == 4);
  CHECK(names(search("tier=GOLD")).empty());
  CHECK(names(search("query=ann&tier=GOLD")).empty());

  HttpReply first = search("query=ann&pageSize=2");
  CHECK(names(first).size() == 2);
  std::string token = JsonField(first.body, "nextPageToken");
  REQUIRE_FALSE(token.empty());
  HttpReply second = search("query=ann&pageSize=2&pageToken=" + token);
  CHECK(names(second).size() == 1);
  CHECK(JsonField(second.body, "nextPageToken").empty());
  CHECK(Violation(search("query=bo&pageToken=" + token)) == "pageToken");

  CHECK(Violation(search("query=a")) == "query");
  CHECK(HttpCall(s.gateway.address(), "GET", "/v1/customers?query=ann", "", s.as_customer).status ==
        403);
}

}  // namespace
}  // namespace crm::testing

namespace crm::testing {
namespace {

TEST_CASE(
    "export holds everything on the person - erasure removes it, keeps the id, revokes "
    "the tokens and tells the other services",
    "[process][customer_records]") {
  System s;
  REQUIRE(s.Call("POST", "/addresses",
                 R"({"recipient":"Ann Example","line1":"Main St 1","city":"Berlin",)"
                 R"("postalCode":"10115","country":"DE"})")
              .status == 201);
  REQUIRE(s.Call("PUT", "/wishlist/sku-1").status == 200);
  REQUIRE(s.Call("POST", "/interactions",
                 R"({"channel":"EMAIL","direction":"INBOUND","topic":"my data"})")
              .status == 201);
  HttpReply exported = s.Call("GET", ":export");
  REQUIRE(exported.status == 200);
  CHECK(JsonField(exported.body, "customer.email") == "ann@example.com");
  CHECK(JsonField(exported.body, "addresses.0.city") == "Berlin");
  CHECK(JsonField(exported.body, "wishlist.0.sku") == "sku-1");
  CHECK(JsonField(exported.body, "interactions.0.topic") == "my data");
  CHECK(JsonField(exported.body, "preferences.language") == "en");
  CHECK(JsonField(exported.body, "points.balance") == "0");

  Headers admin = System::Bearer(s.Login(kTestAdminEmail, kTestAdminPassword));
  REQUIRE(HttpCall(s.gateway.address(), "POST", "/v1/staff",
                   R"({"email":"ag@crm.example","password":"agent password","displayName":"Ag",)"
                   R"("role":"agent"})",
                   admin)
              .status == 201);
  Headers agent = System::Bearer(s.Login("ag@crm.example", "agent password"));
  CHECK(s.Call("DELETE", "", "", agent).status == 403);

  REQUIRE(s.Call("DELETE", "").status == 204);
  // The customer's own token is revoked; staff find nothing left.
  CHECK(s.Call("GET", "").status == 401);
  CHECK(s.Call("GET", "", "", admin).status == 404);
  CHECK(s.Call("GET", "/addresses", "", admin).status == 404);
  CHECK(s.Call("GET", ":export", "", admin).status == 404);
  CHECK(s.Call("DELETE", "", "", admin).status == 404);
  CHECK(JsonField(HttpCall(s.gateway.address(), "GET", "/v1/customers?query=ann", "", admin).body,
                  "customers.0.customerId")
            .empty());
  CHECK(HttpCall(s.gateway.address(), "POST", "/v1/auth/login",
                 R"({"email":"ann@example.com","password":"correct horse battery"})",
                 {{"Content-Type", "application/json"}})
            .status == 401);
  // The email is free again, for a new customer with a new id.
  HttpReply again = HttpCall(s.gateway.address(), "POST", "/v1/customers",
                             R"({"email":"ann@example.com","password":"correct horse battery",)"
                             R"("displayName":"Ann Again"})",
                             {{"Content-Type", "application/json"}});
  REQUIRE(again.status == 201);
  CHECK(JsonField(again.body, "customerId") != s.id);

  bool announced = false;
  REQUIRE(WaitFor(
      [&] {
        auto events =
            platform::ReadTopic(s.broker.bootstrap(), "crm.customers.v1", absl::Seconds(5));
        if (!events.ok()) return false;
        for (const auto& e : *events) {
          events::v1::CustomerErased erased;
          if (e.payload().UnpackTo(&erased) && erased.customer_id() == s.id) announced = true;
        }
        return announced;
      },
      absl::Seconds(15)));
}

}  // namespace
}  // namespace crm::testing

namespace crm::testing {
namespace {

TEST_CASE("points through the gateway: staff adjust, the customer redeems, never past the balance",
          "[process][customer_records]") {
  System s;
  Headers admin = System::Bearer(s.Login(kTestAdminEmail, kTestAdminPassword));
  HttpReply empty = s.Call("GET", "/points");
  REQUIRE(empty.status == 200);
  CHECK(JsonField(empty.body, "balance") == "0");
  CHECK(JsonField(empty.body, "benefits.tier") == "REGULAR");
  CHECK(JsonField(empty.body, "currency") == "EUR");

  CHECK(s.Call("POST", "/points:adjust", R"({"points":100,"reason":"goodwill"})").status == 403);
  CHECK(Violation(s.Call("POST", "/points:adjust", R"({"points":100,"reason":""})",
                         Keyed(admin))) == "reason");
  CHECK(Violation(s.Call("POST", "/points:adjust", R"({"points":0,"reason":"x"})", Keyed(admin))) ==
        "points");
  HttpReply adjusted =
      s.Call("POST", "/points:adjust", R"({"points":100,"reason":"late delivery"})", Keyed(admin));
  REQUIRE(adjusted.status == 200);
  CHECK(JsonField(adjusted.body, "balance") == "100");
  CHECK(JsonField(adjusted.body, "entries.0.kind") == "ADJUSTED");

  // Points move only under an Idempotency-Key (API.md): without one, 400 naming the header.
  HttpReply keyless = s.Call("POST", "/points:redeem", R"({"points":1,"reason":"checkout"})");
  CHECK(keyless.status == 400);
  CHECK(JsonField(keyless.body, "error.reason") == "IDEMPOTENCY_KEY_MISSING");
  CHECK(Violation(keyless) == "Idempotency-Key");
  CHECK(Violation(s.Call("POST", "/points:redeem", R"({"points":-5,"reason":"checkout"})",
                         Keyed(s.as_customer))) == "points");
  HttpReply over = s.Call("POST", "/points:redeem", R"({"points":101,"reason":"checkout"})",
                          Keyed(s.as_customer));
  CHECK(over.status == 409);
  CHECK(JsonField(over.body, "error.reason") == "POINTS_INSUFFICIENT");
  HttpReply redeemed =
      s.Call("POST", "/points:redeem", R"({"points":60,"reason":"checkout","orderId":"o_1"})",
             Keyed(s.as_customer));
  REQUIRE(redeemed.status == 200);
  CHECK(JsonField(redeemed.body, "balance") == "40");
  CHECK(JsonField(redeemed.body, "entries.0.points") == "-60");
  CHECK(JsonField(s.Call("GET", "").body, "pointsBalance") == "40");

  // Other services see the adjustment and the redemption on the customers topic, with ids and
  // points but not the reasons: free text, and events outlive erasure.
  events::v1::PointsAdjusted adjusted_event;
  events::v1::PointsRedeemed redeemed_event;
  bool reasons_left_out = true;
  REQUIRE(WaitFor(
      [&] {
        auto events =
            platform::ReadTopic(s.broker.bootstrap(),
                                platform::TopicOf<events::v1::PointsRedeemed>(), absl::Seconds(5));
        if (!events.ok()) return false;
        for (const auto& e : *events) {
          if (e.subject() != s.id) continue;
          if (e.payload().value().find("late delivery") != std::string::npos ||
              e.payload().value().find("checkout") != std::string::npos) {
            reasons_left_out = false;
          }
          if (e.payload().Is<events::v1::PointsAdjusted>()) {
            REQUIRE(e.payload().UnpackTo(&adjusted_event));
          }
          if (e.payload().Is<events::v1::PointsRedeemed>()) {
            REQUIRE(e.payload().UnpackTo(&redeemed_event));
          }
        }
        return !adjusted_event.entry_id().empty() && !redeemed_event.entry_id().empty();
      },
      absl::Seconds(15)));
  CHECK(reasons_left_out);
  CHECK(adjusted_event.customer_id() == s.id);
  CHECK(adjusted_event.entry_id() == JsonField(adjusted.body, "entries.0.entryId"));
  CHECK(adjusted_event.points() == 100);
  CHECK(adjusted_event.balance_after() == 100);
  CHECK(adjusted_event.staff_id() == JsonField(adjusted.body, "entries.0.staffId"));
  CHECK(!adjusted_event.staff_id().empty());
  CHECK(redeemed_event.customer_id() == s.id);
  CHECK(redeemed_event.entry_id() == JsonField(redeemed.body, "entries.0.entryId"));
  CHECK(redeemed_event.points() == 60);
  CHECK(redeemed_event.balance_after() == 40);
  CHECK(redeemed_event.order_id() == "o_1");
}

}  // namespace
}  // namespace crm::testing
