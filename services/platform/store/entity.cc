#include "platform/store/entity.h"

#include "absl/strings/str_cat.h"
#include "platform/base/errors.h"
#include "platform/base/keys.h"

namespace crm::platform {
namespace {

absl::StatusOr<std::optional<Entity>> Decode(absl::StatusOr<std::optional<std::string>> raw) {
  if (!raw.ok()) return raw.status();
  if (!raw->has_value()) return std::optional<Entity>();
  absl::StatusOr<Entity> entity = DecodeEntity(**raw);
  if (!entity.ok()) return entity.status();
  return std::optional<Entity>(*std::move(entity));
}

}  // namespace

absl::StatusOr<Entity> DecodeEntity(absl::string_view stored) {
  if (stored.size() < 8) return absl::InternalError("entity shorter than its version");
  return Entity{ReadBigEndian64(stored), std::string(stored.substr(8))};
}

std::string EtagOf(uint64_t version) { return absl::StrCat("v", version); }
std::string Entity::etag() const { return EtagOf(version); }

absl::StatusOr<std::optional<Entity>> ReadEntity(const Store& store, ColumnFamily cf,
                                                 absl::string_view key) {
  return Decode(store.Get(cf, key));
}

absl::StatusOr<std::optional<Entity>> ReadEntityForUpdate(Txn& txn, ColumnFamily cf,
                                                          absl::string_view key) {
  return Decode(txn.GetForUpdate(cf, key));
}

absl::Status WriteEntity(Txn& txn, ColumnFamily cf, absl::string_view key, uint64_t version,
                         absl::string_view data) {
  return txn.Put(cf, key, absl::StrCat(BigEndian64(version), data));
}

absl::Status CheckEtag(const Entity& current, absl::string_view if_match) {
  // HTTP sends entity tags quoted; accept both forms.
  if (if_match.size() >= 2 && if_match.front() == '"' && if_match.back() == '"') {
    if_match = if_match.substr(1, if_match.size() - 2);
  }
  if (if_match.empty() || if_match == "*" || if_match == current.etag()) return absl::OkStatus();
  return Error(absl::StatusCode::kFailedPrecondition, kReasonEtagMismatch,
               absl::StrCat("the record changed: its etag is now ", current.etag()));
}

}  // namespace crm::platform
