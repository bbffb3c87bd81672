#include "customers/store/session_store.h"

#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "customers/store/customer_store.h"
#include "platform/base/errors.h"
#include "platform/base/metrics.h"
#include "platform/store/timers.h"
#include "platform/testing/test_support.h"

namespace crm::customers {
namespace {

using platform::testing::TempDir;

store::v1::SessionRecord Session(absl::string_view id, absl::string_view subject,
                                 int64_t version = 0) {
  store::v1::SessionRecord r;
  r.set_session_id(std::string(id));
  r.set_subject(std::string(subject));
  r.set_role("customer");
  r.set_refresh_secret_hash(std::string(32, 'h'));
  r.mutable_created_at()->set_seconds(1'700'000'000);
  r.mutable_refresh_expires_at()->set_seconds(1'700'000'000 + 30 * 86400);
  r.set_token_version(version);
  return r;
}

platform::TokenClaims Claims(absl::string_view sid, absl::string_view subject,
                             int64_t version = 0) {
  return {.subject = std::string(subject),
          .role = "customer",
          .token_version = version,
          .session_id = std::string(sid)};
}

std::string Reason(const absl::Status& s) { return platform::DetailsOf(s).reason(); }

struct Fixture {
  TempDir dir;
  std::unique_ptr<platform::Store> store = Open();
  platform::ManualClock clock{absl::FromUnixSeconds(1'700'000'000)};
  std::unique_ptr<platform::Metrics> metrics = platform::Metrics::InMemory();
  platform::Timers timers{*store, clock, *metrics};
  SessionStore sessions{*store, timers};

  std::unique_ptr<platform::Store> Open() {
    return platform::testing::OpenTestStore(dir.path(), kColumnFamilies, absl::Milliseconds(100));
  }

  void Create(const store::v1::SessionRecord& record) {
    auto txn = store->Begin();
    REQUIRE(sessions.Create(*txn, record).ok());
    REQUIRE(txn->Commit().ok());
  }
};

TEST_CASE("a created session reads back - an unknown one is NOT_FOUND", "[session_store]") {
  Fixture f;
  f.Create(Session("s_1", "c_1", 4));
  auto got = f.sessions.Get("s_1");
  REQUIRE(got.ok());
  CHECK(got->SerializeAsString() == Session("s_1", "c_1", 4).SerializeAsString());

  auto missing = f.sessions.Get("s_2");
  CHECK(missing.status().code() == absl::StatusCode::kNotFound);
  CHECK(Reason(missing.status()) == "SESSION_NOT_FOUND");
}

TEST_CASE("Create refuses a taken id and a missing one", "[session_store]") {
  Fixture f;
  f.Create(Session("s_1", "c_1"));
  auto txn = f.store->Begin();
  CHECK(f.sessions.Create(*txn, Session("s_1", "c_2")).code() == absl::StatusCode::kAlreadyExists);
  CHECK(f.sessions.Create(*txn, Session("", "c_2")).code() == absl::StatusCode::kInvalidArgument);
  REQUIRE(txn->Commit().ok());
  CHECK(f.sessions.Get("s_1")->subject() == "c_1");
}

TEST_CASE("GetForUpdate then Put changes the session - the lock keeps others out",
          "[session_store]") {
  Fixture f;
  f.Create(Session("s_1", "c_1"));
  auto txn = f.store->Begin();
  auto session = f.sessions.GetForUpdate(*txn, "s_1");
  REQUIRE(session.ok());
  session->set_revoked(true);
  REQUIRE(f.sessions.Put(*txn, *session).ok());

  // Another transaction cannot take the session while the first holds it.
  auto other = f.store->Begin();
  CHECK(f.sessions.GetForUpdate(*other, "s_1").status().code() == absl::StatusCode::kAborted);
  CHECK_FALSE(f.sessions.Get("s_1")->revoked());  // not committed yet

  REQUIRE(txn->Commit().ok());
  CHECK(f.sessions.Get("s_1")->revoked());
  auto none = f.store->Begin();
  CHECK(f.sessions.GetForUpdate(*none, "s_9").status().code() == absl::StatusCode::kNotFound);
}

TEST_CASE(
    "CheckActive accepts only a live session of the same subject and version, or one that "
    "moved past the token's version",
    "[session_store]") {
  Fixture f;
  f.Create(Session("s_1", "c_1", 2));
  CHECK(f.sessions.CheckActive(Claims("s_1", "c_1", 2)).ok());
  // A session at version 2 kept through a raise from 1 (the caller of a password change): its
  // tokens of version 1 stay good. Every session a raise did not keep is revoked.
  CHECK(f.sessions.CheckActive(Claims("s_1", "c_1", 1)).ok());

  auto refused = [&](const platform::TokenClaims& claims) {
    absl::Status s = f.sessions.CheckActive(claims);
    CHECK(s.code() == absl::StatusCode::kUnauthenticated);
    CHECK(Reason(s) == "TOKEN_REVOKED");
  };
  refused(Claims("s_1", "c_2", 2));  // another subject's session
  refused(Claims("s_1", "c_1", 3));  // a version the session never had
  refused(Claims("s_9", "c_1", 2));  // no such session
  refused(Claims("", "c_1", 2));     // a token naming no session

  auto txn = f.store->Begin();
  auto session = f.sessions.GetForUpdate(*txn, "s_1");
  REQUIRE(session.ok());
  session->set_revoked(true);
  REQUIRE(f.sessions.Put(*txn, *session).ok());
  REQUIRE(txn->Commit().ok());
  refused(Claims("s_1", "c_1", 2));
}

TEST_CASE("RevokeAllOf ends every session of the subject but the kept one, which moves on",
          "[session_store]") {
  Fixture f;
  f.Create(Session("s_1", "c_1", 2));
  f.Create(Session("s_2", "c_1", 2));
  f.Create(Session("s_3", "c_1", 2));
  f.Create(Session("s_4", "c_10", 2));  // another customer whose id shares the prefix

  auto txn = f.store->Begin();
  auto revoked = f.sessions.RevokeAllOf(*txn, "c_1", "s_2", 3);
  REQUIRE(revoked.ok());
  CHECK(*revoked == 2);
  REQUIRE(txn->Commit().ok());

  CHECK(f.sessions.Get("s_1")->revoked());
  CHECK(f.sessions.Get("s_3")->revoked());
  CHECK_FALSE(f.sessions.Get("s_2")->revoked());
  CHECK(f.sessions.CheckActive(Claims("s_2", "c_1", 3)).ok());
  // The kept session's tokens made before the raise go on (the caller of a password change).
  CHECK(f.sessions.CheckActive(Claims("s_2", "c_1", 2)).ok());
  CHECK_FALSE(f.sessions.CheckActive(Claims("s_1", "c_1", 2)).ok());
  CHECK(f.sessions.CheckActive(Claims("s_4", "c_10", 2)).ok());

  // Nothing kept: all of them (already revoked ones are not counted twice).
  auto all = f.store->Begin();
  auto again = f.sessions.RevokeAllOf(*all, "c_1", "", 4);
  REQUIRE(again.ok());
  CHECK(*again == 1);
  REQUIRE(all->Commit().ok());
  CHECK(f.sessions.Get("s_2")->revoked());
}

TEST_CASE("A session is deleted, index entry and all, when its refresh token expires",
          "[session_store]") {
  Fixture f;
  f.Create(Session("s_1", "c_1"));  // refresh expiry: 30 days after 1'700'000'000
  f.clock.Advance(absl::Hours(24 * 30) - absl::Seconds(1));
  REQUIRE(*f.timers.FireDue() == 0);
  CHECK(f.sessions.Get("s_1").ok());

  f.clock.Advance(absl::Seconds(1));
  REQUIRE(*f.timers.FireDue() == 1);
  CHECK(f.sessions.Get("s_1").status().code() == absl::StatusCode::kNotFound);
  auto txn = f.store->Begin();
  auto revoked = f.sessions.RevokeAllOf(*txn, "c_1", "", 1);
  REQUIRE(revoked.ok());
  CHECK(*revoked == 0);
}

}  // namespace
}  // namespace crm::customers
