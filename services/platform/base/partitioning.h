// The one hash that places a key (a customer id, usually) in a partition. Kafka partitions and,
// later, the service instances that own them both use it, so a customer's events and records
// live in the same partition everywhere.
//
//   int p = PartitionOf("c_7k3q9x2m4n8p5r6t1v0w", 6);  // 0..5, stable forever
#pragma once

#include <cstdint>

#include "absl/strings/string_view.h"

namespace crm::platform {

// FNV-1a (32-bit) of `key`, modulo `partitions`. `partitions` must be > 0. Changing this
// function moves every customer: never do it for a running system.
inline int PartitionOf(absl::string_view key, int partitions) {
  uint32_t hash = 2166136261u;
  for (unsigned char c : key) {
    hash ^= c;
    hash *= 16777619u;
  }
  return static_cast<int>(hash % static_cast<uint32_t>(partitions));
}

}  // namespace crm::platform
