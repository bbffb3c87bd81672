// Durable timers: work due at a time without any request (SLA breaches, tier decay, expiring
// idempotency records). A timer is a row in RocksDB written in the caller's transaction, so it
// exists exactly when the change that needed it does, and it fires after a restart too.
//
//   timers.Register("idempotency.expire", [&](Txn& txn, absl::string_view id, absl::string_view) {
//     return txn.Delete(cf, id);
//   });
//   timers.Start();
//   ...
//   timers.Schedule(*txn, "idempotency.expire", key, clock.Now() + absl::Hours(24), "");
//
// A timer fires once: its handler runs in a transaction that also deletes the timer. A failing
// handler is retried at the next tick. Time comes from the injected clock, so the dev clock
// offset (and ManualClock in tests) moves timers too. Thread-safe; Register before Start.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "platform/base/clock.h"
#include "platform/base/metrics.h"
#include "platform/store/store.h"

namespace crm::platform {

using TimerHandler =
    std::function<absl::Status(Txn& txn, absl::string_view id, absl::string_view payload)>;

class Timers {
 public:
  // `tick`: how often the loop looks for due timers. Default 200 ms.
  Timers(Store& store, const Clock& clock, Metrics& metrics,
         absl::Duration tick = absl::Milliseconds(200));
  ~Timers();

  void Register(std::string kind, TimerHandler handler);
  void Start();
  void Stop();

  // Sets timer (kind, id) to fire at `due` with `payload`, replacing one with the same kind and
  // id. Errors: those of the store (ABORTED: retry the transaction).
  absl::Status Schedule(Txn& txn, absl::string_view kind, absl::string_view id, absl::Time due,
                        absl::string_view payload);
  // Removes timer (kind, id) if it exists.
  absl::Status Cancel(Txn& txn, absl::string_view kind, absl::string_view id);

  // Fires every timer due now; answers how many fired. The loop calls it each tick.
  absl::StatusOr<int> FireDue();

 private:
  void Run();

  Store& store_;
  const Clock& clock_;
  const absl::Duration tick_;
  std::map<std::string, TimerHandler, std::less<>> handlers_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  Metrics& metrics_;
  Counter failures_;
};

}  // namespace crm::platform
