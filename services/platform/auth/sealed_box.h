// Messages only one recipient can read (libsodium's sealed boxes: X25519 + XSalsa20-Poly1305 with
// an ephemeral sender key). Services seal secrets they publish for another party, e.g. password
// reset tokens for the mailer on crm.notifications.v1, so Kafka and every other consumer see
// ciphertext only. Keys travel as one line of standard base64 (32 bytes).
//
//   auto box = SealedBox::ForPublicKey(*ReadFile(path));   // the mailer's public key
//   std::string sealed = box->Seal(message.SerializeAsString());
//   ...
//   auto keys = SealedBoxKeys::Generate();                  // the mailer, or a test
//   absl::StatusOr<std::string> plain = keys.Open(sealed);
//
// Secrets a service keeps for itself (a carrier's signing secrets, encrypted at rest) go in a
// secret box (XSalsa20-Poly1305 with a key only that service holds, a random nonce per box):
//
//   auto box = SecretBox::FromKeyBase64(*ReadFile(path));  // 32 bytes, as NewKeyBase64 makes
//   std::string stored = box->Seal(secret);
//   absl::StatusOr<std::string> secret = box->Open(stored);
//
// Thread-safe (immutable).
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crm::platform {

class SealedBox {
 public:
  // `public_key_base64`: 32 bytes in standard base64; surrounding whitespace is ignored.
  // Errors: INVALID_ARGUMENT for anything else.
  static absl::StatusOr<SealedBox> ForPublicKey(absl::string_view public_key_base64);
  // `plaintext` sealed for the key's holder; 48 bytes longer than it.
  std::string Seal(absl::string_view plaintext) const;

 private:
  explicit SealedBox(std::string public_key) : public_key_(std::move(public_key)) {}
  std::string public_key_;
};

struct SealedBoxKeys {
  // Raw 32-byte keys.
  std::string public_key;
  std::string secret_key;

  static SealedBoxKeys Generate();
  // Errors: INVALID_ARGUMENT for keys that are not base64 of 32 bytes.
  static absl::StatusOr<SealedBoxKeys> FromBase64(absl::string_view public_key,
                                                  absl::string_view secret_key);
  std::string PublicKeyBase64() const;
  std::string SecretKeyBase64() const;
  // Errors: INVALID_ARGUMENT when `sealed` was not sealed for these keys or was altered.
  absl::StatusOr<std::string> Open(absl::string_view sealed) const;
};

class SecretBox {
 public:
  // `key_base64`: 32 bytes in standard base64; surrounding whitespace is ignored. Errors:
  // INVALID_ARGUMENT for anything else.
  static absl::StatusOr<SecretBox> FromKeyBase64(absl::string_view key_base64);
  // A new random key in that form (what `./crm up` and tests write to a key file).
  static std::string NewKeyBase64();

  // The nonce, then the ciphertext: 40 bytes longer than `plaintext`.
  std::string Seal(absl::string_view plaintext) const;
  // Errors: INVALID_ARGUMENT when `sealed` was not sealed with this key or was altered.
  absl::StatusOr<std::string> Open(absl::string_view sealed) const;

 private:
  explicit SecretBox(std::string key) : key_(std::move(key)) {}
  std::string key_;
};

}  // namespace crm::platform
