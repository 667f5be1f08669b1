#include "core/metrics/performance_metrics.hpp"

#include "core/metrics/performance_feed.hpp"

namespace pt {

std::optional<performance_metrics> compute_performance(const metrics_input& in, std::string* error) {
  running_performance run(in.initial_cash, in.period_ms, in.slippage_bps);
  feed_in_time_order(run, in.fills, in.equity); // as a session feeds them
  return run.result(in.end_ms, in.end_mark, error);
}

} // namespace pt
