// Idempotency keys for every call that changes state (creates, :cancel, :redeem, ...).
// Scoped per caller and method; the request is hashed (HMAC-SHA-256 of its deterministic
// serialization, keyed with a random secret kept in the store, since requests hold passwords);
// the answer is stored in the same commit as the effect and kept 24 hours (a durable timer
// removes it, so restarts do not make keys immortal).
//
// Anonymous callers (registration, login, password reset) share one caller name, so their scope
// also holds the request's hash: a key used first with another body is simply another request,
// which one client cannot use to make a stranger's request fail (422) or to learn whether a key
// was taken. The same key with the same body still gets the stored answer.
//
//   auto claim = idempotency.Begin(rc.caller, "CreateCustomer", rc.idempotency_key, request);
//   if (!claim.ok()) return claim.status();               // 409 IDEMPOTENCY_IN_PROGRESS
//   auto txn = store.Begin();
//   auto stored = idempotency.Lookup(*txn, *claim, &response);
//   if (!stored.ok()) return stored.status();             // 422 IDEMPOTENCY_KEY_REUSED
//   if (*stored) return OkStatus();                        // `response` is the first answer
//   ...effect...
//   idempotency.Record(*txn, *claim, response);
//   txn->Commit();
//
// Without a key (empty), Claim, Lookup and Record do nothing. Thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "platform/base/clock.h"
#include "platform/base/ids.h"
#include "platform/store/store.h"
#include "platform/store/timers.h"

namespace google::protobuf {
class Message;
}

namespace crm::platform {

class Idempotency {
 public:
  // While held, no other request with the same (caller, method, key), and for kAnonymousCaller
  // the same request, runs. Movable.
  class Claim {
   public:
    Claim(Claim&& other) noexcept;
    Claim& operator=(Claim&&) = delete;
    ~Claim();
    bool active() const { return owner_ != nullptr; }
    // Lets the next request with this key run. Call before answering: a client may retry the
    // moment it has the answer. Done by the destructor otherwise; idempotent.
    void Release();

   private:
    friend class Idempotency;
    Claim(Idempotency* owner, std::string scope, std::string hash)
        : owner_(owner), scope_(std::move(scope)), hash_(std::move(hash)) {}
    Idempotency* owner_;
    std::string scope_;  // the record's key
    std::string hash_;   // of the request
  };

  // Registers its expiry timer with `timers` (before timers.Start()). `ttl`: how long an answer
  // is kept. Default 24 h. `pepper`: a secret kept outside the store (the runtime passes a hash
  // of the service's private key) mixed into the hashing key, so that a copy of the store alone
  // cannot be used to test guesses of the requests' passwords against the stored hashes.
  Idempotency(Store& store, Timers& timers, const Clock& clock,
              absl::Duration ttl = absl::Hours(24), std::string pepper = "");

  // Errors: ABORTED / IDEMPOTENCY_IN_PROGRESS when the same key is running now; those of the
  // store when the hashing secret cannot be read or made (first use only).
  absl::StatusOr<Claim> Begin(absl::string_view caller, absl::string_view method,
                              absl::string_view key, const google::protobuf::Message& request);

  // True and `response` filled when this key already has an answer for this request. Errors:
  // FAILED_PRECONDITION / IDEMPOTENCY_KEY_REUSED when the key was used with another request.
  absl::StatusOr<bool> Lookup(Txn& txn, const Claim& claim, google::protobuf::Message* response);

  // Lookup outside a transaction, for answering a retry before queueing expensive work; same
  // answers and errors.
  absl::StatusOr<bool> Peek(const Claim& claim, google::protobuf::Message* response);

  // Stores `response` as the key's answer, in `txn`.
  absl::Status Record(Txn& txn, const Claim& claim, const google::protobuf::Message& response);

 private:
  void Release(const std::string& scope);
  absl::StatusOr<bool> Answer(absl::StatusOr<std::optional<std::string>> stored, const Claim& claim,
                              google::protobuf::Message* response);
  // The store's hashing secret, made at first use.
  absl::StatusOr<std::string> Secret();

  Store& store_;
  Timers& timers_;
  const Clock& clock_;
  const absl::Duration ttl_;
  const std::string pepper_;
  absl::Mutex mu_;
  std::set<std::string> running_ ABSL_GUARDED_BY(mu_);
  absl::Mutex secret_mu_;
  std::string secret_ ABSL_GUARDED_BY(secret_mu_);
};

}  // namespace crm::platform
