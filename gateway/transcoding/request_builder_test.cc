#include "gateway/transcoding/request_builder.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "crm/customers/v1/customers.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/message_differencer.h"
#include "platform/base/errors.h"
#include "platform/testing/test_support.h"

namespace crm::gateway {
namespace {

using customers::v1::CreateCustomerRequest;
using customers::v1::Customer;
using customers::v1::GetCustomerRequest;
using google::protobuf::Message;

// Request types with every kind of field the transcoder handles, built at run time so that the
// project's protos stay what the services need.
constexpr char kTestProto[] = R"pb(
  name: "gateway_transcoding_test.proto"
  package: "crm.gateway.test"
  syntax: "proto3"
  dependency: "google/protobuf/duration.proto"
  dependency: "google/protobuf/field_mask.proto"
  dependency: "google/protobuf/struct.proto"
  dependency: "google/protobuf/timestamp.proto"
  dependency: "google/protobuf/wrappers.proto"
  message_type {
    name: "Line"
    field { name: "sku" number: 1 label: LABEL_OPTIONAL type: TYPE_STRING }
    field { name: "quantity" number: 2 label: LABEL_OPTIONAL type: TYPE_INT32 }
    field { name: "tags" number: 3 label: LABEL_REPEATED type: TYPE_STRING }
  }
  message_type {
    name: "Company"
    field { name: "name" number: 1 label: LABEL_OPTIONAL type: TYPE_STRING }
    field { name: "contact_person" number: 2 label: LABEL_OPTIONAL type: TYPE_STRING }
  }
  message_type {
    name: "Order"
    field { name: "order_id" number: 1 label: LABEL_OPTIONAL type: TYPE_STRING }
    field {
      name: "lines"
      number: 2
      label: LABEL_REPEATED
      type: TYPE_MESSAGE
      type_name: ".crm.gateway.test.Line"
    }
    field {
      name: "company"
      number: 3
      label: LABEL_OPTIONAL
      type: TYPE_MESSAGE
      type_name: ".crm.gateway.test.Company"
    }
    field { name: "total_cents" number: 4 label: LABEL_OPTIONAL type: TYPE_INT64 }
    field { name: "count" number: 5 label: LABEL_OPTIONAL type: TYPE_UINT32 }
    field { name: "delta" number: 6 label: LABEL_OPTIONAL type: TYPE_SINT64 }
    field { name: "gift" number: 7 label: LABEL_OPTIONAL type: TYPE_BOOL }
    field { name: "ratio" number: 8 label: LABEL_OPTIONAL type: TYPE_DOUBLE }
    field { name: "weight" number: 9 label: LABEL_OPTIONAL type: TYPE_FLOAT }
    field { name: "blob" number: 10 label: LABEL_OPTIONAL type: TYPE_BYTES }
    field {
      name: "speed"
      number: 11
      label: LABEL_OPTIONAL
      type: TYPE_ENUM
      type_name: ".crm.gateway.test.Order.Speed"
    }
    field { name: "tags" number: 12 label: LABEL_REPEATED type: TYPE_STRING }
    field { name: "ids" number: 13 label: LABEL_REPEATED type: TYPE_INT64 }
    field {
      name: "labels"
      number: 14
      label: LABEL_REPEATED
      type: TYPE_MESSAGE
      type_name: ".crm.gateway.test.Order.LabelsEntry"
    }
    field {
      name: "limit"
      number: 15
      label: LABEL_OPTIONAL
      type: TYPE_MESSAGE
      type_name: ".google.protobuf.Int64Value"
    }
    field {
      name: "at"
      number: 16
      label: LABEL_OPTIONAL
      type: TYPE_MESSAGE
      type_name: ".google.protobuf.Timestamp"
    }
    field {
      name: "wait"
      number: 17
      label: LABEL_OPTIONAL
      type: TYPE_MESSAGE
      type_name: ".google.protobuf.Duration"
    }
    field {
      name: "update_mask"
      number: 18
      label: LABEL_OPTIONAL
      type: TYPE_MESSAGE
      type_name: ".google.protobuf.FieldMask"
    }
    field {
      name: "note"
      number: 19
      label: LABEL_OPTIONAL
      type: TYPE_MESSAGE
      type_name: ".google.protobuf.StringValue"
    }
    field {
      name: "flag"
      number: 20
      label: LABEL_OPTIONAL
      type: TYPE_MESSAGE
      type_name: ".google.protobuf.BoolValue"
    }
    field {
      name: "extra"
      number: 21
      label: LABEL_OPTIONAL
      type: TYPE_MESSAGE
      type_name: ".google.protobuf.Struct"
    }
    field {
      name: "speeds"
      number: 22
      label: LABEL_REPEATED
      type: TYPE_ENUM
      type_name: ".crm.gateway.test.Order.Speed"
    }
    field {
      name: "by_number"
      number: 23
      label: LABEL_REPEATED
      type: TYPE_MESSAGE
      type_name: ".crm.gateway.test.Order.ByNumberEntry"
    }
    field { name: "f32" number: 24 label: LABEL_OPTIONAL type: TYPE_FIXED32 }
    field { name: "s32" number: 25 label: LABEL_OPTIONAL type: TYPE_SINT32 }
    field { name: "sf64" number: 26 label: LABEL_OPTIONAL type: TYPE_SFIXED64 }
    field { name: "u64" number: 27 label: LABEL_OPTIONAL type: TYPE_UINT64 }
    field { name: "i32" number: 28 label: LABEL_OPTIONAL type: TYPE_INT32 }
    nested_type {
      name: "LabelsEntry"
      field { name: "key" number: 1 label: LABEL_OPTIONAL type: TYPE_STRING }
      field { name: "value" number: 2 label: LABEL_OPTIONAL type: TYPE_STRING }
      options { map_entry: true }
    }
    nested_type {
      name: "ByNumberEntry"
      field { name: "key" number: 1 label: LABEL_OPTIONAL type: TYPE_INT32 }
      field {
        name: "value"
        number: 2
        label: LABEL_OPTIONAL
        type: TYPE_MESSAGE
        type_name: ".crm.gateway.test.Line"
      }
      options { map_entry: true }
    }
    enum_type {
      name: "Speed"
      value { name: "SPEED_UNSPECIFIED" number: 0 }
      value { name: "STANDARD" number: 1 }
      value { name: "EXPRESS" number: 2 }
    }
  }
  message_type {
    name: "Node"
    field {
      name: "child"
      number: 1
      label: LABEL_OPTIONAL
      type: TYPE_MESSAGE
      type_name: ".crm.gateway.test.Node"
    }
    field { name: "name" number: 2 label: LABEL_OPTIONAL type: TYPE_STRING }
  }
)pb";

class TestTypes {
 public:
  static TestTypes& Get() {
    static TestTypes* types = new TestTypes();
    return *types;
  }

