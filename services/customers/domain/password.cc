#include "customers/domain/password.h"

#include <sodium.h>

namespace crm::customers {

PasswordHashing PasswordHashing::Interactive() {
  return {crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE, crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE};
}

absl::StatusOr<std::string> HashPassword(absl::string_view password,
                                         const PasswordHashing& params) {
  [[maybe_unused]] static const bool sodium_ready = sodium_init() >= 0;
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), params.ops_limit,
                            params.mem_limit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return absl::ResourceExhaustedError("not enough memory to hash the password");
  }
  return std::string(out);
}

bool VerifyPassword(absl::string_view hash, absl::string_view password) {
  std::string terminated(hash);  // libsodium wants a NUL-terminated string
  return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

}  // namespace crm::customers
