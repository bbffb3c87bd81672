// StaffStore: the staff accounts (agents, analysts, admins) of the customers service.
//   column family "staff":          staff id          -> versioned StaffRecord
//   column family "staff_by_email": lower-cased email -> staff id   (unique)
// Staff live apart from customers (customer_store.h): their own ids, index and records, so a
// staff account never shows up among customers nor the other way round.
//
//   StaffStore staff(store);
//   auto txn = store.Begin();
//   auto stored = staff.Insert(*txn, record);
//   if (!stored.ok()) return stored.status();          // ALREADY_EXISTS / EMAIL_TAKEN
//   if (absl::Status s = txn->Commit(); !s.ok()) return s;
//   auto found = staff.FindByEmail("bo@example.com");  // for login
//
// Thread-safe (the Store is; the class keeps no state of its own). rocksdb types never show.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "customers/domain/reasons.h"
#include "customers/store/records.pb.h"
#include "platform/store/entity_table.h"
#include "platform/store/store.h"

namespace crm::customers {

inline constexpr absl::string_view kStaffCf = "staff";
inline constexpr absl::string_view kStaffByEmailCf = "staff_by_email";

using StoredStaff = platform::Versioned<store::v1::StaffRecord>;

// The staff accounts, a platform::EntityTable: Get, GetForUpdate, Update (one version up, the
// email index in step) and Insert (version 1; INVALID_ARGUMENT without a staff id; a taken email
// is ALREADY_EXISTS / EMAIL_TAKEN naming "email") answer NOT_FOUND (STAFF_NOT_FOUND) for an
// unknown id.
class StaffStore : public platform::EntityTable<store::v1::StaffRecord> {
 public:
  // `store` must have been opened with the column families "staff" and "staff_by_email"
  // (kColumnFamilies has them).
  explicit StaffStore(platform::Store& store);

  // The staff member whose lower-cased email is `normalized_email` (see NormalizeEmail), read
  // through the email index. Errors: NOT_FOUND (STAFF_NOT_FOUND); INTERNAL.
  absl::StatusOr<StoredStaff> FindByEmail(absl::string_view normalized_email) const;
};

}  // namespace crm::customers
