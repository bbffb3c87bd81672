#include "gateway/openapi/openapi_document.h"

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "platform/testing/test_support.h"

namespace crm::gateway {
namespace {

using google::protobuf::DescriptorPool;
using google::protobuf::FileDescriptorProto;
using google::protobuf::Value;

// A file covering what the document must describe, built in the test rather than shipped as a
// .proto so that the gateway never serves it. GetWidget carries a leading comment (as a pool
// built with source info would); the others do not (as in the generated pool).
constexpr char kTestFile[] = R"pb(
  name: "gateway/openapi/openapi_document_test.proto"
  package: "crm.openapitest.v1"
  dependency: "crm/api/v1/annotations.proto"
  dependency: "google/protobuf/duration.proto"
  dependency: "google/protobuf/empty.proto"
  dependency: "google/protobuf/field_mask.proto"
  dependency: "google/protobuf/timestamp.proto"
  dependency: "google/protobuf/wrappers.proto"
  syntax: "proto3"
  message_type {
    name: "Widget"
    field { name: "owner_id" number: 1 type: TYPE_STRING label: LABEL_OPTIONAL }
    field {
      name: "widget_id"
      number: 2
      type: TYPE_STRING
      label: LABEL_OPTIONAL
      options {
        [crm.api.v1.field] { output_only: true }
      }
    }
    field {
      name: "display_name"
      number: 3
      type: TYPE_STRING
      label: LABEL_OPTIONAL
      options {
        [crm.api.v1.field] { required: true }
      }
    }
    field { name: "count" number: 4 type: TYPE_INT64 label: LABEL_OPTIONAL }
    field {
      name: "kind"
      number: 5
      type: TYPE_ENUM
      type_name: ".crm.openapitest.v1.Widget.Kind"
      label: LABEL_OPTIONAL
    }
    field {
      name: "labels"
      number: 6
      type: TYPE_MESSAGE
      type_name: ".crm.openapitest.v1.Widget.LabelsEntry"
      label: LABEL_REPEATED
    }
    field {
      name: "created_at"
      number: 7
      type: TYPE_MESSAGE
      type_name: ".google.protobuf.Timestamp"
      label: LABEL_OPTIONAL
    }
    field {
      name: "tree"
      number: 8
      type: TYPE_MESSAGE
      type_name: ".crm.openapitest.v1.Node"
      label: LABEL_OPTIONAL
    }
    field {
      name: "etag"
      number: 9
      type: TYPE_STRING
      label: LABEL_OPTIONAL
      options {
        [crm.api.v1.field] { output_only: true }
      }
    }
    field {
      name: "note"
      number: 10
      type: TYPE_MESSAGE
      type_name: ".google.protobuf.StringValue"
      label: LABEL_OPTIONAL
    }
    field { name: "ratio" number: 11 type: TYPE_DOUBLE label: LABEL_OPTIONAL }
    field { name: "small" number: 12 type: TYPE_UINT32 label: LABEL_OPTIONAL }
    field { name: "big" number: 13 type: TYPE_UINT64 label: LABEL_OPTIONAL }
    field {
      name: "ttl"
      number: 14
      type: TYPE_MESSAGE
      type_name: ".google.protobuf.Duration"
      label: LABEL_OPTIONAL
    }
    field { name: "blob" number: 15 type: TYPE_BYTES label: LABEL_OPTIONAL }
    nested_type {
      name: "LabelsEntry"
      field { name: "key" number: 1 type: TYPE_STRING label: LABEL_OPTIONAL }
      field { name: "value" number: 2 type: TYPE_INT64 label: LABEL_OPTIONAL }
      options { map_entry: true }
    }
    enum_type {
      name: "Kind"
      value { name: "KIND_UNSPECIFIED" number: 0 }
      value { name: "SMALL" number: 1 }
      value { name: "LARGE" number: 2 }
    }
  }
  message_type {
    name: "Node"
    field { name: "name" number: 1 type: TYPE_STRING label: LABEL_OPTIONAL }
    field {
      name: "children"
      number: 2
      type: TYPE_MESSAGE
      type_name: ".crm.openapitest.v1.Node"
      label: LABEL_REPEATED
    }
    field {
      name: "parent"
      number: 3
      type: TYPE_MESSAGE
      type_name: ".crm.openapitest.v1.Node"
      label: LABEL_OPTIONAL
    }
  }
  message_type {
    name: "Filter"
    field { name: "name_prefix" number: 1 type: TYPE_STRING label: LABEL_OPTIONAL }
    field {
      name: "created_after"
      number: 2
      type: TYPE_MESSAGE
      type_name: ".google.protobuf.Timestamp"
      label: LABEL_OPTIONAL
    }
  }
  message_type {
    name: "ListWidgetsRequest"
    field { name: "owner_id" number: 1 type: TYPE_STRING label: LABEL_OPTIONAL }
    field { name: "page_size" number: 2 type: TYPE_INT32 label: LABEL_OPTIONAL }
    field { name: "page_token" number: 3 type: TYPE_STRING label: LABEL_OPTIONAL }
    field {
      name: "kinds"
      number: 4
      type: TYPE_ENUM
      type_name: ".crm.openapitest.v1.Widget.Kind"
      label: LABEL_REPEATED
    }
    field {
      name: "filter"
      number: 5
      type: TYPE_MESSAGE
      type_name: ".crm.openapitest.v1.Filter"
      label: LABEL_OPTIONAL
    }
    field {
      name: "tree"
      number: 6
      type: TYPE_MESSAGE
      type_name: ".crm.openapitest.v1.Node"
      label: LABEL_OPTIONAL
    }
    field {
      name: "min_ratio"
      number: 7
      type: TYPE_MESSAGE
      type_name: ".google.protobuf.DoubleValue"
      label: LABEL_OPTIONAL
    }
  }
  message_type {
    name: "ListWidgetsResponse"
    field {
      name: "widgets"
      number: 1
      type: TYPE_MESSAGE
      type_name: ".crm.openapitest.v1.Widget"
      label: LABEL_REPEATED
    }
    field { name: "next_page_token" number: 2 type: TYPE_STRING label: LABEL_OPTIONAL }
  }
  message_type {
    name: "CreateWidgetRequest"
    field { name: "owner_id" number: 1 type: TYPE_STRING label: LABEL_OPTIONAL }
    field {
      name: "display_name"
      number: 2
      type: TYPE_STRING
      label: LABEL_OPTIONAL
      options {
        [crm.api.v1.field] { required: true }
      }
    }
    field {
      name: "kind"
      number: 3
      type: TYPE_ENUM
      type_name: ".crm.openapitest.v1.Widget.Kind"
      label: LABEL_OPTIONAL
    }
  }
  message_type {
    name: "WidgetRequest"
    field { name: "owner_id" number: 1 type: TYPE_STRING label: LABEL_OPTIONAL }
    field { name: "widget_id" number: 2 type: TYPE_STRING label: LABEL_OPTIONAL }
  }
  message_type {
    name: "UpdateWidgetRequest"
    field { name: "owner_id" number: 1 type: TYPE_STRING label: LABEL_OPTIONAL }
    field { name: "widget_id" number: 2 type: TYPE_STRING label: LABEL_OPTIONAL }
    field {
      name: "widget"
      number: 3
      type: TYPE_MESSAGE
      type_name: ".crm.openapitest.v1.Widget"
      label: LABEL_OPTIONAL
    }
    field {
      name: "update_mask"
      number: 4
      type: TYPE_MESSAGE
      type_name: ".google.protobuf.FieldMask"
      label: LABEL_OPTIONAL
    }
  }
  message_type {
    name: "FileRequest"
    field { name: "file_path" number: 1 type: TYPE_STRING label: LABEL_OPTIONAL }
  }
  service {
    name: "WidgetsService"
    method {
      name: "CreateWidget"
      input_type: ".crm.openapitest.v1.CreateWidgetRequest"
      output_type: ".crm.openapitest.v1.Widget"
      options {
        [crm.api.v1.http] {
          post: "/v1/owners/{owner_id}/widgets"
          body: "*"
          success_code: 201
          idempotency_key: OPTIONAL
        }
        [crm.api.v1.access] {
          roles: [ CUSTOMER, AGENT ]
          owner_field: "owner_id"
        }
      }
    }
    method {
      name: "ListWidgets"
      input_type: ".crm.openapitest.v1.ListWidgetsRequest"
      output_type: ".crm.openapitest.v1.ListWidgetsResponse"
      options {
        [crm.api.v1.http] { get: "/v1/owners/{owner_id}/widgets" }
        [crm.api.v1.access] {
          roles: [ CUSTOMER, AGENT ]
          owner_field: "owner_id"
        }
      }
    }
    method {
      name: "GetWidget"
      input_type: ".crm.openapitest.v1.WidgetRequest"
      output_type: ".crm.openapitest.v1.Widget"
      options {
        [crm.api.v1.http] { get: "/v1/owners/{owner_id}/widgets/{widget_id}" }
        [crm.api.v1.access] {
          roles: [ CUSTOMER, AGENT, ADMIN ]
          owner_field: "owner_id"
        }
      }
    }
    method {
      name: "UpdateWidget"
      input_type: ".crm.openapitest.v1.UpdateWidgetRequest"
      output_type: ".crm.openapitest.v1.Widget"
      options {
        [crm.api.v1.http] {
          patch: "/v1/owners/{owner_id}/widgets/{widget_id}"
          body: "widget"
          if_match: true
        }
        [crm.api.v1.access] { roles: AGENT }
      }
    }
    method {
      name: "DeleteWidget"
      input_type: ".crm.openapitest.v1.WidgetRequest"
      output_type: ".google.protobuf.Empty"
      options {
        [crm.api.v1.http] {
          delete: "/v1/owners/{owner_id}/widgets/{widget_id}"
          success_code: 204
          if_match: true
        }
        [crm.api.v1.access] { roles: ADMIN }
      }
    }
    method {
      name: "CancelWidget"
      input_type: ".crm.openapitest.v1.WidgetRequest"
      output_type: ".crm.openapitest.v1.Widget"
      options {
        [crm.api.v1.http] { post: "/v1/owners/{owner_id}/widgets/{widget_id}:cancel" body: "*" }
        [crm.api.v1.access] { roles: AGENT }
      }
    }
    method {
      name: "GetFile"
      input_type: ".crm.openapitest.v1.FileRequest"
      output_type: ".crm.openapitest.v1.Node"
      options {
        [crm.api.v1.http] { get: "/v1/files/{file_path=**}" }
        [crm.api.v1.access] { roles: ADMIN }
      }
    }
    method {
      name: "Ping"
      input_type: ".google.protobuf.Empty"
      output_type: ".google.protobuf.Empty"
      options {
        [crm.api.v1.http] { get: "/v1/ping" }
        [crm.api.v1.access] { anonymous: true }
      }
    }
  }
  service {
    name: "OtherService"
    method {
      name: "Ping"
      input_type: ".google.protobuf.Empty"
      output_type: ".google.protobuf.Empty"
      options {
        [crm.api.v1.http] { get: "/v1/other/ping" }
        [crm.api.v1.access] { anonymous: true }
      }
    }
  }
  source_code_info {
    location {
      path: [ 6, 0, 2, 2 ]
      span: [ 0, 0, 1 ]
      leading_comments: " Reads one \"widget\".\n Errors: NOT_FOUND (WIDGET_NOT_FOUND);\n UNAUTHENTICATED (TOKEN_* reasons); FAILED_PRECONDITION (ETAG_MISMATCH, or\n WIDGET_LOCKED \"owner\" (rare)); ABORTED (contended: retry; HTTP).\n"
    }
  }
)pb";

// The test file's pool (over the generated pool, so the imports resolve), its routes and their
// document, parsed.
struct TestDocument {
  std::unique_ptr<DescriptorPool> pool;
  std::unique_ptr<RouteTable> table;
  std::string json;
  Value root;
};

Value Parse(const std::string& json) {
  Value root;
  auto status = google::protobuf::util::JsonStringToMessage(json, &root);
  INFO(status.ToString());
  REQUIRE(status.ok());
  return root;
}

TestDocument BuildDocument(const OpenApiInfo& info = {}) {
  TestDocument out;
  out.pool = platform::testing::PoolWith(platform::testing::FileFromText(kTestFile));
  absl::StatusOr<RouteTable> table =
      RouteTable::Build({out.pool->FindServiceByName("crm.openapitest.v1.WidgetsService"),
                         out.pool->FindServiceByName("crm.openapitest.v1.OtherService")});
  INFO(table.status().ToString());
  REQUIRE(table.ok());
  out.table = std::make_unique<RouteTable>(std::move(*table));
  out.json = OpenApiDocument(*out.table, info);
  out.root = Parse(out.json);
  return out;
}

// The value at `path` below `root`: object keys, or list indices written in decimal; nullptr
// when there is none.
const Value* At(const Value& root, const std::vector<std::string>& path) {
  const Value* v = &root;
  for (const std::string& key : path) {
    if (v->has_struct_value()) {
      const auto& fields = v->struct_value().fields();
      auto it = fields.find(key);
      if (it == fields.end()) return nullptr;
      v = &it->second;
    } else if (v->has_list_value()) {
      size_t i = std::stoul(key);
      if (i >= static_cast<size_t>(v->list_value().values_size())) return nullptr;
      v = &v->list_value().values(static_cast<int>(i));
    } else {
      return nullptr;
    }
  }
  return v;
}

std::string Str(const Value& root, const std::vector<std::string>& path) {
  const Value* v = At(root, path);
  return v != nullptr && v->has_string_value() ? v->string_value() : "<none>";
}

bool Has(const Value& root, const std::vector<std::string>& path) {
  return At(root, path) != nullptr;
}

// The operation `method` ("get") of the path item `key`.
const Value& Op(const TestDocument& doc, const std::string& key, const std::string& method) {
  const Value* op = At(doc.root, {"paths", key, method});
  INFO(key << " " << method);
  REQUIRE(op != nullptr);
  return *op;
}

// The parameter named `name` (or the $ref `name`) of an operation; nullptr when absent.
const Value* Param(const Value& op, const std::string& name) {
  const Value* list = At(op, {"parameters"});
  if (list == nullptr) return nullptr;
  for (const Value& p : list->list_value().values()) {
    if (Str(p, {"name"}) == name || Str(p, {"$ref"}) == name) return &p;
  }
  return nullptr;
}

std::vector<std::string> Strings(const Value& root, const std::vector<std::string>& path) {
  std::vector<std::string> out;
  const Value* v = At(root, path);
  if (v == nullptr) return out;
  for (const Value& item : v->list_value().values()) out.push_back(item.string_value());
  return out;
}

constexpr char kItem[] = "/v1/owners/{ownerId}/widgets/{widgetId}";
constexpr char kWidget[] = "#/components/schemas/crm.openapitest.v1.Widget";

TEST_CASE("OpenApiDocument: the document's frame") {
  TestDocument doc = BuildDocument();
  CHECK(Str(doc.root, {"openapi"}) == "3.0.3");
  CHECK(Str(doc.root, {"info", "title"}) == "CRM API");
  CHECK(Str(doc.root, {"info", "version"}) == "v1");
  CHECK(Has(doc.root, {"info", "description"}));
  CHECK_FALSE(Has(doc.root, {"servers"}));
  CHECK(Str(doc.root, {"tags", "0", "name"}) == "WidgetsService");
  CHECK(Str(doc.root, {"tags", "1", "name"}) == "OtherService");
  CHECK(Has(doc.root, {"tags", "0", "description"}));

  TestDocument with_server =
      BuildDocument({.title = "T", .version = "2", .server_url = "http://127.0.0.1:8080"});
  CHECK(Str(with_server.root, {"servers", "0", "url"}) == "http://127.0.0.1:8080");
  CHECK(Str(with_server.root, {"info", "title"}) == "T");
  CHECK(Str(with_server.root, {"info", "version"}) == "2");
}

TEST_CASE("OpenApiDocument: paths use JSON names - verbs and rest variables stay in the key") {
  TestDocument doc = BuildDocument();
  CHECK(Has(doc.root, {"paths", "/v1/owners/{ownerId}/widgets", "post"}));
  CHECK(Has(doc.root, {"paths", "/v1/owners/{ownerId}/widgets", "get"}));
  for (const char* method : {"get", "patch", "delete"}) {
    CHECK(Has(doc.root, {"paths", kItem, method}));
  }
  CHECK(Has(doc.root, {"paths", "/v1/owners/{ownerId}/widgets/{widgetId}:cancel", "post"}));
  CHECK_FALSE(Has(doc.root, {"paths", "/v1/owners/{owner_id}/widgets"}));

  const Value& get = Op(doc, kItem, "get");
  const Value& params = *At(get, {"parameters"});
  CHECK(Str(params, {"0", "name"}) == "ownerId");
  CHECK(Str(params, {"0", "in"}) == "path");
  CHECK(At(params, {"0", "required"})->bool_value());
  CHECK(Str(params, {"0", "schema", "type"}) == "string");
  CHECK(Str(params, {"1", "name"}) == "widgetId");

  const Value& file = Op(doc, "/v1/files/{filePath}", "get");
  CHECK(Str(file, {"parameters", "0", "name"}) == "filePath");
  CHECK_THAT(Str(file, {"parameters", "0", "description"}), Catch::Contains("may contain '/'"));
}

TEST_CASE("OpenApiDocument: operation ids, tags, summaries and access") {
  TestDocument doc = BuildDocument();
  const Value& get = Op(doc, kItem, "get");
  CHECK(Str(get, {"operationId"}) == "GetWidget");
  CHECK(Strings(get, {"tags"}) == std::vector<std::string>{"WidgetsService"});
  // From the leading comment when the pool has one, from the name otherwise.
  CHECK(Str(get, {"summary"}) == "Reads one \"widget\"");
  CHECK_THAT(Str(get, {"description"}), Catch::Contains("Errors: NOT_FOUND (WIDGET_NOT_FOUND);"));
  CHECK_THAT(Str(get, {"description"}),
             Catch::Contains("Roles: customer (own records only), agent, admin."));
  CHECK(Str(Op(doc, "/v1/owners/{ownerId}/widgets", "get"), {"summary"}) == "List widgets");

  // Two services' Ping: both suffixed with their service.
  CHECK(Str(Op(doc, "/v1/ping", "get"), {"operationId"}) == "Ping_WidgetsService");
  CHECK(Str(Op(doc, "/v1/other/ping", "get"), {"operationId"}) == "Ping_OtherService");
  CHECK(Strings(Op(doc, "/v1/other/ping", "get"), {"tags"}) ==
        std::vector<std::string>{"OtherService"});

  CHECK(Strings(get, {"x-crm-access", "roles"}) ==
        std::vector<std::string>{"customer", "agent", "admin"});
  CHECK(Str(get, {"x-crm-access", "ownerField"}) == "ownerId");
  CHECK_FALSE(At(get, {"x-crm-access", "anonymous"})->bool_value());
}

TEST_CASE("OpenApiDocument: anonymous routes need no token, others a bearer token") {
  TestDocument doc = BuildDocument();
  const Value& ping = Op(doc, "/v1/ping", "get");
  REQUIRE(Has(ping, {"security"}));
  CHECK(At(ping, {"security"})->list_value().values_size() == 0);
  CHECK_FALSE(Has(ping, {"responses", "401"}));
  CHECK_FALSE(Has(ping, {"responses", "403"}));
  CHECK(At(ping, {"x-crm-access", "anonymous"})->bool_value());

  const Value& get = Op(doc, kItem, "get");
  CHECK(At(get, {"security"})->list_value().values_size() == 1);
  CHECK(At(get, {"security", "0", "bearerAuth"})->list_value().values_size() == 0);
  CHECK(Has(get, {"responses", "401"}));
  CHECK(Has(get, {"responses", "403"}));

  const Value* scheme = At(doc.root, {"components", "securitySchemes", "bearerAuth"});
  REQUIRE(scheme != nullptr);
  CHECK(Str(*scheme, {"type"}) == "http");
  CHECK(Str(*scheme, {"scheme"}) == "bearer");
  CHECK(Str(*scheme, {"bearerFormat"}) == "JWT");
}

TEST_CASE("OpenApiDocument: a GET list route takes the other fields as query parameters") {
  TestDocument doc = BuildDocument();
  const Value& list = Op(doc, "/v1/owners/{ownerId}/widgets", "get");
  CHECK(Str(*Param(list, "ownerId"), {"in"}) == "path");

  const Value* page_size = Param(list, "pageSize");
  REQUIRE(page_size != nullptr);
  CHECK(Str(*page_size, {"in"}) == "query");
  CHECK(Str(*page_size, {"schema", "type"}) == "integer");
  CHECK(Str(*page_size, {"schema", "format"}) == "int32");
  REQUIRE(Param(list, "pageToken") != nullptr);
  CHECK(Str(*Param(list, "pageToken"), {"schema", "type"}) == "string");

  const Value* kinds = Param(list, "kinds");
  REQUIRE(kinds != nullptr);
  CHECK(Str(*kinds, {"schema", "type"}) == "array");
  CHECK(Str(*kinds, {"schema", "items", "$ref"}) ==
        "#/components/schemas/crm.openapitest.v1.Widget.Kind");
  CHECK(Str(*kinds, {"style"}) == "form");
  CHECK(At(*kinds, {"explode"})->bool_value());

  // Nested messages by dotted JSON names; well-known types as their JSON strings; a recursive
  // message walked once.
  REQUIRE(Param(list, "filter.namePrefix") != nullptr);
  CHECK(Str(*Param(list, "filter.createdAfter"), {"schema", "format"}) == "date-time");
  CHECK(Str(*Param(list, "minRatio"), {"schema", "type"}) == "number");
  CHECK_FALSE(Has(*Param(list, "minRatio"), {"schema", "nullable"}));
  CHECK(Param(list, "tree.name") != nullptr);
  CHECK(Param(list, "tree.parent.name") == nullptr);
  CHECK(Param(list, "tree.children") == nullptr);
  CHECK(Param(list, "ownerId") == Param(list, "ownerId"));
  int owner_params = 0;
  for (const Value& p : At(list, {"parameters"})->list_value().values()) {
    owner_params += Str(p, {"name"}) == "ownerId";
  }
  CHECK(owner_params == 1);  // the path field is not also a query parameter

  CHECK(Param(list, "#/components/parameters/XRequestId") != nullptr);
  CHECK(Param(list, "#/components/parameters/IdempotencyKey") == nullptr);
  CHECK(Param(list, "#/components/parameters/IfMatch") == nullptr);
  CHECK(Has(doc.root, {"components", "parameters", "XRequestId"}));
  CHECK(Str(doc.root, {"components", "parameters", "IdempotencyKey", "name"}) == "Idempotency-Key");
  CHECK(Str(doc.root, {"components", "parameters", "IfMatch", "name"}) == "If-Match");
  CHECK(Str(list, {"responses", "200", "content", "application/json", "schema", "$ref"}) ==
        "#/components/schemas/crm.openapitest.v1.ListWidgetsResponse");
}

TEST_CASE("OpenApiDocument: body '*' is the request without the path's fields - 201 Location") {
  TestDocument doc = BuildDocument();
  const Value& create = Op(doc, "/v1/owners/{ownerId}/widgets", "post");
  const std::string body_ref =
      Str(create, {"requestBody", "content", "application/json", "schema", "$ref"});
  CHECK(body_ref == "#/components/schemas/crm.openapitest.v1.CreateWidgetRequestBody");
  CHECK(At(create, {"requestBody", "required"})->bool_value());
  const Value* body =
      At(doc.root, {"components", "schemas", "crm.openapitest.v1.CreateWidgetRequestBody"});
  REQUIRE(body != nullptr);
  CHECK(Has(*body, {"properties", "displayName"}));
  CHECK(Has(*body, {"properties", "kind"}));
  CHECK_FALSE(Has(*body, {"properties", "ownerId"}));
  // Body "*" takes no query parameters: only the path field and the headers.
  CHECK(At(create, {"parameters"})->list_value().values_size() == 3);
  CHECK(Param(create, "displayName") == nullptr);
  CHECK(Param(create, "#/components/parameters/IdempotencyKey") != nullptr);
  CHECK(Param(create, "#/components/parameters/IfMatch") == nullptr);

  const Value* created = At(create, {"responses", "201"});
  REQUIRE(created != nullptr);
  CHECK(Str(*created, {"content", "application/json", "schema", "$ref"}) == kWidget);
  CHECK_THAT(Str(*created, {"headers", "Location", "description"}),
             Catch::Contains("GET /v1/owners/{ownerId}/widgets/{widgetId}"));
  CHECK(Str(*created, {"headers", "ETag", "$ref"}) == "#/components/headers/ETag");
  CHECK(Str(*created, {"headers", "X-Request-Id", "$ref"}) == "#/components/headers/XRequestId");
  CHECK_FALSE(Has(create, {"responses", "200"}));
  CHECK(Str(create, {"responses", "422", "$ref"}) == "#/components/responses/UnprocessableEntity");
  CHECK_FALSE(Has(create, {"responses", "412"}));

  // A verb route whose path sets every field: the body may be left out.
  const Value& cancel = Op(doc, "/v1/owners/{ownerId}/widgets/{widgetId}:cancel", "post");
  CHECK_FALSE(At(cancel, {"requestBody", "required"})->bool_value());
  CHECK(Has(cancel, {"responses", "200"}));
  CHECK_FALSE(Has(cancel, {"responses", "200", "headers", "Location"}));
}

TEST_CASE("OpenApiDocument: a PATCH body '<field>' is its own schema - the rest is the query") {
  TestDocument doc = BuildDocument();
  const Value& update = Op(doc, kItem, "patch");
  CHECK(Str(update, {"requestBody", "content", "application/json", "schema", "$ref"}) ==
        "#/components/schemas/crm.openapitest.v1.WidgetPatch");
  const Value* patch = At(doc.root, {"components", "schemas", "crm.openapitest.v1.WidgetPatch"});
  REQUIRE(patch != nullptr);
  // What a caller may change: no server-set field, nothing required.
  CHECK(Has(*patch, {"properties", "displayName"}));
  CHECK(Has(*patch, {"properties", "count"}));
  CHECK_FALSE(Has(*patch, {"properties", "widgetId"}));
  CHECK_FALSE(Has(*patch, {"properties", "etag"}));
  CHECK_FALSE(Has(*patch, {"required"}));
  CHECK_FALSE(Has(*patch, {"properties", "displayName", "minLength"}));

  const Value* mask = Param(update, "updateMask");
  REQUIRE(mask != nullptr);
  CHECK(Str(*mask, {"in"}) == "query");
  CHECK(Str(*mask, {"schema", "type"}) == "string");
  CHECK(Param(update, "widget.displayName") == nullptr);
  CHECK(Param(update, "#/components/parameters/IfMatch") != nullptr);
  // The rule does not say idempotency_key: no header, no 422.
  CHECK(Param(update, "#/components/parameters/IdempotencyKey") == nullptr);
  CHECK(Str(update, {"responses", "412", "$ref"}) == "#/components/responses/PreconditionFailed");
  CHECK_FALSE(Has(update, {"responses", "422"}));
}

TEST_CASE("OpenApiDocument: (crm.api.v1.field) marks required and read-only fields") {
  TestDocument doc = BuildDocument();
  const Value* widget = At(doc.root, {"components", "schemas", "crm.openapitest.v1.Widget"});
  REQUIRE(widget != nullptr);
  // Read-only fields without presence are always in answers: required there (OpenAPI applies
  // `required` on a readOnly property to answers only).
  CHECK(Strings(*widget, {"required"}) ==
        std::vector<std::string>{"widgetId", "displayName", "etag"});
  CHECK(At(*widget, {"properties", "displayName", "minLength"})->number_value() == 1);
  CHECK(At(*widget, {"properties", "widgetId", "readOnly"})->bool_value());
  CHECK(At(*widget, {"properties", "etag", "readOnly"})->bool_value());
  CHECK_FALSE(Has(*widget, {"properties", "ownerId", "readOnly"}));

  // A message no request carries: every field without presence is in every answer.
  CHECK(Strings(doc.root, {"components", "schemas", "crm.openapitest.v1.ListWidgetsResponse",
                           "required"}) == std::vector<std::string>{"widgets", "nextPageToken"});
  // A message a request carries (Node, in ListWidgetsRequest.tree): nothing it does not mark.
  CHECK_FALSE(Has(doc.root, {"components", "schemas", "crm.openapitest.v1.Node", "required"}));

  // A create body keeps the request's required fields.
  const Value* body =
      At(doc.root, {"components", "schemas", "crm.openapitest.v1.CreateWidgetRequestBody"});
  REQUIRE(body != nullptr);
  CHECK(Strings(*body, {"required"}) == std::vector<std::string>{"displayName"});
}

TEST_CASE("OpenApiDocument: comments come from OpenApiInfo::source_info, matched by name") {
  // The routes' pool without comments, as the generated pool is; the comments in another pool.
  FileDescriptorProto bare = platform::testing::FileFromText(kTestFile);
  bare.clear_source_code_info();
  auto routes_pool = platform::testing::PoolWith(bare);
  auto comments_pool = platform::testing::PoolWith(platform::testing::FileFromText(kTestFile));
  absl::StatusOr<RouteTable> table =
      RouteTable::Build({routes_pool->FindServiceByName("crm.openapitest.v1.WidgetsService")});
  REQUIRE(table.ok());

  Value without = Parse(OpenApiDocument(*table, {}));
  CHECK(Str(without, {"paths", kItem, "get", "summary"}) == "Get widget");
  CHECK_FALSE(Has(without, {"paths", kItem, "get", "x-crm-reasons"}));

  Value with = Parse(OpenApiDocument(*table, {.source_info = comments_pool.get()}));
  CHECK(Str(with, {"paths", kItem, "get", "summary"}) == "Reads one \"widget\"");
  CHECK_THAT(Str(with, {"paths", kItem, "get", "description"}), Catch::Contains("ETAG_MISMATCH"));
  CHECK(Has(with, {"paths", kItem, "get", "x-crm-reasons", "404"}));
}

TEST_CASE("OpenApiDocument: 204 has no content") {
  TestDocument doc = BuildDocument();
  const Value& del = Op(doc, kItem, "delete");
  const Value* done = At(del, {"responses", "204"});
  REQUIRE(done != nullptr);
  CHECK(Has(*done, {"description"}));
  CHECK_FALSE(Has(*done, {"content"}));
  CHECK(Has(*done, {"headers", "X-Request-Id"}));
  // No body to send, but {} is accepted (API.md), as for every write without a body.
  CHECK_FALSE(At(del, {"requestBody", "required"})->bool_value());
  CHECK(At(del, {"requestBody", "content", "application/json", "schema", "maxProperties"})
            ->number_value() == 0);
  CHECK_FALSE(Has(Op(doc, kItem, "get"), {"requestBody"}));
  CHECK(Param(del, "#/components/parameters/IfMatch") != nullptr);
}

TEST_CASE("OpenApiDocument: error responses by what the route can produce") {
  TestDocument doc = BuildDocument();
  auto codes = [&](const Value& op) {
    std::vector<std::string> out;
    for (const auto& [code, response] : At(op, {"responses"})->struct_value().fields()) {
      out.push_back(code);
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  // The gateway's own on every route: 400, 429, 431, 500, 501, 502, 503, 504. GetWidget: a
  // token (401, 403), a path (404), and what its comment names (409, 412).
  CHECK(codes(Op(doc, kItem, "get")) == std::vector<std::string>{"200", "400", "401", "403", "404",
                                                                 "409", "412", "429", "431", "500",
                                                                 "501", "502", "503", "504"});
  // Anonymous, no path, no body, a read: nothing more.
  CHECK(codes(Op(doc, "/v1/ping", "get")) ==
        std::vector<std::string>{"200", "400", "429", "431", "500", "501", "502", "503", "504"});
  // A write with If-Match and a body, not idempotent: no 422.
  CHECK(codes(Op(doc, kItem, "patch")) ==
        std::vector<std::string>{"200", "400", "401", "403", "404", "409", "412", "413", "415",
                                 "429", "431", "500", "501", "502", "503", "504"});
  // Idempotent, with a token: 409 and 422; no If-Match, no 412.
  CHECK(codes(Op(doc, "/v1/owners/{ownerId}/widgets", "post")) ==
        std::vector<std::string>{"201", "400", "401", "403", "404", "409", "413", "415", "422",
                                 "429", "431", "500", "501", "502", "503", "504"});
  // A write without a body still accepts one ({}), so it can be too large or not JSON.
  CHECK(Has(Op(doc, kItem, "delete"), {"responses", "415"}));
  CHECK(Has(Op(doc, kItem, "delete"), {"responses", "413"}));

  // The reasons the comment names, by the status they are answered with.
  const Value& get = Op(doc, kItem, "get");
  CHECK(Strings(get, {"x-crm-reasons", "404"}) == std::vector<std::string>{"WIDGET_NOT_FOUND"});
  CHECK(Strings(get, {"x-crm-reasons", "401"}) == std::vector<std::string>{"TOKEN_*"});
  CHECK(Strings(get, {"x-crm-reasons", "412"}) == std::vector<std::string>{"ETAG_MISMATCH"});
  CHECK(Strings(get, {"x-crm-reasons", "409"}) == std::vector<std::string>{"WIDGET_LOCKED"});
  CHECK(At(get, {"x-crm-reasons"})->struct_value().fields().size() == 4);
  CHECK_FALSE(Has(Op(doc, kItem, "patch"), {"x-crm-reasons"}));

  // Every answer names its request; Retry-After always on 503, when known on 429.
  CHECK(Str(get, {"responses", "200", "headers", "X-Request-Id", "$ref"}) ==
        "#/components/headers/XRequestId");
  CHECK(At(doc.root, {"components", "headers", "XRequestId", "required"})->bool_value());
  CHECK(At(doc.root, {"components", "headers", "ETag", "required"})->bool_value());
  CHECK(Str(doc.root, {"components", "responses", "Unavailable", "headers", "Retry-After",
                       "$ref"}) == "#/components/headers/RetryAfterAlways");
  CHECK(At(doc.root, {"components", "headers", "RetryAfterAlways", "required"})->bool_value());
  CHECK_FALSE(Has(doc.root, {"components", "headers", "RetryAfter", "required"}));
  for (const char* name : {"BadRequest", "Unauthorized", "TooManyRequests",
                           "RequestHeaderFieldsTooLarge", "UnsupportedMediaType", "BadGateway"}) {
    INFO(name);
    CHECK(Str(doc.root, {"components", "responses", name, "headers", "X-Request-Id", "$ref"}) ==
          "#/components/headers/XRequestId");
  }

  const Value* not_found = At(doc.root, {"components", "responses", "NotFound"});
  REQUIRE(not_found != nullptr);
  CHECK(Str(*not_found, {"content", "application/json", "schema", "$ref"}) ==
        "#/components/schemas/Error");
  CHECK(Has(doc.root, {"components", "responses", "Unavailable", "headers", "Retry-After"}));
}

TEST_CASE("OpenApiDocument: the shared Error schema has API.md's shape") {
  TestDocument doc = BuildDocument();
  const Value* schema = At(doc.root, {"components", "schemas", "Error"});
  REQUIRE(schema != nullptr);
  CHECK(Strings(*schema, {"required"}) == std::vector<std::string>{"error"});
  const Value* error = At(*schema, {"properties", "error"});
  REQUIRE(error != nullptr);
  CHECK(Str(*error, {"properties", "code", "type"}) == "integer");
  for (const char* name : {"status", "reason", "message", "requestId"}) {
    CHECK(Str(*error, {"properties", name, "type"}) == "string");
  }
  CHECK(Str(*error, {"properties", "fieldViolations", "type"}) == "array");
  CHECK(Str(*error, {"properties", "fieldViolations", "items", "properties", "field", "type"}) ==
        "string");
  CHECK(Str(*error, {"properties", "fieldViolations", "items", "properties", "description",
                     "type"}) == "string");
  CHECK(Strings(*error, {"required"}) ==
        std::vector<std::string>{"code", "status", "reason", "message", "requestId"});
}

TEST_CASE("OpenApiDocument: schemas follow protobuf's JSON mapping") {
  TestDocument doc = BuildDocument();
  const Value* widget = At(doc.root, {"components", "schemas", "crm.openapitest.v1.Widget"});
  REQUIRE(widget != nullptr);
  CHECK(Str(*widget, {"type"}) == "object");
  const Value& p = *At(*widget, {"properties"});
  CHECK(Str(p, {"displayName", "type"}) == "string");
  // int64: printed as a string, accepted as a string or a number.
  CHECK(Str(p, {"count", "oneOf", "0", "type"}) == "string");
  CHECK(Str(p, {"count", "oneOf", "0", "format"}) == "int64");
  CHECK(Str(p, {"count", "oneOf", "0", "pattern"}) == "^-?[0-9]+$");
  CHECK(Str(p, {"count", "oneOf", "1", "type"}) == "integer");
  CHECK(Str(p, {"big", "oneOf", "0", "format"}) == "uint64");
  CHECK(Str(p, {"big", "oneOf", "1", "type"}) == "integer");
  CHECK(At(p, {"big", "oneOf", "1", "minimum"})->number_value() == 0);
  CHECK(Str(p, {"small", "type"}) == "integer");
  CHECK(At(p, {"small", "minimum"})->number_value() == 0);
  CHECK(Str(p, {"ratio", "type"}) == "number");
  CHECK(Str(p, {"ratio", "format"}) == "double");
  CHECK(Str(p, {"blob", "format"}) == "byte");
  CHECK(Str(p, {"createdAt", "type"}) == "string");
  CHECK(Str(p, {"createdAt", "format"}) == "date-time");
  CHECK(Str(p, {"ttl", "type"}) == "string");
  CHECK(Has(p, {"ttl", "pattern"}));
  CHECK(Str(p, {"note", "type"}) == "string");
  CHECK(At(p, {"note", "nullable"})->bool_value());
  CHECK(Str(p, {"labels", "type"}) == "object");  // map<string, int64>
  CHECK(Str(p, {"labels", "additionalProperties", "oneOf", "0", "format"}) == "int64");
  CHECK_FALSE(Has(doc.root, {"components", "schemas", "crm.openapitest.v1.Widget.LabelsEntry"}));

  // Enums as their value names.
  CHECK(Str(p, {"kind", "$ref"}) == "#/components/schemas/crm.openapitest.v1.Widget.Kind");
  const Value* kind = At(doc.root, {"components", "schemas", "crm.openapitest.v1.Widget.Kind"});
  REQUIRE(kind != nullptr);
  CHECK(Str(*kind, {"type"}) == "string");
  // The zero value "*_UNSPECIFIED" is "not set": never offered.
  CHECK(Strings(*kind, {"enum"}) == std::vector<std::string>{"SMALL", "LARGE"});

  // A nested message by reference, and a recursive one referring to itself.
  CHECK(Str(p, {"tree", "$ref"}) == "#/components/schemas/crm.openapitest.v1.Node");
  const Value* node = At(doc.root, {"components", "schemas", "crm.openapitest.v1.Node"});
  REQUIRE(node != nullptr);
  CHECK(Str(*node, {"properties", "children", "type"}) == "array");
  CHECK(Str(*node, {"properties", "children", "items", "$ref"}) ==
        "#/components/schemas/crm.openapitest.v1.Node");
  CHECK(Str(*node, {"properties", "parent", "$ref"}) ==
        "#/components/schemas/crm.openapitest.v1.Node");

  // Only what the routes reach: requests described by parameters alone have no schema.
  CHECK_FALSE(Has(doc.root, {"components", "schemas", "crm.openapitest.v1.ListWidgetsRequest"}));
  CHECK_FALSE(Has(doc.root, {"components", "schemas", "crm.openapitest.v1.Filter"}));
  // google.protobuf.Empty answers inline.
  CHECK(Str(Op(doc, "/v1/ping", "get"),
            {"responses", "200", "content", "application/json", "schema", "type"}) == "object");
}

TEST_CASE("OpenApiDocument: routes OpenAPI cannot tell apart share a path item or are listed") {
  FileDescriptorProto file = platform::testing::FileFromText(kTestFile);
  auto* service = file.add_service();
  REQUIRE(google::protobuf::TextFormat::ParseFromString(
      R"pb(
        name: "ThingsService"
        method {
          name: "GetThing"
          input_type: ".crm.openapitest.v1.WidgetRequest"
          output_type: ".crm.openapitest.v1.Widget"
          options {
            [crm.api.v1.http] { get: "/v1/things/{widget_id}" }
            [crm.api.v1.access] { roles: ADMIN }
          }
        }
        method {
          name: "DeleteThing"
          input_type: ".crm.openapitest.v1.WidgetRequest"
          output_type: ".crm.openapitest.v1.Widget"
          options {
            [crm.api.v1.http] { delete: "/v1/things/{owner_id}" }
            [crm.api.v1.access] { roles: ADMIN }
          }
        }
        method {
          name: "GetThingByPath"
          input_type: ".crm.openapitest.v1.FileRequest"
          output_type: ".crm.openapitest.v1.Node"
          options {
            [crm.api.v1.http] { get: "/v1/things/{file_path=**}" }
            [crm.api.v1.access] { roles: ADMIN }
          }
        }
      )pb",
      service));
  auto pool = platform::testing::PoolWith(file);
  absl::StatusOr<RouteTable> table =
      RouteTable::Build({pool->FindServiceByName("crm.openapitest.v1.ThingsService")});
  INFO(table.status().ToString());
  REQUIRE(table.ok());  // the route table tells "{x}" from "{x=**}"
  Value root = Parse(OpenApiDocument(*table, {}));

  // One item, named by the first route; the other route's field is named in its description.
  const Value* del = At(root, {"paths", "/v1/things/{widgetId}", "delete"});
  REQUIRE(del != nullptr);
  CHECK(Str(*del, {"parameters", "0", "name"}) == "widgetId");
  CHECK_THAT(Str(*del, {"parameters", "0", "description"}), Catch::Contains("`ownerId`"));
  // A DELETE whose rule does not say if_match has nothing to check: no If-Match, no 412.
  CHECK(Param(*del, "#/components/parameters/IfMatch") == nullptr);
  CHECK_FALSE(Has(*del, {"responses", "412"}));
  CHECK_FALSE(Has(root, {"paths", "/v1/things/{ownerId}"}));
  CHECK_FALSE(Has(root, {"paths", "/v1/things/{filePath}"}));
  CHECK(Strings(root, {"x-crm-undocumented-routes"}) ==
        std::vector<std::string>{
            "GET /v1/things/{file_path=**} (crm.openapitest.v1.ThingsService.GetThingByPath)"});
}

// A partner route and a composed route (built in the test, as kTestFile).
constexpr char kPartnerFile[] = R"pb(
  name: "gateway/openapi/openapi_partner_test.proto"
  package: "crm.openapitest.v1"
  dependency: "crm/api/v1/annotations.proto"
  syntax: "proto3"
  message_type {
    name: "TrackRequest"
    field { name: "carrier_id" number: 1 type: TYPE_STRING label: LABEL_OPTIONAL }
    field { name: "events" number: 2 type: TYPE_STRING label: LABEL_REPEATED }
  }
  message_type {
    name: "TrackResponse"
    field { name: "accepted" number: 1 type: TYPE_INT32 label: LABEL_OPTIONAL }
  }
  message_type {
    name: "SummaryRequest"
    field { name: "customer_id" number: 1 type: TYPE_STRING label: LABEL_OPTIONAL }
  }
  message_type {
    name: "Summary"
    field { name: "customer_id" number: 1 type: TYPE_STRING label: LABEL_OPTIONAL }
    field { name: "degraded" number: 2 type: TYPE_STRING label: LABEL_REPEATED }
  }
  service {
    name: "PartnersService"
    method {
      name: "PostEvents"
      input_type: ".crm.openapitest.v1.TrackRequest"
      output_type: ".crm.openapitest.v1.TrackResponse"
      options {
        [crm.api.v1.http] { post: "/v1/partners/{carrier_id}/events" body: "*" }
        [crm.api.v1.access] {
          roles: PARTNER
          authentication: PARTNER_SIGNATURE
          partner_field: "carrier_id"
        }
      }
    }
    method {
      name: "GetSummary"
      input_type: ".crm.openapitest.v1.SummaryRequest"
      output_type: ".crm.openapitest.v1.Summary"
      options {
        [crm.api.v1.http] { get: "/v1/summaries/{customer_id}" }
        [crm.api.v1.access] { roles: AGENT }
        [crm.api.v1.compose] {
          parts {
            name: "base"
            method: "crm.openapitest.v1.PartnersService/GetSummary"
            request: "customer_id"
            required: true
          }
          parts { name: "later" }
        }
      }
    }
  }
)pb";

TEST_CASE("OpenApiDocument: a partner route takes a signed request, declared by its own scheme") {
  auto pool = platform::testing::PoolWith(platform::testing::FileFromText(kPartnerFile));
  absl::StatusOr<RouteTable> table =
      RouteTable::Build({pool->FindServiceByName("crm.openapitest.v1.PartnersService")});
  INFO(table.status().ToString());
  REQUIRE(table.ok());
  Value root = Parse(OpenApiDocument(*table, {}));
  const Value* post = At(root, {"paths", "/v1/partners/{carrierId}/events", "post"});
  REQUIRE(post != nullptr);
  CHECK(At(*post, {"security"})->list_value().values_size() == 1);
  CHECK(Has(*post, {"security", "0", "partnerSignature"}));
  CHECK(Param(*post, "#/components/parameters/XPartnerId") != nullptr);
  CHECK(Param(*post, "#/components/parameters/XTimestamp") != nullptr);
  CHECK(Strings(*post, {"x-crm-reasons", "401"}) ==
        std::vector<std::string>{"SIGNATURE_MISSING", "SIGNATURE_INVALID", "SIGNATURE_EXPIRED"});
  CHECK(Strings(*post, {"x-crm-reasons", "403"}) == std::vector<std::string>{"PARTNER_MISMATCH"});
  CHECK(Str(*post, {"x-crm-access", "authentication"}) == "PARTNER_SIGNATURE");
  CHECK(Str(*post, {"x-crm-access", "partnerField"}) == "carrierId");
  CHECK_THAT(Str(*post, {"description"}), Catch::Contains("partners, with a signed request"));

  const Value* scheme = At(root, {"components", "securitySchemes", "partnerSignature"});
  REQUIRE(scheme != nullptr);
  CHECK(Str(*scheme, {"type"}) == "apiKey");
  CHECK(Str(*scheme, {"in"}) == "header");
  CHECK(Str(*scheme, {"name"}) == "X-Signature");
  CHECK(Str(root, {"components", "parameters", "XPartnerId", "name"}) == "X-Partner-Id");
  CHECK(At(root, {"components", "parameters", "XTimestamp", "required"})->bool_value());
  CHECK_THAT(Str(root, {"info", "description"}), Catch::Contains("partnerSignature"));

  // Without partner routes, none of it.
  TestDocument widgets = BuildDocument();
  CHECK_FALSE(Has(widgets.root, {"components", "securitySchemes", "partnerSignature"}));
  CHECK_FALSE(Has(widgets.root, {"components", "parameters", "XPartnerId"}));
  CHECK(Str(widgets.root, {"info", "description"}).find("partner") == std::string::npos);
  CHECK_FALSE(Has(Op(widgets, kItem, "get"), {"x-crm-access", "authentication"}));
}

TEST_CASE("OpenApiDocument: a composed route lists its parts") {
  auto pool = platform::testing::PoolWith(platform::testing::FileFromText(kPartnerFile));
  absl::StatusOr<RouteTable> table =
      RouteTable::Build({pool->FindServiceByName("crm.openapitest.v1.PartnersService")});
  REQUIRE(table.ok());
  Value root = Parse(OpenApiDocument(*table, {}));
  const Value* get = At(root, {"paths", "/v1/summaries/{customerId}", "get"});
  REQUIRE(get != nullptr);
  CHECK(Str(*get, {"x-crm-parts", "0", "name"}) == "base");
  CHECK(At(*get, {"x-crm-parts", "0", "required"})->bool_value());
  CHECK(Str(*get, {"x-crm-parts", "1", "name"}) == "later");
  CHECK_FALSE(At(*get, {"x-crm-parts", "1", "required"})->bool_value());
  CHECK_THAT(Str(*get, {"description"}), Catch::Contains("names them in `degraded`"));
  CHECK_FALSE(Has(Op(BuildDocument(), kItem, "get"), {"x-crm-parts"}));
}

TEST_CASE("OpenApiDocument is deterministic") {
  TestDocument a = BuildDocument();
  CHECK(OpenApiDocument(*a.table, {}) == a.json);
  // Another pool and table built from the same file give the same bytes too.
  TestDocument b = BuildDocument();
  CHECK(a.json == b.json);
}

TEST_CASE("OpenApiDocument of the generated services") {
  absl::StatusOr<RouteTable> table = RouteTable::Build(RouteTable::GeneratedServices());
  INFO(table.status().ToString());
  REQUIRE(table.ok());
  const std::string json = OpenApiDocument(
      *table, {.server_url = "http://127.0.0.1:8080", .source_info = &GeneratedSourceInfo()});
  Value root = Parse(json);

  const Value* create = At(root, {"paths", "/v1/customers", "post"});
  REQUIRE(create != nullptr);
  CHECK(Str(*create, {"operationId"}) == "CreateCustomer");
  // From the proto's comment, which the generated pool does not keep.
  CHECK(Str(*create, {"summary"}) == "Registers a customer");
  CHECK(Strings(*create, {"x-crm-reasons", "409"}) == std::vector<std::string>{"EMAIL_TAKEN"});
  // A long first sentence is cut before its first aside; a comment opening with its errors
  // leaves the name in words.
  CHECK(Str(root, {"paths", "/v1/customers/{customerId}/addresses/{addressId}", "patch",
                   "summary"}) == "Changes the fields named in update_mask");
  CHECK(Str(root, {"paths", "/v1/customers/{customerId}/overview", "get", "summary"}) ==
        "Get customer overview");

  // Anonymous, but a wrong password is 401; no token, so no 403.
  const Value* login = At(root, {"paths", "/v1/auth/login", "post"});
  REQUIRE(login != nullptr);
  CHECK(Has(*login, {"responses", "401"}));
  CHECK_FALSE(Has(*login, {"responses", "403"}));
  CHECK(Strings(*login, {"x-crm-reasons", "401"}) ==
        std::vector<std::string>{"INVALID_CREDENTIALS"});
  CHECK(Has(*create, {"responses", "201", "headers", "Location"}));
  CHECK(Str(*create, {"responses", "201", "content", "application/json", "schema", "$ref"}) ==
        "#/components/schemas/crm.customers.v1.Customer");
  CHECK(Str(*create, {"requestBody", "content", "application/json", "schema", "$ref"}) ==
        "#/components/schemas/crm.customers.v1.CreateCustomerRequest");

  const Value* get = At(root, {"paths", "/v1/customers/{customerId}", "get"});
  REQUIRE(get != nullptr);
  CHECK(Str(*get, {"parameters", "0", "name"}) == "customerId");
  CHECK(Has(*get, {"responses", "200", "headers", "ETag"}));

  const Value* customer = At(root, {"components", "schemas", "crm.customers.v1.Customer"});
  REQUIRE(customer != nullptr);
  CHECK(Str(*customer, {"properties", "createdAt", "format"}) == "date-time");
  // Server-set fields are read-only (a $ref wrapped to say so); a PATCH body leaves them out.
  CHECK(Str(*customer, {"properties", "kind", "allOf", "0", "$ref"}) ==
        "#/components/schemas/crm.customers.v1.Customer.Kind");
  for (const char* name : {"customerId", "etag", "createdAt", "updatedAt", "tier", "kind",
                           "pointsBalance", "lifetimeValueCents"}) {
    INFO(name);
    CHECK(At(*customer, {"properties", name, "readOnly"})->bool_value());
  }
  CHECK_FALSE(Has(*customer, {"properties", "displayName", "readOnly"}));
  const Value* update = At(root, {"paths", "/v1/customers/{customerId}", "patch"});
  REQUIRE(update != nullptr);
  CHECK(Str(*update, {"requestBody", "content", "application/json", "schema", "$ref"}) ==
        "#/components/schemas/crm.customers.v1.CustomerPatch");
  const Value* patch = At(root, {"components", "schemas", "crm.customers.v1.CustomerPatch"});
  REQUIRE(patch != nullptr);
  CHECK(Has(*patch, {"properties", "displayName"}));
  CHECK_FALSE(Has(*patch, {"properties", "etag"}));
  CHECK_FALSE(Has(*patch, {"required"}));

  // Registration's required fields; no Kind offers KIND_UNSPECIFIED.
  CHECK(Strings(root,
                {"components", "schemas", "crm.customers.v1.CreateCustomerRequest", "required"}) ==
        std::vector<std::string>{"email", "password", "displayName"});
  CHECK(Strings(root, {"components", "schemas", "crm.customers.v1.Customer.Kind", "enum"}) ==
        std::vector<std::string>{"INDIVIDUAL", "COMPANY"});
  // 64-bit integers: a string or a number.
  CHECK(Str(*customer, {"properties", "pointsBalance", "oneOf", "1", "type"}) == "integer");
}

TEST_CASE("OpenApiDocument of the generated services: If-Match where the RPC checks it, only") {
  absl::StatusOr<RouteTable> table = RouteTable::Build(RouteTable::GeneratedServices());
  REQUIRE(table.ok());
  Value root = Parse(OpenApiDocument(*table, {}));
  auto declares_if_match = [&](const std::string& path, const std::string& verb) {
    const Value* op = At(root, {"paths", path, verb});
    REQUIRE(op != nullptr);
    bool header = Param(*op, "#/components/parameters/IfMatch") != nullptr;
    CHECK(header == Has(*op, {"responses", "412"}));
    return header;
  };
  for (const auto& [path, verb] : std::vector<std::pair<std::string, std::string>>{
           {"/v1/customers/{customerId}", "patch"},
           {"/v1/customers/{customerId}", "delete"},  // erasure, which cannot be undone
           {"/v1/customers/{customerId}/addresses/{addressId}", "patch"},
           {"/v1/customers/{customerId}/addresses/{addressId}", "delete"},
           {"/v1/customers/{customerId}/preferences", "patch"},
           {"/v1/staff/{staffId}", "patch"}}) {
    INFO(verb << " " << path);
    CHECK(declares_if_match(path, verb));
  }
  // Wishlist items have no etag: nothing to check, nothing declared.
  CHECK_FALSE(declares_if_match("/v1/customers/{customerId}/wishlist/{sku}", "put"));
  CHECK_FALSE(declares_if_match("/v1/customers/{customerId}/wishlist/{sku}", "delete"));

  // Staff roles as API.md spells them.
  CHECK(Strings(root, {"components", "schemas", "crm.customers.v1.Staff.Role", "enum"}) ==
        std::vector<std::string>{"agent", "analyst", "admin"});
}

}  // namespace
}  // namespace crm::gateway