  std::unique_ptr<Message> New(const std::string& name) {
    const auto* type = pool_->FindMessageTypeByName("crm.gateway.test." + name);
    REQUIRE(type != nullptr);
    return std::unique_ptr<Message>(factory_.GetPrototype(type)->New());
  }

 private:
  TestTypes()
      : pool_(platform::testing::PoolWith(platform::testing::FileFromText(kTestProto))),
        factory_(pool_.get()) {}

  std::unique_ptr<google::protobuf::DescriptorPool> pool_;
  google::protobuf::DynamicMessageFactory factory_;
};

std::unique_ptr<Message> NewOrder() { return TestTypes::Get().New("Order"); }

// Asserts that `actual` equals the message `expected_text` (text format) describes.
void CheckMessage(const Message& actual, const std::string& expected_text) {
  std::unique_ptr<Message> expected(actual.New());
  REQUIRE(google::protobuf::TextFormat::ParseFromString(expected_text, expected.get()));
  INFO("actual:   " << actual.ShortDebugString());
  INFO("expected: " << expected->ShortDebugString());
  CHECK(google::protobuf::util::MessageDifferencer::Equals(actual, *expected));
}

// The field violations of a client error, as "field: description".
std::vector<std::string> Violations(const absl::Status& status) {
  std::vector<std::string> out;
  if (status.code() != absl::StatusCode::kInvalidArgument) {
    out.push_back(absl::StrCat("(not INVALID_ARGUMENT: ", status.ToString(), ")"));
    return out;
  }
  api::v1::ErrorDetails details = platform::DetailsOf(status);
  if (details.reason() != "FIELD_INVALID") out.push_back("(reason " + details.reason() + ")");
  for (const auto& v : details.field_violations()) {
    out.push_back(absl::StrCat(v.field(), ": ", v.description()));
  }
  return out;
}

using Strings = std::vector<std::string>;

absl::Status WholeBody(absl::string_view body, Message* request, RequestLimits limits = {}) {
  return BuildRequest({.body = body, .body_field = "*"}, request, limits);
}

absl::Status Query(absl::string_view query, Message* request) {
  return BuildRequest({.query = query}, request);
}

// ---------------------------------------------------------------------------------------------
// body "*"

TEST_CASE("body * fills the whole request from JSON or proto names", "[transcoding]") {
  CreateCustomerRequest request;
  REQUIRE(WholeBody(R"({"email":"ann@example.com","password":"correct horse",
                        "displayName":"Ann Lee","kind":"COMPANY"})",
                    &request)
              .ok());
  CHECK(request.email() == "ann@example.com");
  CHECK(request.password() == "correct horse");
  CHECK(request.display_name() == "Ann Lee");
  CHECK(request.kind() == Customer::COMPANY);

  CreateCustomerRequest by_proto_name;
  REQUIRE(WholeBody(R"({"display_name":"Ann Lee","kind":2})", &by_proto_name).ok());
  CHECK(by_proto_name.display_name() == "Ann Lee");
  CHECK(by_proto_name.kind() == Customer::COMPANY);
}

