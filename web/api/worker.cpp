#include "web/api/worker.hpp"

#include <algorithm>

namespace pt {

api_worker::api_worker(int threads) {
  for (int i = 0; i < std::max(1, threads); ++i)
    threads_.emplace_back([this] { loop(); });
}

api_worker::~api_worker() { stop(); }

void api_worker::post(std::function<void()> job) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_)
      return;
    jobs_.push_back(std::move(job));
  }
  ready_.notify_one();
}

void api_worker::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (auto& t : threads_)
    if (t.joinable())
      t.join();
  threads_.clear();
}

void api_worker::loop() {
  while (true) {
    std::function<void()> job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty())
        return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    try {
      job();
    } catch (...) {
      // A job answers its own request; one that throws must not take the pool down.
    }
  }
}

} // namespace pt
