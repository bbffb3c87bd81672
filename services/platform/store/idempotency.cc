#include "platform/store/idempotency.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/message.h>
#include <google/protobuf/util/time_util.h>
#include <sodium.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "platform/base/errors.h"
#include "platform/base/proto_time.h"
#include "platform/store/records.pb.h"

namespace crm::platform {
namespace {

constexpr absl::string_view kExpireTimer = "idempotency.expire";

// Where the key of the request hashes lives, in the idempotency column family. Scopes are
// length-prefixed ("3:ann..."), so none can equal it.
constexpr char kSecretKey[] = "secret";

// HMAC-SHA-256 of the request's deterministic serialization under the store's secret. Keyed,
// because requests hold secrets (a registration's password): a plain hash kept 24 hours would
// let anyone with a copy of the store test password guesses at hash speed.
std::string RequestHash(const google::protobuf::Message& request, const std::string& secret) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.SetSerializationDeterministic(true);
    request.SerializeToCodedStream(&out);
  }
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()),
                              secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(bytes.data()),
                                bytes.size());
  crypto_auth_hmacsha256_final(&state, mac);
  return std::string(reinterpret_cast<char*>(mac), sizeof mac);
}

}  // namespace

Idempotency::Claim::Claim(Claim&& other) noexcept
    : owner_(other.owner_), scope_(std::move(other.scope_)), hash_(std::move(other.hash_)) {
  other.owner_ = nullptr;
}

Idempotency::Claim::~Claim() { Release(); }

void Idempotency::Claim::Release() {
  if (owner_) owner_->Release(scope_);
  owner_ = nullptr;
}

Idempotency::Idempotency(Store& store, Timers& timers, const Clock& clock, absl::Duration ttl,
                         std::string pepper)
    : store_(store), timers_(timers), clock_(clock), ttl_(ttl), pepper_(std::move(pepper)) {
  timers_.Register(std::string(kExpireTimer),
                   [this](Txn& txn, absl::string_view scope, absl::string_view) {
                     return txn.Delete(store_.cf(kIdempotencyCf), scope);
                   });
}

absl::StatusOr<Idempotency::Claim> Idempotency::Begin(absl::string_view caller,
                                                      absl::string_view method,
                                                      absl::string_view key,
                                                      const google::protobuf::Message& request) {
  if (key.empty()) return Claim(nullptr, "", "");
  absl::StatusOr<std::string> secret = Secret();
  if (!secret.ok()) return secret.status();
  std::string hash = RequestHash(request, *secret);
  // Length-prefixed parts: no caller/method/key combination can imitate another. Anonymous
  // callers are strangers to each other: their requests only meet when they are the same.
  std::string scope =
      absl::StrCat(caller.size(), ":", caller, method.size(), ":", method, key.size(), ":", key);
  if (caller == kAnonymousCaller) absl::StrAppend(&scope, absl::BytesToHexString(hash));
  absl::MutexLock lock(&mu_);
  if (!running_.insert(scope).second) {
    return Error(absl::StatusCode::kAborted, kReasonIdempotencyInProgress,
                 "a request with this Idempotency-Key is still running; retry later");
  }
  return Claim(this, std::move(scope), std::move(hash));
}

absl::StatusOr<std::string> Idempotency::Secret() {
  if (sodium_init() < 0) return absl::InternalError("libsodium cannot be initialized");
  absl::MutexLock lock(&secret_mu_);
  if (!secret_.empty()) return secret_;
  auto txn = store_.Begin();
  auto stored = txn->GetForUpdate(store_.cf(kIdempotencyCf), kSecretKey);
  if (!stored.ok()) return stored.status();
  std::string stored_secret;
  if (stored->has_value()) {
    stored_secret = **stored;
  } else {
    stored_secret.assign(crypto_auth_hmacsha256_KEYBYTES, '\0');
    randombytes_buf(stored_secret.data(), stored_secret.size());
    if (absl::Status s = txn->Put(store_.cf(kIdempotencyCf), kSecretKey, stored_secret); !s.ok()) {
      return s;
    }
    if (absl::Status s = txn->Commit(); !s.ok()) return s;
  }
  // The key the hashes use: the stored secret mixed with the pepper held outside the store.
  std::string key(crypto_auth_hmacsha256_BYTES, '\0');
  crypto_auth_hmacsha256(reinterpret_cast<unsigned char*>(key.data()),
                         reinterpret_cast<const unsigned char*>(pepper_.data()), pepper_.size(),
                         reinterpret_cast<const unsigned char*>(stored_secret.data()));
  secret_ = std::move(key);
  return secret_;
}

void Idempotency::Release(const std::string& scope) {
  absl::MutexLock lock(&mu_);
  running_.erase(scope);
}

absl::StatusOr<bool> Idempotency::Lookup(Txn& txn, const Claim& claim,
                                         google::protobuf::Message* response) {
  if (!claim.active()) return false;
  return Answer(txn.GetForUpdate(store_.cf(kIdempotencyCf), claim.scope_), claim, response);
}

absl::StatusOr<bool> Idempotency::Peek(const Claim& claim, google::protobuf::Message* response) {
  if (!claim.active()) return false;
  // No lock needed: the claim keeps every other request with this key out, so the record
  // cannot change under us.
  return Answer(store_.Get(store_.cf(kIdempotencyCf), claim.scope_), claim, response);
}

absl::StatusOr<bool> Idempotency::Answer(absl::StatusOr<std::optional<std::string>> stored,
                                         const Claim& claim, google::protobuf::Message* response) {
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return false;
  platform::store::v1::IdempotencyRecord record;
  if (!record.ParseFromString(**stored)) return absl::InternalError("bad idempotency record");
  if (record.request_hash() != claim.hash_) {
    return Error(absl::StatusCode::kFailedPrecondition, kReasonIdempotencyKeyReused,
                 "this Idempotency-Key was used with a different request");
  }
  if (!response->ParseFromString(record.response())) {
    return absl::InternalError("bad stored response");
  }
  return true;
}

absl::Status Idempotency::Record(Txn& txn, const Claim& claim,
                                 const google::protobuf::Message& response) {
  if (!claim.active()) return absl::OkStatus();
  platform::store::v1::IdempotencyRecord record;
  record.set_request_hash(claim.hash_);
  record.set_response(response.SerializeAsString());
  absl::Time now = clock_.Now();
  *record.mutable_created_at() = ToTimestamp(now);
  if (absl::Status s = txn.Put(store_.cf(kIdempotencyCf), claim.scope_, record.SerializeAsString());
      !s.ok()) {
    return s;
  }
  return timers_.Schedule(txn, kExpireTimer, claim.scope_, now + ttl_, "");
}

}  // namespace crm::platform
