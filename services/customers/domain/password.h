// Password hashing with argon2id (libsodium). Hashing is deliberately slow: callers run it on
// the platform's bounded worker pool, never on a gRPC thread.
#pragma once

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crm::customers {

struct PasswordHashing {
  // argon2id passes. Default: libsodium's INTERACTIVE limit (2).
  unsigned long long ops_limit;
  // argon2id memory in bytes. Default: libsodium's INTERACTIVE limit (64 MiB).
  size_t mem_limit;
  static PasswordHashing Interactive();
};

// A self-describing "$argon2id$v=19$m=...,t=...,p=1$salt$hash" string. Errors: RESOURCE_EXHAUSTED
// when memory for the hash cannot be had.
absl::StatusOr<std::string> HashPassword(absl::string_view password, const PasswordHashing& params);

// True when `password` matches `hash`.
bool VerifyPassword(absl::string_view hash, absl::string_view password);

}  // namespace crm::customers
