// Partner carriers in RocksDB: column family "carriers", carrier id -> versioned CarrierRecord,
// whose signing secrets are sealed with the service's secret key (never stored in the clear).
#pragma once

#include "orders/store/column_families.h"
#include "orders/store/records.pb.h"
#include "platform/store/entity_table.h"
#include "platform/store/store.h"

namespace crm::orders {

using StoredCarrier = platform::Versioned<store::v1::CarrierRecord>;

class CarrierStore : public platform::EntityTable<store::v1::CarrierRecord> {
 public:
  explicit CarrierStore(platform::Store& store);
};

}  // namespace crm::orders
