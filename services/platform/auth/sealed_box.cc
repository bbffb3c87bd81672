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

}  // namespace crm::platform
