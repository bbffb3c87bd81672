// Time as every rule sees it. Rules take a `const Clock&` so tests drive time by hand and the
// dev clock offset moves a whole service forward.
//
//   SystemClock clock;               // real time
//   clock.SetOffset(absl::Hours(25)); // dev only: "25 hours from now" for every reader
//   ManualClock test_clock(absl::FromUnixSeconds(1'700'000'000));
//   test_clock.Advance(absl::Minutes(5));
//
// Both clocks are thread-safe.
#pragma once

#include <atomic>
#include <cstdint>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace crm::platform {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

// Real time plus a non-negative offset (zero unless a dev-mode service was told otherwise).
class SystemClock : public Clock {
 public:
  absl::Time Now() const override {
    return absl::Now() + absl::Nanoseconds(offset_ns_.load(std::memory_order_relaxed));
  }
  absl::Duration offset() const { return absl::Nanoseconds(offset_ns_.load()); }
  void SetOffset(absl::Duration offset) { offset_ns_ = absl::ToInt64Nanoseconds(offset); }

 private:
  std::atomic<int64_t> offset_ns_{0};
};

// Time that moves only when told; for tests.
class ManualClock : public Clock {
 public:
  explicit ManualClock(absl::Time start) : now_ns_(absl::ToUnixNanos(start)) {}
  absl::Time Now() const override { return absl::FromUnixNanos(now_ns_.load()); }
  void Advance(absl::Duration d) { now_ns_ += absl::ToInt64Nanoseconds(d); }

 private:
  std::atomic<int64_t> now_ns_;
};

}  // namespace crm::platform
