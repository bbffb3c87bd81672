#include "orders/store/carrier_store.h"

#include "orders/domain/reasons.h"

namespace crm::orders {

CarrierStore::CarrierStore(platform::Store& store)
    : EntityTable(store,
                  {.cf = kCarriersCf,
                   .noun = "carrier",
                   .not_found_reason = std::string(kReasonCarrierNotFound),
                   .id_of = [](const store::v1::CarrierRecord& r) { return r.carrier_id(); }}) {}

}  // namespace crm::orders
