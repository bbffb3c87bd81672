#include "customers/store/customer_store.h"

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <memory>
#include <string>

#include "absl/strings/ascii.h"
#include "platform/base/errors.h"
#include "platform/testing/test_support.h"

namespace crm::customers {
namespace {

using platform::testing::TempDir;
using platform::testing::WaitFor;

v1::CustomerRecord Record(absl::string_view id, absl::string_view email) {
  v1::CustomerRecord r;
  r.set_customer_id(std::string(id));
  r.set_email(std::string(email));
  r.set_display_name("Ann Example");
  r.set_kind(v1::Customer::COMPANY);
  r.set_password_hash("$argon2id$v=19$m=8192,t=1,p=1$c2FsdA$aGFzaA");
  r.mutable_created_at()->set_seconds(1'700'000'000);
  return r;
}

struct Fixture {
  TempDir dir;
  std::unique_ptr<platform::Store> store = Open();
  CustomerStore customers{*store};

  std::unique_ptr<platform::Store> Open() {
    return platform::testing::OpenTestStore(dir.path(), kColumnFamilies, absl::Milliseconds(100));
  }

  absl::StatusOr<StoredCustomer> Insert(const v1::CustomerRecord& record) {
    auto txn = store->Begin();
    auto stored = customers.Insert(*txn, record, absl::AsciiStrToLower(record.email()));
    // Commit even after a refusal: whatever Insert put in the transaction would show.
    REQUIRE(txn->Commit().ok());
    return stored;
  }
};

TEST_CASE("An inserted customer can be read back with etag v1", "[customer_store]") {
  Fixture f;
  v1::CustomerRecord record = Record("c_1", "Ann@Example.com");
  auto inserted = f.Insert(record);
  REQUIRE(inserted.ok());
  CHECK(inserted->etag == "v1");
  CHECK(inserted->record.customer_id() == "c_1");

  auto got = f.customers.Get("c_1");
  REQUIRE(got.ok());
  CHECK(got->etag == "v1");
  CHECK(got->record.SerializeAsString() == record.SerializeAsString());
  CHECK(got->record.email() == "Ann@Example.com");  // as typed

  // The email index holds the lower-cased form.
  auto owner = f.store->Get(f.store->cf("customers_by_email"), "ann@example.com");
  REQUIRE(owner.ok());
  CHECK(*owner == std::optional<std::string>("c_1"));
}

TEST_CASE(
    "A taken email in another letter case is refused with EMAIL_TAKEN and nothing "
    "is written",
    "[customer_store]") {
  Fixture f;
  REQUIRE(f.Insert(Record("c_1", "ann@example.com")).ok());

  auto duplicate = f.Insert(Record("c_2", "ANN@Example.COM"));
  REQUIRE_FALSE(duplicate.ok());
  CHECK(duplicate.status().code() == absl::StatusCode::kAlreadyExists);
  auto details = platform::DetailsOf(duplicate.status());
  CHECK(details.reason() == "EMAIL_TAKEN");
  REQUIRE(details.field_violations_size() == 1);
  CHECK(details.field_violations(0).field() == "email");

  auto second = f.customers.Get("c_2");
  CHECK(second.status().code() == absl::StatusCode::kNotFound);
  auto owner = f.store->Get(f.store->cf("customers_by_email"), "ann@example.com");
  REQUIRE(owner.ok());
  CHECK(*owner == std::optional<std::string>("c_1"));
  auto first = f.customers.Get("c_1");
  REQUIRE(first.ok());
  CHECK(first->record.email() == "ann@example.com");
}

TEST_CASE("Two registrations of one email at once: the second is ABORTED", "[customer_store]") {
  Fixture f;
  auto first = f.store->Begin();
  REQUIRE(f.customers.Insert(*first, Record("c_1", "ann@example.com"), "ann@example.com").ok());
  auto second = f.store->Begin();
  auto contended = f.customers.Insert(*second, Record("c_2", "Ann@example.com"), "ann@example.com");
  REQUIRE_FALSE(contended.ok());
  CHECK(contended.status().code() == absl::StatusCode::kAborted);
  REQUIRE(first->Commit().ok());

  // The retry sees the winner.
  auto retry = f.store->Begin();
  auto again = f.customers.Insert(*retry, Record("c_2", "Ann@example.com"), "ann@example.com");
  CHECK(again.status().code() == absl::StatusCode::kAlreadyExists);
}

TEST_CASE("An unknown customer is NOT_FOUND with CUSTOMER_NOT_FOUND", "[customer_store]") {
  Fixture f;
  auto got = f.customers.Get("c_nobody");
  REQUIRE_FALSE(got.ok());
  CHECK(got.status().code() == absl::StatusCode::kNotFound);
  CHECK(platform::DetailsOf(got.status()).reason() == "CUSTOMER_NOT_FOUND");
}

TEST_CASE("Customers survive closing and reopening the store", "[customer_store]") {
  TempDir dir;
  auto open = [&] {
    auto store = platform::Store::Open({.path = dir.path(), .column_families = kColumnFamilies});
    REQUIRE(store.ok());
    return std::move(*store);
  };
  {
    auto store = open();
    CustomerStore customers(*store);
    auto txn = store->Begin();
    REQUIRE(customers.Insert(*txn, Record("c_1", "ann@example.com"), "ann@example.com").ok());
    REQUIRE(txn->Commit().ok());
  }
  auto store = open();
  CustomerStore customers(*store);
  auto got = customers.Get("c_1");
  REQUIRE(got.ok());
  CHECK(got->record.email() == "ann@example.com");
  CHECK(got->etag == "v1");
  // The email stays taken too.
  auto txn = store->Begin();
  auto again = customers.Insert(*txn, Record("c_2", "ann@example.com"), "ann@example.com");
  CHECK(again.status().code() == absl::StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace crm::customers
