// EntityTable<Record>: versioned protobuf records (entity.h) in one column family, keyed by id,
// with unique secondary indexes kept in step in the same transaction. The shape of a service's
// main entities (customers, staff accounts, loyalty accounts; orders, tickets):
//
//   column family "customers":          customer id       -> versioned CustomerRecord
//   column family "customers_by_email": lower-cased email -> customer id   (unique)
//
//   EntityTable<store::v1::CustomerRecord> customers(store, {
//       .cf = "customers", .noun = "customer", .not_found_reason = "CUSTOMER_NOT_FOUND",
//       .id_of = [](const store::v1::CustomerRecord& r) { return r.customer_id(); },
//       .unique_indexes = {{.cf = "customers_by_email", .field = "email",
//                           .taken_reason = "EMAIL_TAKEN", .taken = "is already registered",
//                           .key_of = [](const store::v1::CustomerRecord& r) {
//                             return NormalizeEmail(r.email()); }}}});
//   auto txn = store.Begin();
//   auto added = customers.Insert(*txn, record);            // v1; ALREADY_EXISTS / EMAIL_TAKEN
//   auto current = customers.GetForUpdate(*txn, "c_1");     // locked until txn ends
//   if (auto s = CheckEtag({.version = current->version}, if_match); !s.ok()) return s;
//   auto updated = customers.Update(*txn, *current, changed);  // v2; the email index follows
//   auto found = customers.GetBy("email", "ann@example.com");
//
// An index key is what `key_of` answers; an empty key is not indexed (an erased customer has no
// email). Thread-safe (the Store is; the table keeps no state of its own).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "platform/store/entity.h"
#include "platform/store/store.h"

namespace crm::platform {

// A record as stored: its id (the key), the record, and its version, which the etag names.
template <typename Record>
struct Versioned {
  std::string id;
  Record record;
  // Counts the writes of the record; 0 for one never written.
  uint64_t version = 0;
  // "v<version>" (entity.h); empty for version 0.
  std::string etag;
};

// A unique secondary index: its own column family, index key -> id.
template <typename Record>
struct UniqueIndex {
  // The column family; it must be one of the store's.
  std::string cf;
  // The JSON field the key comes from ("email"): GetBy names the index by it, and a duplicate
  // is a violation of it.
  std::string field;
  // The reason of the ALREADY_EXISTS a duplicate answers ("EMAIL_TAKEN").
  std::string taken_reason;
  // The violation's description for `field` ("is already registered").
  std::string taken = "is already taken";
  // The record's key in the index (normalized, e.g. lower-cased); empty: not indexed.
  std::function<std::string(const Record&)> key_of;
};

template <typename Record>
struct EntityTableOptions {
  // The column family of the records; it must be one of the store's.
  std::string cf;
  // What a record is, in messages: "no <noun> with this id", "a <noun> with this email already
  // exists".
  std::string noun;
  // The reason of NOT_FOUND ("CUSTOMER_NOT_FOUND").
  std::string not_found_reason;
  // The record's id. Without it Insert refuses every record: the table is written with Update
  // from GetOrNew (records keyed by another entity's id, e.g. a customer's loyalty account).
  std::function<std::string(const Record&)> id_of;
  std::vector<UniqueIndex<Record>> unique_indexes;
  // Records that Get, GetForUpdate and GetBy answer as NOT_FOUND (an erased customer); none by
  // default. GetOrNew answers them as they are.
  std::function<bool(const Record&)> hidden;
};

// What EntityTable does that does not depend on the record's type. Not used on its own.
class EntityTableBase {
 protected:
  struct Index {
    ColumnFamily cf;
    std::string field;
    std::string taken_reason;
    std::string taken;
  };

  EntityTableBase(Store& store, absl::string_view cf, std::string noun,
                  std::string not_found_reason, std::vector<Index> indexes);

  // NOT_FOUND with the table's reason: "no <noun> with this <by>".
  absl::Status NotFound(absl::string_view by) const;
  // The number of the index on `field`; aborts for a field no index has (a programming error).
  size_t IndexOn(absl::string_view field) const;
  // The id that holds `key` in index `index`, or NOT_FOUND.
  absl::StatusOr<std::string> IdByKey(size_t index, absl::string_view key) const;
  // Makes index `index` point `key` at `id`, locked until `txn` ends. ALREADY_EXISTS
  // (taken_reason, naming the field) when another id holds it; ABORTED when contended.
  absl::Status Claim(Txn& txn, size_t index, absl::string_view key, absl::string_view id) const;
  absl::Status Release(Txn& txn, size_t index, absl::string_view key) const;
  // Moves index `index` from `old_key` to `new_key` for `id` (either may be empty: none).
  absl::Status Move(Txn& txn, size_t index, absl::string_view old_key, absl::string_view new_key,
                    absl::string_view id) const;

  Store& store_;
  ColumnFamily cf_;
  std::string noun_;
  std::string not_found_reason_;
  std::vector<Index> indexes_;
};

template <typename Record>
class EntityTable : private EntityTableBase {
 public:
  EntityTable(Store& store, EntityTableOptions<Record> options)
      : EntityTableBase(store, options.cf, options.noun, options.not_found_reason,
                        IndexesOf(store, options.unique_indexes)),
        options_(std::move(options)) {}

  // The record with `id`. Errors: NOT_FOUND (not_found_reason) when there is none or it is
  // hidden; INTERNAL (unreadable).
  absl::StatusOr<Versioned<Record>> Get(absl::string_view id) const {
    return Visible(GetOrNew(id));
  }

