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
#include "customers/store/records.pb.h"
#include "platform/store/entity_table.h"
#include "platform/store/store.h"

namespace crm::customers {

// clang-format off
inline const std::vector<std::string> kColumnFamilies = {
    "customers",      "customers_by_email", "sessions",    "sessions_by_subject",
    "staff",          "staff_by_email",     "password_resets", "login_throttle",
    "addresses",      "wishlist",           "views",       "preferences",
    "interactions",   "loyalty",            "loyalty_sources", "points_ledger",
    "customers_by_name", "customers_by_phone", "customers_by_tier"};
// clang-format on

using StoredCustomer = platform::Versioned<store::v1::CustomerRecord>;

// The customers, a platform::EntityTable: Get, GetForUpdate (every write to a customer starts
// there), Update (one version up, the email index in step) and Insert (claims the email; a
// taken one is ALREADY_EXISTS / EMAIL_TAKEN naming "email") answer NOT_FOUND
// (CUSTOMER_NOT_FOUND) for an unknown or erased customer.
class CustomerStore : public platform::EntityTable<store::v1::CustomerRecord> {
 public:
  explicit CustomerStore(platform::Store& store);

  // The customer whose lower-cased email is `normalized_email` (see NormalizeEmail), read through
  // the email index. Errors: NOT_FOUND (CUSTOMER_NOT_FOUND); INTERNAL.
  absl::StatusOr<StoredCustomer> FindByEmail(absl::string_view normalized_email) const;

  // True when `customer_id` names an erased customer (false for one that never existed).
  // Errors: INTERNAL.
  absl::StatusOr<bool> IsErased(absl::string_view customer_id) const;

  // Frees an email for a new registration (erasure).
  absl::Status ReleaseEmail(platform::Txn& txn, absl::string_view normalized_email);
};

}  // namespace crm::customers