TEST_CASE("an empty or blank body leaves the request empty", "[transcoding]") {
  CreateCustomerRequest request;
  CHECK(WholeBody("", &request).ok());
  CHECK(WholeBody(" \r\n", &request).ok());
  CHECK(WholeBody("{}", &request).ok());
  CHECK(request.ByteSizeLong() == 0);
}

TEST_CASE("unknown body fields are named by their JSON path", "[transcoding]") {
  CreateCustomerRequest request;
  absl::Status s = WholeBody(R"({"email":"a@b.c","displayNme":"Ann"})", &request);
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  CHECK(platform::DetailsOf(s).reason() == "FIELD_INVALID");
  CHECK(Violations(s) == Strings{"displayNme: is not a known field"});

  auto order = NewOrder();
  CHECK(Violations(WholeBody(R"({"company":{"nmae":"Acme"}})", order.get())) ==
        Strings{"company.nmae: is not a known field"});
  order = NewOrder();
  CHECK(Violations(WholeBody(R"({"lines":[{"sku":"a"},{"sku":"b","qty":2}]})", order.get())) ==
        Strings{"lines[1].qty: is not a known field"});
  // Proto names inside nested messages are known too.
  order = NewOrder();
  CHECK(WholeBody(R"({"company":{"contact_person":"Bo"}})", order.get()).ok());
  CheckMessage(*order, R"(company { contact_person: "Bo" })");
}

TEST_CASE("every bad body field is reported at once, in a stable order", "[transcoding]") {
  auto order = NewOrder();
  CHECK(Violations(WholeBody(R"({"zeta":1,"gift":"yes","alpha":2,"company":{"x":1}})",
                             order.get())) == Strings{
                                                  "alpha: is not a known field",
                                                  "company.x: is not a known field",
                                                  "gift: must be true or false",
                                                  "zeta: is not a known field",
                                              });
  std::string many = "{";
  for (int i = 0; i < 25; ++i) absl::StrAppend(&many, i ? "," : "", "\"f", 100 + i, "\":1");
  many += "}";
  order = NewOrder();
  CHECK(platform::DetailsOf(WholeBody(many, order.get())).field_violations_size() == 20);
}

TEST_CASE("a field given by JSON name and by proto name is refused", "[transcoding]") {
  CreateCustomerRequest request;
  CHECK(Violations(WholeBody(R"({"displayName":"A","display_name":"B"})", &request)) ==
        Strings{"displayName: is given twice, as displayName and display_name"});
}

