#include "customers/store/staff_store.h"

#include "platform/entity.h"
#include "platform/errors.h"

namespace crm::customers {

StaffStore::StaffStore(platform::Store& store)
    : store_(store), staff_(store.cf(kStaffCf)), by_email_(store.cf(kStaffByEmailCf)) {}

absl::StatusOr<StoredStaff> StaffStore::Get(absl::string_view staff_id) const {
  auto entity = platform::ReadEntity(store_, staff_, staff_id);
  if (!entity.ok()) return entity.status();
  if (!entity->has_value()) {
    return platform::Error(absl::StatusCode::kNotFound, kReasonStaffNotFound,
                           "no staff member with this id");
  }
  StoredStaff stored;
  if (!stored.record.ParseFromString((*entity)->data)) {
    return absl::InternalError("unreadable staff record");
  }
  stored.etag = (*entity)->etag();
  return stored;
}

absl::StatusOr<StoredStaff> StaffStore::FindByEmail(absl::string_view normalized_email) const {
  auto staff_id = store_.Get(by_email_, normalized_email);
  if (!staff_id.ok()) return staff_id.status();
  if (!staff_id->has_value()) {
    return platform::Error(absl::StatusCode::kNotFound, kReasonStaffNotFound,
                           "no staff member with this email");
  }
  return Get(**staff_id);
}

absl::StatusOr<StoredStaff> StaffStore::Insert(platform::Txn& txn, const v1::StaffRecord& record,
                                               absl::string_view normalized_email) {
  if (record.staff_id().empty()) return absl::InvalidArgumentError("staff record without an id");
  // Locked, so two admins creating the same email at once cannot both win.
  auto owner = txn.GetForUpdate(by_email_, normalized_email);
  if (!owner.ok()) return owner.status();
  if (owner->has_value()) {
    return platform::Error(absl::StatusCode::kAlreadyExists, "EMAIL_TAKEN",
                           "a staff member with this email already exists",
                           {{"email", "is already registered"}});
  }
  if (absl::Status s = txn.Put(by_email_, normalized_email, record.staff_id()); !s.ok()) return s;
  constexpr uint64_t kFirstVersion = 1;
  if (absl::Status s = platform::WriteEntity(txn, staff_, record.staff_id(), kFirstVersion,
                                             record.SerializeAsString());
      !s.ok()) {
    return s;
  }
  return StoredStaff{record, platform::EtagOf(kFirstVersion)};
}

}  // namespace crm::customers
