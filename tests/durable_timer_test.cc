// A durable timer set before a SIGKILL fires after the restart. The timer here is a real one:
// the 24-hour expiry of an Idempotency-Key's stored answer. Set by a CreateCustomer with a key,
// it survives the kill; after the restart the dev clock moves 25 hours ahead, the timer fires,
// and the key may be used for a new request.
#include <google/protobuf/util/time_util.h>
#include <signal.h>

#include <catch2/catch.hpp>

#include "crm/platform/v1/dev_clock.grpc.pb.h"
#include "customer_calls.h"
#include "harness.h"
#include "platform/rpc/grpc_status.h"

namespace crm::testing {
namespace {

TEST_CASE("a durable timer set before SIGKILL fires after the restart", "[process]") {
  TempDir dir;
  DevBroker broker(dir.path());
  Service customers("customers", dir.path(), broker.bootstrap());
  auto stub = customers::v1::CustomersService::NewStub(customers.Channel());

  CallResult first = CreateCustomer(*stub, Registration("timer@example.com"), "key-t");
  REQUIRE(first.status.ok());
  customers.Kill(SIGKILL);
  REQUIRE(customers.Wait() == 128 + SIGKILL);

  customers.Start();
  stub = customers::v1::CustomersService::NewStub(customers.Channel());
  // Before expiry the key still holds its answer, across the restart: the retry replays it.
  CallResult early = CreateCustomer(*stub, Registration("timer@example.com"), "key-t");
  REQUIRE(early.status.ok());
  REQUIRE(early.customer.customer_id() == first.customer.customer_id());

  auto clock = platform::v1::DevClockService::NewStub(customers.Channel());
  grpc::ClientContext context;
  // Moving time is for admins (and services) only, in dev mode only.
  std::string admin = Login(customers.Channel(), kTestAdminEmail, kTestAdminPassword);
  REQUIRE_FALSE(admin.empty());
  {
    grpc::ClientContext anonymous;
    platform::v1::SetClockOffsetRequest none;
    platform::v1::ClockReading ignored;
    CHECK(clock->SetClockOffset(&anonymous, none, &ignored).error_code() ==
          grpc::StatusCode::UNAUTHENTICATED);
  }
  context.AddMetadata("authorization", "Bearer " + admin);
  platform::v1::SetClockOffsetRequest offset;
  *offset.mutable_offset() = google::protobuf::util::TimeUtil::SecondsToDuration(25 * 3600);
  platform::v1::ClockReading reading;
  REQUIRE(clock->SetClockOffset(&context, offset, &reading).ok());

  const std::string fired = R"(crm_timers_fired_total{kind="idempotency.expire"})";
  REQUIRE(WaitFor([&] { return customers.Metric(fired) >= 1; }, absl::Seconds(10)));
  // The answer is gone: the same request runs again, and the email is taken by now.
  CallResult late = CreateCustomer(*stub, Registration("timer@example.com"), "key-t");
  CHECK(platform::DetailsOf(late.status).reason() == "EMAIL_TAKEN");
}

}  // namespace
}  // namespace crm::testing
