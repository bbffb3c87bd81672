#include "customers/store/staff_store.h"

#include "platform/store/entity.h"
#include "platform/base/errors.h"

namespace crm::customers {

StaffStore::StaffStore(platform::Store& store)
    : store_(store), staff_(store.cf(kStaffCf)), by_email_(store.cf(kStaffByEmailCf)) {}

namespace {

absl::StatusOr<StoredStaff> Parse(absl::StatusOr<std::optional<platform::Entity>> entity) {
  if (!entity.ok()) return entity.status();
  if (!entity->has_value()) {
    return platform::Error(absl::StatusCode::kNotFound, kReasonStaffNotFound,
                           "no staff member with this id");
  }
  StoredStaff stored;
  if (!stored.record.ParseFromString((*entity)->data)) {
    return absl::InternalError("unreadable staff record");
  }
  stored.version = (*entity)->version;
  stored.etag = (*entity)->etag();
  return stored;
}

}  // namespace

absl::StatusOr<StoredStaff> StaffStore::Get(absl::string_view staff_id) const {
  return Parse(platform::ReadEntity(store_, staff_, staff_id));
}

absl::StatusOr<StoredStaff> StaffStore::GetForUpdate(platform::Txn& txn,
                                                     absl::string_view staff_id) {
  return Parse(platform::ReadEntityForUpdate(txn, staff_, staff_id));
}

absl::StatusOr<StoredStaff> StaffStore::Update(platform::Txn& txn, const StoredStaff& current,
                                               const v1::StaffRecord& record) {
  uint64_t version = current.version + 1;
  if (absl::Status s = platform::WriteEntity(txn, staff_, record.staff_id(), version,
                                             record.SerializeAsString());
      !s.ok()) {
    return s;
  }
  return StoredStaff{record, version, platform::EtagOf(version)};
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
  return StoredStaff{record, kFirstVersion, platform::EtagOf(kFirstVersion)};
}

}  // namespace crm::customers
