// SessionStore: the logins of the customers service, one SessionRecord per session in the
// column family "sessions" (key: session id), indexed by account in "sessions_by_subject"
// (key: "<subject>/<session id>", so one account's sessions are one prefix scan). A session is
// what a refresh token renews and what every access token made for it names ("sid"); revoking
// it (logout, a replayed refresh token, a password change) ends both at once, because
// CheckActive is asked on every authenticated call. A durable timer deletes each session when
// its refresh token expires, so the store does not grow with every login ever made.
//
//   SessionStore sessions(store, timers);         // before timers.Start()
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
#include "customers/store/records.pb.h"
#include "platform/auth/tokens.h"
#include "platform/base/errors.h"
#include "platform/runtime/revocations.h"
#include "platform/store/store.h"
#include "platform/store/timers.h"

namespace crm::customers {

inline constexpr absl::string_view kSessionsCf = "sessions";
inline constexpr absl::string_view kSessionsBySubjectCf = "sessions_by_subject";

using platform::kReasonTokenRevoked;

class SessionStore {
 public:
  // `store` must have been opened with the column families "sessions" and
  // "sessions_by_subject" (kColumnFamilies has them). Registers the expiry timer with `timers`,
  // so construct it before timers.Start().
  SessionStore(platform::Store& store, platform::Timers& timers);

  // Adds a new session in `txn`, indexed by subject, with its expiry timer. Errors:
  // INVALID_ARGUMENT without a session id; ALREADY_EXISTS when the id is taken; ABORTED when
  // contended (retry the transaction); INTERNAL.
  absl::Status Create(platform::Txn& txn, const store::v1::SessionRecord& record);

  // The committed session. Errors: NOT_FOUND (SESSION_NOT_FOUND); INTERNAL.
  absl::StatusOr<store::v1::SessionRecord> Get(absl::string_view session_id) const;

  // The session as `txn` sees it, locked until `txn` ends, so a check-then-write (refresh
  // rotation, logout) cannot interleave with another. Errors: NOT_FOUND (SESSION_NOT_FOUND);
  // ABORTED when the lock cannot be had in time (retry the transaction); INTERNAL.
  absl::StatusOr<store::v1::SessionRecord> GetForUpdate(platform::Txn& txn,
                                                        absl::string_view session_id);

  // Replaces the session `record.session_id()` in `txn` (read it with GetForUpdate first).
  // Errors: INVALID_ARGUMENT without a session id; INTERNAL.
  absl::Status Put(platform::Txn& txn, const store::v1::SessionRecord& record);

  // Revokes, in `txn`, every session of `subject` but `keep_session_id` (may be empty: all of
  // them), and moves the kept one to `token_version`. Reads the index as committed, so lock
  // the account's record in `txn` first: a login that commits later must see the change.
  // Answers how many sessions were revoked. Errors: ABORTED when contended (retry); INTERNAL.
  absl::StatusOr<int> RevokeAllOf(platform::Txn& txn, absl::string_view subject,
                                  absl::string_view keep_session_id, int64_t token_version);

  // OK while the session named by a verified token's claims stands: it exists, is not revoked,
  // belongs to `claims.subject` with `claims.role`, and records `claims.token_version` or a
  // later one (a session kept through a version raise, the caller of a password change, keeps
  // the tokens it had; every other session was revoked by the raise). Does not look at expiry
  // (the verifier did) nor the refresh expiry (access tokens have their own).
  // Errors: UNAUTHENTICATED (TOKEN_REVOKED) otherwise, a token without session id included;
  // INTERNAL when the store cannot be read.
  absl::Status CheckActive(const platform::TokenClaims& claims) const;

 private:
  platform::Store& store_;
  platform::Timers& timers_;
  platform::ColumnFamily sessions_;
  platform::ColumnFamily by_subject_;
};

}  // namespace crm::customers
