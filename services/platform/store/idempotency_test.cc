#include "platform/store/idempotency.h"

#include <google/protobuf/wrappers.pb.h>

#include <catch2/catch.hpp>
#include <optional>

#include "platform/base/clock.h"
#include "platform/base/errors.h"
#include "platform/store/timers.h"
#include "platform/testing/test_support.h"

namespace crm::platform {
namespace {

using google::protobuf::StringValue;
using testing::OpenTestStore;
using testing::TempDir;

const absl::Time kStart = absl::FromUnixSeconds(1'700'000'000);

StringValue Message(absl::string_view text) {
  StringValue m;
  m.set_value(std::string(text));
  return m;
}

struct Fixture {
  TempDir dir;
  ManualClock clock{kStart};
  std::unique_ptr<Metrics> metrics = Metrics::InMemory();
  std::unique_ptr<Store> store = OpenTestStore(dir.path());
  Timers timers{*store, clock, *metrics};
  Idempotency idempotency{*store, timers, clock};

  // One whole call as a handler makes it: claim, look up, else "do the work" (answer `answer`)
  // and record. Answers the response the caller gets, or the error.
  absl::StatusOr<std::string> Call(absl::string_view caller, absl::string_view method,
                                   absl::string_view key, absl::string_view request,
                                   absl::string_view answer) {
    auto claim = idempotency.Begin(caller, method, key, Message(request));
    if (!claim.ok()) return claim.status();
    auto txn = store->Begin();
    StringValue response;
    auto stored = idempotency.Lookup(*txn, *claim, &response);
    if (!stored.ok()) return stored.status();
    if (*stored) return response.value();
    response = Message(answer);
    if (absl::Status s = idempotency.Record(*txn, *claim, response); !s.ok()) return s;
    if (absl::Status s = txn->Commit(); !s.ok()) return s;
    return response.value();
  }
};

TEST_CASE("The same key and request get the stored answer", "[idempotency]") {
  Fixture f;
  auto first = f.Call("ann", "CreateCustomer", "key-1", "create ann", "customer c_1");
  REQUIRE(first.ok());
  CHECK(*first == "customer c_1");
  // A retry would do the work again and answer differently; the stored answer wins.
  auto retry = f.Call("ann", "CreateCustomer", "key-1", "create ann", "customer c_2");
  REQUIRE(retry.ok());
  CHECK(*retry == "customer c_1");
}

TEST_CASE("The same key with another request is refused with IDEMPOTENCY_KEY_REUSED",
          "[idempotency]") {
  Fixture f;
  REQUIRE(f.Call("ann", "CreateCustomer", "key-1", "create ann", "customer c_1").ok());
  auto reused = f.Call("ann", "CreateCustomer", "key-1", "create bob", "customer c_2");
  REQUIRE_FALSE(reused.ok());
  CHECK(reused.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(DetailsOf(reused.status()).reason() == "IDEMPOTENCY_KEY_REUSED");
}

TEST_CASE("An answer not committed is not stored", "[idempotency]") {
  Fixture f;
  {
    auto claim = f.idempotency.Begin("ann", "CreateCustomer", "key-1", Message("create ann"));
    REQUIRE(claim.ok());
    auto txn = f.store->Begin();
    REQUIRE(f.idempotency.Record(*txn, *claim, Message("customer c_1")).ok());
    // The effect failed: no commit.
  }
  auto again = f.Call("ann", "CreateCustomer", "key-1", "create bob", "customer c_2");
  REQUIRE(again.ok());
  CHECK(*again == "customer c_2");
}

TEST_CASE("A key in use is refused with IDEMPOTENCY_IN_PROGRESS until its claim ends",
          "[idempotency]") {
  Fixture f;
  std::optional<Idempotency::Claim> running;
  {
    auto claim = f.idempotency.Begin("ann", "CreateCustomer", "key-1", Message("create ann"));
    REQUIRE(claim.ok());
    CHECK(claim->active());
    running.emplace(std::move(*claim));
  }
  auto second = f.idempotency.Begin("ann", "CreateCustomer", "key-1", Message("create ann"));
  REQUIRE_FALSE(second.ok());
  CHECK(second.status().code() == absl::StatusCode::kAborted);
  CHECK(DetailsOf(second.status()).reason() == "IDEMPOTENCY_IN_PROGRESS");

  // Other keys, callers and methods are not held up.
  CHECK(f.idempotency.Begin("ann", "CreateCustomer", "key-2", Message("x")).ok());
  CHECK(f.idempotency.Begin("bob", "CreateCustomer", "key-1", Message("x")).ok());
  CHECK(f.idempotency.Begin("ann", "CancelOrder", "key-1", Message("x")).ok());

  running.reset();
  CHECK(f.idempotency.Begin("ann", "CreateCustomer", "key-1", Message("create ann")).ok());
}

TEST_CASE("A moved claim holds the key until its new owner ends", "[idempotency]") {
  Fixture f;
  auto claim = f.idempotency.Begin("ann", "CreateCustomer", "key-1", Message("create ann"));
  REQUIRE(claim.ok());
  {
    Idempotency::Claim moved(std::move(*claim));
    CHECK(moved.active());
    CHECK_FALSE(claim->active());
  }
  // `moved` ended; the key is free although `claim` still exists.
  CHECK(f.idempotency.Begin("ann", "CreateCustomer", "key-1", Message("create ann")).ok());
}

TEST_CASE("Release frees the key before the claim ends, so a retry right after the answer runs",
          "[idempotency]") {
  Fixture f;
  auto claim = f.idempotency.Begin("ann", "CreateCustomer", "key-1", Message("create ann"));
  REQUIRE(claim.ok());
  claim->Release();
  CHECK_FALSE(claim->active());
  auto retry = f.idempotency.Begin("ann", "CreateCustomer", "key-1", Message("create ann"));
  CHECK(retry.ok());
  claim->Release();  // again, and then the destructor: harmless, the retry keeps its claim
  CHECK_FALSE(f.idempotency.Begin("ann", "CreateCustomer", "key-1", Message("create ann")).ok());
}

TEST_CASE("Without a key nothing is claimed or looked up or stored", "[idempotency]") {
  Fixture f;
  auto claim = f.idempotency.Begin("ann", "CreateCustomer", "", Message("create ann"));
  REQUIRE(claim.ok());
  CHECK_FALSE(claim->active());
  // A second call without a key is not "in progress".
  CHECK(f.idempotency.Begin("ann", "CreateCustomer", "", Message("create ann")).ok());

  auto first = f.Call("ann", "CreateCustomer", "", "create ann", "customer c_1");
  auto second = f.Call("ann", "CreateCustomer", "", "create ann", "customer c_2");
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  CHECK(*first == "customer c_1");
  CHECK(*second == "customer c_2");

  int records = 0;
  REQUIRE(f.store
              ->Scan(f.store->cf(kIdempotencyCf), "", "",
                     [&](absl::string_view, absl::string_view) {
                       ++records;
                       return true;
                     })
              .ok());
  CHECK(records == 0);
}

TEST_CASE("Keys are scoped per caller and per method", "[idempotency]") {
  Fixture f;
  REQUIRE(f.Call("ann", "CreateCustomer", "key-1", "request A", "ann's answer").ok());

  auto other_caller = f.Call("bob", "CreateCustomer", "key-1", "request B", "bob's answer");
  REQUIRE(other_caller.ok());
  CHECK(*other_caller == "bob's answer");

  auto other_method = f.Call("ann", "CancelOrder", "key-1", "request C", "cancel answer");
  REQUIRE(other_method.ok());
  CHECK(*other_method == "cancel answer");

  // Parts cannot run into each other: ("a", "bc") is not ("ab", "c").
  REQUIRE(f.Call("a", "bc", "k", "request D", "first scope").ok());
  auto shifted = f.Call("ab", "c", "k", "request E", "second scope");
  REQUIRE(shifted.ok());
  CHECK(*shifted == "second scope");

  auto original = f.Call("ann", "CreateCustomer", "key-1", "request A", "new answer");
  REQUIRE(original.ok());
  CHECK(*original == "ann's answer");
}

TEST_CASE("After 24 hours the expiry timer frees the key", "[idempotency]") {
  Fixture f;
  REQUIRE(f.Call("ann", "CreateCustomer", "key-1", "create ann", "customer c_1").ok());

  f.clock.Advance(absl::Hours(24) - absl::Seconds(1));
  auto fired = f.timers.FireDue();
  REQUIRE(fired.ok());
  CHECK(*fired == 0);
  auto still_kept = f.Call("ann", "CreateCustomer", "key-1", "create bob", "customer c_2");
  CHECK(DetailsOf(still_kept.status()).reason() == "IDEMPOTENCY_KEY_REUSED");

  f.clock.Advance(absl::Seconds(1));
  fired = f.timers.FireDue();
  REQUIRE(fired.ok());
  CHECK(*fired == 1);
  auto fresh = f.Call("ann", "CreateCustomer", "key-1", "create bob", "customer c_2");
  REQUIRE(fresh.ok());
  CHECK(*fresh == "customer c_2");
}

TEST_CASE("A stored answer survives a restart", "[idempotency]") {
  TempDir dir;
  ManualClock clock{kStart};
  auto metrics = Metrics::InMemory();
  auto answer = [&](absl::string_view request, absl::string_view fresh_answer) {
    auto store = OpenTestStore(dir.path());
    Timers timers{*store, clock, *metrics};
    Idempotency idempotency{*store, timers, clock};
    auto claim = idempotency.Begin("ann", "CreateCustomer", "key-1", Message(request));
    REQUIRE(claim.ok());
    auto txn = store->Begin();
    StringValue response;
    auto stored = idempotency.Lookup(*txn, *claim, &response);
    REQUIRE(stored.ok());
    if (*stored) return response.value();
    REQUIRE(idempotency.Record(*txn, *claim, Message(fresh_answer)).ok());
    REQUIRE(txn->Commit().ok());
    return std::string(fresh_answer);
  };
  CHECK(answer("create ann", "customer c_1") == "customer c_1");
  // A new process on the same directory.
  CHECK(answer("create ann", "customer c_2") == "customer c_1");
}

}  // namespace
}  // namespace crm::platform

namespace crm::platform {
namespace {

TEST_CASE("The request hashes depend on the pepper kept outside the store", "[idempotency]") {
  Fixture f;
  REQUIRE(f.Call("ann", "CreateCustomer", "key-1", "create ann", "customer c_1").ok());
  // The same store with another pepper (a copy of the store without the service's key)
  // cannot tell whether a request matches a stored hash: to it, every request looks different.
  Idempotency other(*f.store, f.timers, f.clock, absl::Hours(24), "another pepper");
  auto claim = other.Begin("ann", "CreateCustomer", "key-1", Message("create ann"));
  REQUIRE(claim.ok());
  StringValue response;
  auto txn = f.store->Begin();
  auto stored = other.Lookup(*txn, *claim, &response);
  CHECK(DetailsOf(stored.status()).reason() == "IDEMPOTENCY_KEY_REUSED");
}

TEST_CASE("Anonymous callers cannot poison or probe each other's keys", "[idempotency]") {
  Fixture f;
  // A stranger uses the key first, with another body: the owner's request still runs.
  REQUIRE(f.Call(kAnonymousCaller, "Login", "key-1", "mallory's login", "mallory's answer").ok());
  auto owner = f.Call(kAnonymousCaller, "Login", "key-1", "ann's login", "ann's answer");
  REQUIRE(owner.ok());
  CHECK(*owner == "ann's answer");

  // The owner's retry (same key, same body) gets the stored answer, not a second run.
  auto retry = f.Call(kAnonymousCaller, "Login", "key-1", "ann's login", "ann's second answer");
  REQUIRE(retry.ok());
  CHECK(*retry == "ann's answer");

  // A probe with the key and any other body learns nothing: neither 422 nor the stored answer.
  auto probe = f.Call(kAnonymousCaller, "Login", "key-1", "guess", "the probe's own answer");
  REQUIRE(probe.ok());
  CHECK(*probe == "the probe's own answer");

  // Nor does a running request hold up a stranger's with the same key.
  auto running = f.idempotency.Begin(kAnonymousCaller, "Login", "key-2", Message("ann's login"));
  REQUIRE(running.ok());
  CHECK(f.idempotency.Begin(kAnonymousCaller, "Login", "key-2", Message("other")).ok());
  auto same = f.idempotency.Begin(kAnonymousCaller, "Login", "key-2", Message("ann's login"));
  REQUIRE_FALSE(same.ok());
  CHECK(DetailsOf(same.status()).reason() == "IDEMPOTENCY_IN_PROGRESS");
}

}  // namespace
}  // namespace crm::platform
