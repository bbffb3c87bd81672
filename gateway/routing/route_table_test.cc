#include "gateway/routing/route_table.h"

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/text_format.h"
#include "platform/testing/test_support.h"

namespace crm::gateway {
namespace {

using Captures = std::vector<std::pair<std::string, std::string>>;
using google::protobuf::DescriptorPool;
using google::protobuf::FileDescriptorProto;
using google::protobuf::ServiceDescriptor;

// The messages of the test file (package crm.routingtest.v1, so its area is "routingtest").
// Built in the test rather than shipped as a .proto, so the gateway never serves test routes.
constexpr char kTestFile[] = R"pb(
  name: "gateway/routing/route_table_test.proto"
  package: "crm.routingtest.v1"
  dependency: "crm/api/v1/annotations.proto"
  syntax: "proto3"
  message_type {
    name: "Owner"
    field { name: "owner_id" number: 1 type: TYPE_STRING label: LABEL_OPTIONAL }
  }
  message_type {
    name: "Thing"
    field { name: "thing_id" number: 1 type: TYPE_STRING label: LABEL_OPTIONAL }
    field { name: "name" number: 2 type: TYPE_STRING label: LABEL_OPTIONAL }
  }
  message_type {
    name: "CreateThingRequest"
    field { name: "name" number: 1 type: TYPE_STRING label: LABEL_OPTIONAL }
  }
  message_type {
    name: "ThingRequest"
    field { name: "thing_id" number: 1 type: TYPE_STRING label: LABEL_OPTIONAL }
    field { name: "tags" number: 2 type: TYPE_STRING label: LABEL_REPEATED }
    field { name: "blob" number: 3 type: TYPE_BYTES label: LABEL_OPTIONAL }
    field {
      name: "owner"
      number: 4
      type: TYPE_MESSAGE
      type_name: ".crm.routingtest.v1.Owner"
      label: LABEL_OPTIONAL
    }
    field {
      name: "kind"
      number: 5
      type: TYPE_ENUM
      type_name: ".crm.routingtest.v1.Kind"
      label: LABEL_OPTIONAL
    }
    field { name: "count" number: 6 type: TYPE_INT64 label: LABEL_OPTIONAL }
    field {
      name: "thing"
      number: 7
      type: TYPE_MESSAGE
      type_name: ".crm.routingtest.v1.Thing"
      label: LABEL_OPTIONAL
    }
    field { name: "path" number: 8 type: TYPE_STRING label: LABEL_OPTIONAL }
    field { name: "owner_key" number: 9 type: TYPE_STRING label: LABEL_OPTIONAL }
    field {
      name: "owners"
      number: 10
      type: TYPE_MESSAGE
      type_name: ".crm.routingtest.v1.Owner"
      label: LABEL_REPEATED
    }
  }
  message_type {
    name: "ThingOverview"
    field {
      name: "thing"
      number: 1
      type: TYPE_MESSAGE
      type_name: ".crm.routingtest.v1.Thing"
      label: LABEL_OPTIONAL
    }
    field { name: "names" number: 2 type: TYPE_STRING label: LABEL_REPEATED }
    field { name: "degraded" number: 3 type: TYPE_STRING label: LABEL_REPEATED }
    field { name: "thing_id" number: 4 type: TYPE_STRING label: LABEL_OPTIONAL }
  }
  enum_type {
    name: "Kind"
    value { name: "KIND_UNSPECIFIED" number: 0 }
    value { name: "BIG" number: 1 }
  }
)pb";

constexpr char kService[] = "crm.routingtest.v1.ThingsService";

// A pool holding the test file with one service made of `methods` (MethodDescriptorProto text),
// over the generated pool so that crm/api/v1/annotations.proto resolves.
struct TestPool {
  std::unique_ptr<DescriptorPool> pool;
  const ServiceDescriptor* service = nullptr;

