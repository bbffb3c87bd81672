#include "customers/store/customer_store.h"

#include "platform/base/errors.h"

namespace crm::customers {

CustomerStore::CustomerStore(platform::Store& store)
    : store_(store), customers_(store.cf("customers")), by_email_(store.cf("customers_by_email")) {}

namespace {

absl::StatusOr<StoredCustomer> Parse(absl::StatusOr<std::optional<platform::Entity>> entity) {
  if (!entity.ok()) return entity.status();
  if (!entity->has_value()) {
    return platform::Error(absl::StatusCode::kNotFound, "CUSTOMER_NOT_FOUND",
                           "no customer with this id");
  }
  StoredCustomer stored;
  if (!stored.record.ParseFromString((*entity)->data)) {
    return absl::InternalError("unreadable customer record");
  }
  // Erased: only anonymous facts are left, and nobody may reach them as a customer.
  if (stored.record.has_erased_at()) {
    return platform::Error(absl::StatusCode::kNotFound, "CUSTOMER_NOT_FOUND",
                           "no customer with this id");
  }
  stored.version = (*entity)->version;
  stored.etag = (*entity)->etag();
  return stored;
}

}  // namespace

absl::StatusOr<StoredCustomer> CustomerStore::Get(absl::string_view customer_id) const {
  return Parse(platform::ReadEntity(store_, customers_, customer_id));
}

absl::StatusOr<StoredCustomer> CustomerStore::GetForUpdate(platform::Txn& txn,
                                                           absl::string_view customer_id) const {
  return Parse(platform::ReadEntityForUpdate(txn, customers_, customer_id));
}

absl::StatusOr<StoredCustomer> CustomerStore::Update(platform::Txn& txn,
                                                     const StoredCustomer& current,
                                                     const v1::CustomerRecord& record) {
  uint64_t version = current.version + 1;
  if (absl::Status s = platform::WriteEntity(txn, customers_, record.customer_id(), version,
                                             record.SerializeAsString());
      !s.ok()) {
    return s;
  }
  return StoredCustomer{record, version, platform::EtagOf(version)};
}

absl::StatusOr<StoredCustomer> CustomerStore::FindByEmail(
    absl::string_view normalized_email) const {
  auto customer_id = store_.Get(by_email_, normalized_email);
  if (!customer_id.ok()) return customer_id.status();
  if (!customer_id->has_value()) {
    return platform::Error(absl::StatusCode::kNotFound, "CUSTOMER_NOT_FOUND",
                           "no customer with this email");
  }
  return Get(**customer_id);
}

absl::StatusOr<bool> CustomerStore::IsErased(absl::string_view customer_id) const {
  auto entity = platform::ReadEntity(store_, customers_, customer_id);
  if (!entity.ok()) return entity.status();
  if (!entity->has_value()) return false;
  v1::CustomerRecord record;
  if (!record.ParseFromString((*entity)->data)) return absl::InternalError("unreadable customer");
  return record.has_erased_at();
}

absl::Status CustomerStore::ReleaseEmail(platform::Txn& txn, absl::string_view normalized_email) {
  return txn.Delete(by_email_, normalized_email);
}

absl::StatusOr<StoredCustomer> CustomerStore::Insert(platform::Txn& txn,
                                                     const v1::CustomerRecord& record,
                                                     absl::string_view normalized_email) {
  auto owner = txn.GetForUpdate(by_email_, normalized_email);
  if (!owner.ok()) return owner.status();
  if (owner->has_value()) {
    return platform::Error(absl::StatusCode::kAlreadyExists, "EMAIL_TAKEN",
                           "a customer with this email already exists",
                           {{"email", "is already registered"}});
  }
  if (absl::Status s = txn.Put(by_email_, normalized_email, record.customer_id()); !s.ok()) {
    return s;
  }
  constexpr uint64_t kFirstVersion = 1;
  if (absl::Status s = platform::WriteEntity(txn, customers_, record.customer_id(), kFirstVersion,
                                             record.SerializeAsString());
      !s.ok()) {
    return s;
  }
  return StoredCustomer{record, kFirstVersion, platform::EtagOf(kFirstVersion)};
}

}  // namespace crm::customers
