#include "platform/store/entity.h"

#include <catch2/catch.hpp>

#include "platform/base/errors.h"
#include "platform/testing/test_support.h"

namespace crm::platform {
namespace {

using testing::OpenTestStore;
using testing::TempDir;

TEST_CASE("Etags name the version", "[entity]") {
  CHECK(EtagOf(1) == "v1");
  CHECK(EtagOf(42) == "v42");
  CHECK(Entity{7, "x"}.etag() == "v7");
}

TEST_CASE("Entities are stored with their version and read back", "[entity]") {
  TempDir dir;
  auto store = OpenTestStore(dir.path(), {"things"});
  ColumnFamily cf = store->cf("things");

  auto absent = ReadEntity(*store, cf, "t1");
  REQUIRE(absent.ok());
  CHECK_FALSE(absent->has_value());

  auto create = store->Begin();
  REQUIRE(WriteEntity(*create, cf, "t1", 1, std::string("first\0payload", 13)).ok());
  REQUIRE(create->Commit().ok());

  auto v1 = ReadEntity(*store, cf, "t1");
  REQUIRE(v1.ok());
  REQUIRE(v1->has_value());
  CHECK((*v1)->version == 1);
  CHECK((*v1)->etag() == "v1");
  CHECK((*v1)->data == std::string("first\0payload", 13));

  // An update: read under lock, check the client's etag, write the next version.
  auto update = store->Begin();
  auto current = ReadEntityForUpdate(*update, cf, "t1");
  REQUIRE(current.ok());
  REQUIRE(current->has_value());
  REQUIRE(CheckEtag(**current, "v1").ok());
  REQUIRE(WriteEntity(*update, cf, "t1", (*current)->version + 1, "second").ok());
  REQUIRE(update->Commit().ok());

  auto v2 = ReadEntity(*store, cf, "t1");
  REQUIRE(v2.ok());
  REQUIRE(v2->has_value());
  CHECK((*v2)->version == 2);
  CHECK((*v2)->etag() == "v2");
  CHECK((*v2)->data == "second");
}

TEST_CASE("CheckEtag accepts no precondition or the wildcard or the current etag quoted or not",
          "[entity]") {
  Entity current{2, "data"};
  CHECK(CheckEtag(current, "").ok());
  CHECK(CheckEtag(current, "*").ok());
  CHECK(CheckEtag(current, "\"*\"").ok());
  CHECK(CheckEtag(current, "v2").ok());
  CHECK(CheckEtag(current, "\"v2\"").ok());
}

TEST_CASE("CheckEtag refuses a stale etag with FAILED_PRECONDITION / ETAG_MISMATCH", "[entity]") {
  Entity current{2, "data"};
  for (const char* stale : {"v1", "\"v1\"", "v3", "2", "garbage", "\""}) {
    INFO("If-Match: " << stale);
    absl::Status s = CheckEtag(current, stale);
    REQUIRE_FALSE(s.ok());
    CHECK(s.code() == absl::StatusCode::kFailedPrecondition);
    CHECK(DetailsOf(s).reason() == "ETAG_MISMATCH");
    // The client learns which version is current.
    CHECK(s.message().find("v2") != absl::string_view::npos);
  }
}

TEST_CASE("A stored value too short to hold a version reads as INTERNAL", "[entity]") {
  TempDir dir;
  auto store = OpenTestStore(dir.path(), {"things"});
  ColumnFamily cf = store->cf("things");
  auto txn = store->Begin();
  REQUIRE(txn->Put(cf, "broken", "short").ok());
  REQUIRE(txn->Commit().ok());

  auto read = ReadEntity(*store, cf, "broken");
  REQUIRE_FALSE(read.ok());
  CHECK(read.status().code() == absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace crm::platform
