#include "customers/store/password_reset_store.h"

#include <string>

#include "absl/strings/escaping.h"
#include "platform/base/proto_time.h"

namespace crm::customers {

namespace {

constexpr absl::string_view kExpiryTimer = "password_reset.expire";

}  // namespace

PasswordResetStore::PasswordResetStore(platform::Store& store, platform::Timers& timers)
    : timers_(timers), resets_(store.cf("password_resets")) {
  // Timer ids are the hex of the hash: timer keys are printed in logs and dead letters.
  timers_.Register(std::string(kExpiryTimer),
                   [this](platform::Txn& txn, absl::string_view hex_hash, absl::string_view) {
                     return txn.Delete(resets_, absl::HexStringToBytes(hex_hash));
                   });
}

absl::Status PasswordResetStore::Add(platform::Txn& txn, absl::string_view token_hash,
                                     const store::v1::PasswordResetRecord& record) {
  if (absl::Status s = txn.Put(resets_, token_hash, record.SerializeAsString()); !s.ok()) {
    return s;
  }
  absl::Time expires_at = platform::FromTimestamp(record.expires_at());
  return timers_.Schedule(txn, kExpiryTimer, absl::BytesToHexString(token_hash), expires_at, "");
}

absl::StatusOr<std::optional<store::v1::PasswordResetRecord>> PasswordResetStore::Take(
    platform::Txn& txn, absl::string_view token_hash) {
  auto value = txn.GetForUpdate(resets_, token_hash);
  if (!value.ok()) return value.status();
  if (!value->has_value()) return std::nullopt;
  store::v1::PasswordResetRecord record;
  if (!record.ParseFromString(**value)) {
    return absl::InternalError("unreadable password reset record");
  }
  if (absl::Status s = txn.Delete(resets_, token_hash); !s.ok()) return s;
  if (absl::Status s = timers_.Cancel(txn, kExpiryTimer, absl::BytesToHexString(token_hash));
      !s.ok()) {
    return s;
  }
  return record;
}

}  // namespace crm::customers
