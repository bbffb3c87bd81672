#include "customers/store/loyalty_store.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace crm::customers {
namespace {

// Inverted, so a prefix scan reads the newest entry first.
std::string EntryId(int64_t number) {
  return absl::StrFormat("%016x",
                         std::numeric_limits<uint64_t>::max() - static_cast<uint64_t>(number));
}

}  // namespace

LoyaltyStore::LoyaltyStore(platform::Store& store)
    : accounts_(store, {.cf = "loyalty", .noun = "loyalty account"}),
      sources_(store.cf("loyalty_sources")),
      ledger_(store, "points_ledger") {}

absl::StatusOr<StoredLoyalty> LoyaltyStore::Get(absl::string_view customer_id) const {
  return accounts_.GetOrNew(customer_id);
}

absl::StatusOr<StoredLoyalty> LoyaltyStore::GetForUpdate(platform::Txn& txn,
                                                         absl::string_view customer_id) {
  return accounts_.GetOrNewForUpdate(txn, customer_id);
}

absl::Status LoyaltyStore::Put(platform::Txn& txn, absl::string_view customer_id,
                               const StoredLoyalty& stored) {
  return accounts_
      .Update(txn, {.id = std::string(customer_id), .version = stored.version}, stored.record)
      .status();
}

absl::StatusOr<bool> LoyaltyStore::Applied(platform::Txn& txn, absl::string_view customer_id,
                                           absl::string_view source) {
  std::string key = absl::StrCat(customer_id, "/", source);
  auto seen = txn.GetForUpdate(sources_, key);
  if (!seen.ok()) return seen.status();
  if (seen->has_value()) return true;
  if (absl::Status s = txn.Put(sources_, key, ""); !s.ok()) return s;
  return false;
}

absl::Status LoyaltyStore::AddEntry(platform::Txn& txn, absl::string_view customer_id,
                                    const store::v1::LoyaltyRecord& record,
                                    v1::PointsEntry* entry) {
  std::string id = EntryId(record.entries());
  entry->set_entry_id(id);
  return ledger_.Put(txn, customer_id, id, 1, entry->SerializeAsString());
}

absl::StatusOr<std::vector<v1::PointsEntry>> LoyaltyStore::Newest(absl::string_view customer_id,
                                                                  int limit) const {
  std::vector<v1::PointsEntry> entries;
  bool unreadable = false;
  absl::Status listed =
      ledger_.List(customer_id, "", [&](absl::string_view, const platform::Entity& entity) {
        v1::PointsEntry entry;
        unreadable = !entry.ParseFromString(entity.data);
        if (!unreadable) entries.push_back(std::move(entry));
        return !unreadable && static_cast<int>(entries.size()) < limit;
      });
  if (!listed.ok()) return listed;
  if (unreadable) return absl::InternalError("unreadable ledger entry");
  return entries;
}

}  // namespace crm::customers
