#include "platform/store/owned_records.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "platform/testing/test_support.h"

namespace crm::platform {
namespace {

using testing::OpenTestStore;
using testing::TempDir;

struct Fixture {
  TempDir dir;
  std::unique_ptr<Store> store = OpenTestStore(dir.path(), {"things"});
  OwnedRecords things{*store, "things"};

  void Put(absl::string_view owner, absl::string_view id, absl::string_view data) {
    auto txn = store->Begin();
    REQUIRE(things.Put(*txn, owner, id, 1, data).ok());
    REQUIRE(txn->Commit().ok());
  }

  // "<id>=<data>" of the owner's records from `from_id` on, at most `limit`.
  std::vector<std::string> List(absl::string_view owner, absl::string_view from_id = "",
                                size_t limit = 100) {
    std::vector<std::string> seen;
    REQUIRE(things
                .List(owner, from_id,
                      [&](absl::string_view id, const Entity& e) {
                        seen.push_back(std::string(id) + "=" + e.data);
                        return seen.size() < limit;
                      })
                .ok());
    return seen;
  }
};

TEST_CASE("Owned records are read back with their version, per owner", "[owned_records]") {
  Fixture f;
  f.Put("c_1", "a_1", "first");
  auto got = f.things.Get("c_1", "a_1");
  REQUIRE(got.ok());
  REQUIRE(got->has_value());
  CHECK((*got)->data == "first");
  CHECK((*got)->etag() == "v1");

  // Another owner's id finds nothing.
  auto other = f.things.Get("c_2", "a_1");
  REQUIRE(other.ok());
  CHECK_FALSE(other->has_value());

  // An update: read under lock, write the next version.
  auto txn = f.store->Begin();
  auto current = f.things.GetForUpdate(*txn, "c_1", "a_1");
  REQUIRE(current.ok());
  REQUIRE(current->has_value());
  REQUIRE(f.things.Put(*txn, "c_1", "a_1", (*current)->version + 1, "second").ok());
  REQUIRE(txn->Commit().ok());
  auto updated = f.things.Get("c_1", "a_1");
  REQUIRE(updated.ok());
  CHECK((*updated)->data == "second");
  CHECK((*updated)->etag() == "v2");
}

TEST_CASE("An owner's records are listed in id order, from an id on, and no one else's",
          "[owned_records]") {
  Fixture f;
  f.Put("c_1", "b", "2");
  f.Put("c_1", "a", "1");
  f.Put("c_1", "c", "3");
  // Owners whose ids start with the other's: never mixed up.
  f.Put("c_10", "a", "x");
  f.Put("c_", "a", "y");

  CHECK(f.List("c_1") == std::vector<std::string>{"a=1", "b=2", "c=3"});
  CHECK(f.List("c_1", "b") == std::vector<std::string>{"b=2", "c=3"});
  CHECK(f.List("c_1", "", 2) == std::vector<std::string>{"a=1", "b=2"});
  CHECK(f.List("c_10") == std::vector<std::string>{"a=x"});
  CHECK(f.List("c_2").empty());
}

TEST_CASE("Deleting one record or all of an owner's leaves the others", "[owned_records]") {
  Fixture f;
  f.Put("c_1", "a", "1");
  f.Put("c_1", "b", "2");
  f.Put("c_1", "c", "3");
  f.Put("c_2", "a", "other");

  auto one = f.store->Begin();
  REQUIRE(f.things.Delete(*one, "c_1", "b").ok());
  REQUIRE(one->Commit().ok());
  CHECK(f.List("c_1") == std::vector<std::string>{"a=1", "c=3"});

  auto all = f.store->Begin();
  auto deleted = f.things.DeleteAll(*all, "c_1");
  REQUIRE(deleted.ok());
  CHECK(*deleted == 2);
  REQUIRE(all->Commit().ok());
  CHECK(f.List("c_1").empty());
  CHECK(f.List("c_2") == std::vector<std::string>{"a=other"});
}

TEST_CASE("A stored record too short to hold a version stops the listing with INTERNAL",
          "[owned_records]") {
  Fixture f;
  f.Put("c_1", "a", "1");
  auto txn = f.store->Begin();
  REQUIRE(txn->Put(f.store->cf("things"), "c_1/b", "short").ok());
  REQUIRE(txn->Commit().ok());

  absl::Status listed =
      f.things.List("c_1", "", [](absl::string_view, const Entity&) { return true; });
  CHECK(listed.code() == absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace crm::platform
