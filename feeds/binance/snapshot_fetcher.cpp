#include "feeds/binance/snapshot_fetcher.hpp"

#include <algorithm>
#include <exception>

#include "feeds/binance/rest_client.hpp"

namespace pt {

snapshot_fetcher::snapshot_fetcher(std::string rest_url, int limit, callback done)
  : rest_url_(std::move(rest_url)), limit_(std::clamp(limit, 1, 5000)), done_(std::move(done)) {
  binance_rest_client check(rest_url_); // throws std::invalid_argument now, not on the thread
  thread_ = std::thread([this] { run(); });
}

snapshot_fetcher::~snapshot_fetcher() { stop(); }

void snapshot_fetcher::fetch(const std::string& symbol, int64_t tag, int64_t delay_ms) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back({symbol, tag, std::chrono::steady_clock::now() + std::chrono::milliseconds(delay_ms)});
  }
  wake_.notify_one();
}

void snapshot_fetcher::drop_before(int64_t tag) {
  std::lock_guard<std::mutex> lock(mutex_);
  queue_.erase(std::remove_if(queue_.begin(), queue_.end(), [tag](const request& r) { return r.tag < tag; }),
               queue_.end());
}

void snapshot_fetcher::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable())
    thread_.join();
}

void snapshot_fetcher::run() {
  binance_rest_client rest(rest_url_);
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_)
      return;
    // The request due first; wait for it unless stopped or an earlier one arrives.
    auto first = std::min_element(queue_.begin(), queue_.end(),
                                  [](const request& a, const request& b) { return a.due < b.due; });
    auto due = first->due;
    if (due > std::chrono::steady_clock::now()) {
      wake_.wait_until(lock, due);
      continue;
    }
    request r = std::move(*first);
    queue_.erase(first);
    lock.unlock();
    std::string body, error;
    try {
      body = rest.get("/api/v3/depth?symbol=" + r.symbol + "&limit=" + std::to_string(limit_));
      if (body.empty())
        error = "empty answer";
    } catch (const std::exception& e) {
      error = e.what();
    }
    done_(r.symbol, r.tag, error.empty() ? body : std::string(), error);
    lock.lock();
  }
}

} // namespace pt
