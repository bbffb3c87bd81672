#include "platform/store/owned_records.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace crm::platform {
namespace {

std::string Key(absl::string_view owner_id, absl::string_view record_id) {
  return absl::StrCat(owner_id, "/", record_id);
}

}  // namespace

OwnedRecords::OwnedRecords(Store& store, absl::string_view cf) : store_(store), cf_(store.cf(cf)) {}

absl::StatusOr<std::optional<Entity>> OwnedRecords::Get(absl::string_view owner_id,
                                                        absl::string_view record_id) const {
  return ReadEntity(store_, cf_, Key(owner_id, record_id));
}

absl::StatusOr<std::optional<Entity>> OwnedRecords::GetForUpdate(Txn& txn,
                                                                 absl::string_view owner_id,
                                                                 absl::string_view record_id) {
  return ReadEntityForUpdate(txn, cf_, Key(owner_id, record_id));
}

absl::Status OwnedRecords::Put(Txn& txn, absl::string_view owner_id, absl::string_view record_id,
                               uint64_t version, absl::string_view data) {
  return WriteEntity(txn, cf_, Key(owner_id, record_id), version, data);
}

absl::Status OwnedRecords::Delete(Txn& txn, absl::string_view owner_id,
                                  absl::string_view record_id) {
  return txn.Delete(cf_, Key(owner_id, record_id));
}

absl::Status OwnedRecords::List(
    absl::string_view owner_id, absl::string_view from_id,
    const std::function<bool(absl::string_view, const Entity&)>& visit) const {
  // The separator ends the prefix, so owner "c_1" never lists the records of "c_10".
  std::string prefix = Key(owner_id, "");
  absl::Status parse_error;
  absl::Status scanned = store_.Scan(cf_, prefix, Key(owner_id, from_id),
                                     [&](absl::string_view key, absl::string_view value) {
                                       absl::StatusOr<Entity> entity = DecodeEntity(value);
                                       if (!entity.ok()) {
                                         parse_error = entity.status();
                                         return false;
                                       }
                                       return visit(key.substr(prefix.size()), *entity);
                                     });
  if (!scanned.ok()) return scanned;
  return parse_error;
}

absl::StatusOr<int> OwnedRecords::DeleteAll(Txn& txn, absl::string_view owner_id) {
  std::vector<std::string> ids;
  absl::Status listed = List(owner_id, "", [&](absl::string_view id, const Entity&) {
    ids.emplace_back(id);
    return true;
  });
  if (!listed.ok()) return listed;
  for (const std::string& id : ids) {
    if (absl::Status s = Delete(txn, owner_id, id); !s.ok()) return s;
  }
  return static_cast<int>(ids.size());
}

}  // namespace crm::platform
