// Records an owner holds, several per owner (a customer's addresses, wishlist items,
// interactions; an order's lines): one column family, keys "<owner id>/<record id>", so one
// owner's records are one prefix scan and stay with the owner when the key space is partitioned.
// Values are versioned entities (entity.h), so each record has its own etag.
//
//   OwnedRecords addresses(store, "addresses");
//   auto current = addresses.GetForUpdate(*txn, "c_1", "a_1");     // locked
//   addresses.Put(*txn, "c_1", "a_1", version + 1, address.SerializeAsString());
//   addresses.List("c_1", "", [&](absl::string_view id, const Entity& e) { ...; return true; });
//
// Records are listed in id order: choose ids that sort the way they are listed. Callers lock the
// owner's record first when a write depends on the other records (how many there are, which one
// is the default). Thread-safe (the Store is; the class keeps no state of its own).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "platform/store/entity.h"
#include "platform/store/store.h"

namespace crm::platform {

class OwnedRecords {
 public:
  // `cf` must be one of the store's column families.
  OwnedRecords(Store& store, absl::string_view cf);

  // Empty when absent. Errors: INTERNAL.
  absl::StatusOr<std::optional<Entity>> Get(absl::string_view owner_id,
                                            absl::string_view record_id) const;
  // Locked until `txn` ends. Errors: ABORTED when the lock cannot be had in time (retry);
  // INTERNAL.
  absl::StatusOr<std::optional<Entity>> GetForUpdate(Txn& txn, absl::string_view owner_id,
                                                     absl::string_view record_id);
  // Stores `data` as `version` of the record (1 for a new one).
  absl::Status Put(Txn& txn, absl::string_view owner_id, absl::string_view record_id,
                   uint64_t version, absl::string_view data);
  absl::Status Delete(Txn& txn, absl::string_view owner_id, absl::string_view record_id);

  // Visits the owner's records with ids >= `from_id`, in id order, until `visit` answers false.
  // Errors: INTERNAL.
  absl::Status List(
      absl::string_view owner_id, absl::string_view from_id,
      const std::function<bool(absl::string_view record_id, const Entity& entity)>& visit) const;
  // Deletes every record of the owner in `txn` (erasure); answers how many.
  absl::StatusOr<int> DeleteAll(Txn& txn, absl::string_view owner_id);

 private:
  Store& store_;
  ColumnFamily cf_;
};

}  // namespace crm::platform
