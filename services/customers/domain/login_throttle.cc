#include "customers/domain/login_throttle.h"

#include <algorithm>

#include "platform/base/proto_time.h"

namespace crm::customers {

store::v1::LoginThrottleRecord AfterFailure(const store::v1::LoginThrottleRecord& record,
                                            absl::Time now, const LoginThrottlePolicy& policy) {
  store::v1::LoginThrottleRecord next = record;
  bool forgotten = record.failures() == 0 ||
                   now - platform::FromTimestamp(record.last_failure_at()) >= policy.forget_after;
  next.set_failures(forgotten ? 1 : record.failures() + 1);
  *next.mutable_last_failure_at() = platform::ToTimestamp(now);
  int beyond = next.failures() - policy.free_failures;
  if (beyond > 0) {
    // Doubling stops at the cap long before the shift could overflow.
    absl::Duration block = policy.first_block * (int64_t{1} << std::min(beyond - 1, 20));
    *next.mutable_blocked_until() = platform::ToTimestamp(now + std::min(block, policy.max_block));
  } else {
    next.clear_blocked_until();
  }
  return next;
}

absl::Duration WaitBefore(const store::v1::LoginThrottleRecord& record, absl::Time now) {
  if (!record.has_blocked_until()) return absl::ZeroDuration();
  return std::max(absl::ZeroDuration(), platform::FromTimestamp(record.blocked_until()) - now);
}

absl::Time ForgetAt(const store::v1::LoginThrottleRecord& record,
                    const LoginThrottlePolicy& policy) {
  return platform::FromTimestamp(record.last_failure_at()) + policy.forget_after;
}

}  // namespace crm::customers