TEST_CASE("values of the wrong type are named by their path", "[transcoding]") {
  struct Case {
    std::string body;
    std::string violation;
  };
  const std::vector<Case> cases = {
      {R"({"lines":[{"quantity":1},{"quantity":"many"}]})",
       "lines[1].quantity: must be an integer"},
      {R"({"lines":[{"quantity":1},{"quantity":1.5}]})", "lines[1].quantity: must be an integer"},
      {R"({"lines":[{"quantity":3000000000}]})", "lines[0].quantity: is out of range for int32"},
      {R"({"lines":[null]})", "lines[0]: must not be null"},
      {R"({"lines":{"sku":"a"}})", "lines: must be a JSON array"},
      {R"({"tags":"solo"})", "tags: must be a JSON array"},
      {R"({"tags":["a",1]})", "tags[1]: must be a string"},
      {R"({"company":"Acme"})", "company: must be a JSON object"},
      {R"({"orderId":7})", "orderId: must be a string"},
      {R"({"totalCents":"12x"})", "totalCents: must be an integer"},
      {R"({"totalCents":1e20})", "totalCents: is out of range for int64"},
      {R"({"count":-1})", "count: is out of range for uint32"},
      // A double cannot tell 2^63 from 2^63-1: protobuf's exact parse refuses it, and its error
      // is reduced to the path.
      {R"({"totalCents":9223372036854775808})", "totalCents: has an invalid value"},
      {R"({"ids":[1,9223372036854775808]})", "ids[1]: has an invalid value"},
      {R"({"ratio":" 1.5"})", "ratio: must be a number"},
      {R"({"gift":"true"})", "gift: must be true or false"},
      {R"({"ratio":"lots"})", "ratio: must be a number"},
      {R"({"weight":1e39})", "weight: is out of range for float"},
      {R"({"blob":"not base64!"})", "blob: must be base64-encoded"},
      {R"({"speed":"FAST"})", "speed: must be one of STANDARD, EXPRESS"},
      {R"({"speed":7})", "speed: must be one of STANDARD, EXPRESS"},
      {R"({"speeds":["STANDARD","SLOW"]})", "speeds[1]: must be one of STANDARD, EXPRESS"},
      {R"({"labels":{"k":1}})", R"(labels["k"]: must be a string)"},
      {R"({"labels":["k"]})", "labels: must be a JSON object"},
      {R"({"byNumber":{"x":{}}})", R"(byNumber["x"]: key must be an integer)"},
      {R"({"byNumber":{"1":{"sku":2}}})", R"(byNumber["1"].sku: must be a string)"},
      {R"({"at":"yesterday"})", R"(at: must be an RFC 3339 time such as "2024-05-01T12:00:00Z")"},
      {R"({"at":5})", R"(at: must be an RFC 3339 time such as "2024-05-01T12:00:00Z")"},
      {R"({"wait":"90"})", R"(wait: must be a duration in seconds such as "1.5s")"},
      {R"({"limit":"ten"})", "limit: must be an integer"},
      {R"({"note":5})", "note: must be a string"},
      {R"({"extra":[1]})", "extra: must be a JSON object"},
  };
  for (const Case& c : cases) {
    INFO(c.body);
    auto order = NewOrder();
    CHECK(Violations(WholeBody(c.body, order.get())) == Strings{c.violation});
  }
}

TEST_CASE("body values of every type are read", "[transcoding]") {
  auto order = NewOrder();
  REQUIRE(WholeBody(R"({
      "orderId": "o_1", "lines": [{"sku": "a", "quantity": 2}, {"sku": "b", "quantity": "3"}],
      "company": {"name": "Acme", "contactPerson": "Bo"},
      "totalCents": "9223372036854775807", "count": 4294967295, "delta": -5, "gift": true,
      "ratio": 0.25, "weight": "-Infinity", "blob": "aGk=", "speed": "EXPRESS",
      "tags": ["x", "y"], "ids": [1, "2"], "labels": {"k": "v"},
      "limit": "12", "at": "2024-05-01T12:00:00Z", "wait": "1.5s",
      "updateMask": "displayName,company.name", "note": null, "flag": false,
      "extra": {"free": ["form", 1]}, "speeds": ["STANDARD", 2],
      "byNumber": {"7": {"sku": "z"}}, "u64": "18446744073709551615", "sf64": -1e3
    })",
                    order.get())
              .ok());
  CheckMessage(*order, R"(
      order_id: "o_1" lines { sku: "a" quantity: 2 } lines { sku: "b" quantity: 3 }
      company { name: "Acme" contact_person: "Bo" }
      total_cents: 9223372036854775807 count: 4294967295 delta: -5 gift: true ratio: 0.25
      weight: -inf blob: "hi" speed: EXPRESS tags: "x" tags: "y" ids: 1 ids: 2
      labels { key: "k" value: "v" } limit { value: 12 } at { seconds: 1714564800 }
      wait { seconds: 1 nanos: 500000000 }
      update_mask { paths: "display_name" paths: "company.name" } flag { value: false }
      extra { fields { key: "free" value { list_value {
        values { string_value: "form" } values { number_value: 1 } } } } }
      speeds: STANDARD speeds: EXPRESS by_number { key: 7 value { sku: "z" } }
      u64: 18446744073709551615 sf64: -1000)");
}

