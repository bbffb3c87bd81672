#include "platform/store/entity_table.h"

#include <catch2/catch.hpp>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/ascii.h"
#include "google/protobuf/struct.pb.h"
#include "platform/base/errors.h"
#include "platform/testing/test_support.h"

namespace crm::platform {
namespace {

using testing::TempDir;
// A record of any protobuf type will do; a Struct with "id", "email" and "erased" fields keeps
// the platform's test free of any service's protos.
using Thing = google::protobuf::Struct;

Thing MakeThing(absl::string_view id, absl::string_view email, absl::string_view name = "Ann") {
  Thing t;
  (*t.mutable_fields())["id"].set_string_value(std::string(id));
  (*t.mutable_fields())["email"].set_string_value(std::string(email));
  (*t.mutable_fields())["name"].set_string_value(std::string(name));
  return t;
}

std::string FieldOf(const Thing& t, const std::string& name) {
  auto it = t.fields().find(name);
  return it == t.fields().end() ? "" : it->second.string_value();
}

const std::vector<std::string> kCfs = {"things", "things_by_email"};

EntityTableOptions<Thing> Options() {
  return {.cf = "things",
          .noun = "thing",
          .not_found_reason = "THING_NOT_FOUND",
          .id_of = [](const Thing& t) { return FieldOf(t, "id"); },
          .unique_indexes = {{.cf = "things_by_email",
                              .field = "email",
                              .taken_reason = "EMAIL_TAKEN",
                              .taken = "is already registered",
                              .key_of =
                                  [](const Thing& t) {
                                    return absl::AsciiStrToLower(FieldOf(t, "email"));
                                  }}},
          .hidden = [](const Thing& t) { return t.fields().contains("erased"); }};
}

std::string Reason(const absl::Status& s) { return DetailsOf(s).reason(); }

struct Fixture {
  TempDir dir;
  std::unique_ptr<Store> store = testing::OpenTestStore(dir.path(), kCfs, absl::Milliseconds(100));
  EntityTable<Thing> things{*store, Options()};

  // Commits even after a refusal: whatever the call put in the transaction would show.
  absl::StatusOr<Versioned<Thing>> Insert(const Thing& thing) {
    auto txn = store->Begin();
    auto stored = things.Insert(*txn, thing);
    REQUIRE(txn->Commit().ok());
    return stored;
  }

  absl::StatusOr<Versioned<Thing>> Update(absl::string_view id, const Thing& changed) {
    auto txn = store->Begin();
    auto current = things.GetForUpdate(*txn, id);
    REQUIRE(current.ok());
    auto updated = things.Update(*txn, *current, changed);
    REQUIRE(txn->Commit().ok());
    return updated;
  }

