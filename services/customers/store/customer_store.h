// The customers service's RocksDB layout:
//   column family "customers":          customer id        -> versioned CustomerRecord
//   column family "customers_by_email": lower-cased email  -> customer id   (unique)
//   column family "sessions":           session id         -> SessionRecord (session_store.h)
//   column families "staff", "staff_by_email": the staff accounts (staff_store.h)
// The email index is not keyed by customer, so it stays in its own column family (it will need
// its own placement when the service scales out).
// Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "crm/customers/v1/store.pb.h"
#include "platform/entity.h"
#include "platform/store.h"

namespace crm::customers {

inline const std::vector<std::string> kColumnFamilies = {"customers", "customers_by_email",
                                                         "sessions", "staff", "staff_by_email"};

struct StoredCustomer {
  v1::CustomerRecord record;
  std::string etag;
};

class CustomerStore {
 public:
  explicit CustomerStore(platform::Store& store);

  // Errors: NOT_FOUND (CUSTOMER_NOT_FOUND); INTERNAL.
  absl::StatusOr<StoredCustomer> Get(absl::string_view customer_id) const;

  // The customer whose lower-cased email is `normalized_email` (see NormalizeEmail), read through
  // the email index. Errors: NOT_FOUND (CUSTOMER_NOT_FOUND); INTERNAL.
  absl::StatusOr<StoredCustomer> FindByEmail(absl::string_view normalized_email) const;

  // Adds a new customer in `txn`, claiming its email. Errors: ALREADY_EXISTS (EMAIL_TAKEN) when
  // another customer has the email in any letter case; ABORTED when contended (retry).
  absl::StatusOr<StoredCustomer> Insert(platform::Txn& txn, const v1::CustomerRecord& record,
                                        absl::string_view normalized_email);

 private:
  platform::Store& store_;
  platform::ColumnFamily customers_;
  platform::ColumnFamily by_email_;
};

}  // namespace crm::customers