TEST_CASE("the body's nesting is limited", "[transcoding]") {
  auto nested = [](int depth) {
    std::string json;
    for (int i = 1; i < depth; ++i) json += R"({"child":)";
    json += R"({"name":"leaf"})";
    json += std::string(depth - 1, '}');
    return json;
  };
  auto node = TestTypes::Get().New("Node");
  REQUIRE(WholeBody(nested(32), node.get()).ok());
  int levels = 1;
  const Message* at = node.get();
  const auto* child = at->GetDescriptor()->FindFieldByName("child");
  while (at->GetReflection()->HasField(*at, child)) {
    at = &at->GetReflection()->GetMessage(*at, child);
    ++levels;
  }
  CHECK(levels == 32);
  CHECK(at->ShortDebugString() == R"(name: "leaf")");

  node = TestTypes::Get().New("Node");
  CHECK(Violations(WholeBody(nested(33), node.get())) ==
        Strings{"body: is nested deeper than 32 levels"});
  // Far deeper than protobuf's own limit (100) still gets the same answer.
  node = TestTypes::Get().New("Node");
  CHECK(Violations(WholeBody(nested(500), node.get())) ==
        Strings{"body: is nested deeper than 32 levels"});
  // Arrays count as levels too, and the limit is configurable.
  auto order = NewOrder();
  CHECK(WholeBody(R"({"lines":[{"tags":[]}]})", order.get(), {.max_json_depth = 4}).ok());
  order = NewOrder();
  CHECK(Violations(WholeBody(R"({"lines":[{"tags":[]}]})", order.get(), {.max_json_depth = 3})) ==
        Strings{"body: is nested deeper than 3 levels"});
}

TEST_CASE("a body that is not JSON is refused", "[transcoding]") {
  for (std::string body : {R"({"email": )", "email=a@b.c", R"({"email":"a"} x)",
                           // protobuf's parser would take these; JSON does not allow them.
                           R"({"email":"a",})", R"({'email':'a'})", R"({email:"a"})",
                           R"({"kind":01})", "{\"email\":\"a\tb\"}", "\"\\x\""}) {
    INFO(body);
    CreateCustomerRequest request;
    CHECK(Violations(WholeBody(body, &request)) == Strings{"body: is not valid JSON"});
  }
  CreateCustomerRequest request;
  CHECK(Violations(WholeBody("{\"email\":\"\xff\"}", &request)) ==
        Strings{"body: is not valid UTF-8"});
}

TEST_CASE("a body * that is not an object is refused", "[transcoding]") {
  for (std::string body : {"[1,2]", R"([{"email":"a@b.c"}])", R"("text")", "42", "null", "true"}) {
    INFO(body);
    CreateCustomerRequest request;
    CHECK(Violations(WholeBody(body, &request)) == Strings{"body: must be a JSON object"});
  }
}

TEST_CASE("a body on a route that takes none is refused, except an empty one or {}",
          "[transcoding]") {
  GetCustomerRequest request;
  CHECK(Violations(BuildRequest({.captures = {{"customer_id", "c_1"}}, .body = R"({"a":1})"},
                                &request)) == Strings{"body: is not accepted by this route"});
  CHECK(Violations(BuildRequest({.captures = {{"customer_id", "c_1"}}, .body = "[]"}, &request)) ==
        Strings{"body: is not accepted by this route"});
  for (const char* empty : {"{}", " { \r\n } "}) {
    GetCustomerRequest accepted;
    CHECK(BuildRequest({.captures = {{"customer_id", "c_1"}}, .body = empty}, &accepted).ok());
    CHECK(accepted.customer_id() == "c_1");
  }
  GetCustomerRequest blank;
  CHECK(BuildRequest({.captures = {{"customer_id", "c_1"}}, .body = "\r\n"}, &blank).ok());
  CHECK(blank.customer_id() == "c_1");
}

TEST_CASE("a well-known type as the whole request takes its own JSON form", "[transcoding]") {
  google::protobuf::Struct request;
  REQUIRE(WholeBody(R"({"anything":{"goes":[1,"two"]}})", &request).ok());
  CHECK(request.fields()
            .at("anything")
            .struct_value()
            .fields()
            .at("goes")
            .list_value()
            .values(1)
            .string_value() == "two");
  google::protobuf::Struct not_object;
  CHECK(Violations(WholeBody("[1]", &not_object)) ==
        Strings{"body: could not be read for this request"});
}

// ---------------------------------------------------------------------------------------------
// body "<field>"

TEST_CASE("body <field> fills that field - captures and query fill the rest", "[transcoding]") {
  auto order = NewOrder();
  REQUIRE(BuildRequest({.captures = {{"order_id", "o_9"}},
                        .query = "updateMask=name&gift=true",
                        .body = R"({"name":"Acme","contactPerson":"Bo"})",
                        .body_field = "company"},
                       order.get())
              .ok());
  CheckMessage(*order, R"(order_id: "o_9" gift: true update_mask { paths: "name" }
                         company { name: "Acme" contact_person: "Bo" })");
}

