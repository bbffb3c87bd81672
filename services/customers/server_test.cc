#include "customers/server.h"

#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "crm/customers/v1/auth.grpc.pb.h"
#include "crm/customers/v1/customers.grpc.pb.h"
#include "customers/store/customer_store.h"
#include "platform/auth/sealed_box.h"
#include "platform/base/clock.h"
#include "platform/testing/test_support.h"

namespace crm::customers {
namespace {

// The server main.cc serves, built by the same function on a Runtime opened in a temporary
// directory (not started: its services are served in-process here).
TEST_CASE(
    "the server main serves is whole: register, log in as the first admin, read the "
    "customer",
    "[server]") {
  platform::testing::TempDir dir;
  platform::ManualClock clock{absl::FromUnixSeconds(1'700'000'000)};
  platform::testing::KeyPair keys = platform::testing::NewEs256Keys();
  std::string private_key = dir.path() + "/customers.key";
  std::string mailer_key = dir.path() + "/mailer.pub";
  std::ofstream(private_key) << keys.private_pem;
  std::ofstream(mailer_key) << platform::SealedBoxKeys::Generate().PublicKeyBase64();
  auto runtime =
      platform::testing::OpenTestRuntime(dir.path(), "customers", kColumnFamilies, clock, keys);
  Config config;
  config.hashing = {.ops_limit = 1, .mem_limit = 8192 * 1024};
  config.token_private_key_file = private_key;
  config.mailer_public_key_file = mailer_key;
  config.first_admin = {.email = "admin@crm.test", .password = "correct horse battery"};
  REQUIRE(config.Check().ok());
  auto server = Server::Build(*runtime, config);
  INFO(server.status().ToString());
  REQUIRE(server.ok());
  platform::testing::InProcessServer grpc_server((*server)->services());
  auto auth = v1::AuthService::NewStub(grpc_server.Channel());
  auto customers = v1::CustomersService::NewStub(grpc_server.Channel());

  v1::CreateCustomerRequest registration;
  registration.set_email("ann@example.com");
  registration.set_password("correct horse battery");
  registration.set_display_name("Ann Example");
  v1::Customer created;
  {
    grpc::ClientContext context;
    grpc::Status status = customers->CreateCustomer(&context, registration, &created);
    INFO(status.error_message());
    REQUIRE(status.ok());
  }
  v1::LoginRequest login;
  login.set_email("admin@crm.test");
  login.set_password("correct horse battery");
  v1::TokenResponse tokens;
  {
    grpc::ClientContext context;
    grpc::Status status = auth->Login(&context, login, &tokens);
    INFO(status.error_message());
    REQUIRE(status.ok());
  }
  v1::GetCustomerRequest get;
  get.set_customer_id(created.customer_id());
  v1::Customer read;
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + tokens.access_token());
  grpc::Status status = customers->GetCustomer(&context, get, &read);
  INFO(status.error_message());
  REQUIRE(status.ok());
  CHECK(read.email() == "ann@example.com");
  CHECK(read.tier() == v1::TierBenefits::REGULAR);
}

TEST_CASE("the configuration refuses an admin email without its password", "[server]") {
  Config config;
  config.first_admin.email = "admin@crm.test";
  absl::Status check = config.Check();
  CHECK(absl::IsInvalidArgument(check));
  CHECK(check.message().find("--admin-password") != absl::string_view::npos);
}

}  // namespace
}  // namespace crm::customers
