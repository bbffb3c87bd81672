#include "platform/runtime/revocations.h"

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "crm/events/v1/customers.pb.h"
#include "platform/base/errors.h"
#include "platform/base/keys.h"

namespace crm::platform {
namespace {

constexpr absl::string_view kExpiryTimer = "revocation.expire";

std::string SessionKey(absl::string_view session_id) { return absl::StrCat("s/", session_id); }
std::string VersionKey(absl::string_view subject) { return absl::StrCat("v/", subject); }

// A version entry's value: the raised version, 8 bytes big-endian, then the id of the session
// the raise kept (may be empty).
struct RaisedVersion {
  int64_t version = 0;
  std::string kept_session_id;
};

std::optional<RaisedVersion> ParseRaised(const std::optional<std::string>& value) {
  if (!value.has_value() || value->size() < 8) return std::nullopt;
  return RaisedVersion{.version = static_cast<int64_t>(ReadBigEndian64(*value)),
                       .kept_session_id = value->substr(8)};
}

}  // namespace

absl::Status TokenRevoked() {
  return Error(absl::StatusCode::kUnauthenticated, kReasonTokenRevoked,
               "the session of this token has ended; log in again");
}

Revocations::Revocations(Store& store, Timers& timers, const Clock& clock, absl::Duration keep)
    : store_(store),
      timers_(timers),
      clock_(clock),
      keep_(keep),
      revocations_(store.cf(kRevocationsCf)) {
  timers_.Register(std::string(kExpiryTimer),
                   [this](Txn& txn, absl::string_view key, absl::string_view) {
                     return txn.Delete(revocations_, key);
                   });
}

absl::Status Revocations::Check(const TokenClaims& claims) const {
  if (!claims.session_id.empty()) {
    auto session = store_.Get(revocations_, SessionKey(claims.session_id));
    if (!session.ok()) return session.status();
    if (session->has_value()) return TokenRevoked();
  }
  auto stored = store_.Get(revocations_, VersionKey(claims.subject));
  if (!stored.ok()) return stored.status();
  std::optional<RaisedVersion> raised = ParseRaised(*stored);
  if (raised.has_value() && claims.token_version < raised->version &&
      (claims.session_id.empty() || claims.session_id != raised->kept_session_id)) {
    return TokenRevoked();
  }
  return absl::OkStatus();
}

absl::Status Revocations::Apply(Txn& txn, const events::v1::EventEnvelope& envelope) {
  absl::Time until = clock_.Now() + keep_;
  if (envelope.payload().Is<events::v1::SessionRevoked>()) {
    events::v1::SessionRevoked event;
    if (!envelope.payload().UnpackTo(&event) || event.session_id().empty()) {
      return absl::InvalidArgumentError("unreadable SessionRevoked");
    }
    std::string key = SessionKey(event.session_id());
    if (absl::Status s = txn.Put(revocations_, key, ""); !s.ok()) return s;
    return timers_.Schedule(txn, kExpiryTimer, key, until, "");
  }
  if (envelope.payload().Is<events::v1::TokenVersionRaised>()) {
    events::v1::TokenVersionRaised event;
    if (!envelope.payload().UnpackTo(&event) || event.subject().empty()) {
      return absl::InvalidArgumentError("unreadable TokenVersionRaised");
    }
    std::string key = VersionKey(event.subject());
    auto current = txn.GetForUpdate(revocations_, key);
    if (!current.ok()) return current.status();
    // Events of one subject arrive in order, but a replay after an older one must not lower it.
    // Each raise revokes every session but the one it keeps, so the newest raise's kept session
    // is the only one left with older tokens.
    std::optional<RaisedVersion> raised = ParseRaised(*current);
    if (!raised.has_value() || event.token_version() > raised->version) {
      raised = RaisedVersion{.version = event.token_version(),
                             .kept_session_id = event.kept_session_id()};
    }
    if (absl::Status s = txn.Put(revocations_, key,
                                 absl::StrCat(BigEndian64(static_cast<uint64_t>(raised->version)),
                                              raised->kept_session_id));
        !s.ok()) {
      return s;
    }
    return timers_.Schedule(txn, kExpiryTimer, key, until, "");
  }
  return absl::OkStatus();
}

}  // namespace crm::platform
