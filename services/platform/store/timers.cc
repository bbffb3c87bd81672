#include "platform/store/timers.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "platform/base/keys.h"
#include "platform/base/log.h"

namespace crm::platform {
namespace {

// Two rows per timer in the timers column family:
//   "d/" + big-endian due micros + kind + "\0" + id  -> payload   (ordered by due time)
//   "i/" + kind + "\0" + id                           -> the "d/" key (to replace or cancel)
std::string Name(absl::string_view kind, absl::string_view id) {
  return absl::StrCat(kind, absl::string_view("\0", 1), id);
}
std::string DueKey(absl::Time due, absl::string_view name) {
  return absl::StrCat("d/", BigEndian64(absl::ToUnixMicros(due)), name);
}
std::string IndexKey(absl::string_view name) { return absl::StrCat("i/", name); }

}  // namespace

Timers::Timers(Store& store, const Clock& clock, Metrics& metrics, absl::Duration tick)
    : store_(store),
      clock_(clock),
      tick_(tick),
      metrics_(metrics),
      failures_(metrics.AddCounter("crm_timer_failures_total",
                                   "Timer handler runs that failed (retried next tick)", {})) {}

Timers::~Timers() { Stop(); }

void Timers::Register(std::string kind, TimerHandler handler) {
  handlers_[std::move(kind)] = std::move(handler);
}

void Timers::Start() {
  thread_ = std::thread([this] { Run(); });
}

void Timers::Stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

absl::Status Timers::Schedule(Txn& txn, absl::string_view kind, absl::string_view id,
                              absl::Time due, absl::string_view payload) {
  if (absl::Status s = Cancel(txn, kind, id); !s.ok()) return s;
  std::string name = Name(kind, id);
  std::string due_key = DueKey(due, name);
  if (absl::Status s = txn.Put(store_.cf(kTimersCf), due_key, payload); !s.ok()) return s;
  return txn.Put(store_.cf(kTimersCf), IndexKey(name), due_key);
}

absl::Status Timers::Cancel(Txn& txn, absl::string_view kind, absl::string_view id) {
  std::string index_key = IndexKey(Name(kind, id));
  auto existing = txn.GetForUpdate(store_.cf(kTimersCf), index_key);
  if (!existing.ok()) return existing.status();
  if (!existing->has_value()) return absl::OkStatus();
  if (absl::Status s = txn.Delete(store_.cf(kTimersCf), **existing); !s.ok()) return s;
  return txn.Delete(store_.cf(kTimersCf), index_key);
}

absl::StatusOr<int> Timers::FireDue() {
  ColumnFamily cf = store_.cf(kTimersCf);
  std::string now_key = DueKey(clock_.Now(), "");
  std::vector<std::string> due;
  absl::Status scanned = store_.Scan(cf, "d/", "", [&](absl::string_view key, absl::string_view) {
    if (key.substr(0, now_key.size()) > now_key) return false;
    due.emplace_back(key);
    return due.size() < 1000;
  });
  if (!scanned.ok()) return scanned;

  int fired = 0;
  for (const std::string& due_key : due) {
    auto txn = store_.Begin();
    auto payload = txn->GetForUpdate(cf, due_key);  // gone if cancelled meanwhile
    if (!payload.ok() || !payload->has_value()) continue;
    std::string name = due_key.substr(2 + 8);
    size_t sep = name.find('\0');
    std::string kind = name.substr(0, sep);
    std::string id = name.substr(sep + 1);
    auto handler = handlers_.find(kind);
    absl::Status status = handler == handlers_.end()
                              ? absl::InternalError(absl::StrCat("no handler for timer ", kind))
                              : handler->second(*txn, id, **payload);
    if (status.ok()) status = txn->Delete(cf, due_key);
    if (status.ok()) status = txn->Delete(cf, IndexKey(name));
    if (status.ok()) status = txn->Commit();
    if (!status.ok()) {
      failures_.Increment();
      LogWarning("timer failed", {{"kind", kind}, {"error", status.ToString()}});
      continue;
    }
    metrics_.AddCounter("crm_timers_fired_total", "Timers fired", {{"kind", kind}}).Increment();
    ++fired;
  }
  return fired;
}

void Timers::Run() {
  while (!stopping_) {
    if (auto fired = FireDue(); !fired.ok()) {
      LogWarning("timer scan failed", {{"error", fired.status().ToString()}});
    }
    absl::SleepFor(tick_);
  }
}

}  // namespace crm::platform
