#include "platform/store/entity_table.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "platform/base/errors.h"

namespace crm::platform {

EntityTableBase::EntityTableBase(Store& store, absl::string_view cf, std::string noun,
                                 std::string not_found_reason, std::vector<Index> indexes)
    : store_(store),
      cf_(store.cf(cf)),
      noun_(std::move(noun)),
      not_found_reason_(std::move(not_found_reason)),
      indexes_(std::move(indexes)) {}

absl::Status EntityTableBase::NotFound(absl::string_view by) const {
  return Error(absl::StatusCode::kNotFound, not_found_reason_,
               absl::StrCat("no ", noun_, " with this ", by));
}

size_t EntityTableBase::IndexOn(absl::string_view field) const {
  for (size_t i = 0; i < indexes_.size(); ++i) {
    if (indexes_[i].field == field) return i;
  }
  std::abort();  // a table is asked for an index it was not made with
}

absl::StatusOr<std::string> EntityTableBase::IdByKey(size_t index, absl::string_view key) const {
  auto id = store_.Get(indexes_[index].cf, key);
  if (!id.ok()) return id.status();
  if (!id->has_value()) return NotFound(indexes_[index].field);
  return **id;
}

absl::Status EntityTableBase::Claim(Txn& txn, size_t index, absl::string_view key,
                                    absl::string_view id) const {
  const Index& i = indexes_[index];
  // Locked, so two transactions claiming one key at once cannot both win: the second is ABORTED
  // and its retry sees the winner.
  auto owner = txn.GetForUpdate(i.cf, key);
  if (!owner.ok()) return owner.status();
  if (owner->has_value() && **owner != id) {
    return Error(absl::StatusCode::kAlreadyExists, i.taken_reason,
                 absl::StrCat("a ", noun_, " with this ", i.field, " already exists"),
                 {{i.field, i.taken}});
  }
  return txn.Put(i.cf, key, id);
}

absl::Status EntityTableBase::Release(Txn& txn, size_t index, absl::string_view key) const {
  return txn.Delete(indexes_[index].cf, key);
}

absl::Status EntityTableBase::Move(Txn& txn, size_t index, absl::string_view old_key,
                                   absl::string_view new_key, absl::string_view id) const {
  if (old_key == new_key) return absl::OkStatus();
  if (!new_key.empty()) {
    if (absl::Status s = Claim(txn, index, new_key, id); !s.ok()) return s;
  }
  if (old_key.empty()) return absl::OkStatus();
  return Release(txn, index, old_key);
}

}  // namespace crm::platform
