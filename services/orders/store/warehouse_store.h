// The warehouses in RocksDB: column family "warehouses", warehouse id -> versioned Warehouse
// (its etag cleared; the version names it).
#pragma once

#include "crm/orders/v1/stock.pb.h"
#include "orders/store/column_families.h"
#include "platform/store/entity_table.h"
#include "platform/store/store.h"

namespace crm::orders {

using StoredWarehouse = platform::Versioned<v1::Warehouse>;

class WarehouseStore : public platform::EntityTable<v1::Warehouse> {
 public:
  explicit WarehouseStore(platform::Store& store);
};

}  // namespace crm::orders
