#include "customers/domain/secrets.h"

#include <sodium.h>

#include "absl/strings/escaping.h"

namespace crm::customers {

std::string NewSecret() {
  std::string secret(kSecretBytes, '\0');
  randombytes_buf(secret.data(), secret.size());
  return secret;
}

std::string EncodeSecret(absl::string_view secret) { return absl::WebSafeBase64Escape(secret); }

std::optional<std::string> DecodeSecret(absl::string_view text) {
  // Unpadded base64url of 32 bytes is 43 characters.
  if (text.size() != 43) return std::nullopt;
  std::string secret;
  if (!absl::WebSafeBase64Unescape(text, &secret) || secret.size() != kSecretBytes) {
    return std::nullopt;
  }
  return secret;
}

std::string Sha256(absl::string_view data) {
  std::string digest(crypto_hash_sha256_BYTES, '\0');
  crypto_hash_sha256(reinterpret_cast<unsigned char*>(digest.data()),
                     reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return digest;
}

bool SameHash(absl::string_view a, absl::string_view b) {
  return a.size() == crypto_hash_sha256_BYTES && b.size() == crypto_hash_sha256_BYTES &&
         sodium_memcmp(a.data(), b.data(), crypto_hash_sha256_BYTES) == 0;
}

}  // namespace crm::customers
