// Idempotency-Key on CreateCustomer, through the real process: a retried request gets the
// identical answer and creates one customer; the key reused for another request is refused.
#include <catch2/catch.hpp>

#include "customer_calls.h"
#include "harness.h"
#include "platform/rpc/grpc_status.h"

namespace crm::testing {
namespace {

TEST_CASE("the same Idempotency-Key and request answer identically, creating one customer",
          "[process]") {
  TempDir dir;
  DevBroker broker(dir.path());
  Service customers("customers", dir.path(), broker.bootstrap());
  auto stub = customers::v1::CustomersService::NewStub(customers.Channel());
  auto request = Registration("once@example.com");

  CallResult first = CreateCustomer(*stub, request, "key-1");
  CallResult retry = CreateCustomer(*stub, request, "key-1");
  REQUIRE(first.status.ok());
  REQUIRE(retry.status.ok());
  CHECK(retry.customer.SerializeAsString() == first.customer.SerializeAsString());
  CHECK(customers.Metric("crm_customers_registered_total") == 1);
  CHECK(customers.Metric("crm_outbox_appended_total") == 1);

  SECTION("anonymous: the same key with another request is another request, not a 422") {
    // Registration has no caller to scope the key by: a stranger who used the key first cannot
    // make this request fail, nor read the first one's answer.
    CallResult other = CreateCustomer(*stub, Registration("other@example.com"), "key-1");
    REQUIRE(other.status.ok());
    CHECK(other.customer.customer_id() != first.customer.customer_id());
    CHECK(customers.Metric("crm_customers_registered_total") == 2);
  }

  SECTION("another key is another request") {
    CallResult again = CreateCustomer(*stub, request, "key-2");
    CHECK(again.status.error_code() == grpc::StatusCode::ALREADY_EXISTS);
    CHECK(platform::DetailsOf(again.status).reason() == "EMAIL_TAKEN");
  }
}

}  // namespace
}  // namespace crm::testing
