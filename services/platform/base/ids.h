// Random identifiers. Thread-safe.
//
//   NewId("c")  -> "c_7k3q9x2m4n8p5r6t1v0w"   (prefix, underscore, 20 base32 characters from
//                                              libsodium's CSPRNG: ids must not be guessable)
//   NewUuid()   -> "0b6f3c1e-5d2a-4f8b-9c7d-1a2b3c4d5e6f" (RFC 4122 version 4; event ids)
//   NewPartitionedId("o", "c_7k3q...") -> "o17_4m8p..."  (the customer's key partition, 2 digits,
//                                                        then as NewId: partitioning.h)
//   PartitionOfId("o", "o17_4m8p...")  -> 17
#pragma once

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace crm::platform {

std::string NewId(absl::string_view prefix);
// The caller of a request without a token (RequestContext::caller; idempotency scopes).
inline constexpr absl::string_view kAnonymousCaller = "anonymous";
std::string NewUuid();

// An id of a record owned by the customer `customer_id` (an order, a shipment, a ticket):
// `prefix`, the customer's key partition in two digits, then '_' and 20 random base32
// characters. Ids of one kind and partition share one key prefix.
std::string NewPartitionedId(absl::string_view prefix, absl::string_view customer_id);

// The partition an id of NewPartitionedId(prefix, ...) carries; nullopt for any other string
// (the caller answers NOT_FOUND without a lookup).
std::optional<int> PartitionOfId(absl::string_view prefix, absl::string_view id);

}  // namespace crm::platform
