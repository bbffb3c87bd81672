#include "platform/runtime/revocations.h"

#include <catch2/catch.hpp>

#include "crm/events/v1/customers.pb.h"
#include "platform/base/errors.h"
#include "platform/base/metrics.h"
#include "platform/testing/test_support.h"

namespace crm::platform {
namespace {

using testing::TempDir;

struct Fixture {
  TempDir dir;
  std::unique_ptr<Store> store = testing::OpenTestStore(dir.path());
  ManualClock clock{absl::FromUnixSeconds(1'800'000'000)};
  std::unique_ptr<Metrics> metrics = Metrics::InMemory();
  Timers timers{*store, clock, *metrics};
  Revocations revocations{*store, timers, clock, absl::Minutes(20)};

  void Deliver(const google::protobuf::Message& payload) {
    events::v1::EventEnvelope envelope;
    envelope.mutable_payload()->PackFrom(payload);
    auto txn = store->Begin();
    REQUIRE(revocations.Apply(*txn, envelope).ok());
    REQUIRE(txn->Commit().ok());
  }
};

TokenClaims Claims(const std::string& subject, const std::string& session, int64_t version) {
  return {.subject = subject, .role = "customer", .token_version = version, .session_id = session};
}

bool Refused(const absl::Status& s) {
  return s.code() == absl::StatusCode::kUnauthenticated && DetailsOf(s).reason() == "TOKEN_REVOKED";
}

TEST_CASE("a revoked session's tokens are refused - others of the subject are not",
          "[revocations]") {
  Fixture f;
  CHECK(f.revocations.Check(Claims("c_1", "s_1", 0)).ok());
  events::v1::SessionRevoked revoked;
  revoked.set_session_id("s_1");
  revoked.set_subject("c_1");
  f.Deliver(revoked);
  CHECK(Refused(f.revocations.Check(Claims("c_1", "s_1", 0))));
  CHECK(f.revocations.Check(Claims("c_1", "s_2", 0)).ok());
}

TEST_CASE("a raised token version refuses older tokens only, and never goes down",
          "[revocations]") {
  Fixture f;
  events::v1::TokenVersionRaised raised;
  raised.set_subject("c_1");
  raised.set_token_version(3);
  f.Deliver(raised);
  CHECK(Refused(f.revocations.Check(Claims("c_1", "s_1", 2))));
  CHECK(f.revocations.Check(Claims("c_1", "s_1", 3)).ok());
  CHECK(f.revocations.Check(Claims("c_2", "s_9", 0)).ok());

  raised.set_token_version(2);  // an older event delivered late
  f.Deliver(raised);
  CHECK(Refused(f.revocations.Check(Claims("c_1", "s_1", 2))));
}

TEST_CASE("a raise that kept the caller's session (password change) leaves its tokens good",
          "[revocations]") {
  Fixture f;
  events::v1::TokenVersionRaised raised;
  raised.set_subject("c_1");
  raised.set_token_version(1);
  raised.set_kept_session_id("s_caller");
  f.Deliver(raised);
  CHECK(f.revocations.Check(Claims("c_1", "s_caller", 0)).ok());
  CHECK(Refused(f.revocations.Check(Claims("c_1", "s_other", 0))));
  CHECK(Refused(f.revocations.Check(Claims("c_1", "", 0))));

  // A second change from the same session keeps it again.
  raised.set_token_version(2);
  f.Deliver(raised);
  CHECK(f.revocations.Check(Claims("c_1", "s_caller", 0)).ok());

  // A raise that keeps nothing (a reset, an erasure) ends it too; a late copy of the older
  // raise brings it back neither.
  raised.set_token_version(3);
  raised.clear_kept_session_id();
  f.Deliver(raised);
  CHECK(Refused(f.revocations.Check(Claims("c_1", "s_caller", 2))));
  raised.set_token_version(2);
  raised.set_kept_session_id("s_caller");
  f.Deliver(raised);
  CHECK(Refused(f.revocations.Check(Claims("c_1", "s_caller", 2))));
  CHECK(f.revocations.Check(Claims("c_1", "s_new", 3)).ok());
}

TEST_CASE("entries go once every token they could refuse has expired", "[revocations]") {
  Fixture f;
  events::v1::SessionRevoked revoked;
  revoked.set_session_id("s_1");
  f.Deliver(revoked);
  f.clock.Advance(absl::Minutes(20) - absl::Seconds(1));
  REQUIRE(*f.timers.FireDue() == 0);
  CHECK(Refused(f.revocations.Check(Claims("c_1", "s_1", 0))));
  f.clock.Advance(absl::Seconds(1));
  REQUIRE(*f.timers.FireDue() == 1);
  CHECK(f.revocations.Check(Claims("c_1", "s_1", 0)).ok());
}

TEST_CASE("other events are ignored", "[revocations]") {
  Fixture f;
  events::v1::CustomerRegistered other;
  other.set_customer_id("c_1");
  f.Deliver(other);
  CHECK(f.revocations.Check(Claims("c_1", "s_1", 0)).ok());
}

}  // namespace
}  // namespace crm::platform