TEST_CASE("errors inside a body <field> are named from the request's root", "[transcoding]") {
  auto order = NewOrder();
  CHECK(Violations(BuildRequest({.body = R"({"nmae":"Acme","name":1})", .body_field = "company"},
                                order.get())) ==
        Strings{"company.name: must be a string", "company.nmae: is not a known field"});
  order = NewOrder();
  CHECK(Violations(BuildRequest({.body = "[1]", .body_field = "company"}, order.get())) ==
        Strings{"company: must be a JSON object"});
}

TEST_CASE("body <field> may be a list or a scalar", "[transcoding]") {
  auto order = NewOrder();
  REQUIRE(BuildRequest({.body = R"([{"sku":"a"},{"sku":"b"}])", .body_field = "lines"}, order.get())
              .ok());
  CheckMessage(*order, R"(lines { sku: "a" } lines { sku: "b" })");
  order = NewOrder();
  CHECK(Violations(BuildRequest({.body = R"({"sku":"a"})", .body_field = "lines"}, order.get())) ==
        Strings{"lines: must be a JSON array"});
  order = NewOrder();
  REQUIRE(
      BuildRequest({.body = R"("2024-05-01T12:00:00Z")", .body_field = "at"}, order.get()).ok());
  CheckMessage(*order, "at { seconds: 1714564800 }");
}

TEST_CASE("a query parameter for the body field is refused", "[transcoding]") {
  auto order = NewOrder();
  CHECK(Violations(BuildRequest(
            {.query = "company.name=X", .body = R"({"name":"Acme"})", .body_field = "company"},
            order.get())) == Strings{"company.name: is set by the body"});
}

// ---------------------------------------------------------------------------------------------
// Path captures

TEST_CASE("path captures win over the body", "[transcoding]") {
  auto order = NewOrder();
  REQUIRE(BuildRequest({.captures = {{"order_id", "from-path"}, {"company.name", "Path Co"}},
                        .body = R"({"orderId":"from-body","company":{"name":"Body Co"},
                                    "lines":[{"sku":"a"}]})",
                        .body_field = "*"},
                       order.get())
              .ok());
  CheckMessage(*order, R"(order_id: "from-path" company { name: "Path Co" } lines { sku: "a" })");

  order = NewOrder();
  REQUIRE(BuildRequest({.captures = {{"company.name", "Path Co"}},
                        .body = R"({"name":"Body Co","contactPerson":"Bo"})",
                        .body_field = "company"},
                       order.get())
              .ok());
  // Order has an update_mask: the body's fields become it.
  CheckMessage(*order, R"(company { name: "Path Co" contact_person: "Bo" }
                         update_mask { paths: "contact_person" paths: "name" })");
}

TEST_CASE("path captures convert to their field's type", "[transcoding]") {
  auto order = NewOrder();
  REQUIRE(BuildRequest({.captures = {{"order_id", "o/1 x"},
                                     {"total_cents", "-42"},
                                     {"speed", "EXPRESS"},
                                     {"at", "2024-05-01T12:00:00Z"},
                                     {"limit", "5"}}},
                       order.get())
              .ok());
  CheckMessage(*order, R"(order_id: "o/1 x" total_cents: -42 speed: EXPRESS
                         at { seconds: 1714564800 } limit { value: 5 })");

  order = NewOrder();
  CHECK(Violations(BuildRequest(
            {.captures = {{"total_cents", "abc"}, {"speed", "FAST"}, {"company.name", "\xff"}}},
            order.get())) == Strings{"totalCents: must be an integer",
                                     "speed: must be one of STANDARD, EXPRESS",
                                     "company.name: is not valid UTF-8"});
}

TEST_CASE("a route that does not fit its request is an internal error", "[transcoding]") {
  auto order = NewOrder();
  absl::Status s = BuildRequest({.captures = {{"no_such_field", "x"}}}, order.get());
  CHECK(s.code() == absl::StatusCode::kInternal);
  CHECK(platform::DetailsOf(s).reason() == "INTERNAL");
  CHECK(BuildRequest({.captures = {{"lines.sku", "x"}}}, order.get()).code() ==
        absl::StatusCode::kInternal);
  CHECK(BuildRequest({.captures = {{"company", "x"}}}, order.get()).code() ==
        absl::StatusCode::kInternal);
  CHECK(BuildRequest({.body = "{}", .body_field = "nope"}, order.get()).code() ==
        absl::StatusCode::kInternal);
}

