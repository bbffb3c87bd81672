// An acknowledged write survives SIGKILL: the customers service is killed the moment
// CreateCustomer answered, and after a restart on the same data directory the customer is there.
// The WAL-sync counter on /metrics must grow with a write, so an unsynced WAL cannot pass.
#include <signal.h>

#include <catch2/catch.hpp>

#include "customer_calls.h"
#include "harness.h"

namespace crm::testing {
namespace {

constexpr char kWalSynced[] = "crm_rocksdb_wal_synced_total";

TEST_CASE("a registered customer survives SIGKILL right after the answer", "[process]") {
  TempDir dir;
  DevBroker broker(dir.path());
  Service customers("customers", dir.path(), broker.bootstrap());
  auto stub = customers::v1::CustomersService::NewStub(customers.Channel());

  // The write is synced to the WAL before it is acknowledged.
  double synced_before = customers.Metric(kWalSynced);
  REQUIRE(synced_before >= 0);
  CallResult first = CreateCustomer(*stub, Registration("first@example.com"));
  REQUIRE(first.status.ok());
  CHECK(customers.Metric(kWalSynced) > synced_before);

  // Killed with no gap after the answer: nothing may be lost.
  CallResult second = CreateCustomer(*stub, Registration("Second@Example.com"));
  customers.Kill(SIGKILL);
  REQUIRE(second.status.ok());
  REQUIRE(customers.Wait() == 128 + SIGKILL);

  customers.Start();
  stub = customers::v1::CustomersService::NewStub(customers.Channel());
  for (const CallResult* created : {&first, &second}) {
    // Logging in works after the restart too: the account survived with the record.
    std::string token = Login(customers.Channel(), created->customer.email());
    REQUIRE_FALSE(token.empty());
    CallResult found = GetCustomer(*stub, created->customer.customer_id(), token);
    REQUIRE(found.status.ok());
    CHECK(found.customer.email() == created->customer.email());
    CHECK(found.customer.display_name() == created->customer.display_name());
    CHECK(found.customer.etag() == created->customer.etag());
  }
  // And the email is still taken, in any letter case.
  CHECK(CreateCustomer(*stub, Registration("second@example.COM")).status.error_code() ==
        grpc::StatusCode::ALREADY_EXISTS);
}

}  // namespace
}  // namespace crm::testing
