#include "platform/auth/sealed_box.h"

#include <sodium.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"

namespace crm::platform {
namespace {

absl::StatusOr<std::string> DecodeKey(absl::string_view text, absl::string_view what) {
  std::string key;
  if (!absl::Base64Unescape(absl::StripAsciiWhitespace(text), &key) ||
      key.size() != crypto_box_PUBLICKEYBYTES) {
    return absl::InvalidArgumentError(absl::StrCat(what, " must be 32 bytes in base64 (one line)"));
  }
  return key;
}

const unsigned char* Bytes(absl::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

absl::StatusOr<SealedBox> SealedBox::ForPublicKey(absl::string_view public_key_base64) {
  if (sodium_init() < 0) return absl::InternalError("libsodium cannot be initialized");
  auto key = DecodeKey(public_key_base64, "a sealed box public key");
  if (!key.ok()) return key.status();
  return SealedBox(std::move(*key));
}

std::string SealedBox::Seal(absl::string_view plaintext) const {
  std::string sealed(plaintext.size() + crypto_box_SEALBYTES, '\0');
  crypto_box_seal(reinterpret_cast<unsigned char*>(sealed.data()), Bytes(plaintext),
                  plaintext.size(), Bytes(public_key_));
  return sealed;
}

SealedBoxKeys SealedBoxKeys::Generate() {
  if (sodium_init() < 0) abort();
  SealedBoxKeys keys{std::string(crypto_box_PUBLICKEYBYTES, '\0'),
                     std::string(crypto_box_SECRETKEYBYTES, '\0')};
  crypto_box_keypair(reinterpret_cast<unsigned char*>(keys.public_key.data()),
                     reinterpret_cast<unsigned char*>(keys.secret_key.data()));
  return keys;
}

absl::StatusOr<SealedBoxKeys> SealedBoxKeys::FromBase64(absl::string_view public_key,
                                                        absl::string_view secret_key) {
  if (sodium_init() < 0) return absl::InternalError("libsodium cannot be initialized");
  auto pk = DecodeKey(public_key, "the public key");
  if (!pk.ok()) return pk.status();
  auto sk = DecodeKey(secret_key, "the secret key");
  if (!sk.ok()) return sk.status();
  return SealedBoxKeys{std::move(*pk), std::move(*sk)};
}

std::string SealedBoxKeys::PublicKeyBase64() const { return absl::Base64Escape(public_key); }
std::string SealedBoxKeys::SecretKeyBase64() const { return absl::Base64Escape(secret_key); }

absl::StatusOr<std::string> SealedBoxKeys::Open(absl::string_view sealed) const {
  if (sealed.size() < crypto_box_SEALBYTES) {
    return absl::InvalidArgumentError("sealed message too short");
  }
  std::string plain(sealed.size() - crypto_box_SEALBYTES, '\0');
  if (crypto_box_seal_open(reinterpret_cast<unsigned char*>(plain.data()), Bytes(sealed),
                           sealed.size(), Bytes(public_key), Bytes(secret_key)) != 0) {
    return absl::InvalidArgumentError("the message was not sealed for this key or was altered");
  }
  return plain;
}

absl::StatusOr<SecretBox> SecretBox::FromKeyBase64(absl::string_view key_base64) {
  if (sodium_init() < 0) return absl::InternalError("libsodium cannot be initialized");
  static_assert(crypto_secretbox_KEYBYTES == crypto_box_PUBLICKEYBYTES);
  auto key = DecodeKey(key_base64, "a secret box key");
  if (!key.ok()) return key.status();
  return SecretBox(std::move(*key));
}

std::string SecretBox::NewKeyBase64() {
  if (sodium_init() < 0) abort();
  std::string key(crypto_secretbox_KEYBYTES, '\0');
  crypto_secretbox_keygen(reinterpret_cast<unsigned char*>(key.data()));
  return absl::Base64Escape(key);
}

std::string SecretBox::Seal(absl::string_view plaintext) const {
  std::string sealed(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plaintext.size(),
                     '\0');
  auto* out = reinterpret_cast<unsigned char*>(sealed.data());
  randombytes_buf(out, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES, Bytes(plaintext), plaintext.size(), out,
                        Bytes(key_));
  return sealed;
}

absl::StatusOr<std::string> SecretBox::Open(absl::string_view sealed) const {
  if (sealed.size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    return absl::InvalidArgumentError("secret box too short");
  }
  absl::string_view nonce = sealed.substr(0, crypto_secretbox_NONCEBYTES);
  absl::string_view box = sealed.substr(crypto_secretbox_NONCEBYTES);
  std::string plain(box.size() - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()), Bytes(box),
                                 box.size(), Bytes(nonce), Bytes(key_)) != 0) {
    return absl::InvalidArgumentError("the box was not sealed with this key or was altered");
  }
  return plain;
}

}  // namespace crm::platform
