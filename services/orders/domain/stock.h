// The rules of warehouses and stock, free of I/O.
//
//   CheckWarehouse(request.warehouse(), violations);   // names "warehouse.name", ...
//   CheckStock(request.stock(), violations);           // names "stock.onHand", ...
//   int64_t now = Available(stock);                    // onHand - reserved - backordered, >= 0
#pragma once

#include <cstdint>
#include <vector>

#include "crm/orders/v1/stock.pb.h"
#include "platform/base/errors.h"

namespace crm::orders {

inline constexpr int64_t kMaxOnHand = 1'000'000'000;

// The warehouse's name (free text, required, 100 characters) and region (required, 1 to 50
// letters, digits, '-', '_', '.': a key orders are matched on).
void CheckWarehouse(const v1::Warehouse& warehouse,
                    std::vector<platform::FieldViolation>& violations);

// The units on hand (0 to kMaxOnHand) and the restock time (a valid time).
void CheckStock(const v1::Stock& stock, std::vector<platform::FieldViolation>& violations);

// What a new order can have now: onHand - reserved - backordered, never below 0 (a count below
// what is promised leaves the promised orders waiting, not a negative stock; waiting backorders
// come before new orders).
int64_t Available(const v1::Stock& stock);

}  // namespace crm::orders
