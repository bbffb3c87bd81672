#include "customers/store/session_store.h"

#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "customers/domain/reasons.h"
#include "platform/base/errors.h"
#include "platform/base/proto_time.h"

namespace crm::customers {

namespace {

absl::Status SessionNotFound() {
  return platform::Error(absl::StatusCode::kNotFound, kReasonSessionNotFound,
                         "no session with this id");
}

absl::StatusOr<store::v1::SessionRecord> Parse(const std::optional<std::string>& value) {
  if (!value.has_value()) return SessionNotFound();
  store::v1::SessionRecord record;
  if (!record.ParseFromString(*value)) return absl::InternalError("unreadable session record");
  return record;
}

constexpr absl::string_view kExpiryTimer = "session.expire";

std::string IndexKey(absl::string_view subject, absl::string_view session_id) {
  return absl::StrCat(subject, "/", session_id);
}

}  // namespace

SessionStore::SessionStore(platform::Store& store, platform::Timers& timers)
    : store_(store),
      timers_(timers),
      sessions_(store.cf(kSessionsCf)),
      by_subject_(store.cf(kSessionsBySubjectCf)) {
  // Past its refresh expiry a session can do nothing: its access tokens expired even earlier.
  timers_.Register(std::string(kExpiryTimer),
                   [this](platform::Txn& txn, absl::string_view session_id, absl::string_view) {
                     auto session = GetForUpdate(txn, session_id);
                     if (absl::IsNotFound(session.status())) return absl::OkStatus();
                     if (!session.ok()) return session.status();
                     if (absl::Status s = txn.Delete(sessions_, session_id); !s.ok()) return s;
                     return txn.Delete(by_subject_, IndexKey(session->subject(), session_id));
                   });
}

absl::Status SessionStore::Create(platform::Txn& txn, const store::v1::SessionRecord& record) {
  if (record.session_id().empty()) return absl::InvalidArgumentError("session without an id");
  auto existing = txn.GetForUpdate(sessions_, record.session_id());
  if (!existing.ok()) return existing.status();
  if (existing->has_value()) {
    // Ids are random (100 bits); a clash means a bug, never a client's doing.
    return platform::Error(absl::StatusCode::kAlreadyExists, kReasonSessionExists,
                           "a session with this id already exists");
  }
  if (absl::Status s = txn.Put(sessions_, record.session_id(), record.SerializeAsString());
      !s.ok()) {
    return s;
  }
  if (absl::Status s = txn.Put(by_subject_, IndexKey(record.subject(), record.session_id()), "");
      !s.ok()) {
    return s;
  }
  return timers_.Schedule(txn, kExpiryTimer, record.session_id(),
                          platform::FromTimestamp(record.refresh_expires_at()), "");
}

absl::StatusOr<store::v1::SessionRecord> SessionStore::Get(absl::string_view session_id) const {
  auto value = store_.Get(sessions_, session_id);
  if (!value.ok()) return value.status();
  return Parse(*value);
}

absl::StatusOr<store::v1::SessionRecord> SessionStore::GetForUpdate(platform::Txn& txn,
                                                                    absl::string_view session_id) {
  auto value = txn.GetForUpdate(sessions_, session_id);
  if (!value.ok()) return value.status();
  return Parse(*value);
}

absl::Status SessionStore::Put(platform::Txn& txn, const store::v1::SessionRecord& record) {
  if (record.session_id().empty()) return absl::InvalidArgumentError("session without an id");
  return txn.Put(sessions_, record.session_id(), record.SerializeAsString());
}

absl::StatusOr<int> SessionStore::RevokeAllOf(platform::Txn& txn, absl::string_view subject,
                                              absl::string_view keep_session_id,
                                              int64_t token_version) {
  std::vector<std::string> ids;
  std::string prefix = IndexKey(subject, "");
  absl::Status scanned =
      store_.Scan(by_subject_, prefix, prefix, [&](absl::string_view key, absl::string_view) {
        ids.emplace_back(key.substr(prefix.size()));
        return true;
      });
  if (!scanned.ok()) return scanned;
  int revoked = 0;
  for (const std::string& id : ids) {
    auto session = GetForUpdate(txn, id);
    // Expired and deleted since the scan: nothing left to revoke.
    if (absl::IsNotFound(session.status())) continue;
    if (!session.ok()) return session.status();
    if (id == keep_session_id) {
      session->set_token_version(token_version);
    } else if (session->revoked()) {
      continue;
    } else {
      session->set_revoked(true);
      ++revoked;
    }
    if (absl::Status s = Put(txn, *session); !s.ok()) return s;
  }
  return revoked;
}

absl::Status SessionStore::CheckActive(const platform::TokenClaims& claims) const {
  if (claims.session_id.empty()) return platform::TokenRevoked();
  auto session = Get(claims.session_id);
  if (!session.ok()) {
    return absl::IsNotFound(session.status()) ? platform::TokenRevoked() : session.status();
  }
  // The role too: a token is only as good as the session it claims to belong to.
  if (session->revoked() || session->subject() != claims.subject ||
      session->role() != claims.role || session->token_version() < claims.token_version) {
    return platform::TokenRevoked();
  }
  return absl::OkStatus();
}

}  // namespace crm::customers
