#include "platform/rpc/worker_pool.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "platform/testing/test_support.h"

namespace crm::platform {
namespace {

using testing::WaitFor;

TEST_CASE("WorkerPool runs every submitted task", "[worker_pool]") {
  WorkerPool pool({.threads = 2, .queue_capacity = 100});
  std::atomic<int> ran{0};
  for (int i = 0; i < 50; ++i) REQUIRE(pool.Submit([&] { ++ran; }));
  CHECK(WaitFor([&] { return ran.load() == 50; }, absl::Seconds(5)));
  CHECK(WaitFor([&] { return pool.queued() == 0; }, absl::Seconds(5)));
}

TEST_CASE("WorkerPool runs tasks on several threads at once", "[worker_pool]") {
  WorkerPool pool({.threads = 2, .queue_capacity = 10});
  absl::Notification release;
  std::atomic<int> running{0};
  for (int i = 0; i < 2; ++i) {
    REQUIRE(pool.Submit([&] {
      ++running;
      release.WaitForNotification();
    }));
  }
  // Both block at once: neither waits for the other.
  CHECK(WaitFor([&] { return running.load() == 2; }, absl::Seconds(5)));
  release.Notify();
}

TEST_CASE("Submit refuses at once when the queue is full", "[worker_pool]") {
  WorkerPool pool({.threads = 1, .queue_capacity = 2});
  absl::Notification started, release;
  std::atomic<int> ran{0};
  REQUIRE(pool.Submit([&] {
    started.Notify();
    release.WaitForNotification();
    ++ran;
  }));
  REQUIRE(started.WaitForNotificationWithTimeout(absl::Seconds(5)));
  // The only worker is busy: two tasks may wait, the third is refused.
  CHECK(pool.Submit([&] { ++ran; }));
  CHECK(pool.Submit([&] { ++ran; }));
  CHECK(pool.queued() == 2);
  CHECK_FALSE(pool.Submit([&] { ran += 100; }));
  CHECK(pool.queued() == 2);

  release.Notify();
  CHECK(WaitFor([&] { return ran.load() == 3; }, absl::Seconds(5)));
  // Room again once the queue drained.
  CHECK(pool.Submit([&] { ++ran; }));
  CHECK(WaitFor([&] { return ran.load() == 4; }, absl::Seconds(5)));
}

TEST_CASE("With no queue a task is accepted only while a thread is free", "[worker_pool]") {
  WorkerPool pool({.threads = 1, .queue_capacity = 0});
  absl::Notification release;
  std::atomic<bool> running{false};
  REQUIRE(pool.Submit([&] {
    running = true;
    release.WaitForNotification();
  }));
  REQUIRE(WaitFor([&] { return running.load(); }, absl::Seconds(5)));
  CHECK_FALSE(pool.Submit([] {}));
  release.Notify();
  std::atomic<bool> ran{false};
  CHECK(WaitFor([&] { return pool.Submit([&] { ran = true; }); }, absl::Seconds(5)));
  CHECK(WaitFor([&] { return ran.load(); }, absl::Seconds(5)));
}

TEST_CASE("The destructor runs every queued task before it returns", "[worker_pool]") {
  auto* pool = new WorkerPool({.threads = 1, .queue_capacity = 1000});
  absl::Notification started, release;
  std::atomic<int> ran{0};
  REQUIRE(pool->Submit([&] {
    started.Notify();
    release.WaitForNotification();
  }));
  REQUIRE(started.WaitForNotificationWithTimeout(absl::Seconds(5)));
  int queued = 0;
  for (; queued < 5; ++queued) REQUIRE(pool->Submit([&] { ++ran; }));

  // Release the worker only once the destructor is under way (Submit then refuses although
  // the queue has room), so the queued tasks are still waiting when it starts. The pool
  // cannot finish destructing before the release, so `pool` stays valid for this thread.
  std::thread releaser([&] {
    while (pool->Submit([&] { ++ran; })) {
      ++queued;
      absl::SleepFor(absl::Milliseconds(1));
    }
    release.Notify();
  });
  delete pool;
  releaser.join();
  CHECK(queued >= 5);
  CHECK(queued < 1000);  // refused because stopping, not because full
  CHECK(ran.load() == queued);
}

}  // namespace
}  // namespace crm::platform
