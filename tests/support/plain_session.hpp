#pragma once

// One session run as a plain loop over events, with the core code and no actors: the reference
// the actor pipeline must reproduce exactly.

#include <utility>
#include <vector>

#include "core/market/market_event.hpp"
#include "core/session/session_runner.hpp"

namespace pt::test {

/// Runs `cfg` over `events` (one symbol) with `session_runner` and returns its fills; no fills
/// when the strategy does not compile.
/// `history`: (timeframe ms, closed bars) to warm it with first.
inline std::vector<fill> run_plain_session(const session_config& cfg, const std::vector<market_event>& events,
                                           const std::vector<std::pair<int64_t, std::vector<candle>>>& history = {}) {
  try {
    session_runner runner(cfg);
    for (const auto& [timeframe_ms, bars] : history)
      runner.warm(timeframe_ms, bars);
    for (const auto& ev : events)
      runner.on_event(ev);
    return runner.output().fills;
  } catch (const std::invalid_argument&) {
    return {};
  }
}

} // namespace pt::test
