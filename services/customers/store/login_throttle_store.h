// LoginThrottleStore: recent wrong passwords per lower-cased email (domain/login_throttle.h), in
// the column family "login_throttle". Each record carries a durable timer that deletes it once
// forgotten, so emails an attacker sprays do not stay behind.
//
//   LoginThrottleStore throttle(store, timers, policy);   // before timers.Start()
//   if (absl::Status s = throttle.CheckAllowed(email, now); !s.ok()) return s;   // 429
//   ...wrong password:   throttle.RecordFailure(email, now);
//   ...right password:   throttle.Clear(*txn, email);
//
// Thread-safe.
#pragma once

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "customers/domain/login_throttle.h"
#include "customers/store/records.pb.h"
#include "platform/store/store.h"
#include "platform/store/timers.h"

namespace crm::customers {

class LoginThrottleStore {
 public:
  LoginThrottleStore(platform::Store& store, platform::Timers& timers,
                     LoginThrottlePolicy policy = {});

  // OK when a password for `email` (lower-cased) may be checked at `now`. Errors:
  // RESOURCE_EXHAUSTED (LOGIN_THROTTLED, with retryAfterSeconds) while it is blocked; INTERNAL.
  absl::Status CheckAllowed(absl::string_view email, absl::Time now) const;
  // Counts one wrong password for `email` at `now`, in its own synced commit. Errors: ABORTED
  // (contended: the failure may not have been counted); INTERNAL.
  absl::Status RecordFailure(absl::string_view email, absl::Time now);
  // Forgets `email`'s failures in `txn`, when it has any.
  absl::Status Clear(platform::Txn& txn, absl::string_view email);

  // The committed record of `email`; an empty one when there is none. Errors: INTERNAL.
  absl::StatusOr<store::v1::LoginThrottleRecord> Get(absl::string_view email) const;

 private:
  platform::Store& store_;
  platform::Timers& timers_;
  const LoginThrottlePolicy policy_;
  platform::ColumnFamily throttle_;
};

}  // namespace crm::customers
