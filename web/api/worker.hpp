#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace pt {

/// A small pool of threads for work that may block (SQLite reads, strategy checks), so that
/// neither an I/O thread nor an actor ever waits on it. Jobs run in FIFO order per thread pick.
class api_worker {
public:
  /// Starts `threads` threads (at least one).
  explicit api_worker(int threads);
  /// Runs what is queued, then joins.
  ~api_worker();
  api_worker(const api_worker&) = delete;
  api_worker& operator=(const api_worker&) = delete;

  /// Queues `job`; it must not throw (exceptions are caught and dropped).
  void post(std::function<void()> job);

  /// Stops taking jobs, finishes the queued ones and joins (idempotent).
  void stop();

private:
  void loop();

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

} // namespace pt