  std::vector<const ServiceDescriptor*> services() const { return {service}; }
};

TestPool BuildPool(const std::vector<std::string>& methods) {
  FileDescriptorProto file = platform::testing::FileFromText(kTestFile);
  auto* service = file.add_service();
  service->set_name("ThingsService");
  for (const std::string& text : methods) {
    INFO(text);
    REQUIRE(google::protobuf::TextFormat::ParseFromString(text, service->add_method()));
  }
  TestPool out;
  out.pool = platform::testing::PoolWith(file);
  out.service = out.pool->FindServiceByName(kService);
  REQUIRE(out.service != nullptr);
  return out;
}

// One method's text: `http` is the HttpRule body ("" for none), `access` the Access body
// ("-" for none).
std::string Rpc(const std::string& name, const std::string& in, const std::string& out,
                const std::string& http, const std::string& access = R"(roles: ADMIN)") {
  std::string options;
  if (!http.empty()) absl::StrAppend(&options, "[crm.api.v1.http] { ", http, " } ");
  if (access != "-") absl::StrAppend(&options, "[crm.api.v1.access] { ", access, " } ");
  return absl::StrCat("name: \"", name, "\" input_type: \".crm.routingtest.v1.", in,
                      "\" output_type: \".crm.routingtest.v1.", out, "\" options { ", options, "}");
}

const Route* RouteOf(const RouteTable& table, const std::string& rpc) {
  for (const auto& route : table.routes()) {
    if (route->method->name() == rpc) return route.get();
  }
  return nullptr;
}

std::vector<std::string> ThingMethods() {
  return {
      Rpc("CreateThing", "CreateThingRequest", "Thing",
          R"(post: "/v1/things" body: "*" success_code: 201)", "anonymous: true"),
      Rpc("ListThings", "ThingRequest", "Thing", R"(get: "/v1/things")"),
      Rpc("ExportThing", "ThingRequest", "Thing", R"(get: "/v1/things/{thing_id}:export")"),
      Rpc("GetThing", "ThingRequest", "Thing", R"(get: "/v1/things/{thing_id}")",
          R"(roles: [CUSTOMER, ADMIN] owner_field: "thing_id")"),
      Rpc("SearchThings", "ThingRequest", "Thing", R"(get: "/v1/things/search")"),
      Rpc("UpdateThing", "ThingRequest", "Thing",
          R"(patch: "/v1/things/{thing_id}" body: "thing")"),
      Rpc("DeleteThing", "ThingRequest", "Thing",
          R"(delete: "/v1/things/{thing_id}" success_code: 204)"),
      Rpc("ArchiveThing", "ThingRequest", "Thing",
          R"(post: "/v1/things/{thing_id}:archive" body: "*" success_code: 202)"),
      Rpc("GetFile", "ThingRequest", "Thing", R"(get: "/v1/files/{path=**}")"),
      Rpc("StatFile", "ThingRequest", "Thing", R"(get: "/v1/files/{path=**}:stat")"),
      Rpc("GetOwnerFile", "ThingRequest", "Thing", R"(get: "/v1/files/{owner.owner_id}/x")"),
      Rpc("Internal", "ThingRequest", "Thing", "", "-"),
  };
}

TEST_CASE("RouteTable builds routes from a runtime pool's http rules") {
  TestPool pool = BuildPool(ThingMethods());
  absl::StatusOr<RouteTable> table = RouteTable::Build(pool.services());
  INFO(table.status().ToString());
  REQUIRE(table.ok());
  // Internal has no http rule: not routed.
  CHECK(table->routes().size() == 11);
  CHECK(RouteOf(*table, "Internal") == nullptr);

  const Route* create = RouteOf(*table, "CreateThing");
  REQUIRE(create != nullptr);
  CHECK(create->http_method == "POST");
  CHECK(create->path.text() == "/v1/things");
  CHECK(create->body == "*");
  CHECK(create->success_code == 201);
  CHECK(create->grpc_method == "/crm.routingtest.v1.ThingsService/CreateThing");
  CHECK(create->method->full_name() == "crm.routingtest.v1.ThingsService.CreateThing");
  CHECK(create->area == "routingtest");
  CHECK(create->access.anonymous());

  const Route* get = RouteOf(*table, "GetThing");
  REQUIRE(get != nullptr);
  CHECK(get->success_code == 200);  // 0 in the rule
  CHECK(get->body.empty());
  CHECK(get->access.owner_field() == "thing_id");
  CHECK(get->access.roles_size() == 2);
  CHECK(get->location == nullptr);  // only 201 routes have one

  // The Location of a create is the verbless GET of the same type under the collection, not
  // ExportThing (a verb), ListThings or SearchThings (no path field to name it by), nor GetFile
  // (path is not a field of Thing).
  CHECK(create->location == get);

  CHECK(RouteOf(*table, "UpdateThing")->body == "thing");
  CHECK(RouteOf(*table, "DeleteThing")->success_code == 204);
  CHECK(RouteOf(*table, "ArchiveThing")->success_code == 202);
  CHECK(RouteOf(*table, "ArchiveThing")->location == nullptr);
}

TEST_CASE("RouteTable::Find returns the route, its captures, and picks the most specific") {
  TestPool pool = BuildPool(ThingMethods());
  absl::StatusOr<RouteTable> table = RouteTable::Build(pool.services());
  REQUIRE(table.ok());

  RouteMatch m = table->Find("GET", "/v1/things/t%2D1");
  REQUIRE(m.kind == RouteMatch::Kind::kFound);
  CHECK(m.route->method->name() == "GetThing");
  CHECK(m.captures == Captures{{"thing_id", "t-1"}});
  CHECK(m.allowed_methods.empty());

  m = table->Find("GET", "/v1/things");
  REQUIRE(m.kind == RouteMatch::Kind::kFound);
  CHECK(m.route->method->name() == "ListThings");
  CHECK(m.captures.empty());

  // A literal beats a variable.
  m = table->Find("GET", "/v1/things/search");
  REQUIRE(m.kind == RouteMatch::Kind::kFound);
  CHECK(m.route->method->name() == "SearchThings");

  // A verb beats no verb (GetThing would also take "t1:export" as its id).
  m = table->Find("GET", "/v1/things/t1:export");
  REQUIRE(m.kind == RouteMatch::Kind::kFound);
  CHECK(m.route->method->name() == "ExportThing");
  CHECK(m.captures == Captures{{"thing_id", "t1"}});
  // An unknown verb falls to the variable, whole segment included.
  m = table->Find("GET", "/v1/things/t1:frobnicate");
  REQUIRE(m.kind == RouteMatch::Kind::kFound);
  CHECK(m.route->method->name() == "GetThing");
  CHECK(m.captures == Captures{{"thing_id", "t1:frobnicate"}});

  // A variable beats a rest variable; a rest with a verb beats one without.
  m = table->Find("GET", "/v1/files/o1/x");
  REQUIRE(m.kind == RouteMatch::Kind::kFound);
  CHECK(m.route->method->name() == "GetOwnerFile");
  CHECK(m.captures == Captures{{"owner.owner_id", "o1"}});
  m = table->Find("GET", "/v1/files/o1/y");
  REQUIRE(m.kind == RouteMatch::Kind::kFound);
  CHECK(m.route->method->name() == "GetFile");
  CHECK(m.captures == Captures{{"path", "o1/y"}});
  m = table->Find("GET", "/v1/files/a/b:stat");
  REQUIRE(m.kind == RouteMatch::Kind::kFound);
  CHECK(m.route->method->name() == "StatFile");
  CHECK(m.captures == Captures{{"path", "a/b"}});

  m = table->Find("POST", "/v1/things/t1:archive");
  REQUIRE(m.kind == RouteMatch::Kind::kFound);
  CHECK(m.route->method->name() == "ArchiveThing");
}

TEST_CASE("RouteTable::Find answers 404 and 405 with the allowed methods") {
  TestPool pool = BuildPool(ThingMethods());
  absl::StatusOr<RouteTable> table = RouteTable::Build(pool.services());
  REQUIRE(table.ok());

  for (const char* path : {"/v1/nothing", "/v1/things/", "/v1/things//", "/v1/things/t1/",
                           "/v1/things/t1/more", "v1/things", "", "/"}) {
    INFO(path);
    RouteMatch m = table->Find("GET", path);
    CHECK(m.kind == RouteMatch::Kind::kNotFound);
    CHECK(m.route == nullptr);
    CHECK(m.allowed_methods.empty());
  }

  RouteMatch m = table->Find("PUT", "/v1/things/t1");
  REQUIRE(m.kind == RouteMatch::Kind::kMethodNotAllowed);
  CHECK(m.route == nullptr);
  CHECK(m.allowed_methods == std::vector<std::string>{"DELETE", "GET", "PATCH"});

  m = table->Find("DELETE", "/v1/things");
  REQUIRE(m.kind == RouteMatch::Kind::kMethodNotAllowed);
  CHECK(m.allowed_methods == std::vector<std::string>{"GET", "POST"});

  // No implicit HEAD or OPTIONS; methods are case-sensitive.
  for (const char* method : {"HEAD", "OPTIONS", "get"}) {
    m = table->Find(method, "/v1/things");
    CHECK(m.kind == RouteMatch::Kind::kMethodNotAllowed);
    CHECK(m.allowed_methods == std::vector<std::string>{"GET", "POST"});
  }
  CHECK(table->Find("HEAD", "/v1/nothing").kind == RouteMatch::Kind::kNotFound);

  // A verb route answers 405 for its path under another method.
  m = table->Find("GET", "/v1/things/t1:archive");
  // GetThing takes "t1:archive" whole, so this one is found rather than refused.
  CHECK(m.kind == RouteMatch::Kind::kFound);
  m = table->Find("DELETE", "/v1/things/t1:archive");
  CHECK(m.kind == RouteMatch::Kind::kFound);  // same: DeleteThing's variable takes it
  m = table->Find("PUT", "/v1/things/t1:archive");
  REQUIRE(m.kind == RouteMatch::Kind::kMethodNotAllowed);
  CHECK(m.allowed_methods == std::vector<std::string>{"DELETE", "GET", "PATCH", "POST"});
}

// Builds a table from `methods` and returns its error (OK if it built).
absl::Status BuildError(const std::vector<std::string>& methods) {
  TestPool pool = BuildPool(methods);
  return RouteTable::Build(pool.services()).status();
}

void CheckRefused(const std::vector<std::string>& methods, const std::vector<std::string>& says) {
  absl::Status status = BuildError(methods);
  INFO(status.ToString());
  CHECK(status.code() == absl::StatusCode::kFailedPrecondition);
  for (const std::string& s : says) CHECK_THAT(std::string(status.message()), Catch::Contains(s));
}

TEST_CASE("RouteTable refuses colliding routes, naming both RPCs") {
  CheckRefused(
      {Rpc("GetThing", "ThingRequest", "Thing", R"(get: "/v1/things/{thing_id}")"),
       Rpc("GetByPath", "ThingRequest", "Thing", R"(get: "/v1/things/{path}")")},
      {"crm.routingtest.v1.ThingsService.GetThing", "crm.routingtest.v1.ThingsService.GetByPath",
       "collide", "GET \"/v1/things/{thing_id}\" and \"/v1/things/{path}\""});
  CheckRefused({Rpc("A", "ThingRequest", "Thing", R"(post: "/v1/things/{thing_id}:go")"),
                Rpc("B", "ThingRequest", "Thing", R"(post: "/v1/things/{path=*}:go")")},
               {"ThingsService.A and crm.routingtest.v1.ThingsService.B collide"});
  CheckRefused({Rpc("A", "ThingRequest", "Thing", R"(get: "/v1/files/{path=**}")"),
                Rpc("B", "ThingRequest", "Thing", R"(get: "/v1/files/{thing_id=**}")")},
               {"ThingsService.A and crm.routingtest.v1.ThingsService.B collide"});

  // Same path, other method, other verb, or literal against variable: no collision.
  CHECK(BuildError({Rpc("A", "ThingRequest", "Thing", R"(get: "/v1/things/{thing_id}")"),
                    Rpc("B", "ThingRequest", "Thing", R"(delete: "/v1/things/{thing_id}")"),
                    Rpc("C", "ThingRequest", "Thing", R"(get: "/v1/things/{thing_id}:x")"),
                    Rpc("D", "ThingRequest", "Thing", R"(get: "/v1/things/x")")})
            .ok());
}

TEST_CASE("RouteTable refuses a routed RPC without an access option") {
  CheckRefused({Rpc("GetThing", "ThingRequest", "Thing", R"(get: "/v1/things/{thing_id}")", "-")},
               {"RPC crm.routingtest.v1.ThingsService.GetThing", "no (crm.api.v1.access) option"});
  // An access option without an http rule is fine: the RPC is simply not routed.
  CHECK(BuildError({Rpc("Internal", "ThingRequest", "Thing", "")}).ok());
}

TEST_CASE("RouteTable refuses path fields that are missing or not scalars") {
  const std::string rpc = "RPC crm.routingtest.v1.ThingsService.GetThing";
  auto with_path = [](const std::string& path) {
    return std::vector<std::string>{
        Rpc("GetThing", "ThingRequest", "Thing", absl::StrCat("get: \"", path, "\""))};
  };
  CheckRefused(with_path("/v1/things/{nope}"),
               {rpc, "path field \"nope\"", "crm.routingtest.v1.ThingRequest has no field"});
  CheckRefused(with_path("/v1/things/{owner.nope}"),
               {rpc, "crm.routingtest.v1.Owner has no field \"nope\""});
  CheckRefused(with_path("/v1/things/{tags}"), {rpc, "\"tags\" is repeated"});
  CheckRefused(with_path("/v1/things/{owners.owner_id}"), {rpc, "\"owners\" is repeated"});
  CheckRefused(with_path("/v1/things/{blob}"), {rpc, "\"blob\" is bytes"});
  CheckRefused(with_path("/v1/things/{owner}"), {rpc, "\"owner\" is a message"});
  CheckRefused(with_path("/v1/things/{thing_id.x}"), {rpc, "\"thing_id\" is not a message"});
  // Scalars, enums and nested strings are fine.
  CHECK(BuildError(with_path("/v1/things/{kind}/{count}/{owner.owner_id}/{thing.name}")).ok());
}

TEST_CASE("RouteTable refuses bad bodies, codes, templates and rules") {
  const std::string rpc = "RPC crm.routingtest.v1.ThingsService.M";
  auto with_rule = [](const std::string& rule) {
    return std::vector<std::string>{Rpc("M", "ThingRequest", "Thing", rule)};
  };
  CheckRefused(with_rule(R"(post: "/v1/things" body: "nope")"),
               {rpc,
                "body \"nope\" is not a singular message field of "
                "crm.routingtest.v1.ThingRequest"});
  CheckRefused(with_rule(R"(post: "/v1/things" body: "thing_id")"), {rpc, "body \"thing_id\""});
  CheckRefused(with_rule(R"(post: "/v1/things" body: "owners")"), {rpc, "body \"owners\""});
  CheckRefused(with_rule(R"(post: "/v1/things" success_code: 203)"),
               {rpc, "success_code 203 is not one of"});
  CheckRefused(with_rule(R"(post: "/v1/things" success_code: 404)"), {rpc, "success_code 404"});
  CheckRefused(with_rule(R"(get: "/v1/things/{thing_id")"),
               {rpc, "path template \"/v1/things/{thing_id\": unbalanced '{'"});
  CheckRefused(with_rule(R"(body: "*")"), {rpc, "http rule names no method and path"});
  CheckRefused(with_rule(R"(get: "")"), {rpc, "http rule names no method and path"});
  for (int code : {0, 200, 201, 202, 204}) {
    CHECK(BuildError(with_rule(absl::StrCat(R"(post: "/v1/things" success_code: )", code))).ok());
  }

  CheckRefused(
      {Rpc("M", "ThingRequest", "Thing", R"(get: "/v1/things")") + "client_streaming: true"},
      {rpc, "is streaming"});
}

TEST_CASE("RouteTable finds no Location when no GET reads the created thing by its fields") {
  TestPool pool = BuildPool({
      Rpc("CreateThing", "CreateThingRequest", "Thing",
          R"(post: "/v1/things" body: "*" success_code: 201)"),
      // Same response type, but owner_key is not a field of Thing.
      Rpc("GetByOwner", "ThingRequest", "Thing", R"(get: "/v1/owners/{owner_key}/thing")"),
      // Reads by thing_id but answers another type.
      Rpc("GetOwner", "ThingRequest", "Owner", R"(get: "/v1/things/{thing_id}")"),
  });
  absl::StatusOr<RouteTable> table = RouteTable::Build(pool.services());
  REQUIRE(table.ok());
  CHECK(RouteOf(*table, "CreateThing")->location == nullptr);
}

TEST_CASE("RouteTable admits only the partner role on routes checked by partner signature") {
  auto partner = [](const std::string& access) {
    return BuildError({Rpc("Track", "ThingRequest", "Thing",
                           R"(post: "/v1/things/{thing_id}:track" body: "*")", access)});
  };
  CHECK(partner(R"(roles: PARTNER authentication: PARTNER_SIGNATURE)").ok());
  for (const char* access : {R"(roles: [PARTNER, ADMIN] authentication: PARTNER_SIGNATURE)",
                             R"(roles: ADMIN authentication: PARTNER_SIGNATURE)",
                             R"(anonymous: true authentication: PARTNER_SIGNATURE)"}) {
    INFO(access);
    absl::Status status = partner(access);
    CHECK(status.code() == absl::StatusCode::kFailedPrecondition);
    CHECK_THAT(std::string(status.message()), Catch::Contains("only role must be PARTNER"));
  }
}

// A composed GET route answering ThingOverview, with `parts` (Composition text), beside the
// methods its parts name (no http rules: internal RPCs).
std::vector<std::string> Composed(const std::string& parts,
                                  const std::string& http = R"(get: "/v1/things/{thing_id}/all")") {
  return {Rpc("GetThingInternal", "ThingRequest", "Thing", "", "-"),
          Rpc("ListNames", "CreateThingRequest", "ThingRequest", "", "-"),
          Rpc("GetOverview", "ThingRequest", "ThingOverview", "", "-"),
          absl::StrCat(R"(name: "Overview" input_type: ".crm.routingtest.v1.ThingRequest")",
                       R"( output_type: ".crm.routingtest.v1.ThingOverview" options {)",
                       " [crm.api.v1.http] { ", http, " } [crm.api.v1.access] { roles: AGENT }",
                       " [crm.api.v1.compose] { ", parts, " } }")};
}

constexpr char kThingPart[] =
    R"(parts { name: "thing" method: "crm.routingtest.v1.ThingsService/GetThingInternal" )"
    R"(request: "thing_id" into: "thing" required: true })";

TEST_CASE("RouteTable reads a composed route's parts") {
  TestPool pool = BuildPool(Composed(absl::StrCat(
      kThingPart, R"( parts { name: "names" method: "crm.routingtest.v1.ThingsService/ListNames" )",
      R"(request: "name=path" from: "tags" into: "names" timeout_ms: 250 })",
      R"( parts { name: "base" method: "crm.routingtest.v1.ThingsService/GetOverview" )",
      R"(request: "thing_id" })", R"( parts { name: "later" })")));
  absl::StatusOr<RouteTable> table = RouteTable::Build(pool.services());
  INFO(table.status().ToString());
  REQUIRE(table.ok());
  const Route* route = RouteOf(*table, "Overview");
  REQUIRE(route != nullptr);
  REQUIRE(route->parts.size() == 4);
  REQUIRE(route->degraded != nullptr);
  CHECK(route->degraded->name() == "degraded");

  const ComposedPart& thing = route->parts[0];
  CHECK(thing.name == "thing");
  CHECK(thing.grpc_method == "/crm.routingtest.v1.ThingsService/GetThingInternal");
  CHECK(thing.area == "routingtest");
  REQUIRE(thing.request.size() == 1);
  CHECK(thing.request[0].first->full_name() == "crm.routingtest.v1.ThingRequest.thing_id");
  CHECK(thing.request[0].second->full_name() == "crm.routingtest.v1.ThingRequest.thing_id");
  CHECK(thing.from == nullptr);
  CHECK(thing.into->name() == "thing");
  CHECK(thing.required);
  CHECK(thing.timeout == absl::ZeroDuration());

  const ComposedPart& names = route->parts[1];
  CHECK(names.request[0].first->full_name() == "crm.routingtest.v1.CreateThingRequest.name");
  CHECK(names.request[0].second->name() == "path");
  CHECK(names.from->name() == "tags");
  CHECK(names.into->name() == "names");
  CHECK(names.timeout == absl::Milliseconds(250));
  CHECK_FALSE(names.required);

  CHECK(route->parts[2].into == nullptr);  // merged: the same type as the route's answer
  CHECK(route->parts[3].method == nullptr);
  // Only the required part's service must be there.
  CHECK(AreasNeeded(*route) == std::vector<std::string>{"routingtest"});
  CHECK(AreasNeeded(*RouteOf(*table, "Overview")) == AreasNeeded(*route));
}

TEST_CASE("RouteTable refuses compositions the messages cannot carry, naming the part") {
  auto refused = [](const std::string& parts, const std::string& says) {
    INFO(parts);
    CheckRefused(Composed(parts), {"crm.routingtest.v1.ThingsService.Overview", says});
  };
  refused("", "names no parts");
  refused(R"(parts { name: "Thing" })", "lower-case");
  refused(R"(parts { name: "a" } parts { name: "a" })", "\"a\" is named twice");
  refused(R"(parts { name: "x" method: "crm.routingtest.v1.ThingsService/Nope" })",
          "not a known package.Service/Method");
  refused(R"(parts { name: "x" method: "crm.routingtest.v1.ThingsService.GetOverview" })",
          "not a known package.Service/Method");
  refused(R"(parts { name: "x" required: true })", "names no method");
  refused(R"(parts { name: "x" into: "thing" })", "names no method");
  refused(R"(parts { name: "x" method: "crm.routingtest.v1.ThingsService/GetThingInternal" )"
          R"(request: "nope" into: "thing" })",
          "request field \"nope\"");
  refused(R"(parts { name: "x" method: "crm.routingtest.v1.ThingsService/GetThingInternal" )"
          R"(request: "thing_id=count" into: "thing" })",
          "copies crm.routingtest.v1.ThingRequest.count (int64) into");
  refused(R"(parts { name: "x" method: "crm.routingtest.v1.ThingsService/GetThingInternal" )"
          R"(into: "nope" })",
          "into \"nope\"");
  refused(R"(parts { name: "x" method: "crm.routingtest.v1.ThingsService/GetThingInternal" )"
          R"(into: "names" })",
          "puts its whole answer");
  refused(R"(parts { name: "x" method: "crm.routingtest.v1.ThingsService/GetThingInternal" })",
          "merges its whole answer");
  refused(R"(parts { name: "x" method: "crm.routingtest.v1.ThingsService/ListNames" )"
          R"(from: "tags" })",
          "names no field to put it in");
  refused(R"(parts { name: "x" method: "crm.routingtest.v1.ThingsService/ListNames" )"
          R"(from: "count" into: "names" })",
          "(int64) into crm.routingtest.v1.ThingOverview.names (repeated string)");
  refused(R"(parts { name: "x" timeout_ms: -1 })", "negative timeout_ms");
  refused(R"(parts { name: "x" } degraded_field: "names_x")", "\"names_x\", which is not");
  refused(R"(parts { name: "x" } degraded_field: "thing")", "\"thing\", which is not");
  CheckRefused(Composed(kThingPart, R"(post: "/v1/things/{thing_id}/all" body: "*")"),
               {"only GET routes"});
  // Every part required: no degraded field needed.
  CHECK(BuildError(Composed(absl::StrCat(kThingPart, R"( degraded_field: "thing")"))).ok());
}

TEST_CASE("Custom options set on a FileDescriptorProto are readable from a runtime pool") {
  FileDescriptorProto file = platform::testing::FileFromText(kTestFile);
  auto* service = file.add_service();
  service->set_name("ThingsService");
  auto* get = service->add_method();
  get->set_name("GetThing");
  get->set_input_type(".crm.routingtest.v1.ThingRequest");
  get->set_output_type(".crm.routingtest.v1.Thing");
  api::v1::HttpRule rule;
  rule.set_get("/v1/things/{thing_id}");
  get->mutable_options()->MutableExtension(api::v1::http)->CopyFrom(rule);
  get->mutable_options()->MutableExtension(api::v1::access)->add_roles(api::v1::Access::ADMIN);

  auto pool = platform::testing::PoolWith(file);
  const auto* descriptor = pool->FindMethodByName("crm.routingtest.v1.ThingsService.GetThing");
  REQUIRE(descriptor != nullptr);
  // With the annotations file coming from the underlay (the generated pool), the options are a
  // generated MethodOptions whose extensions were parsed: no re-parse needed in this case.
  CHECK(descriptor->options().HasExtension(api::v1::http));
  CHECK(descriptor->options().GetExtension(api::v1::http).get() == "/v1/things/{thing_id}");

  absl::StatusOr<RouteTable> table = RouteTable::Build({descriptor->service()});
  REQUIRE(table.ok());
  REQUIRE(table->routes().size() == 1);
  CHECK(table->routes()[0]->access.roles(0) == api::v1::Access::ADMIN);
}

TEST_CASE("The generated services build without error") {
  std::vector<const ServiceDescriptor*> services = RouteTable::GeneratedServices();
  REQUIRE_FALSE(services.empty());
  for (const ServiceDescriptor* service : services) {
    CHECK(service->file()->package().rfind("crm.", 0) == 0);
  }
  absl::StatusOr<RouteTable> table = RouteTable::Build(services);
  INFO(table.status().ToString());
  REQUIRE(table.ok());

  RouteMatch create = table->Find("POST", "/v1/customers");
  REQUIRE(create.kind == RouteMatch::Kind::kFound);
  CHECK(create.route->grpc_method == "/crm.customers.v1.CustomersService/CreateCustomer");
  CHECK(create.route->success_code == 201);
  CHECK(create.route->body == "*");
  CHECK(create.route->area == "customers");
  CHECK(create.route->access.anonymous());
  REQUIRE(create.route->location != nullptr);
  CHECK(create.route->location->http_method == "GET");
  CHECK(create.route->location->path.text() == "/v1/customers/{customer_id}");

  RouteMatch get = table->Find("GET", "/v1/customers/c-1");
  REQUIRE(get.kind == RouteMatch::Kind::kFound);
  CHECK(get.route == create.route->location);
  CHECK(get.route->grpc_method == "/crm.customers.v1.CustomersService/GetCustomer");
  CHECK(get.route->access.owner_field() == "customer_id");
  CHECK(get.captures == Captures{{"customer_id", "c-1"}});

  // Internal services (crm.platform.*) carry no http rules and are not routed.
  for (const auto& route : table->routes()) {
    CHECK(route->area != "platform");
  }
}

}  // namespace
}  // namespace crm::gateway
