// The customers service's RocksDB layout:
//   column family "customers":          customer id        -> versioned CustomerRecord
//   column family "customers_by_email": lower-cased email  -> customer id   (unique)
//   column families "sessions", "sessions_by_subject": the logins (session_store.h)
//   column family "password_resets":    SHA-256 of a token -> PasswordResetRecord
//   column family "login_throttle":     lower-cased email  -> LoginThrottleRecord
//   column families "addresses", "wishlist", "interactions": owned records
//                                       "<customer id>/<record id>" (owned_records.h)
//   column families "views", "preferences": customer id -> RecentViews / Preferences
//   column families "customers_by_name", "customers_by_phone", "customers_by_tier": the search
//                                       indexes (customer_index.h)
//   column families "loyalty", "loyalty_sources", "points_ledger": points and tiers
//                                       (loyalty_store.h)
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
#include "platform/store/entity.h"
#include "platform/store/store.h"

namespace crm::customers {

inline const std::vector<std::string> kColumnFamilies = {
    "customers",      "customers_by_email", "sessions",    "sessions_by_subject",
    "staff",          "staff_by_email",     "password_resets", "login_throttle",
    "addresses",      "wishlist",           "views",       "preferences",
    "interactions",   "loyalty",            "loyalty_sources", "points_ledger",
    "customers_by_name", "customers_by_phone", "customers_by_tier"};

struct StoredCustomer {
  v1::CustomerRecord record;
  // Counts the writes of this customer; the etag names it.
  uint64_t version = 0;
  std::string etag;
};

class CustomerStore {
 public:
  explicit CustomerStore(platform::Store& store);

  // An erased customer is NOT_FOUND everywhere below.
  // Errors: NOT_FOUND (CUSTOMER_NOT_FOUND); INTERNAL.
  absl::StatusOr<StoredCustomer> Get(absl::string_view customer_id) const;

  // The customer whose lower-cased email is `normalized_email` (see NormalizeEmail), read through
  // the email index. Errors: NOT_FOUND (CUSTOMER_NOT_FOUND); INTERNAL.
  absl::StatusOr<StoredCustomer> FindByEmail(absl::string_view normalized_email) const;

  // The customer as `txn` sees it, locked until `txn` ends (every write to a customer starts
  // here). Errors: NOT_FOUND (CUSTOMER_NOT_FOUND); ABORTED when the lock cannot be had in time
  // (retry); INTERNAL.
  absl::StatusOr<StoredCustomer> GetForUpdate(platform::Txn& txn,
                                              absl::string_view customer_id) const;

  // Replaces `current` (read with GetForUpdate in `txn`) by `record`, one version up. The email
  // must be unchanged (the index is not touched). Errors: INTERNAL.
  absl::StatusOr<StoredCustomer> Update(platform::Txn& txn, const StoredCustomer& current,
                                        const v1::CustomerRecord& record);

  // True when `customer_id` names an erased customer (false for one that never existed).
  // Errors: INTERNAL.
  absl::StatusOr<bool> IsErased(absl::string_view customer_id) const;

  // Frees an email for a new registration (erasure).
  absl::Status ReleaseEmail(platform::Txn& txn, absl::string_view normalized_email);

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
