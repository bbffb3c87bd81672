// A service's RocksDB: one TransactionDB with a column family per kind of record, pessimistic
// transactions, and the WAL synced before a commit returns, so an acknowledged write survives
// SIGKILL and power loss.
//
//   auto store = Store::Open({.path = dir, .column_families = {"customers", "email_index"}});
//   auto txn = (*store)->Begin();
//   auto row = txn->GetForUpdate((*store)->cf("email_index"), email);  // locks the key
//   if (!row.ok()) return row.status();
//   if (*row) return AlreadyExists(...);
//   txn->Put(...); outbox.Append(*txn, ...);
//   return txn->Commit();  // one synced WAL write: state, event, idempotency record together
//
// Every service also gets the platform's column families (kOutboxCf, ...). rocksdb types and
// statuses never leave this file's .cc: errors come back as absl::Status:
//   ABORTED      a lock could not be taken in time (retry the whole transaction);
//   INTERNAL     corruption or I/O failure (logged);
// Store and Txn are thread-safe for concurrent transactions; one Txn is used by one thread.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace rocksdb {
class ColumnFamilyHandle;
class Transaction;
class TransactionDB;
class Statistics;
}  // namespace rocksdb

namespace prometheus {
class Collectable;
}

namespace crm::platform {

// Column families every service has; the platform's pieces own them.
inline constexpr absl::string_view kOutboxCf = "outbox";
inline constexpr absl::string_view kIdempotencyCf = "idempotency";
inline constexpr absl::string_view kSeenEventsCf = "seen_events";
inline constexpr absl::string_view kTimersCf = "timers";
inline constexpr absl::string_view kDeadLettersCf = "dead_letters";
inline constexpr absl::string_view kConsumerOffsetsCf = "consumer_offsets";
inline constexpr absl::string_view kRevocationsCf = "revocations";

// An opened column family; cheap to copy, valid while its Store lives.
struct ColumnFamily {
  rocksdb::ColumnFamilyHandle* handle = nullptr;
};

struct StoreOptions {
  // Directory of the database; created when missing. Required.
  std::string path;
  // The service's own column families, besides the platform's.
  std::vector<std::string> column_families;
  // How long GetForUpdate waits for a key locked by another transaction. Default 2 s.
  absl::Duration lock_timeout = absl::Seconds(2);
};

// Whether a commit waits for the WAL to reach the disk.
enum class Durability {
  // fsync before Commit returns: anything acknowledged to a client. The default.
  kSynced,
  // No fsync: only for work whose loss is harmless (deleting published outbox events).
  kRelaxed,
};

class Txn {
 public:
  ~Txn();
  Txn(const Txn&) = delete;
  Txn& operator=(const Txn&) = delete;

  // The value, or nullopt when absent; sees this transaction's own writes.
  absl::StatusOr<std::optional<std::string>> Get(ColumnFamily cf, absl::string_view key);
  // Like Get, and locks the key until commit or rollback, present or not.
  absl::StatusOr<std::optional<std::string>> GetForUpdate(ColumnFamily cf, absl::string_view key);
  absl::Status Put(ColumnFamily cf, absl::string_view key, absl::string_view value);
  absl::Status Delete(ColumnFamily cf, absl::string_view key);

  // Runs `fn` once the commit succeeded (e.g. bump an in-memory gauge, wake the relay).
  void AfterCommit(std::function<void()> fn);
  // Runs `fn` when the transaction is over, committed or rolled back (its destruction).
  void AtEnd(std::function<void()> fn) { at_end_.push_back(std::move(fn)); }
  // Makes every write durable at once (see Durability). A Txn is done after Commit.
  absl::Status Commit();
  // True once Commit succeeded.
  bool committed() const { return committed_; }

 private:
  friend class Store;
  explicit Txn(rocksdb::Transaction* txn);

  std::unique_ptr<rocksdb::Transaction> txn_;
  std::vector<std::function<void()>> after_commit_;
  std::vector<std::function<void()>> at_end_;
  bool committed_ = false;
};

class Store {
 public:
  // Opens or creates the database. Errors: INTERNAL (logged) when RocksDB cannot open it, e.g.
  // another process holds its lock.
  static absl::StatusOr<std::unique_ptr<Store>> Open(const StoreOptions& options);
  ~Store();

  // A column family by name; `name` must be one the Store was opened with (else it aborts:
  // that is a programming error, not a runtime condition).
  ColumnFamily cf(absl::string_view name) const;

  // `lock_timeout`: how long its GetForUpdate waits for a locked key, when not the store's
  // (StoreOptions::lock_timeout). Request paths wait briefly and retry (platform/runtime/rpc.h).
  std::unique_ptr<Txn> Begin(Durability durability = Durability::kSynced,
                             std::optional<absl::Duration> lock_timeout = std::nullopt);

  // A committed value, outside any transaction.
  absl::StatusOr<std::optional<std::string>> Get(ColumnFamily cf, absl::string_view key) const;

  // Visits keys >= `from` that start with `prefix`, in order, until `visit` returns false.
  absl::Status Scan(
      ColumnFamily cf, absl::string_view prefix, absl::string_view from,
      const std::function<bool(absl::string_view key, absl::string_view value)>& visit) const;

  // RocksDB's tickers (crm_rocksdb_*_total, e.g. crm_rocksdb_wal_synced_total) for /metrics.
  std::shared_ptr<prometheus::Collectable> StatisticsCollector() const;

 private:
  Store() = default;

  std::unique_ptr<rocksdb::TransactionDB> db_;
  std::vector<std::string> cf_names_;
  std::vector<rocksdb::ColumnFamilyHandle*> cf_handles_;
  std::shared_ptr<rocksdb::Statistics> statistics_;
};

}  // namespace crm::platform
