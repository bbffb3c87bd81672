// StaffStore: the staff accounts (agents, analysts, admins) of the customers service.
//   column family "staff":          staff id          -> versioned StaffRecord (platform/store/entity.h)
//   column family "staff_by_email": lower-cased email -> staff id   (unique)
// Staff live apart from customers (customer_store.h): their own ids, index and records, so a
// staff account never shows up among customers nor the other way round.
//
//   StaffStore staff(store);
//   auto txn = store.Begin();
//   auto stored = staff.Insert(*txn, record, NormalizeEmail(record.email()));
//   if (!stored.ok()) return stored.status();          // ALREADY_EXISTS / EMAIL_TAKEN
//   if (absl::Status s = txn->Commit(); !s.ok()) return s;
//   auto found = staff.FindByEmail("bo@example.com");  // for login
//
// Thread-safe (the Store is; the class keeps no state of its own). rocksdb types never show.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "crm/customers/v1/store.pb.h"
#include "platform/store/store.h"

namespace crm::customers {

inline constexpr absl::string_view kStaffCf = "staff";
inline constexpr absl::string_view kStaffByEmailCf = "staff_by_email";

inline constexpr absl::string_view kReasonStaffNotFound = "STAFF_NOT_FOUND";

struct StoredStaff {
  v1::StaffRecord record;
  uint64_t version = 0;
  std::string etag;
};

class StaffStore {
 public:
  // `store` must have been opened with the column families "staff" and "staff_by_email"
  // (kColumnFamilies has them).
  explicit StaffStore(platform::Store& store);

  // Errors: NOT_FOUND (STAFF_NOT_FOUND); INTERNAL.
  absl::StatusOr<StoredStaff> Get(absl::string_view staff_id) const;

  // The staff member whose lower-cased email is `normalized_email` (see NormalizeEmail), read
  // through the email index. Errors: NOT_FOUND (STAFF_NOT_FOUND); INTERNAL.
  absl::StatusOr<StoredStaff> FindByEmail(absl::string_view normalized_email) const;

  // The account as `txn` sees it, locked until `txn` ends. Errors: NOT_FOUND
  // (STAFF_NOT_FOUND); ABORTED (retry); INTERNAL.
  absl::StatusOr<StoredStaff> GetForUpdate(platform::Txn& txn, absl::string_view staff_id);
  // Replaces `current` (read with GetForUpdate) by `record`, one version up; the email must be
  // unchanged. Errors: INTERNAL.
  absl::StatusOr<StoredStaff> Update(platform::Txn& txn, const StoredStaff& current,
                                     const v1::StaffRecord& record);

  // Adds a new staff account in `txn` as version 1, claiming its email. Errors: INVALID_ARGUMENT
  // without a staff id; ALREADY_EXISTS (EMAIL_TAKEN, naming "email") when another staff member
  // has the email in any letter case; ABORTED when contended (retry the transaction); INTERNAL.
  absl::StatusOr<StoredStaff> Insert(platform::Txn& txn, const v1::StaffRecord& record,
                                     absl::string_view normalized_email);

 private:
  platform::Store& store_;
  platform::ColumnFamily staff_;
  platform::ColumnFamily by_email_;
};

}  // namespace crm::customers
