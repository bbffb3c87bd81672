// Entities with versions, for optimistic concurrency: every stored entity carries a version
// that each write increments; clients see it as an opaque etag ("v3") and send it back as
// If-Match, and a stale one is refused with FAILED_PRECONDITION / ETAG_MISMATCH (HTTP 412).
//
//   auto current = ReadEntityForUpdate(txn, cf, key);      // locks the key
//   if (!*current) return NotFound(...);
//   if (auto s = CheckEtag(**current, if_match); !s.ok()) return s;
//   return WriteEntity(txn, cf, key, (*current)->version + 1, updated.SerializeAsString());
//
// Stored form: 8-byte big-endian version, then the payload.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "platform/store/store.h"

namespace crm::platform {

struct Entity {
  uint64_t version = 0;
  std::string data;
  std::string etag() const;
};

std::string EtagOf(uint64_t version);

absl::StatusOr<std::optional<Entity>> ReadEntity(const Store& store, ColumnFamily cf,
                                                 absl::string_view key);
absl::StatusOr<std::optional<Entity>> ReadEntityForUpdate(Txn& txn, ColumnFamily cf,
                                                          absl::string_view key);
// Stores `data` as `version` (1 for a new entity).
absl::Status WriteEntity(Txn& txn, ColumnFamily cf, absl::string_view key, uint64_t version,
                         absl::string_view data);
// An entity from its stored form (as a Scan visits it). Errors: INTERNAL when `stored` is too
// short to hold a version.
absl::StatusOr<Entity> DecodeEntity(absl::string_view stored);
// OK when `if_match` is empty (no precondition) or names `current`'s version; else
// FAILED_PRECONDITION with reason ETAG_MISMATCH.
absl::Status CheckEtag(const Entity& current, absl::string_view if_match);

}  // namespace crm::platform
