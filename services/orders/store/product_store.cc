#include "orders/store/product_store.h"

#include "orders/domain/reasons.h"

namespace crm::orders {

ProductStore::ProductStore(platform::Store& store)
    : EntityTable(store, {.cf = kProductsCf,
                          .noun = "product",
                          .not_found_reason = std::string(kReasonProductNotFound),
                          .id_of = [](const v1::Product& p) { return p.sku(); }}) {}

}  // namespace crm::orders
