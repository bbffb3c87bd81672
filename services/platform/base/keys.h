// Helpers for RocksDB keys that sort the way scans need them: fixed-width big-endian numbers
// sort numerically, and "/" separates parts.
//
//   std::string key = absl::StrCat("d/", BigEndian64(due_micros), "/", timer_id);
#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace crm::platform {

inline std::string BigEndian64(uint64_t value) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  return out;
}

// The number in the first 8 bytes of `bytes`, which must hold at least 8.
inline uint64_t ReadBigEndian64(absl::string_view bytes) {
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | static_cast<unsigned char>(bytes[i]);
  return value;
}

}  // namespace crm::platform
