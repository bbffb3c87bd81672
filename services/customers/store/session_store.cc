#include "customers/store/session_store.h"

#include <optional>

#include "platform/errors.h"

namespace crm::customers {
namespace {

absl::Status SessionNotFound() {
  return platform::Error(absl::StatusCode::kNotFound, "SESSION_NOT_FOUND",
                         "no session with this id");
}

absl::StatusOr<v1::SessionRecord> Parse(const std::optional<std::string>& value) {
  if (!value.has_value()) return SessionNotFound();
  v1::SessionRecord record;
  if (!record.ParseFromString(*value)) return absl::InternalError("unreadable session record");
  return record;
}

absl::Status Revoked() {
  // One message for every cause: a client cannot act on the difference, and an attacker holding
  // a token should not learn which check failed.
  return platform::Error(absl::StatusCode::kUnauthenticated, kReasonTokenRevoked,
                         "the session of this token has ended; log in again");
}

}  // namespace

SessionStore::SessionStore(platform::Store& store)
    : store_(store), sessions_(store.cf(kSessionsCf)) {}

absl::Status SessionStore::Create(platform::Txn& txn, const v1::SessionRecord& record) {
  if (record.session_id().empty()) return absl::InvalidArgumentError("session without an id");
  auto existing = txn.GetForUpdate(sessions_, record.session_id());
  if (!existing.ok()) return existing.status();
  if (existing->has_value()) {
    // Ids are random (100 bits); a clash means a bug, never a client's doing.
    return platform::Error(absl::StatusCode::kAlreadyExists, "SESSION_EXISTS",
                           "a session with this id already exists");
  }
  return txn.Put(sessions_, record.session_id(), record.SerializeAsString());
}

absl::StatusOr<v1::SessionRecord> SessionStore::Get(absl::string_view session_id) const {
  auto value = store_.Get(sessions_, session_id);
  if (!value.ok()) return value.status();
  return Parse(*value);
}

absl::StatusOr<v1::SessionRecord> SessionStore::GetForUpdate(platform::Txn& txn,
                                                             absl::string_view session_id) {
  auto value = txn.GetForUpdate(sessions_, session_id);
  if (!value.ok()) return value.status();
  return Parse(*value);
}

absl::Status SessionStore::Put(platform::Txn& txn, const v1::SessionRecord& record) {
  if (record.session_id().empty()) return absl::InvalidArgumentError("session without an id");
  return txn.Put(sessions_, record.session_id(), record.SerializeAsString());
}

absl::Status SessionStore::CheckActive(const platform::TokenClaims& claims) const {
  if (claims.session_id.empty()) return Revoked();
  auto session = Get(claims.session_id);
  if (!session.ok()) {
    return session.status().code() == absl::StatusCode::kNotFound ? Revoked() : session.status();
  }
  if (session->revoked() || session->subject() != claims.subject ||
      session->token_version() != claims.token_version) {
    return Revoked();
  }
  return absl::OkStatus();
}

}  // namespace crm::customers
