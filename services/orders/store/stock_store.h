// Stock per (product, warehouse) and the backorders waiting for it, in RocksDB:
//
//   stock        <sku>/<warehouse id> -> versioned v1::Stock (one sku's stock is one prefix
//                scan; ids and etag are not stored: the key and version give them)
//   backorders   <sku>/<warehouse id>/<placed time><shipment id> -> the waiting part's line
//                (oldest first: released first come, first served when stock arrives)
//   stock_locations  <sku>/<warehouse id> -> "" (written once, when the level is first stored:
//                which warehouses hold a sku, read by every order without scanning the stock
//                records, whose many versions a scan would have to step over)
//
//   StockStore stock(store);
//   auto levels = stock.LockAll(txn, {"sku-1", "sku-2"});  // every warehouse's, locked in key
//   order level.stock.set_reserved(level.stock.reserved() + 2); stock.Put(txn, level);
//
// Thread-safe (the Store is; nothing is kept here).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "crm/orders/v1/stock.pb.h"
#include "platform/store/owned_records.h"
#include "platform/store/store.h"

namespace crm::orders {

// One product's stock in one warehouse, as stored.
struct StoredStock {
  std::string sku;
  std::string warehouse_id;
  v1::Stock stock;
  // 0 for none stored yet.
  uint64_t version = 0;
};

class StockStore {
 public:
  explicit StockStore(platform::Store& store);

  // The level, locked until `txn` ends (version 0 when none is stored). Errors: ABORTED
  // (retry); INTERNAL.
  absl::StatusOr<StoredStock> GetForUpdate(platform::Txn& txn, absl::string_view sku,
                                           absl::string_view warehouse_id);
  // Every warehouse's level of each of `skus`, each locked until `txn` ends, locked in key
  // order (skus sorted, then warehouse ids) so that two orders never wait for each other.
  // Errors: ABORTED (retry); INTERNAL.
  absl::StatusOr<std::vector<StoredStock>> LockAll(platform::Txn& txn,
                                                   std::vector<std::string> skus);
  // Stores `level` one version up (its `version` is advanced) with the ids and etag cleared.
  absl::Status Put(platform::Txn& txn, StoredStock& level);
  // Visits the sku's levels in warehouse id order until `visit` answers false. Errors: INTERNAL.
  absl::Status List(absl::string_view sku,
                    const std::function<bool(const StoredStock& level)>& visit) const;

  // The shipments waiting for the sku's stock at the warehouse, oldest order first, with their
  // positions in the queue. Errors: INTERNAL.
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> Backorders(
      absl::string_view sku, absl::string_view warehouse_id) const;
  absl::Status RemoveBackorder(platform::Txn& txn, absl::string_view sku,
                               absl::string_view warehouse_id, absl::string_view position);

  // Adds the stock_locations entries missing for stock stored before that index existed (a
  // store written by an older build); answers how many. Called once at start. Errors: INTERNAL.
  absl::StatusOr<int> IndexLocations(platform::Store& store);

  // Queues a part of `shipment_id` (order placed at `placed_at`) waiting for the sku's stock at
  // the warehouse.
  absl::Status AddBackorder(platform::Txn& txn, absl::string_view sku,
                            absl::string_view warehouse_id, absl::Time placed_at,
                            absl::string_view shipment_id);

 private:
  platform::OwnedRecords stock_;
  platform::OwnedRecords backorders_;
  platform::OwnedRecords locations_;
};

}  // namespace crm::orders
