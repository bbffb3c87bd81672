// Random secrets handed to clients (refresh tokens, password reset tokens) and how they are kept:
// only their SHA-256 is stored, compared in constant time.
//
//   std::string secret = NewSecret();             // 32 random bytes
//   std::string text = EncodeSecret(secret);       // 43 characters of base64url, for the wire
//   record.set_hash(Sha256(secret));
//   ...
//   auto presented = DecodeSecret(text);           // nullopt unless exactly 32 bytes
//   if (presented && SameHash(Sha256(*presented), record.hash())) ...
#pragma once

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace crm::customers {

inline constexpr size_t kSecretBytes = 32;

// kSecretBytes from libsodium's CSPRNG.
std::string NewSecret();
// Unpadded base64url.
std::string EncodeSecret(absl::string_view secret);
// The secret of EncodeSecret's text; nullopt for any other length or alphabet (checked before
// decoding, so oversized input costs nothing).
std::optional<std::string> DecodeSecret(absl::string_view text);

std::string Sha256(absl::string_view data);
// Constant time, so the response time does not reveal how much of a guessed secret was right.
bool SameHash(absl::string_view a, absl::string_view b);

}  // namespace crm::customers