// ---------------------------------------------------------------------------------------------
// Query parameters

TEST_CASE("query parameters of every type", "[transcoding]") {
  auto order = NewOrder();
  REQUIRE(Query("orderId=o_1&total_cents=-9223372036854775808&count=4294967295&delta=-5"
                "&gift=true&ratio=0.25&weight=-1.5e3&blob=aGk%3D&speed=EXPRESS"
                "&tags=a&tags=b&ids=1&ids=-2&company.name=Acme&company.contact_person=Bo"
                "&limit=7&at=2024-05-01T12:00:00%2B02:00&wait=1.5s"
                "&updateMask=displayName,company.name&note=hi&flag=false"
                "&speeds=1&speeds=EXPRESS&f32=4294967295&s32=-2147483648&sf64=-1"
                "&u64=18446744073709551615&i32=2147483647",
                order.get())
              .ok());
  CheckMessage(*order, R"(
      order_id: "o_1" total_cents: -9223372036854775808 count: 4294967295 delta: -5
      gift: true ratio: 0.25 weight: -1500 blob: "hi" speed: EXPRESS
      tags: "a" tags: "b" ids: 1 ids: -2 company { name: "Acme" contact_person: "Bo" }
      limit { value: 7 } at { seconds: 1714557600 } wait { seconds: 1 nanos: 500000000 }
      update_mask { paths: "display_name" paths: "company.name" }
      note { value: "hi" } flag { value: false } speeds: STANDARD speeds: EXPRESS
      f32: 4294967295 s32: -2147483648 sf64: -1 u64: 18446744073709551615 i32: 2147483647)");
}

TEST_CASE("the cache-buster _ is ignored, any other unknown parameter refused", "[transcoding]") {
  auto order = NewOrder();
  REQUIRE(Query("_=1700000000&orderId=o_1&_", order.get()).ok());
  CheckMessage(*order, R"(order_id: "o_1")");
  order = NewOrder();
  CHECK(Violations(Query("pagesize=10", order.get())).size() == 1);
}

TEST_CASE("query parameters through a repeated message fill one element each", "[transcoding]") {
  auto order = NewOrder();
  REQUIRE(Query("lines.sku=a&lines.quantity=1&lines.sku=b&lines.quantity=2", order.get()).ok());
  CheckMessage(*order, R"(lines { sku: "a" quantity: 1 } lines { sku: "b" quantity: 2 })");
  order = NewOrder();
  CHECK(Violations(Query("lines.tags=x", order.get())) ==
        Strings{"lines.tags: is a list inside a list, which cannot be set from the query"});
}

TEST_CASE("query values are form-decoded", "[transcoding]") {
  auto order = NewOrder();
  REQUIRE(Query("company.name=Acme+%26+Sons%2b&tags=caf%C3%A9&tags=&tags=a%3Db&orderId"
                "&blob=_-8&note=%20",
                order.get())
              .ok());
  CheckMessage(*order, R"(company { name: "Acme & Sons+" } tags: "café" tags: "" tags: "a=b"
                         order_id: "" blob: "\377\357" note { value: " " })");
  // Harmless empty segments are skipped.
  order = NewOrder();
  REQUIRE(Query("&gift=true&&", order.get()).ok());
  CheckMessage(*order, "gift: true");
  // Names are decoded too.
  order = NewOrder();
  REQUIRE(Query("order%5Fid=x", order.get()).ok());
  CheckMessage(*order, R"(order_id: "x")");
}

