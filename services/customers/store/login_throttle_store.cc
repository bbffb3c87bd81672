#include "customers/store/login_throttle_store.h"

#include <optional>
#include <string>

#include "platform/base/errors.h"

namespace crm::customers {
namespace {

constexpr absl::string_view kForgetTimer = "login_throttle.forget";

absl::StatusOr<store::v1::LoginThrottleRecord> Parse(
    const absl::StatusOr<std::optional<std::string>>& value) {
  if (!value.ok()) return value.status();
  store::v1::LoginThrottleRecord record;
  if (value->has_value() && !record.ParseFromString(**value)) {
    return absl::InternalError("unreadable login throttle record");
  }
  return record;
}

}  // namespace

LoginThrottleStore::LoginThrottleStore(platform::Store& store, platform::Timers& timers,
                                       LoginThrottlePolicy policy)
    : store_(store), timers_(timers), policy_(policy), throttle_(store.cf("login_throttle")) {
  timers_.Register(std::string(kForgetTimer),
                   [this](platform::Txn& txn, absl::string_view email, absl::string_view) {
                     return txn.Delete(throttle_, email);
                   });
}

absl::StatusOr<store::v1::LoginThrottleRecord> LoginThrottleStore::Get(
    absl::string_view email) const {
  return Parse(store_.Get(throttle_, email));
}

absl::Status LoginThrottleStore::CheckAllowed(absl::string_view email, absl::Time now) const {
  auto record = Get(email);
  if (!record.ok()) return record.status();
  absl::Duration wait = WaitBefore(*record, now);
  if (wait <= absl::ZeroDuration()) return absl::OkStatus();
  return platform::TooManyRequests(kReasonLoginThrottled,
                                   "too many wrong passwords for this account; retry later", wait);
}

absl::Status LoginThrottleStore::RecordFailure(absl::string_view email, absl::Time now) {
  auto txn = store_.Begin();
  auto record = Parse(txn->GetForUpdate(throttle_, email));
  if (!record.ok()) return record.status();
  store::v1::LoginThrottleRecord next = AfterFailure(*record, now, policy_);
  if (absl::Status s = txn->Put(throttle_, email, next.SerializeAsString()); !s.ok()) return s;
  if (absl::Status s = timers_.Schedule(*txn, kForgetTimer, email, ForgetAt(next, policy_), "");
      !s.ok()) {
    return s;
  }
  return txn->Commit();
}

absl::Status LoginThrottleStore::Clear(platform::Txn& txn, absl::string_view email) {
  auto record = Get(email);
  if (!record.ok()) return record.status();
  if (record->failures() == 0) return absl::OkStatus();
  if (absl::Status s = txn.Delete(throttle_, email); !s.ok()) return s;
  return timers_.Cancel(txn, kForgetTimer, email);
}

}  // namespace crm::customers
