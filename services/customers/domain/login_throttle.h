// Repeated wrong passwords slow one account down, whatever address they come from (the
// gateway's rate limits only see addresses and principals). The first few failures are free;
// each one after blocks the email for twice as long as the one before, up to a cap; a quiet
// period forgets them. Counted per email, known or not, so the answers tell nothing about which
// emails are registered. A blocked login is refused before its password is checked, so a
// guessing attack costs us no argon2id runs either.
//
//   LoginThrottlePolicy policy;
//   if (absl::Duration wait = WaitBefore(record, now); wait > absl::ZeroDuration()) refuse;
//   ...wrong password...
//   record = AfterFailure(record, now, policy);
//
// Pure functions; the record lives in store/login_throttle_store.h.
#pragma once

#include "absl/time/time.h"
#include "customers/domain/reasons.h"
#include "customers/store/records.pb.h"

namespace crm::customers {

struct LoginThrottlePolicy {
  // Wrong passwords in a row that cost nothing. Default 5.
  int free_failures = 5;
  // The block after the first failure beyond them; each further failure doubles it.
  absl::Duration first_block = absl::Seconds(2);
  absl::Duration max_block = absl::Minutes(15);
  // Failures this long ago are forgotten (and the record deleted).
  absl::Duration forget_after = absl::Hours(1);
};

// The record after one more wrong password at `now`.
store::v1::LoginThrottleRecord AfterFailure(const store::v1::LoginThrottleRecord& record,
                                            absl::Time now, const LoginThrottlePolicy& policy);

// How long a login for this record must still wait at `now`; zero when it may go ahead.
absl::Duration WaitBefore(const store::v1::LoginThrottleRecord& record, absl::Time now);

// When the record may be deleted: `forget_after` past its last failure.
absl::Time ForgetAt(const store::v1::LoginThrottleRecord& record,
                    const LoginThrottlePolicy& policy);

}  // namespace crm::customers
