// Random identifiers. Thread-safe.
//
//   NewId("c")  -> "c_7k3q9x2m4n8p5r6t1v0w"   (prefix, underscore, 20 base32 characters from
//                                              libsodium's CSPRNG: ids must not be guessable)
//   NewUuid()   -> "0b6f3c1e-5d2a-4f8b-9c7d-1a2b3c4d5e6f" (RFC 4122 version 4; event ids)
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace crm::platform {

std::string NewId(absl::string_view prefix);
// The caller of a request without a token (RequestContext::caller; idempotency scopes).
inline constexpr absl::string_view kAnonymousCaller = "anonymous";
std::string NewUuid();

}  // namespace crm::platform
