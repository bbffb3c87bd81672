#include "platform/base/ids.h"

#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>

#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "platform/base/partitioning.h"

namespace crm::platform {

namespace {

// Lower-case Crockford base32: no i, l, o, u, so ids read back unambiguously.
constexpr char kAlphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";
constexpr size_t kRandomChars = 20;

}  // namespace

std::string NewId(absl::string_view prefix) {
  // 100 random bits from OpenSSL's CSPRNG (ids must not be guessable); 32 divides 256, so each
  // byte's low five bits are uniform.
  unsigned char random[kRandomChars];
  if (RAND_bytes(random, sizeof random) != 1) std::abort();  // no entropy: nothing is safe
  std::string id(prefix);
  id += '_';
  for (unsigned char byte : random) id += kAlphabet[byte & 31];
  return id;
}

std::string NewPartitionedId(absl::string_view prefix, absl::string_view customer_id) {
  return NewId(absl::StrFormat("%s%02d", prefix, KeyPartitionOf(customer_id)));
}

std::optional<int> PartitionOfId(absl::string_view prefix, absl::string_view id) {
  if (!absl::StartsWith(id, prefix)) return std::nullopt;
  id.remove_prefix(prefix.size());
  if (id.size() != 3 + kRandomChars || id[2] != '_') return std::nullopt;
  if (!absl::ascii_isdigit(id[0]) || !absl::ascii_isdigit(id[1])) return std::nullopt;
  int partition = (id[0] - '0') * 10 + (id[1] - '0');
  if (partition >= kKeyPartitions) return std::nullopt;
  for (char c : id.substr(3)) {
    if (absl::string_view(kAlphabet).find(c) == absl::string_view::npos) return std::nullopt;
  }
  return partition;
}

std::string NewUuid() {
  // Event and request ids need uniqueness, not secrecy: a per-thread Randen generator (seeded
  // from the OS once) avoids a getrandom(2) call per id on the request path.
  thread_local absl::BitGen gen;
  unsigned char b[16];
  for (auto& byte : b) byte = absl::Uniform<unsigned char>(gen);
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
