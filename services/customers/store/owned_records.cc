#include "customers/store/owned_records.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "platform/base/keys.h"

namespace crm::customers {
namespace {

std::string Key(absl::string_view customer_id, absl::string_view record_id) {
  return absl::StrCat(customer_id, "/", record_id);
}

}  // namespace

OwnedRecords::OwnedRecords(platform::Store& store, absl::string_view cf)
    : store_(store), cf_(store.cf(cf)) {}

absl::StatusOr<std::optional<platform::Entity>> OwnedRecords::Get(
    absl::string_view customer_id, absl::string_view record_id) const {
  return platform::ReadEntity(store_, cf_, Key(customer_id, record_id));
}

absl::StatusOr<std::optional<platform::Entity>> OwnedRecords::GetForUpdate(
    platform::Txn& txn, absl::string_view customer_id, absl::string_view record_id) {
  return platform::ReadEntityForUpdate(txn, cf_, Key(customer_id, record_id));
}

absl::Status OwnedRecords::Put(platform::Txn& txn, absl::string_view customer_id,
                               absl::string_view record_id, uint64_t version,
                               absl::string_view data) {
  return platform::WriteEntity(txn, cf_, Key(customer_id, record_id), version, data);
}

absl::Status OwnedRecords::Delete(platform::Txn& txn, absl::string_view customer_id,
                                  absl::string_view record_id) {
  return txn.Delete(cf_, Key(customer_id, record_id));
}

absl::Status OwnedRecords::List(
    absl::string_view customer_id, absl::string_view from_id,
    const std::function<bool(absl::string_view, const platform::Entity&)>& visit) const {
  std::string prefix = Key(customer_id, "");
  absl::Status parse_error;
  absl::Status scanned = store_.Scan(
      cf_, prefix, Key(customer_id, from_id), [&](absl::string_view key, absl::string_view value) {
        if (value.size() < 8) {
          parse_error = absl::InternalError("unreadable owned record");
          return false;
        }
        platform::Entity entity{platform::ReadBigEndian64(value), std::string(value.substr(8))};
        return visit(key.substr(prefix.size()), entity);
      });
  if (!scanned.ok()) return scanned;
  return parse_error;
}

absl::StatusOr<int> OwnedRecords::DeleteAll(platform::Txn& txn, absl::string_view customer_id) {
  std::vector<std::string> ids;
  absl::Status listed = List(customer_id, "", [&](absl::string_view id, const platform::Entity&) {
    ids.emplace_back(id);
    return true;
  });
  if (!listed.ok()) return listed;
  for (const std::string& id : ids) {
    if (absl::Status s = Delete(txn, customer_id, id); !s.ok()) return s;
  }
  return static_cast<int>(ids.size());
}

}  // namespace crm::customers
