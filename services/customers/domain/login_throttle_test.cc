#include "customers/domain/login_throttle.h"

#include <catch2/catch.hpp>

namespace crm::customers {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);

TEST_CASE("the first failures are free, then each blocks twice as long, up to the cap",
          "[login_throttle]") {
  LoginThrottlePolicy policy{
      .free_failures = 3, .first_block = absl::Seconds(2), .max_block = absl::Seconds(10)};
  store::v1::LoginThrottleRecord record;
  absl::Time now = kStart;
  for (int i = 0; i < 3; ++i) {
    record = AfterFailure(record, now, policy);
    CHECK(WaitBefore(record, now) == absl::ZeroDuration());
  }
  record = AfterFailure(record, now, policy);
  CHECK(WaitBefore(record, now) == absl::Seconds(2));
  CHECK(WaitBefore(record, now + absl::Seconds(1)) == absl::Seconds(1));
  CHECK(WaitBefore(record, now + absl::Seconds(2)) == absl::ZeroDuration());
  record = AfterFailure(record, now, policy);
  CHECK(WaitBefore(record, now) == absl::Seconds(4));
  record = AfterFailure(record, now, policy);
  CHECK(WaitBefore(record, now) == absl::Seconds(8));
  for (int i = 0; i < 40; ++i) record = AfterFailure(record, now, policy);
  CHECK(WaitBefore(record, now) == absl::Seconds(10));
  CHECK(record.failures() == 46);
}

TEST_CASE("failures older than the quiet period are forgotten", "[login_throttle]") {
  LoginThrottlePolicy policy{.free_failures = 1, .forget_after = absl::Hours(1)};
  store::v1::LoginThrottleRecord record = AfterFailure({}, kStart, policy);
  record = AfterFailure(record, kStart, policy);
  CHECK(WaitBefore(record, kStart) > absl::ZeroDuration());
  CHECK(ForgetAt(record, policy) == kStart + absl::Hours(1));

  record = AfterFailure(record, kStart + absl::Hours(1), policy);
  CHECK(record.failures() == 1);
  CHECK(WaitBefore(record, kStart + absl::Hours(1)) == absl::ZeroDuration());
}

}  // namespace
}  // namespace crm::customers
