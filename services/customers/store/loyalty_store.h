// LoyaltyStore: one LoyaltyRecord per customer (column family "loyalty", a versioned entity),
// its ledger (owned records in "points_ledger", ids sorting newest first), and the sources
// already applied ("loyalty_sources": "<customer id>/<source>", e.g. "delivery:sh_1"), so each
// delivery, refund and review has exactly one effect whatever Kafka delivers twice.
//
//   auto stored = loyalty.GetForUpdate(*txn, "c_1");          // locked; empty when new
//   if (*loyalty.Applied(*txn, "c_1", "delivery:sh_1")) return OkStatus();
//   ...domain/loyalty.h changes stored->record, answering the entry...
//   loyalty.AddEntry(*txn, "c_1", stored->record, entry);
//   loyalty.Put(*txn, "c_1", *stored);
//
// Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "customers/store/records.pb.h"
#include "platform/store/entity_table.h"
#include "platform/store/owned_records.h"
#include "platform/store/store.h"

namespace crm::customers {

// Version 0 for a customer without any loyalty activity yet.
using StoredLoyalty = platform::Versioned<store::v1::LoyaltyRecord>;

class LoyaltyStore {
 public:
  explicit LoyaltyStore(platform::Store& store);

  absl::StatusOr<StoredLoyalty> Get(absl::string_view customer_id) const;
  absl::StatusOr<StoredLoyalty> GetForUpdate(platform::Txn& txn, absl::string_view customer_id);
  // Stores `stored.record` one version up.
  absl::Status Put(platform::Txn& txn, absl::string_view customer_id, const StoredLoyalty& stored);

  // True when `source` was applied to the customer before; marks it applied otherwise (in
  // `txn`, so the mark commits with the effect).
  absl::StatusOr<bool> Applied(platform::Txn& txn, absl::string_view customer_id,
                               absl::string_view source);

  // Adds `entry` to the ledger with the id of `record.entries()` (call after the change),
  // setting that id on `entry`.
  absl::Status AddEntry(platform::Txn& txn, absl::string_view customer_id,
                        const store::v1::LoyaltyRecord& record, v1::PointsEntry* entry);
  // The newest `limit` entries, newest first.
  absl::StatusOr<std::vector<v1::PointsEntry>> Newest(absl::string_view customer_id,
                                                      int limit) const;

 private:
  // Keyed by customer id; no indexes.
  platform::EntityTable<store::v1::LoyaltyRecord> accounts_;
  platform::ColumnFamily sources_;
  platform::OwnedRecords ledger_;
};

}  // namespace crm::customers
