// The one hash that places a key (a customer id, usually) in a partition. Kafka partitions and,
// later, the service instances that own them both use it, so a customer's events and records
// live in the same partition everywhere.
//
//   int p = PartitionOf("c_7k3q9x2m4n8p5r6t1v0w", 6);  // 0..5, stable forever
#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/str_format.h"
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

// The key space's fixed number of partitions (ARCHITECTURE.md, "Scaling out"): the ids of
// orders, shipments, tickets and returns carry KeyPartitionOf(their customer id) and the records
// a service keys by customer start with it, so an instance that owns some partitions owns one key
// range of each and routes a request by its id without a lookup. Fixed forever, like PartitionOf;
// production topics are made with as many partitions, so Kafka's partition of a customer's
// events is the same number.
inline constexpr int kKeyPartitions = 64;

inline int KeyPartitionOf(absl::string_view customer_id) {
  return PartitionOf(customer_id, kKeyPartitions);
}

// The two-digit start of a customer-keyed record's key: "07/" for partition 7, so the customer's
// records follow as "07/<customer id>/...".
inline std::string PartitionKeyPrefix(int partition) { return absl::StrFormat("%02d/", partition); }

}  // namespace crm::platform
