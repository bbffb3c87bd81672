// The price list in RocksDB: column family "products", sku -> versioned Product (its etag
// cleared; the version names it).
#pragma once

#include "crm/orders/v1/products.pb.h"
#include "orders/store/column_families.h"
#include "platform/store/entity_table.h"
#include "platform/store/store.h"

namespace crm::orders {

using StoredProduct = platform::Versioned<v1::Product>;

class ProductStore : public platform::EntityTable<v1::Product> {
 public:
  explicit ProductStore(platform::Store& store);
};

}  // namespace crm::orders
