// The orders service's column families (the platform adds its own):
//
//   products     sku -> versioned Product                       (ProductStore, an EntityTable)
//   warehouses   warehouse id -> versioned Warehouse            (WarehouseStore, an EntityTable)
//   stock        <sku>/<warehouse id> -> versioned Stock        (OwnedRecords: one sku's stock
//                                                                is one prefix scan)
#pragma once

#include <string>
#include <vector>

namespace crm::orders {

inline constexpr char kProductsCf[] = "products";
inline constexpr char kWarehousesCf[] = "warehouses";
inline constexpr char kStockCf[] = "stock";

inline const std::vector<std::string> kColumnFamilies = {kProductsCf, kWarehousesCf, kStockCf};

}  // namespace crm::orders
