// SessionStore: the logins of the customers service, one SessionRecord per session in the
// column family "sessions" (key: session id). A session is what a refresh token renews and
// what every access token made for it names ("sid"); revoking it (logout, a replayed refresh
// token) ends both at once, because CheckActive is asked on every authenticated call.
//
//   SessionStore sessions(store);
//   auto txn = store.Begin();
//   if (absl::Status s = sessions.Create(*txn, record); !s.ok()) return s;
//   if (absl::Status s = txn->Commit(); !s.ok()) return s;
//   ...
//   platform::AccessControlOptions options{
//       .verifier = &verifier,
//       .check_session = [&](const platform::TokenClaims& c) { return sessions.CheckActive(c); }};
//
// Thread-safe (the Store is; the class keeps no state of its own). rocksdb types never show.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "crm/customers/v1/store.pb.h"
#include "platform/store.h"
#include "platform/tokens.h"

namespace crm::customers {

inline constexpr absl::string_view kSessionsCf = "sessions";

// Reason of an access token whose session ended (logout, replayed refresh token), whose token
// version is stale, or that names no session of ours.
inline constexpr absl::string_view kReasonTokenRevoked = "TOKEN_REVOKED";

class SessionStore {
 public:
  // `store` must have been opened with the column family "sessions" (kColumnFamilies has it).
  explicit SessionStore(platform::Store& store);

  // Adds a new session in `txn`. Errors: INVALID_ARGUMENT without a session id; ALREADY_EXISTS
  // when the id is taken; ABORTED when contended (retry the transaction); INTERNAL.
  absl::Status Create(platform::Txn& txn, const v1::SessionRecord& record);

  // The committed session. Errors: NOT_FOUND (SESSION_NOT_FOUND); INTERNAL.
  absl::StatusOr<v1::SessionRecord> Get(absl::string_view session_id) const;

  // The session as `txn` sees it, locked until `txn` ends, so a check-then-write (refresh
  // rotation, logout) cannot interleave with another. Errors: NOT_FOUND (SESSION_NOT_FOUND);
  // ABORTED when the lock cannot be had in time (retry the transaction); INTERNAL.
  absl::StatusOr<v1::SessionRecord> GetForUpdate(platform::Txn& txn, absl::string_view session_id);

  // Replaces the session `record.session_id()` in `txn` (read it with GetForUpdate first).
  // Errors: INVALID_ARGUMENT without a session id; INTERNAL.
  absl::Status Put(platform::Txn& txn, const v1::SessionRecord& record);

  // OK while the session named by a verified token's claims stands: it exists, is not revoked,
  // belongs to `claims.subject`, and records `claims.token_version`. Does not look at expiry
  // (the verifier did) nor the refresh expiry (access tokens have their own).
  // Errors: UNAUTHENTICATED (TOKEN_REVOKED) otherwise, a token without session id included;
  // INTERNAL when the store cannot be read.
  absl::Status CheckActive(const platform::TokenClaims& claims) const;

 private:
  platform::Store& store_;
  platform::ColumnFamily sessions_;
};

}  // namespace crm::customers
