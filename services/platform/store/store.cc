#include "platform/store/store.h"

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>
#include <rocksdb/db.h>
#include <rocksdb/statistics.h>
#include <rocksdb/utilities/transaction.h>
#include <rocksdb/utilities/transaction_db.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "platform/base/log.h"

namespace crm::platform {
namespace {

// The one translation of rocksdb::Status; rocksdb statuses never leave this file.
absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  if (s.IsBusy() || s.IsTimedOut() || s.IsTryAgain() || s.IsDeadlock()) {
    return absl::AbortedError(absl::StrCat(what, ": contended, retry"));
  }
  LogError("rocksdb failure", {{"op", std::string(what)}, {"error", s.ToString()}});
  return absl::InternalError(absl::StrCat(what, " failed"));
}

absl::StatusOr<std::optional<std::string>> FoundOrAbsent(const rocksdb::Status& s,
                                                         std::string&& value,
                                                         absl::string_view what) {
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return FromRocks(s, what);
  return std::optional<std::string>(std::move(value));
}

std::string MetricName(absl::string_view ticker) {
  std::string name = "crm_";
  for (char c : ticker) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name + "_total";
}

// Reads RocksDB's tickers at each scrape, so /metrics shows exactly what RocksDB counted.
class TickerCollector : public prometheus::Collectable {
 public:
  explicit TickerCollector(std::shared_ptr<rocksdb::Statistics> statistics)
      : statistics_(std::move(statistics)) {}

  std::vector<prometheus::MetricFamily> Collect() const override {
    std::vector<prometheus::MetricFamily> families;
    for (const auto& [ticker, name] : rocksdb::TickersNameMap) {
      prometheus::MetricFamily family;
      family.name = MetricName(name);
      family.help = absl::StrCat("RocksDB ticker ", name);
      family.type = prometheus::MetricType::Counter;
      prometheus::ClientMetric metric;
      metric.counter.value = static_cast<double>(statistics_->getTickerCount(ticker));
      family.metric.push_back(std::move(metric));
      families.push_back(std::move(family));
    }
    return families;
  }

 private:
  std::shared_ptr<rocksdb::Statistics> statistics_;
};

}  // namespace

Txn::Txn(rocksdb::Transaction* txn) : txn_(txn) {}
Txn::~Txn() {
  txn_.reset();  // rolled back here unless committed
  for (auto& fn : at_end_) fn();
}

absl::StatusOr<std::optional<std::string>> Txn::Get(ColumnFamily cf, absl::string_view key) {
  std::string value;
  auto s =
      txn_->Get(rocksdb::ReadOptions(), cf.handle, rocksdb::Slice(key.data(), key.size()), &value);
  return FoundOrAbsent(s, std::move(value), "get");
}

absl::StatusOr<std::optional<std::string>> Txn::GetForUpdate(ColumnFamily cf,
                                                             absl::string_view key) {
  std::string value;
  auto s = txn_->GetForUpdate(rocksdb::ReadOptions(), cf.handle,
                              rocksdb::Slice(key.data(), key.size()), &value);
  return FoundOrAbsent(s, std::move(value), "get for update");
}

absl::Status Txn::Put(ColumnFamily cf, absl::string_view key, absl::string_view value) {
  return FromRocks(txn_->Put(cf.handle, rocksdb::Slice(key.data(), key.size()),
                             rocksdb::Slice(value.data(), value.size())),
                   "put");
}

absl::Status Txn::Delete(ColumnFamily cf, absl::string_view key) {
  return FromRocks(txn_->Delete(cf.handle, rocksdb::Slice(key.data(), key.size())), "delete");
}

void Txn::AfterCommit(std::function<void()> fn) { after_commit_.push_back(std::move(fn)); }

absl::Status Txn::Commit() {
  absl::Status status = FromRocks(txn_->Commit(), "commit");
  if (status.ok()) {
    committed_ = true;
    for (auto& fn : after_commit_) fn();
  }
  after_commit_.clear();
  return status;
}

