// Records a customer owns, several per customer (addresses, wishlist items, interactions): one
// column family, keys "<customer id>/<record id>", so one customer's records are one prefix
// scan and stay with the customer when the key space is partitioned. Values are versioned
// entities (platform/store/entity.h), so each record has its own etag.
//
//   OwnedRecords addresses(store, "addresses");
//   auto current = addresses.GetForUpdate(*txn, "c_1", "a_1");     // locked
//   addresses.Put(*txn, "c_1", "a_1", version + 1, address.SerializeAsString());
//   addresses.List("c_1", [&](absl::string_view id, const Entity& e) { ...; return true; });
//
// Callers lock the customer's record first when a write depends on the other records (how
// many there are, which one is the default). Thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "platform/store/entity.h"
#include "platform/store/store.h"

namespace crm::customers {

class OwnedRecords {
 public:
  // `cf` must be one of the store's column families.
  OwnedRecords(platform::Store& store, absl::string_view cf);

  absl::StatusOr<std::optional<platform::Entity>> Get(absl::string_view customer_id,
                                                      absl::string_view record_id) const;
  // Locked until `txn` ends.
  absl::StatusOr<std::optional<platform::Entity>> GetForUpdate(platform::Txn& txn,
                                                               absl::string_view customer_id,
                                                               absl::string_view record_id);
  absl::Status Put(platform::Txn& txn, absl::string_view customer_id, absl::string_view record_id,
                   uint64_t version, absl::string_view data);
  absl::Status Delete(platform::Txn& txn, absl::string_view customer_id,
                      absl::string_view record_id);

  // Visits the customer's records with ids >= `from_id`, in id order, until `visit` answers
  // false. Errors: INTERNAL.
  absl::Status List(absl::string_view customer_id, absl::string_view from_id,
                    const std::function<bool(absl::string_view record_id,
                                             const platform::Entity& entity)>& visit) const;
  // Deletes every record of the customer in `txn` (erasure); answers how many.
  absl::StatusOr<int> DeleteAll(platform::Txn& txn, absl::string_view customer_id);

 private:
  platform::Store& store_;
  platform::ColumnFamily cf_;
};

}  // namespace crm::customers
