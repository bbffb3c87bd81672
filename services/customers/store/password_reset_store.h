// PasswordResetStore: password reset tokens waiting to be used, in the column family
// "password_resets", keyed by the token's SHA-256 (the token itself is never stored). A durable
// timer deletes each at its expiry, used or not.
//
//   PasswordResetStore resets(store, timers);        // before timers.Start()
//   resets.Add(*txn, Sha256(token), record);
//   auto record = resets.Take(*txn, Sha256(presented));   // single use: deleted in txn
//
// Thread-safe.
#pragma once

#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "customers/store/records.pb.h"
#include "platform/store/store.h"
#include "platform/store/timers.h"

namespace crm::customers {

class PasswordResetStore {
 public:
  PasswordResetStore(platform::Store& store, platform::Timers& timers);

  // Stores `record` under `token_hash`, with its deletion at record.expires_at().
  absl::Status Add(platform::Txn& txn, absl::string_view token_hash,
                   const store::v1::PasswordResetRecord& record);
  // The record of `token_hash`, deleted in `txn` (commit to use it up); nullopt when there is
  // none. Expiry is the caller's to check (the timer may not have fired yet). Errors: ABORTED
  // (retry); INTERNAL.
  absl::StatusOr<std::optional<store::v1::PasswordResetRecord>> Take(platform::Txn& txn,
                                                                     absl::string_view token_hash);

 private:
  platform::Timers& timers_;
  platform::ColumnFamily resets_;
};

}  // namespace crm::customers