Store::~Store() {
  for (auto* handle : cf_handles_) db_->DestroyColumnFamilyHandle(handle);
}

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) {
  if (options.path.empty()) return absl::InvalidArgumentError("store path is empty");
  std::error_code ec;
  std::filesystem::create_directories(options.path, ec);
  if (ec) {
    return absl::InternalError(absl::StrCat("cannot create ", options.path, ": ", ec.message()));
  }

  std::unique_ptr<Store> store(new Store());
  store->statistics_ = rocksdb::CreateDBStatistics();

  rocksdb::Options db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.statistics = store->statistics_;
  // Concurrent synced commits share one fsync: RocksDB's write thread groups waiting writers
  // (group commit), which keeps synced writes fast under concurrency.
  db_options.IncreaseParallelism(2);

  rocksdb::TransactionDBOptions txn_db_options;
  txn_db_options.transaction_lock_timeout = absl::ToInt64Milliseconds(options.lock_timeout);

  store->cf_names_ = {
      rocksdb::kDefaultColumnFamilyName, std::string(kOutboxCf),     std::string(kIdempotencyCf),
      std::string(kSeenEventsCf),        std::string(kTimersCf),     std::string(kDeadLettersCf),
      std::string(kConsumerOffsetsCf),   std::string(kRevocationsCf)};
  store->cf_names_.insert(store->cf_names_.end(), options.column_families.begin(),
                          options.column_families.end());
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& name : store->cf_names_) {
    descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions(db_options));
  }

  rocksdb::TransactionDB* db = nullptr;
  auto s = rocksdb::TransactionDB::Open(db_options, txn_db_options, options.path, descriptors,
                                        &store->cf_handles_, &db);
  if (!s.ok()) {
    LogError("cannot open store", {{"path", options.path}, {"error", s.ToString()}});
    return absl::InternalError(
        absl::StrCat("cannot open store at ", options.path, ": ", s.ToString()));
  }
  store->db_.reset(db);
  return store;
}

ColumnFamily Store::cf(absl::string_view name) const {
  for (size_t i = 0; i < cf_names_.size(); ++i) {
    if (cf_names_[i] == name) return ColumnFamily{cf_handles_[i]};
  }
  LogError("unknown column family", {{"name", std::string(name)}});
  std::abort();
}

std::unique_ptr<Txn> Store::Begin(Durability durability,
                                  std::optional<absl::Duration> lock_timeout) {
  rocksdb::WriteOptions write_options;
  write_options.sync = durability == Durability::kSynced;
  rocksdb::TransactionOptions txn_options;
  if (lock_timeout) txn_options.lock_timeout = absl::ToInt64Milliseconds(*lock_timeout);
  return std::unique_ptr<Txn>(new Txn(db_->BeginTransaction(write_options, txn_options)));
}

absl::StatusOr<std::optional<std::string>> Store::Get(ColumnFamily cf,
                                                      absl::string_view key) const {
  std::string value;
  auto s =
      db_->Get(rocksdb::ReadOptions(), cf.handle, rocksdb::Slice(key.data(), key.size()), &value);
  return FoundOrAbsent(s, std::move(value), "get");
}

absl::Status Store::Scan(
    ColumnFamily cf, absl::string_view prefix, absl::string_view from,
    const std::function<bool(absl::string_view key, absl::string_view value)>& visit) const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cf.handle));
  std::string start = from < prefix ? std::string(prefix) : std::string(from);
  for (it->Seek(start); it->Valid(); it->Next()) {
    absl::string_view key(it->key().data(), it->key().size());
    if (key.substr(0, prefix.size()) != prefix) break;
    if (!visit(key, absl::string_view(it->value().data(), it->value().size()))) break;
  }
  return FromRocks(it->status(), "scan");
}

std::shared_ptr<prometheus::Collectable> Store::StatisticsCollector() const {
  return std::make_shared<TickerCollector>(statistics_);
}

}  // namespace crm::platform
