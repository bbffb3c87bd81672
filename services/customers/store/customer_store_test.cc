// What is the customers' own in CustomerStore: the email index and its normalization, the
// reasons and messages, and erased customers. Inserting, updating, duplicates, contention and
// reopening are platform::EntityTable's, tested in platform/store/entity_table_test.cc.
#include "customers/store/customer_store.h"

#include <catch2/catch.hpp>
#include <memory>
#include <optional>
#include <string>

#include "platform/base/errors.h"
#include "platform/testing/test_support.h"

namespace crm::customers {
namespace {

using platform::testing::TempDir;

store::v1::CustomerRecord Record(absl::string_view id, absl::string_view email) {
  store::v1::CustomerRecord r;
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
  std::unique_ptr<platform::Store> store =
      platform::testing::OpenTestStore(dir.path(), kColumnFamilies, absl::Milliseconds(100));
  CustomerStore customers{*store};

  absl::StatusOr<StoredCustomer> Insert(const store::v1::CustomerRecord& record) {
    auto txn = store->Begin();
    auto stored = customers.Insert(*txn, record);
    REQUIRE(txn->Commit().ok());
    return stored;
  }
};

TEST_CASE("A customer is found by the lower-cased email in customers_by_email",
          "[customer_store]") {
  Fixture f;
  REQUIRE(f.Insert(Record("c_1", "Ann@Example.com")).ok());

  auto found = f.customers.FindByEmail("ann@example.com");
  REQUIRE(found.ok());
  CHECK(found->record.customer_id() == "c_1");
  CHECK(found->record.email() == "Ann@Example.com");  // as typed
  CHECK(found->etag == "v1");
  auto owner = f.store->Get(f.store->cf("customers_by_email"), "ann@example.com");
  REQUIRE(owner.ok());
  CHECK(*owner == std::optional<std::string>("c_1"));

  auto duplicate = f.Insert(Record("c_2", "ANN@example.COM"));
  CHECK(duplicate.status().code() == absl::StatusCode::kAlreadyExists);
  CHECK(duplicate.status().message() == "a customer with this email already exists");
  auto details = platform::DetailsOf(duplicate.status());
  CHECK(details.reason() == "EMAIL_TAKEN");
  REQUIRE(details.field_violations_size() == 1);
  CHECK(details.field_violations(0).field() == "email");
  CHECK(details.field_violations(0).description() == "is already registered");
}

TEST_CASE("Unknown and erased customers are NOT_FOUND with CUSTOMER_NOT_FOUND",
          "[customer_store]") {
  Fixture f;
  auto unknown = f.customers.Get("c_nobody");
  CHECK(unknown.status().code() == absl::StatusCode::kNotFound);
  CHECK(platform::DetailsOf(unknown.status()).reason() == "CUSTOMER_NOT_FOUND");
  CHECK(platform::DetailsOf(f.customers.FindByEmail("nobody@example.com").status()).reason() ==
        "CUSTOMER_NOT_FOUND");
  auto never = f.customers.IsErased("c_nobody");
  REQUIRE(never.ok());
  CHECK_FALSE(*never);

  REQUIRE(f.Insert(Record("c_1", "ann@example.com")).ok());
  auto txn = f.store->Begin();
  auto current = f.customers.GetForUpdate(*txn, "c_1");
  REQUIRE(current.ok());
  REQUIRE(f.customers.ReleaseEmail(*txn, "ann@example.com").ok());
  store::v1::CustomerRecord erased;
  erased.set_customer_id("c_1");
  erased.mutable_erased_at()->set_seconds(1'800'000'000);
  REQUIRE(f.customers.Update(*txn, *current, erased).ok());
  REQUIRE(txn->Commit().ok());

  auto gone = f.customers.Get("c_1");
  CHECK(gone.status().code() == absl::StatusCode::kNotFound);
  CHECK(platform::DetailsOf(gone.status()).reason() == "CUSTOMER_NOT_FOUND");
  CHECK(f.customers.FindByEmail("ann@example.com").status().code() == absl::StatusCode::kNotFound);
  auto is_erased = f.customers.IsErased("c_1");
  REQUIRE(is_erased.ok());
  CHECK(*is_erased);
  // The email is free for a new registration.
  CHECK(f.Insert(Record("c_2", "Ann@Example.com")).ok());
}

}  // namespace
}  // namespace crm::customers