  std::optional<std::string> IndexOwner(absl::string_view key) {
    auto owner = store->Get(store->cf("things_by_email"), key);
    REQUIRE(owner.ok());
    return *owner;
  }
};

TEST_CASE("An inserted record is read back by id and by its index key, with etag v1",
          "[entity_table]") {
  Fixture f;
  Thing thing = MakeThing("t_1", "Ann@Example.com");
  auto inserted = f.Insert(thing);
  REQUIRE(inserted.ok());
  CHECK(inserted->id == "t_1");
  CHECK(inserted->version == 1);
  CHECK(inserted->etag == "v1");

  auto got = f.things.Get("t_1");
  REQUIRE(got.ok());
  CHECK(got->etag == "v1");
  CHECK(got->record.fields_size() == 3);
  CHECK(FieldOf(got->record, "id") == "t_1");
  CHECK(FieldOf(got->record, "name") == "Ann");
  CHECK(FieldOf(got->record, "email") == "Ann@Example.com");  // as typed

  auto found = f.things.GetBy("email", "ann@example.com");
  REQUIRE(found.ok());
  CHECK(found->id == "t_1");
  CHECK(found->etag == "v1");
  // The index holds the key as key_of makes it.
  CHECK(f.IndexOwner("ann@example.com") == std::optional<std::string>("t_1"));
}

TEST_CASE("A taken key in another letter case is ALREADY_EXISTS naming the field, nothing written",
          "[entity_table]") {
  Fixture f;
  REQUIRE(f.Insert(MakeThing("t_1", "ann@example.com")).ok());

  auto duplicate = f.Insert(MakeThing("t_2", "ANN@Example.COM", "Bo"));
  REQUIRE_FALSE(duplicate.ok());
  CHECK(duplicate.status().code() == absl::StatusCode::kAlreadyExists);
  CHECK(duplicate.status().message() == "a thing with this email already exists");
  auto details = DetailsOf(duplicate.status());
  CHECK(details.reason() == "EMAIL_TAKEN");
  REQUIRE(details.field_violations_size() == 1);
  CHECK(details.field_violations(0).field() == "email");
  CHECK(details.field_violations(0).description() == "is already registered");

  CHECK(f.things.Get("t_2").status().code() == absl::StatusCode::kNotFound);
  CHECK(f.IndexOwner("ann@example.com") == std::optional<std::string>("t_1"));
  auto first = f.things.GetBy("email", "ann@example.com");
  REQUIRE(first.ok());
  CHECK(FieldOf(first->record, "name") == "Ann");
}

TEST_CASE("Two inserts of one key at once: the second is ABORTED, its retry ALREADY_EXISTS",
          "[entity_table]") {
  Fixture f;
  auto first = f.store->Begin();
  REQUIRE(f.things.Insert(*first, MakeThing("t_1", "ann@example.com")).ok());
  auto second = f.store->Begin();
  auto contended = f.things.Insert(*second, MakeThing("t_2", "Ann@example.com"));
  CHECK(contended.status().code() == absl::StatusCode::kAborted);
  REQUIRE(first->Commit().ok());

  // The retry sees the winner.
  auto retry = f.store->Begin();
  auto again = f.things.Insert(*retry, MakeThing("t_2", "Ann@example.com"));
  CHECK(again.status().code() == absl::StatusCode::kAlreadyExists);
}

TEST_CASE("Unknown ids and keys are NOT_FOUND with the table's reason - no id is INVALID_ARGUMENT",
          "[entity_table]") {
  Fixture f;
  auto by_id = f.things.Get("t_nobody");
  CHECK(by_id.status().code() == absl::StatusCode::kNotFound);
  CHECK(Reason(by_id.status()) == "THING_NOT_FOUND");
  CHECK(by_id.status().message() == "no thing with this id");
  auto by_email = f.things.GetBy("email", "nobody@example.com");
  CHECK(by_email.status().code() == absl::StatusCode::kNotFound);
  CHECK(Reason(by_email.status()) == "THING_NOT_FOUND");
  CHECK(by_email.status().message() == "no thing with this email");

  auto txn = f.store->Begin();
  CHECK(f.things.GetForUpdate(*txn, "t_nobody").status().code() == absl::StatusCode::kNotFound);
  CHECK(f.things.Insert(*txn, MakeThing("", "ann@example.com")).status().code() ==
        absl::StatusCode::kInvalidArgument);
}

TEST_CASE("An update goes one version up and moves the index key when it changed",
          "[entity_table]") {
  Fixture f;
  REQUIRE(f.Insert(MakeThing("t_1", "ann@example.com")).ok());
  REQUIRE(f.Insert(MakeThing("t_2", "bo@example.com")).ok());

  // The same key in another letter case: the index is left as it is.
  auto renamed = f.Update("t_1", MakeThing("t_1", "Ann@Example.com", "Ann B."));
  REQUIRE(renamed.ok());
  CHECK(renamed->etag == "v2");
  CHECK(f.IndexOwner("ann@example.com") == std::optional<std::string>("t_1"));

  auto moved = f.Update("t_1", MakeThing("t_1", "ann.b@example.com"));
  REQUIRE(moved.ok());
  CHECK(moved->etag == "v3");
  CHECK(f.IndexOwner("ann.b@example.com") == std::optional<std::string>("t_1"));
  CHECK_FALSE(f.IndexOwner("ann@example.com").has_value());
  // The old key is free for another record.
  REQUIRE(f.Insert(MakeThing("t_3", "ann@example.com")).ok());

  // A key another record holds is refused, and the record stays as it was.
  auto taken = f.Update("t_1", MakeThing("t_1", "BO@example.com"));
  CHECK(taken.status().code() == absl::StatusCode::kAlreadyExists);
  CHECK(Reason(taken.status()) == "EMAIL_TAKEN");
  auto unchanged = f.things.Get("t_1");
  REQUIRE(unchanged.ok());
  CHECK(unchanged->etag == "v3");
  CHECK(f.IndexOwner("bo@example.com") == std::optional<std::string>("t_2"));

  // An empty key leaves the index.
  auto keyless = f.Update("t_1", MakeThing("t_1", ""));
  REQUIRE(keyless.ok());
  CHECK_FALSE(f.IndexOwner("ann.b@example.com").has_value());
  CHECK(f.things.GetBy("email", "ann.b@example.com").status().code() ==
        absl::StatusCode::kNotFound);
}

TEST_CASE("Hidden records are NOT_FOUND, but GetOrNew answers them - an absent one is version 0",
          "[entity_table]") {
  Fixture f;
  REQUIRE(f.Insert(MakeThing("t_1", "ann@example.com")).ok());
  Thing erased = MakeThing("t_1", "");
  (*erased.mutable_fields())["erased"].set_bool_value(true);
  auto txn = f.store->Begin();
  auto current = f.things.GetForUpdate(*txn, "t_1");
  REQUIRE(current.ok());
  REQUIRE(f.things.ReleaseKey(*txn, "email", "ann@example.com").ok());
  REQUIRE(f.things.Update(*txn, *current, erased).ok());
  REQUIRE(txn->Commit().ok());

  CHECK(Reason(f.things.Get("t_1").status()) == "THING_NOT_FOUND");
  CHECK(f.things.GetBy("email", "ann@example.com").status().code() == absl::StatusCode::kNotFound);
  auto raw = f.things.GetOrNew("t_1");
  REQUIRE(raw.ok());
  CHECK(raw->version == 2);
  CHECK(raw->record.fields().contains("erased"));
  // The key is free again.
  REQUIRE(f.Insert(MakeThing("t_2", "ann@example.com")).ok());

  auto absent = f.things.GetOrNew("t_nobody");
  REQUIRE(absent.ok());
  CHECK(absent->id == "t_nobody");
  CHECK(absent->version == 0);
  CHECK(absent->etag.empty());
  // Written from version 0, a record without an id of its own starts at version 1.
  auto write = f.store->Begin();
  auto created = f.things.Update(*write, *absent, MakeThing("", "new@example.com"));
  REQUIRE(created.ok());
  CHECK(created->etag == "v1");
  REQUIRE(write->Commit().ok());
  CHECK(f.IndexOwner("new@example.com") == std::optional<std::string>("t_nobody"));
}

TEST_CASE("Records and their keys survive closing and reopening the store", "[entity_table]") {
  TempDir dir;
  auto open = [&] {
    auto store = Store::Open({.path = dir.path(), .column_families = kCfs});
    REQUIRE(store.ok());
    return std::move(*store);
  };
  {
    auto store = open();
    EntityTable<Thing> things(*store, Options());
    auto txn = store->Begin();
    REQUIRE(things.Insert(*txn, MakeThing("t_1", "ann@example.com")).ok());
    REQUIRE(txn->Commit().ok());
  }
  auto store = open();
  EntityTable<Thing> things(*store, Options());
  auto found = things.GetBy("email", "ann@example.com");
  REQUIRE(found.ok());
  CHECK(found->id == "t_1");
  CHECK(found->etag == "v1");
  auto txn = store->Begin();
  CHECK(things.Insert(*txn, MakeThing("t_2", "ann@example.com")).status().code() ==
        absl::StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace crm::platform
