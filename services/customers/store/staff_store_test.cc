// What is the staff accounts' own in StaffStore: their email index apart from the customers',
// the reasons and messages. Inserting, updating, duplicates, contention and reopening are
// platform::EntityTable's, tested in platform/store/entity_table_test.cc.
#include "customers/store/staff_store.h"

#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "customers/store/customer_store.h"
#include "platform/base/errors.h"
#include "platform/testing/test_support.h"

namespace crm::customers {
namespace {

using platform::testing::TempDir;

store::v1::StaffRecord Record(absl::string_view id, absl::string_view email,
                              v1::Staff::Role role = v1::Staff::agent) {
  store::v1::StaffRecord r;
  r.set_staff_id(std::string(id));
  r.set_email(std::string(email));
  r.set_display_name("Bo Agent");
  r.set_role(role);
  r.set_password_hash("$argon2id$v=19$m=8192,t=1,p=1$c2FsdA$aGFzaA");
  r.mutable_created_at()->set_seconds(1'700'000'000);
  r.set_token_version(2);
  return r;
}

std::string Reason(const absl::Status& s) { return platform::DetailsOf(s).reason(); }

// Opens a store with the customers service's column families in `dir`.
std::unique_ptr<platform::Store> Open(const TempDir& dir) {
  return platform::testing::OpenTestStore(dir.path(), kColumnFamilies);
}

TEST_CASE("Staff are found by the lower-cased email in their own index, not the customers'",
          "[staff_store]") {
  TempDir dir;
  auto store = Open(dir);
  StaffStore staff(*store);
  auto txn = store->Begin();
  REQUIRE(staff.Insert(*txn, Record("s_1", "Bo@Example.com", v1::Staff::admin)).ok());
  REQUIRE(txn->Commit().ok());

  auto found = staff.FindByEmail("bo@example.com");
  REQUIRE(found.ok());
  CHECK(found->record.staff_id() == "s_1");
  CHECK(found->record.role() == v1::Staff::admin);
  CHECK(found->record.email() == "Bo@Example.com");  // as typed
  CHECK(found->etag == "v1");

  // Staff are not customers: the customers' index does not know the email.
  CustomerStore customers(*store);
  CHECK(customers.FindByEmail("bo@example.com").status().code() == absl::StatusCode::kNotFound);
  auto owner = store->Get(store->cf("customers_by_email"), "bo@example.com");
  REQUIRE(owner.ok());
  CHECK_FALSE(owner->has_value());

  auto again = store->Begin();
  auto duplicate = staff.Insert(*again, Record("s_2", "BO@example.COM"));
  CHECK(duplicate.status().code() == absl::StatusCode::kAlreadyExists);
  CHECK(duplicate.status().message() == "a staff member with this email already exists");
  CHECK(Reason(duplicate.status()) == "EMAIL_TAKEN");
}

TEST_CASE("Unknown staff ids and emails are NOT_FOUND with STAFF_NOT_FOUND", "[staff_store]") {
  TempDir dir;
  auto store = Open(dir);
  StaffStore staff(*store);
  auto by_id = staff.Get("s_nobody");
  CHECK(by_id.status().code() == absl::StatusCode::kNotFound);
  CHECK(Reason(by_id.status()) == "STAFF_NOT_FOUND");
  auto by_email = staff.FindByEmail("nobody@example.com");
  CHECK(by_email.status().code() == absl::StatusCode::kNotFound);
  CHECK(Reason(by_email.status()) == "STAFF_NOT_FOUND");
}

}  // namespace
}  // namespace crm::customers
