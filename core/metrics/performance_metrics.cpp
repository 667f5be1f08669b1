#include "core/metrics/performance_metrics.hpp"

#include "core/metrics/running_performance.hpp"

namespace pt {

std::optional<performance_metrics> compute_performance(const metrics_input& in, std::string* error) {
  running_performance run(in.initial_cash, in.period_ms, in.slippage_bps);
  // Fills and points merged in event-time order (the fills' own order kept), as a session feeds them.
  size_t p = 0;
  for (auto& f : in.fills) {
    while (p < in.equity.size() && in.equity[p].ts_event_ms <= f.ts_event_ms)
      run.on_equity(in.equity[p++]);
    run.on_fill(f);
  }
  while (p < in.equity.size())
    run.on_equity(in.equity[p++]);
  return run.result(in.end_ms, in.end_mark, error);
}

} // namespace pt
