#include "orders/domain/stock.h"

#include <algorithm>

#include "platform/base/proto_time.h"
#include "platform/base/text.h"

namespace crm::orders {

void CheckWarehouse(const v1::Warehouse& warehouse,
                    std::vector<platform::FieldViolation>& violations) {
  platform::CheckText("warehouse.name", warehouse.name(), {.max_chars = 100, .required = true},
                      violations);
  if (warehouse.region().empty()) {
    violations.push_back({"warehouse.region", "is required"});
  } else if (warehouse.region().size() > 50 || !platform::IsValidSku(warehouse.region())) {
    violations.push_back({"warehouse.region", "must be 1 to 50 letters, digits, '-', '_' or '.'"});
  }
}

void CheckStock(const v1::Stock& stock, std::vector<platform::FieldViolation>& violations) {
  if (stock.on_hand() < 0 || stock.on_hand() > kMaxOnHand) {
    violations.push_back({"stock.onHand", "must be 0 to 1000000000"});
  }
  if (stock.has_restock_at() && !platform::IsValidTimestamp(stock.restock_at())) {
    violations.push_back({"stock.restockAt", "is not a valid time"});
  }
}

int64_t Available(const v1::Stock& stock) {
  return std::max<int64_t>(0, stock.on_hand() - stock.reserved() - stock.backordered());
}

}  // namespace crm::orders
