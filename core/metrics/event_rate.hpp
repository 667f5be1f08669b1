#pragma once

#include <array>
#include <cstdint>

namespace pt {

/// Events counted in 1 s buckets of wall time over a sliding window of the last 10 s.
class event_rate {
public:
  /// `events` arrived at wall time `now_ms` (any monotonic clock, ms; never going back).
  void add(int64_t now_ms, int64_t events);

  /// Events per second over the last 10 s before `now_ms`, or over the time since the first
  /// `add` when that is shorter (at least 1 s). 0 before any event.
  double per_second(int64_t now_ms) const;

private:
  static constexpr int64_t window_s = 10;
  std::array<int64_t, window_s> count_{};
  std::array<int64_t, window_s> second_{}; // which wall second each bucket counts
  int64_t first_ms_ = -1;
};

} // namespace pt