TEST_CASE("bad query parameters are named", "[transcoding]") {
  struct Case {
    std::string query;
    std::string violation;
  };
  const std::vector<Case> cases = {
      {"totalCents=abc", "totalCents: must be an integer"},
      {"totalCents=1.0", "totalCents: must be an integer"},
      {"totalCents=+1", "totalCents: must be an integer"},
      {"totalCents= 1", "totalCents: must be an integer"},
      {"total_cents=9223372036854775808", "total_cents: is out of range for int64"},
      {"i32=2147483648", "i32: is out of range for int32"},
      {"s32=-2147483649", "s32: is out of range for int32"},
      {"count=-1", "count: is out of range for uint32"},
      {"count=4294967296", "count: is out of range for uint32"},
      {"u64=18446744073709551616", "u64: is out of range for uint64"},
      {"ratio=abc", "ratio: must be a number"},
      {"ratio=", "ratio: must be a number"},
      {"weight=1e39", "weight: is out of range for float"},
      {"gift=yes", "gift: must be true or false"},
      {"gift=TRUE", "gift: must be true or false"},
      {"gift", "gift: must be true or false"},
      {"speed=FAST", "speed: must be one of STANDARD, EXPRESS"},
      {"speed=7", "speed: must be one of STANDARD, EXPRESS"},
      {"speed=express", "speed: must be one of STANDARD, EXPRESS"},
      {"blob=a*b", "blob: must be base64-encoded"},
      {"orderId=%FF", "orderId: is not valid UTF-8"},
      {"orderId=%zz", "orderId: is not correctly percent-encoded"},
      {"orderId=abc%2", "orderId: is not correctly percent-encoded"},
      {"order%zzId=1", "order%zzId: is not a correctly percent-encoded name"},
      {"nope=1", "nope: is not a known field"},
      {"company.nope=1", "company.nope: is not a known field"},
      {"orderId.x=1", "orderId.x: is not a known field"},
      {"at.seconds=1", "at.seconds: is not a known field"},
      {"company=Acme", "company: is a message; name one of its fields instead"},
      {"lines=a", "lines: is a message; name one of its fields instead"},
      {"labels=k", "labels: is a map, which cannot be set from the query"},
      {"labels.k=v", "labels.k: is not a known field"},
      {"extra=x", "extra: cannot be set from the query"},
      {"=x", "query: has a parameter with an empty name"},
      {"orderId=a&orderId=b", "orderId: is given more than once"},
      {"orderId=a&order_id=b&orderId=c", "order_id: is given more than once"},
      {"limit=many", "limit: must be an integer"},
      {"at=yesterday", R"(at: must be an RFC 3339 time such as "2024-05-01T12:00:00Z")"},
      {"wait=10", R"(wait: must be a duration in seconds such as "1.5s")"},
      {"flag=1", "flag: must be true or false"},
  };
  for (const Case& c : cases) {
    INFO(c.query);
    auto order = NewOrder();
    CHECK(Violations(Query(c.query, order.get())) == Strings{c.violation});
  }
  auto order = NewOrder();
  CHECK(Violations(Query("gift=yes&count=-1&nope=1", order.get())) ==
        Strings{"gift: must be true or false", "count: is out of range for uint32",
                "nope: is not a known field"});
}

TEST_CASE("query parameters are refused when the body is the whole request", "[transcoding]") {
  CreateCustomerRequest request;
  CHECK(Violations(BuildRequest(
            {.query = "email=a%40b.c", .body = R"({"displayName":"Ann"})", .body_field = "*"},
            &request)) == Strings{"email: is not accepted in the query here; send it in the body"});
  CreateCustomerRequest no_body;
  CHECK(Violations(BuildRequest({.query = "kind=COMPANY", .body_field = "*"}, &no_body)) ==
        Strings{"kind: is not accepted in the query here; send it in the body"});
}

TEST_CASE("a query parameter for a path capture is refused", "[transcoding]") {
  GetCustomerRequest request;
  CHECK(Violations(BuildRequest({.captures = {{"customer_id", "c_1"}}, .query = "customerId=c_2"},
                                &request)) == Strings{"customerId: is set by the path"});
}

}  // namespace
}  // namespace crm::gateway

namespace crm::gateway {
namespace {

TEST_CASE("an update without a mask changes the fields its body names", "[transcoding]") {
  customers::v1::UpdateCustomerRequest inferred;
  REQUIRE(BuildRequest({.captures = {{"customer_id", "c_1"}},
                        .body = R"({"displayName":"Ann","company":{"name":"Acme"},"mobile":""})",
                        .body_field = "customer"},
                       &inferred)
              .ok());
  std::vector<std::string> paths(inferred.update_mask().paths().begin(),
                                 inferred.update_mask().paths().end());
  std::sort(paths.begin(), paths.end());
  // Named, even when set to the default value: "mobile":"" clears the mobile number.
  CHECK(paths == std::vector<std::string>{"company", "display_name", "mobile"});

  customers::v1::UpdateCustomerRequest given;
  REQUIRE(BuildRequest({.captures = {{"customer_id", "c_1"}},
                        .query = "updateMask=phone",
                        .body = R"({"displayName":"Ann","phone":"12345"})",
                        .body_field = "customer"},
                       &given)
              .ok());
  CHECK(given.update_mask().paths_size() == 1);
  CHECK(given.update_mask().paths(0) == "phone");
}

}  // namespace
}  // namespace crm::gateway
