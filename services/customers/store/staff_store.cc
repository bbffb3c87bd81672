#include "customers/store/staff_store.h"

#include "platform/base/text.h"

namespace crm::customers {

StaffStore::StaffStore(platform::Store& store)
    : EntityTable(store, {.cf = std::string(kStaffCf),
                          .noun = "staff member",
                          .not_found_reason = std::string(kReasonStaffNotFound),
                          .id_of = [](const store::v1::StaffRecord& r) { return r.staff_id(); },
                          .unique_indexes = {{.cf = std::string(kStaffByEmailCf),
                                              .field = "email",
                                              .taken_reason = std::string(kReasonEmailTaken),
                                              .taken = "is already registered",
                                              .key_of = [](const store::v1::StaffRecord& r) {
                                                return platform::NormalizeEmail(r.email());
                                              }}}}) {}

absl::StatusOr<StoredStaff> StaffStore::FindByEmail(absl::string_view normalized_email) const {
  return GetBy("email", normalized_email);
}

}  // namespace crm::customers