  // The record as `txn` sees it, locked until `txn` ends (every write starts here). Errors:
  // NOT_FOUND (not_found_reason); ABORTED when the lock cannot be had in time (retry); INTERNAL.
  absl::StatusOr<Versioned<Record>> GetForUpdate(Txn& txn, absl::string_view id) const {
    return Visible(GetOrNewForUpdate(txn, id));
  }

  // The record whose key in the unique index on `field` is `key` (normalized as key_of does).
  // Errors: NOT_FOUND (not_found_reason: "no <noun> with this <field>"); INTERNAL.
  absl::StatusOr<Versioned<Record>> GetBy(absl::string_view field, absl::string_view key) const {
    absl::StatusOr<std::string> id = IdByKey(IndexOn(field), key);
    if (!id.ok()) return id.status();
    return Get(*id);
  }

  // The record with `id`, hidden or not, or an empty one of version 0 when there is none.
  // Errors: INTERNAL.
  absl::StatusOr<Versioned<Record>> GetOrNew(absl::string_view id) const {
    return Parse(id, ReadEntity(store_, cf_, id));
  }
  // The same, locked until `txn` ends. Errors: ABORTED (retry); INTERNAL.
  absl::StatusOr<Versioned<Record>> GetOrNewForUpdate(Txn& txn, absl::string_view id) const {
    return Parse(id, ReadEntityForUpdate(txn, cf_, id));
  }

  // Adds `record` as version 1, claiming its index keys. Errors: INVALID_ARGUMENT without an id;
  // ALREADY_EXISTS (the index's taken_reason, naming its field) when another record holds one of
  // its keys; ABORTED when contended (retry the transaction); INTERNAL.
  absl::StatusOr<Versioned<Record>> Insert(Txn& txn, const Record& record) {
    std::string id = options_.id_of ? options_.id_of(record) : "";
    if (id.empty()) return absl::InvalidArgumentError("a " + noun_ + " record without an id");
    return Update(txn, Versioned<Record>{.id = std::move(id)}, record);
  }

  // Replaces `current` (read with GetForUpdate or GetOrNewForUpdate in `txn`) by `record`, one
  // version up, moving the index keys that changed. Errors: ALREADY_EXISTS (a new key another
  // record holds); ABORTED (retry); INTERNAL.
  absl::StatusOr<Versioned<Record>> Update(Txn& txn, const Versioned<Record>& current,
                                           const Record& record) {
    for (size_t i = 0; i < options_.unique_indexes.size(); ++i) {
      const auto& key_of = options_.unique_indexes[i].key_of;
      std::string old_key = current.version == 0 ? "" : key_of(current.record);
      if (absl::Status s = Move(txn, i, old_key, key_of(record), current.id); !s.ok()) return s;
    }
    uint64_t version = current.version + 1;
    if (absl::Status s = WriteEntity(txn, cf_, current.id, version, record.SerializeAsString());
        !s.ok()) {
      return s;
    }
    return Versioned<Record>{current.id, record, version, EtagOf(version)};
  }

  // A PUT of a whole record: creates `record` under `id` or replaces the one there, after
  // `if_match` (empty: no precondition) was checked against its etag. Errors: FAILED_PRECONDITION
  // (ETAG_MISMATCH); those of Update.
  absl::StatusOr<Versioned<Record>> Replace(Txn& txn, absl::string_view id, const Record& record,
                                            absl::string_view if_match) {
    auto current = GetOrNewForUpdate(txn, id);
    if (!current.ok()) return current.status();
    if (absl::Status s = CheckEtag({.version = current->version}, if_match); !s.ok()) return s;
    return Update(txn, *current, record);
  }

  // What Get answers for an id with no record: NOT_FOUND (not_found_reason), "no <noun> with
  // this id". Also the answer for a record the caller may not see (RequestContext::CheckOwner).
  absl::Status Missing() const { return NotFound("id"); }

  // Frees `key` in the unique index on `field` without touching the record that held it (its
  // next Update must no longer carry it).
  absl::Status ReleaseKey(Txn& txn, absl::string_view field, absl::string_view key) const {
    return Release(txn, IndexOn(field), key);
  }

 private:
  static std::vector<Index> IndexesOf(Store& store,
                                      const std::vector<UniqueIndex<Record>>& indexes) {
    std::vector<Index> out;
    for (const UniqueIndex<Record>& index : indexes) {
      out.push_back({store.cf(index.cf), index.field, index.taken_reason, index.taken});
    }
    return out;
  }

  absl::StatusOr<Versioned<Record>> Parse(absl::string_view id,
                                          absl::StatusOr<std::optional<Entity>> entity) const {
    if (!entity.ok()) return entity.status();
    Versioned<Record> stored{.id = std::string(id)};
    if (!entity->has_value()) return stored;
    if (!stored.record.ParseFromString((*entity)->data)) {
      return absl::InternalError("unreadable " + noun_ + " record");
    }
    stored.version = (*entity)->version;
    stored.etag = (*entity)->etag();
    return stored;
  }

  absl::StatusOr<Versioned<Record>> Visible(absl::StatusOr<Versioned<Record>> stored) const {
    if (!stored.ok()) return stored;
    if (stored->version == 0 || (options_.hidden && options_.hidden(stored->record))) {
      return NotFound("id");
    }
    return stored;
  }

  EntityTableOptions<Record> options_;
};

}  // namespace crm::platform
