#include "platform/auth/access.h"

#include <google/protobuf/descriptor.h>

#include <catch2/catch.hpp>

#include "crm/api/v1/partner_secrets.pb.h"
#include "crm/customers/v1/customers.pb.h"
#include "platform/base/errors.h"
#include "platform/rpc/request_context.h"

namespace crm::platform {
namespace {

const google::protobuf::MethodDescriptor& Method(const std::string& name) {
  const auto* service = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
      "crm.customers.v1.CustomersService");
  REQUIRE(service != nullptr);
  const auto* method = service->FindMethodByName(name);
  REQUIRE(method != nullptr);
  return *method;
}

Principal As(const std::string& role, const std::string& subject) {
  return {.authenticated = true, .subject = subject, .role = role};
}

customers::v1::GetCustomerRequest Get(const std::string& id) {
  customers::v1::GetCustomerRequest request;
  request.set_customer_id(id);
  return request;
}

TEST_CASE("the access option is read from the RPC", "[access]") {
  api::v1::Access get = AccessOf(Method("GetCustomer"));
  CHECK_FALSE(get.anonymous());
  CHECK(get.owner_field() == "customer_id");
  CHECK(get.roles_size() >= 4);
  CHECK(AccessOf(Method("CreateCustomer")).anonymous());
}

TEST_CASE("a customer reaches only its own records - others look missing", "[access]") {
  api::v1::Access access = AccessOf(Method("GetCustomer"));
  CHECK(Authorize(access, As("customer", "c_a"), Get("c_a")).ok());
  absl::Status other = Authorize(access, As("customer", "c_a"), Get("c_b"));
  CHECK(other.code() == absl::StatusCode::kNotFound);
  CHECK(DetailsOf(other).reason() == "NOT_FOUND");
}

TEST_CASE("staff roles reach every customer - unlisted roles are refused", "[access]") {
  api::v1::Access access = AccessOf(Method("GetCustomer"));
  for (const char* role : {"agent", "analyst", "admin"}) {
    CHECK(Authorize(access, As(role, "s_1"), Get("c_b")).ok());
  }
  absl::Status partner = Authorize(access, As("partner", "carrier-1"), Get("c_b"));
  CHECK(partner.code() == absl::StatusCode::kPermissionDenied);
  CHECK(DetailsOf(partner).reason() == "ROLE_NOT_ALLOWED");
}

TEST_CASE("no token: refused unless the RPC is anonymous", "[access]") {
  absl::Status none = Authorize(AccessOf(Method("GetCustomer")), Principal{}, Get("c_a"));
  CHECK(none.code() == absl::StatusCode::kUnauthenticated);
  CHECK(DetailsOf(none).reason() == "TOKEN_MISSING");
  CHECK(Authorize(AccessOf(Method("CreateCustomer")), Principal{},
                  customers::v1::CreateCustomerRequest())
            .ok());
}

TEST_CASE("an RPC without an access option lets nobody in", "[access]") {
  api::v1::Access none;
  CHECK(Authorize(none, As("admin", "s_1"), Get("c_a")).code() ==
        absl::StatusCode::kPermissionDenied);
}

TEST_CASE("partner secrets are for the gateway's service identity only", "[access]") {
  const auto* method = google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
      "crm.api.v1.PartnerSecretService.GetPartnerSecret");
  REQUIRE(method != nullptr);
  api::v1::Access access = AccessOf(*method);
  api::v1::GetPartnerSecretRequest request;
  CHECK(Authorize(access, As("service", "svc:gateway"), request).ok());
  for (auto [role, subject] : std::vector<std::pair<std::string, std::string>>{
           {"service", "svc:orders"}, {"service", "gateway"}, {"admin", "s_1"}}) {
    absl::Status refused = Authorize(access, As(role, subject), request);
    INFO(role << " " << subject);
    CHECK(refused.code() == absl::StatusCode::kPermissionDenied);
    CHECK(DetailsOf(refused).reason() == "ROLE_NOT_ALLOWED");
  }
}

TEST_CASE("a partner reaches only calls naming itself in the partner field", "[access]") {
  api::v1::Access access;
  access.add_roles(api::v1::Access::PARTNER);
  access.set_partner_field("customer_id");
  CHECK(Authorize(access, As("partner", "partner:dhl"), Get("dhl")).ok());
  for (const char* subject : {"partner:ups", "dhl", "partner:"}) {
    absl::Status other = Authorize(access, As("partner", subject), Get("dhl"));
    INFO(subject);
    CHECK(other.code() == absl::StatusCode::kPermissionDenied);
    CHECK(DetailsOf(other).reason() == "PARTNER_MISMATCH");
    REQUIRE(DetailsOf(other).field_violations_size() == 1);
    CHECK(DetailsOf(other).field_violations(0).field() == "customerId");
  }
}

TEST_CASE("an owner field the request does not have is a programming error", "[access]") {
  api::v1::Access access;
  access.add_roles(api::v1::Access::CUSTOMER);
  access.set_owner_field("no_such_field");
  CHECK(Authorize(access, As("customer", "c_a"), Get("c_a")).code() == absl::StatusCode::kInternal);
}

TEST_CASE("a record loaded by id is checked for its owner the way an owner field is", "[access]") {
  // What RequestContext::CheckOwner applies after a service loaded the record (an order by id).
  CHECK(CheckOwner(As("customer", "c_a"), "c_a").ok());
  absl::Status other = CheckOwner(As("customer", "c_b"), "c_a");
  CHECK(other.code() == absl::StatusCode::kNotFound);
  CHECK(DetailsOf(other).reason() == "NOT_FOUND");
  for (const char* role : {"agent", "admin", "service"}) {
    INFO(role);
    CHECK(CheckOwner(As(role, "st_x"), "c_a").ok());
  }
  RequestContext rc;
  rc.principal = As("customer", "c_b");
  absl::Status missing = absl::NotFoundError("no order with this id");
  CHECK(rc.CheckOwner("c_a", missing) == missing);
  rc.principal = As("customer", "c_a");
  CHECK(rc.CheckOwner("c_a", missing).ok());
}

}  // namespace
}  // namespace crm::platform
