#include "ids.h"

#include <sodium.h>

#include <cstdio>

namespace crm::platform {

std::string NewId(absl::string_view prefix) {
  [[maybe_unused]] static const bool sodium_ready = sodium_init() >= 0;
  // Lower-case Crockford base32: no i, l, o, u, so ids read back unambiguously. 100 random bits.
  static constexpr char kAlphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";
  std::string id(prefix);
  id += '_';
  for (int i = 0; i < 20; ++i) id += kAlphabet[randombytes_uniform(32)];
  return id;
}

std::string NewUuid() {
  [[maybe_unused]] static const bool sodium_ready = sodium_init() >= 0;
  unsigned char b[16];
  randombytes_buf(b, sizeof b);
  b[6] = (b[6] & 0x0f) | 0x40;  // version 4
  b[8] = (b[8] & 0x3f) | 0x80;  // RFC 4122 variant
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return out;
}

}  // namespace crm::platform
