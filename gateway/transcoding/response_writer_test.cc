#include "gateway/transcoding/response_writer.h"

#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "crm/customers/v1/customers.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/time_util.h"
#include "platform/base/errors.h"
#include "platform/testing/test_support.h"

namespace crm::gateway {
namespace {

using customers::v1::CreateCustomerRequest;
using customers::v1::Customer;
using google::protobuf::Message;

// A response with the kinds of fields whose default printing matters.
constexpr char kShapeProto[] = R"pb(
  name: "gateway_response_writer_test.proto"
  package: "crm.gateway.responsetest"
  syntax: "proto3"
  message_type {
    name: "Shape"
    field { name: "total_cents" number: 1 label: LABEL_OPTIONAL type: TYPE_INT64 }
    field { name: "tags" number: 2 label: LABEL_REPEATED type: TYPE_STRING }
    field {
      name: "counts"
      number: 3
      label: LABEL_REPEATED
      type: TYPE_MESSAGE
      type_name: ".crm.gateway.responsetest.Shape.CountsEntry"
    }
    field {
      name: "maybe"
      number: 4
      label: LABEL_OPTIONAL
      type: TYPE_INT32
      oneof_index: 0
      proto3_optional: true
    }
    field {
      name: "inner"
      number: 5
      label: LABEL_OPTIONAL
      type: TYPE_MESSAGE
      type_name: ".crm.gateway.responsetest.Shape"
    }
    field {
      name: "status"
      number: 6
      label: LABEL_OPTIONAL
      type: TYPE_ENUM
      type_name: ".crm.gateway.responsetest.Shape.Status"
    }
    field { name: "big" number: 7 label: LABEL_OPTIONAL type: TYPE_UINT64 }
    field { name: "ok" number: 8 label: LABEL_OPTIONAL type: TYPE_BOOL }
    field { name: "etag" number: 9 label: LABEL_OPTIONAL type: TYPE_INT32 }
    field { name: "item_path" number: 10 label: LABEL_OPTIONAL type: TYPE_STRING }
    nested_type {
      name: "CountsEntry"
      field { name: "key" number: 1 label: LABEL_OPTIONAL type: TYPE_STRING }
      field { name: "value" number: 2 label: LABEL_OPTIONAL type: TYPE_INT32 }
      options { map_entry: true }
    }
    enum_type {
      name: "Status"
      value { name: "STATUS_UNSPECIFIED" number: 0 }
      value { name: "OPEN" number: 1 }
    }
    oneof_decl { name: "_maybe" }
  }
)pb";

class ShapeType {
 public:
  static std::unique_ptr<Message> New(const std::string& text = "") {
    static ShapeType* type = new ShapeType();
    std::unique_ptr<Message> m(type->factory_.GetPrototype(type->shape_)->New());
    REQUIRE(google::protobuf::TextFormat::ParseFromString(text, m.get()));
    return m;
  }

 private:
  ShapeType()
      : pool_(platform::testing::PoolWith(platform::testing::FileFromText(kShapeProto))),
        factory_(pool_.get()) {
    shape_ = pool_->FindMessageTypeByName("crm.gateway.responsetest.Shape");
    REQUIRE(shape_ != nullptr);
  }

