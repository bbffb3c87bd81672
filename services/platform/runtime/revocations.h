// Tokens revoked before they expire, as every service learns of them: the customers service
// (which owns sessions) publishes SessionRevoked and TokenVersionRaised on crm.customers.v1;
// each other service's Runtime consumes them into this table, and its AccessControl asks Check
// for every verified token. Entries are dropped by a durable timer once every token they could
// refuse has expired anyway (`keep`, longer than the access token lifetime).
//
//   Revocations revocations(store, timers, clock);     // before timers.Start()
//   runtime consumer:  revocations.Apply(txn, envelope);
//   access control:    revocations.Check(claims);       // UNAUTHENTICATED / TOKEN_REVOKED
//
// A revocation takes effect at a service as soon as its consumer has read the event (normally
// well under a second; while Kafka is down, tokens stay good there until they expire). The
// customers service itself checks its sessions directly and never lags. Thread-safe.
#pragma once

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "crm/events/v1/envelope.pb.h"
#include "platform/auth/tokens.h"
#include "platform/base/clock.h"
#include "platform/store/store.h"
#include "platform/store/timers.h"

namespace crm::platform {

// UNAUTHENTICATED / TOKEN_REVOKED: the token's session ended or its version is stale. One
// message for every cause: a client cannot act on the difference, and an attacker holding a
// token should not learn which check failed.
absl::Status TokenRevoked();

class Revocations {
 public:
  // `keep`: how long an entry stays; must exceed the longest access token lifetime.
  Revocations(Store& store, Timers& timers, const Clock& clock,
              absl::Duration keep = absl::Hours(1));

  // OK unless the token's session was revoked or its subject's token version was raised past
  // the token's by a raise that did not keep the token's session (TokenVersionRaised's
  // kept_session_id: the caller of a password change goes on). Errors: UNAUTHENTICATED
  // (TOKEN_REVOKED); INTERNAL.
  absl::Status Check(const TokenClaims& claims) const;

  // Applies a SessionRevoked or TokenVersionRaised event in `txn`; other events are ignored.
  absl::Status Apply(Txn& txn, const events::v1::EventEnvelope& envelope);

 private:
  Store& store_;
  Timers& timers_;
  const Clock& clock_;
  const absl::Duration keep_;
  ColumnFamily revocations_;
};

}  // namespace crm::platform
