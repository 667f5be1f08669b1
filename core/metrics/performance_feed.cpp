#include "core/metrics/performance_feed.hpp"

namespace pt {

void feed_in_time_order(running_performance& perf, const std::vector<fill>& fills,
                        const std::vector<equity_point>& points) {
  size_t p = 0;
  for (auto& f : fills) {
    while (p < points.size() && points[p].ts_event_ms <= f.ts_event_ms)
      perf.on_equity(points[p++]);
    perf.on_fill(f);
  }
  while (p < points.size())
    perf.on_equity(points[p++]);
}

} // namespace pt
