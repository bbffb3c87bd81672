#include "revocations.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "crm/events/v1/customers.pb.h"
#include "errors.h"
#include "keys.h"

namespace crm::platform {
namespace {

constexpr absl::string_view kExpiryTimer = "revocation.expire";

std::string SessionKey(absl::string_view session_id) { return absl::StrCat("s/", session_id); }
std::string VersionKey(absl::string_view subject) { return absl::StrCat("v/", subject); }

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
  auto version = store_.Get(revocations_, VersionKey(claims.subject));
  if (!version.ok()) return version.status();
  if (version->has_value() && (*version)->size() == 8 &&
      claims.token_version < static_cast<int64_t>(ReadBigEndian64(**version))) {
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
    int64_t version = event.token_version();
    // Events of one subject arrive in order, but a replay after an older one must not lower it.
    if (current->has_value() && (*current)->size() == 8) {
      version = std::max(version, static_cast<int64_t>(ReadBigEndian64(**current)));
    }
    if (absl::Status s = txn.Put(revocations_, key, BigEndian64(static_cast<uint64_t>(version)));
        !s.ok()) {
      return s;
    }
    return timers_.Schedule(txn, kExpiryTimer, key, until, "");
  }
  return absl::OkStatus();
}

}  // namespace crm::platform
