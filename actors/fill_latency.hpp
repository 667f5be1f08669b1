#pragma once

// Event-to-fill latency, measured only when a benchmark asks for it (bench/latency.cpp): the
// broadcaster stamps each market batch with its steady-clock arrival time
// (`market_batch::arrival_ns`), and the position tracker records, for every fill of a batch, how
// long after that arrival the fill reached it. Off by default; then each batch costs one relaxed
// atomic load per pipeline stage.
//
// Besides the headline figure (arrival → fill at the tracker) it keeps, for finding where the
// time goes: the lag at the start of each stage for every session-batch (`stage_histogram`), and
// arrival → the persister's commit acknowledgement for every fill (`committed_histogram`), which
// is when the supervisor and API clients hear of the fill (DESIGN decision 6).

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>

#include "core/metrics/latency_histogram.hpp"

namespace pt {

/// Steady-clock now, ns since the clock's epoch (only differences mean anything, in one process).
inline int64_t steady_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
    .count();
}

/// A session's pipeline stage, for `fill_latency::on_stage`.
enum class pipeline_stage { engine, detector, executor, tracker };

/// Number of `pipeline_stage` values.
inline constexpr size_t pipeline_stages = 4;

/// "indicator_engine", "signal_detector", "paper_executor", "position_tracker".
inline const char* to_string(pipeline_stage s) {
  switch (s) {
  case pipeline_stage::engine: return "indicator_engine";
  case pipeline_stage::detector: return "signal_detector";
  case pipeline_stage::executor: return "paper_executor";
  case pipeline_stage::tracker: return "position_tracker";
  }
  return "?";
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
  /// Per fill: ns from its batch's arrival to the persister's acknowledgement of its commit at
  /// the tracker (when the fill is reported on).
  static latency_histogram& committed_histogram() {
    static latency_histogram h;
    return h;
  }
  /// Per session-batch: ns from the batch's arrival to the start of stage `s`'s handler.
  static latency_histogram& stage_histogram(pipeline_stage s) {
    static std::array<latency_histogram, pipeline_stages> h;
    return h[static_cast<size_t>(s)];
  }
  /// Forgets every sample of every histogram (not concurrently with recording).
  static void reset() {
    histogram().reset();
    committed_histogram().reset();
    for (size_t i = 0; i < pipeline_stages; ++i)
      stage_histogram(static_cast<pipeline_stage>(i)).reset();
  }
  /// Records `fills` samples of a batch that arrived at `arrival_ns` (0 = not stamped: skipped).
  static void on_fills(int64_t arrival_ns, size_t fills) { record(histogram(), arrival_ns, fills); }
  /// Records `fills` commit-acknowledgement samples of a batch that arrived at `arrival_ns`.
  static void on_committed(int64_t arrival_ns, size_t fills) { record(committed_histogram(), arrival_ns, fills); }
  /// Records one sample: a batch that arrived at `arrival_ns` reached stage `s` now.
  static void on_stage(pipeline_stage s, int64_t arrival_ns) { record(stage_histogram(s), arrival_ns, 1); }

private:
  static void record(latency_histogram& h, int64_t arrival_ns, size_t n) {
    if (n == 0 || arrival_ns == 0 || !enabled().load(std::memory_order_relaxed))
      return;
    int64_t lag = steady_now_ns() - arrival_ns;
    for (size_t i = 0; i < n; ++i)
      h.record(lag);
  }
};

} // namespace pt
