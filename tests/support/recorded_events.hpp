#pragma once

// The market events of a recorded data file, for tests that feed real data to core code.

#include <cstdint>
#include <string>
#include <vector>

#include "feeds/market_file.hpp"
#include "core/market/market_event.hpp"
#include "tests/support/process.hpp"

namespace pt::test {

/// The first `limit` events (all by default) of the data file at `path` (any layout
/// market_file_source reads), in file order.
inline std::vector<market_event> recorded_events(const std::string& path, size_t limit = SIZE_MAX) {
  market_file_source src(path);
  std::vector<market_event> events;
  std::string symbol;
  market_event ev;
  while (events.size() < limit && src.next(symbol, ev))
    events.push_back(ev);
  return events;
}

/// The 19,904 real BTCUSDT trades of 2024-08-08 23:54 → 00:05 UTC (../shared/data/trades).
inline std::vector<market_event> btc_trades() {
  return recorded_events(shared_data("trades/BTCUSDT-trades-2024-08-08T235415Z_2024-08-09T000505Z.csv"));
}

} // namespace pt::test
