// A fixed set of threads for expensive work (argon2id, reports) with a bounded queue. When the
// queue is full, Submit refuses at once so the caller can answer OVERLOADED instead of letting
// latency grow without bound.
//
//   WorkerPool pool({.threads = 2, .queue_capacity = 64});
//   if (!pool.Submit([&] { Hash(password); reactor->Finish(...); })) return Overloaded("hashing");
//
// Thread-safe. The destructor runs every task already queued, then joins.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace crm::platform {

struct WorkerPoolOptions {
  // Threads running tasks. Default: 2.
  size_t threads = 2;
  // Tasks that may wait for a busy thread; Submit fails past it. 0: accept only while a thread
  // is idle. Default: 64.
  size_t queue_capacity = 64;
};

class WorkerPool {
 public:
  explicit WorkerPool(WorkerPoolOptions options);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task`; false (task dropped) when the queue is full or the pool is stopping.
  bool Submit(std::function<void()> task);

  size_t queued() const;

 private:
  void Run();

  const WorkerPoolOptions options_;
  mutable absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // Threads not running a task: as many queued tasks start at once, so they are not "waiting".
  size_t idle_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread> threads_;
};

}  // namespace crm::platform
