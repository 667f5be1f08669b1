#pragma once

// Event-to-fill latency, measured only when a benchmark asks for it (bench/latency.cpp): the
// broadcaster stamps each market batch with its steady-clock arrival time
// (`market_batch::arrival_ns`), and the position tracker records, for every fill of a batch, how
// long after that arrival the fill reached it. Off by default; then each batch costs one relaxed
// atomic load in the tracker.

#include <atomic>
#include <chrono>
#include <cstdint>

#include "core/latency_histogram.hpp"

namespace pt {

/// Steady-clock now, ns since the clock's epoch (only differences mean anything, in one process).
inline int64_t steady_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
    .count();
}

/// The process-wide event-to-fill latency recorder.
struct fill_latency {
  /// Whether trackers record samples (set before the sessions run).
  static std::atomic<bool>& enabled() {
    static std::atomic<bool> on{false};
    return on;
  }
  /// The samples: ns from a batch's arrival at the broadcaster to its fill at the tracker.
  static latency_histogram& histogram() {
    static latency_histogram h;
    return h;
  }
  /// Records `fills` samples of a batch that arrived at `arrival_ns` (0 = not stamped: skipped).
  static void on_fills(int64_t arrival_ns, size_t fills) {
    if (fills == 0 || arrival_ns == 0 || !enabled().load(std::memory_order_relaxed))
      return;
    int64_t lag = steady_now_ns() - arrival_ns;
    for (size_t i = 0; i < fills; ++i)
      histogram().record(lag);
  }
};

} // namespace pt
