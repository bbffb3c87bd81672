#include "customers/store/staff_store.h"

#include <catch2/catch.hpp>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/ascii.h"
#include "customers/store/customer_store.h"
#include "platform/base/errors.h"
#include "platform/testing/test_support.h"

namespace crm::customers {
namespace {

using platform::testing::TempDir;

v1::StaffRecord Record(absl::string_view id, absl::string_view email,
                       v1::Staff::Role role = v1::Staff::agent) {
  v1::StaffRecord r;
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

struct Fixture {
  TempDir dir;
  std::unique_ptr<platform::Store> store = Open();
  StaffStore staff{*store};

  std::unique_ptr<platform::Store> Open() {
    return platform::testing::OpenTestStore(dir.path(), kColumnFamilies, absl::Milliseconds(100));
  }

  absl::StatusOr<StoredStaff> Insert(const v1::StaffRecord& record) {
    auto txn = store->Begin();
    auto stored = staff.Insert(*txn, record, absl::AsciiStrToLower(record.email()));
    // Commit even after a refusal: whatever Insert put in the transaction would show.
    REQUIRE(txn->Commit().ok());
    return stored;
  }
};

TEST_CASE("An inserted staff member can be read by id and by email, with etag v1",
          "[staff_store]") {
  Fixture f;
  v1::StaffRecord record = Record("s_1", "Bo@Example.com", v1::Staff::admin);
  auto inserted = f.Insert(record);
  REQUIRE(inserted.ok());
  CHECK(inserted->etag == "v1");

  auto got = f.staff.Get("s_1");
  REQUIRE(got.ok());
  CHECK(got->etag == "v1");
  CHECK(got->record.SerializeAsString() == record.SerializeAsString());
  CHECK(got->record.email() == "Bo@Example.com");  // as typed

  auto found = f.staff.FindByEmail("bo@example.com");
  REQUIRE(found.ok());
  CHECK(found->record.staff_id() == "s_1");
  CHECK(found->record.role() == v1::Staff::admin);
  CHECK(found->etag == "v1");

  // Staff are not customers: the customers' index does not know the email.
  auto owner = f.store->Get(f.store->cf("customers_by_email"), "bo@example.com");
  REQUIRE(owner.ok());
  CHECK_FALSE(owner->has_value());
}

TEST_CASE("A taken staff email in another letter case is EMAIL_TAKEN and nothing is written",
          "[staff_store]") {
  Fixture f;
  REQUIRE(f.Insert(Record("s_1", "bo@example.com")).ok());

  auto duplicate = f.Insert(Record("s_2", "BO@Example.COM", v1::Staff::admin));
  REQUIRE_FALSE(duplicate.ok());
  CHECK(duplicate.status().code() == absl::StatusCode::kAlreadyExists);
  auto details = platform::DetailsOf(duplicate.status());
  CHECK(details.reason() == "EMAIL_TAKEN");
  REQUIRE(details.field_violations_size() == 1);
  CHECK(details.field_violations(0).field() == "email");

  CHECK(f.staff.Get("s_2").status().code() == absl::StatusCode::kNotFound);
  auto found = f.staff.FindByEmail("bo@example.com");
  REQUIRE(found.ok());
  CHECK(found->record.staff_id() == "s_1");
  CHECK(found->record.role() == v1::Staff::agent);
}

TEST_CASE("Two creations of one staff email at once: the second is ABORTED", "[staff_store]") {
  Fixture f;
  auto first = f.store->Begin();
  REQUIRE(f.staff.Insert(*first, Record("s_1", "bo@example.com"), "bo@example.com").ok());
  auto second = f.store->Begin();
  auto contended = f.staff.Insert(*second, Record("s_2", "Bo@example.com"), "bo@example.com");
  CHECK(contended.status().code() == absl::StatusCode::kAborted);
  REQUIRE(first->Commit().ok());

  auto retry = f.store->Begin();
  auto again = f.staff.Insert(*retry, Record("s_2", "Bo@example.com"), "bo@example.com");
  CHECK(again.status().code() == absl::StatusCode::kAlreadyExists);
}

TEST_CASE("Unknown staff ids and emails are NOT_FOUND with STAFF_NOT_FOUND", "[staff_store]") {
  Fixture f;
  auto by_id = f.staff.Get("s_nobody");
  CHECK(by_id.status().code() == absl::StatusCode::kNotFound);
  CHECK(Reason(by_id.status()) == "STAFF_NOT_FOUND");
  auto by_email = f.staff.FindByEmail("nobody@example.com");
  CHECK(by_email.status().code() == absl::StatusCode::kNotFound);
  CHECK(Reason(by_email.status()) == "STAFF_NOT_FOUND");

  auto txn = f.store->Begin();
  v1::StaffRecord no_id = Record("", "bo@example.com");
  CHECK(f.staff.Insert(*txn, no_id, "bo@example.com").status().code() ==
        absl::StatusCode::kInvalidArgument);
}

TEST_CASE("Staff survive closing and reopening the store", "[staff_store]") {
  TempDir dir;
  auto open = [&] {
    auto store = platform::Store::Open({.path = dir.path(), .column_families = kColumnFamilies});
    REQUIRE(store.ok());
    return std::move(*store);
  };
  {
    auto store = open();
    StaffStore staff(*store);
    auto txn = store->Begin();
    REQUIRE(staff.Insert(*txn, Record("s_1", "bo@example.com"), "bo@example.com").ok());
    REQUIRE(txn->Commit().ok());
  }
  auto store = open();
  StaffStore staff(*store);
  auto found = staff.FindByEmail("bo@example.com");
  REQUIRE(found.ok());
  CHECK(found->record.staff_id() == "s_1");
  CHECK(found->record.token_version() == 2);
}

}  // namespace
}  // namespace crm::customers
