#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace pt {

/// Fetches Binance depth snapshots (`GET /api/v3/depth?symbol=…&limit=…`) on a thread of its own,
/// one request at a time, so the live connector's I/O thread never blocks on REST.
///
/// Each `fetch` is answered exactly once through the callback, on the fetcher's thread: with the
/// body of a 2xx answer, or with an error message (unreachable, or Binance's code and message).
/// Requests still queued when the fetcher stops are dropped unanswered.
class snapshot_fetcher {
public:
  /// `body` is empty exactly when `error` is not. `tag` is the caller's, passed through.
  using callback = std::function<void(const std::string& symbol, int64_t tag, const std::string& body,
                                      const std::string& error)>;

  /// `rest_url`: `https://api.binance.com` or `http://127.0.0.1:PORT`; `limit`: levels per side
  /// asked for (Binance: 1 … 5000). Throws `std::invalid_argument` for a bad URL.
  snapshot_fetcher(std::string rest_url, int limit, callback done);
  ~snapshot_fetcher();
  snapshot_fetcher(const snapshot_fetcher&) = delete;
  snapshot_fetcher& operator=(const snapshot_fetcher&) = delete;

  /// Queues a request for `symbol` (upper case) to start no earlier than `delay_ms` from now.
  void fetch(const std::string& symbol, int64_t tag, int64_t delay_ms = 0);

  /// Drops the queued requests whose tag is below `tag` (asked for on an older connection); one
  /// already running still answers.
  void drop_before(int64_t tag);

  /// Stops and joins the thread; idempotent.
  void stop();

private:
  struct request {
    std::string symbol;
    int64_t tag = 0;
    std::chrono::steady_clock::time_point due;
  };

  void run();

  std::string rest_url_;
  int limit_;
  callback done_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<request> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

} // namespace pt
