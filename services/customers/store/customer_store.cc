#include "customers/store/customer_store.h"

#include "customers/domain/reasons.h"
#include "platform/base/text.h"

namespace crm::customers {

CustomerStore::CustomerStore(platform::Store& store)
    : EntityTable(
          store, {.cf = "customers",
                  .noun = "customer",
                  .not_found_reason = std::string(kReasonCustomerNotFound),
                  .id_of = [](const store::v1::CustomerRecord& r) { return r.customer_id(); },
                  .unique_indexes = {{.cf = "customers_by_email",
                                      .field = "email",
                                      .taken_reason = std::string(kReasonEmailTaken),
                                      .taken = "is already registered",
                                      .key_of =
                                          [](const store::v1::CustomerRecord& r) {
                                            return platform::NormalizeEmail(r.email());
                                          }}},
                  // Erased: only anonymous facts are left, and nobody may reach them as a
                  // customer.
                  .hidden = [](const store::v1::CustomerRecord& r) { return r.has_erased_at(); }}) {
}

absl::StatusOr<StoredCustomer> CustomerStore::FindByEmail(
    absl::string_view normalized_email) const {
  return GetBy("email", normalized_email);
}

absl::StatusOr<bool> CustomerStore::IsErased(absl::string_view customer_id) const {
  auto stored = GetOrNew(customer_id);
  if (!stored.ok()) return stored.status();
  return stored->record.has_erased_at();
}

absl::Status CustomerStore::ReleaseEmail(platform::Txn& txn, absl::string_view normalized_email) {
  return ReleaseKey(txn, "email", normalized_email);
}

}  // namespace crm::customers