  std::unique_ptr<google::protobuf::DescriptorPool> pool_;
  google::protobuf::DynamicMessageFactory factory_;
  const google::protobuf::Descriptor* shape_ = nullptr;
};

Customer Ann() {
  Customer c;
  c.set_customer_id("c_42");
  c.set_email("ann@example.com");
  c.set_display_name("Ann Lee");
  c.set_kind(Customer::COMPANY);
  REQUIRE(
      google::protobuf::util::TimeUtil::FromString("2024-05-01T12:00:00Z", c.mutable_created_at()));
  c.set_etag("v3");
  return c;
}

TEST_CASE("ResponseJson prints lowerCamelCase names and enum names", "[transcoding]") {
  absl::StatusOr<std::string> json = ResponseJson(Ann());
  REQUIRE(json.ok());
  CHECK(*json == R"({"customerId":"c_42","email":"ann@example.com","displayName":"Ann Lee",)"
                 R"("kind":"COMPANY","etag":"v3","phone":"","mobile":"",)"
                 R"("occupation":"","interests":[],"notes":"","tier":"TIER_UNSPECIFIED",)"
                 R"("pointsBalance":"0","lifetimeValueCents":"0",)"
                 R"("createdAt":"2024-05-01T12:00:00Z"})");
}

TEST_CASE("ResponseJson prints default values for a stable shape", "[transcoding]") {
  absl::StatusOr<std::string> json = ResponseJson(Customer());
  REQUIRE(json.ok());
  // An unset message (createdAt) and an unset optional field (birthDate) have no default value
  // and stay absent.
  CHECK(*json == R"({"customerId":"","email":"","displayName":"","kind":"KIND_UNSPECIFIED",)"
                 R"("etag":"","phone":"","mobile":"","occupation":"",)"
                 R"("interests":[],"notes":"","tier":"TIER_UNSPECIFIED","pointsBalance":"0",)"
                 R"("lifetimeValueCents":"0"})");

  json = ResponseJson(*ShapeType::New());
  REQUIRE(json.ok());
  CHECK(*json == R"({"totalCents":"0","tags":[],"counts":{},"status":"STATUS_UNSPECIFIED",)"
                 R"("big":"0","ok":false,"etag":0,"itemPath":""})");
}

TEST_CASE("ResponseJson prints 64-bit integers as strings", "[transcoding]") {
  absl::StatusOr<std::string> json = ResponseJson(*ShapeType::New(R"(
      total_cents: -9007199254740993 big: 18446744073709551615 tags: "a" counts { key: "k" value: 2 }
      maybe: 0 inner { status: OPEN } status: OPEN ok: true)"));
  REQUIRE(json.ok());
  // protobuf 3.21 prints well-known types and oneof members (here the proto3 optional "maybe")
  // after the other fields, not in field-number order.
  CHECK(*json == R"({"totalCents":"-9007199254740993","tags":["a"],"counts":{"k":2},)"
                 R"("inner":{"totalCents":"0","tags":[],"counts":{},"status":"OPEN","big":"0",)"
                 R"("ok":false,"etag":0,"itemPath":""},"status":"OPEN",)"
                 R"("big":"18446744073709551615","ok":true,"etag":0,"itemPath":"","maybe":0})");
}

TEST_CASE("ResponseJson fails cleanly on a message it cannot print", "[transcoding]") {
  Customer broken = Ann();
  broken.mutable_created_at()->set_seconds(int64_t{1} << 60);  // far past year 9999
  absl::StatusOr<std::string> json = ResponseJson(broken);
  REQUIRE_FALSE(json.ok());
  CHECK(json.status().code() == absl::StatusCode::kInternal);
  CHECK(json.status().message() == "the response could not be rendered");
  CHECK(platform::DetailsOf(json.status()).reason() == "INTERNAL");
}

TEST_CASE("EtagOf reads the top-level etag string", "[transcoding]") {
  CHECK(EtagOf(Ann()) == "v3");
  CHECK(EtagOf(Customer()) == "");
  CHECK(EtagOf(CreateCustomerRequest()) == "");     // no such field
  CHECK(EtagOf(*ShapeType::New("etag: 7")) == "");  // not a string
}

TEST_CASE("ExpandPath fills captures from the response", "[transcoding]") {
  Customer ann = Ann();
  CHECK(ExpandPath("/v1/customers/{customer_id}", ann) == "/v1/customers/c_42");
  CHECK(ExpandPath("/v1/customers/{customer_id}:export", ann) == "/v1/customers/c_42:export");
  CHECK(ExpandPath("/v1/{customer_id}/by/{display_name}", ann) == "/v1/c_42/by/Ann%20Lee");
  CHECK(ExpandPath("/v1/kinds/{kind}", ann) == "/v1/kinds/COMPANY");
  CHECK(ExpandPath("/v1/at/{created_at.seconds}", ann) == "/v1/at/1714564800");
  CHECK(ExpandPath("/v1/customers", ann) == "/v1/customers");
}

TEST_CASE("ExpandPath percent-encodes values", "[transcoding]") {
  Customer odd;
  odd.set_customer_id("a/b c:d?e%f#g&h+i~j.k_l-m\xc3\xa9");
  CHECK(ExpandPath("/v1/customers/{customer_id}", odd) ==
        "/v1/customers/a%2Fb%20c%3Ad%3Fe%25f%23g%26h%2Bi~j.k_l-m%C3%A9");
  // In a {name=**} capture a '/' stays, everything else is still encoded.
  CHECK(ExpandPath("/v1/{customer_id=**}", odd) ==
        "/v1/a/b%20c%3Ad%3Fe%25f%23g%26h%2Bi~j.k_l-m%C3%A9");
}

TEST_CASE("ExpandPath is nullopt when a value is missing", "[transcoding]") {
  Customer ann = Ann();
  CHECK(ExpandPath("/v1/customers/{customer_id}", Customer()) == std::nullopt);  // empty
  CHECK(ExpandPath("/v1/customers/{no_such}", ann) == std::nullopt);
  CHECK(ExpandPath("/v1/at/{created_at.seconds}", Customer()) == std::nullopt);      // unset
  CHECK(ExpandPath("/v1/kinds/{kind}", Customer()) == std::nullopt);                 // zero enum
  CHECK(ExpandPath("/v1/{created_at}", ann) == std::nullopt);                        // a message
  CHECK(ExpandPath("/v1/{tags}", *ShapeType::New(R"(tags: "a")")) == std::nullopt);  // a list
  CHECK(ExpandPath("/v1/customers/{customer_id", ann) == std::nullopt);
  CHECK(ExpandPath("/v1/customers/customer_id}", ann) == std::nullopt);
  CHECK(ExpandPath("/v1/{}", ann) == std::nullopt);
}

}  // namespace
}  // namespace crm::gateway
