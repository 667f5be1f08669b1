#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace pt {

/// What /metrics reports besides the HTTP counters, gathered per scrape.
struct platform_counts {
  std::map<std::string, int64_t> sessions_by_status; ///< from SQLite
  int64_t fills_total = 0;                            ///< from SQLite
  int64_t market_events_total = 0;                    ///< from the broadcaster (all symbols)
  int64_t market_batches_total = 0;                   ///< likewise
};

/// HTTP request counters (by route pattern and status) and a latency histogram. Thread-safe.
class api_metrics {
public:
  /// Upper bounds of the latency buckets, in seconds (Prometheus `le`).
  static constexpr std::array<double, 10> bounds_s{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1};

  /// Counts one answered request of `route` (the pattern, e.g. "/sessions/{id}") that took `seconds`.
  void observe(const std::string& method, const std::string& route, int status, double seconds);

  /// The Prometheus text exposition format (version 0.0.4) of everything, with `counts`.
  std::string render(const platform_counts& counts) const;

private:
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, int64_t> requests_;
  std::array<int64_t, bounds_s.size()> buckets_{};
  int64_t count_ = 0;
  double sum_s_ = 0;
};

} // namespace pt
