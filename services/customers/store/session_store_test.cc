#include "customers/store/session_store.h"

#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "customers/store/customer_store.h"
#include "platform/errors.h"
#include "platform/test_support.h"

namespace crm::customers {
namespace {

using platform::testing::TempDir;

v1::SessionRecord Session(absl::string_view id, absl::string_view subject, int64_t version = 0) {
  v1::SessionRecord r;
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
  SessionStore sessions{*store};

  std::unique_ptr<platform::Store> Open() {
    auto opened = platform::Store::Open({.path = dir.path(),
                                         .column_families = kColumnFamilies,
                                         .lock_timeout = absl::Milliseconds(100)});
    REQUIRE(opened.ok());
    return std::move(*opened);
  }

  void Create(const v1::SessionRecord& record) {
    auto txn = store->Begin();
    REQUIRE(sessions.Create(*txn, record).ok());
    REQUIRE(txn->Commit().ok());
  }
};

TEST_CASE("a created session reads back; an unknown one is NOT_FOUND", "[session_store]") {
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

TEST_CASE("GetForUpdate then Put changes the session; the lock keeps others out",
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

TEST_CASE("CheckActive accepts only a live session of the same subject and version",
          "[session_store]") {
  Fixture f;
  f.Create(Session("s_1", "c_1", 2));
  CHECK(f.sessions.CheckActive(Claims("s_1", "c_1", 2)).ok());

  auto refused = [&](const platform::TokenClaims& claims) {
    absl::Status s = f.sessions.CheckActive(claims);
    CHECK(s.code() == absl::StatusCode::kUnauthenticated);
    CHECK(Reason(s) == "TOKEN_REVOKED");
  };
  refused(Claims("s_1", "c_2", 2));  // another subject's session
  refused(Claims("s_1", "c_1", 1));  // an older token version
  refused(Claims("s_1", "c_1", 3));
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

}  // namespace
}  // namespace crm::customers
