#include "orders/store/warehouse_store.h"

#include <string>

#include "orders/domain/reasons.h"

namespace crm::orders {

WarehouseStore::WarehouseStore(platform::Store& store)
    : EntityTable(store, {.cf = kWarehousesCf,
                          .noun = "warehouse",
                          .not_found_reason = std::string(kReasonWarehouseNotFound),
                          .id_of = [](const v1::Warehouse& w) { return w.warehouse_id(); }}) {}

}  // namespace crm::orders
