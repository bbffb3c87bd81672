#include "orders/store/stock_store.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "orders/store/column_families.h"
#include "platform/base/paging.h"

namespace crm::orders {

namespace {

absl::StatusOr<StoredStock> Parse(absl::string_view sku, absl::string_view warehouse_id,
                                  const std::optional<platform::Entity>& entity) {
  StoredStock level{.sku = std::string(sku), .warehouse_id = std::string(warehouse_id)};
  if (!entity.has_value()) return level;
  if (!level.stock.ParseFromString(entity->data)) return absl::InternalError("unreadable stock");
  level.version = entity->version;
  return level;
}

}  // namespace

StockStore::StockStore(platform::Store& store)
    : stock_(store, kStockCf),
      backorders_(store, kBackordersCf),
      locations_(store, kStockLocationsCf) {}

absl::StatusOr<StoredStock> StockStore::GetForUpdate(platform::Txn& txn, absl::string_view sku,
                                                     absl::string_view warehouse_id) {
  auto entity = stock_.GetForUpdate(txn, sku, warehouse_id);
  if (!entity.ok()) return entity.status();
  return Parse(sku, warehouse_id, *entity);
}

absl::StatusOr<std::vector<StoredStock>> StockStore::LockAll(platform::Txn& txn,
                                                             std::vector<std::string> skus) {
  std::sort(skus.begin(), skus.end());
  std::vector<StoredStock> levels;
  for (const std::string& sku : skus) {
    // Which warehouses hold it, read without a lock, then each locked in order: a level
    // written in between is simply not offered to this order.
    std::vector<std::string> warehouses;
    absl::Status listed =
        locations_.List(sku, "", [&](absl::string_view warehouse_id, const platform::Entity&) {
          warehouses.emplace_back(warehouse_id);
          return true;
        });
    if (!listed.ok()) return listed;
    for (const std::string& warehouse_id : warehouses) {
      auto level = GetForUpdate(txn, sku, warehouse_id);
      if (!level.ok()) return level.status();
      if (level->version != 0) levels.push_back(*std::move(level));
    }
  }
  return levels;
}

absl::Status StockStore::Put(platform::Txn& txn, StoredStock& level) {
  level.stock.clear_sku();
  level.stock.clear_warehouse_id();
  level.stock.clear_etag();
  level.stock.clear_available();
  if (level.version == 0) {
    if (absl::Status s = locations_.Put(txn, level.sku, level.warehouse_id, 1, ""); !s.ok()) {
      return s;
    }
  }
  ++level.version;
  return stock_.Put(txn, level.sku, level.warehouse_id, level.version,
                    level.stock.SerializeAsString());
}

absl::Status StockStore::List(absl::string_view sku,
                              const std::function<bool(const StoredStock& level)>& visit) const {
  absl::Status unreadable;
  absl::Status listed =
      stock_.List(sku, "", [&](absl::string_view warehouse_id, const platform::Entity& entity) {
        auto level = Parse(sku, warehouse_id, entity);
        if (!level.ok()) {
          unreadable = level.status();
          return false;
        }
        return visit(*level);
      });
  if (!listed.ok()) return listed;
  return unreadable;
}

absl::StatusOr<int> StockStore::IndexLocations(platform::Store& store) {
  std::vector<std::string> keys;
  absl::Status scanned =
      store.Scan(store.cf(kStockCf), "", "", [&](absl::string_view key, absl::string_view) {
        keys.emplace_back(key);
        return true;
      });
  if (!scanned.ok()) return scanned;
  auto txn = store.Begin();
  int added = 0;
  for (const std::string& key : keys) {
    auto present = txn->Get(store.cf(kStockLocationsCf), key);
    if (!present.ok()) return present.status();
    if (present->has_value()) continue;
    // The same key in both: "<sku>/<warehouse id>", an empty versioned entity as Put writes.
    size_t slash = key.find('/');
    if (absl::Status s = locations_.Put(*txn, key.substr(0, slash), key.substr(slash + 1), 1, "");
        !s.ok()) {
      return s;
    }
    ++added;
  }
  if (added == 0) return 0;
  if (absl::Status s = txn->Commit(); !s.ok()) return s;
  return added;
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> StockStore::Backorders(
    absl::string_view sku, absl::string_view warehouse_id) const {
  std::vector<std::pair<std::string, std::string>> queue;
  absl::Status listed =
      backorders_.List(absl::StrCat(sku, "/", warehouse_id), "",
                       [&](absl::string_view position, const platform::Entity& entity) {
                         queue.emplace_back(std::string(position), entity.data);
                         return true;
                       });
  if (!listed.ok()) return listed;
  return queue;
}

absl::Status StockStore::RemoveBackorder(platform::Txn& txn, absl::string_view sku,
                                         absl::string_view warehouse_id,
                                         absl::string_view position) {
  return backorders_.Delete(txn, absl::StrCat(sku, "/", warehouse_id), position);
}

absl::Status StockStore::AddBackorder(platform::Txn& txn, absl::string_view sku,
                                      absl::string_view warehouse_id, absl::Time placed_at,
                                      absl::string_view shipment_id) {
  return backorders_.Put(txn, absl::StrCat(sku, "/", warehouse_id),
                         absl::StrCat(platform::TimeOrderKey(placed_at), shipment_id), 1,
                         shipment_id);
}

}  // namespace crm::orders
