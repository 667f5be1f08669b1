#pragma once

// One session run as a plain loop over events, with the core code and no actors: the reference
// the actor pipeline must reproduce exactly.

#include <variant>
#include <vector>

#include "core/candle.hpp"
#include "core/market_event.hpp"
#include "core/paper_exchange.hpp"
#include "core/session_types.hpp"
#include "core/strategy.hpp"

namespace pt::test {

/// Runs `cfg` over `events` (one symbol) and returns its fills: per event, the market state is
/// updated first, then bars the event closes are evaluated and their signals acted on.
inline std::vector<fill> run_plain_session(const session_config& cfg, const std::vector<market_event>& events) {
  candle_aggregator candles(cfg.strategy.timeframe_ms);
  indicator_set indicators(cfg.strategy);
  std::vector<std::string> errors;
  auto rules = signal_rules::compile(cfg.strategy, errors);
  paper_exchange exchange(cfg.initial_cash, cfg.execution, cfg.strategy.position_size_bps);
  exchange_output out;
  std::vector<candle> closed;
  for (const auto& ev : events) {
    closed.clear();
    if (auto t = std::get_if<trade>(&ev.data))
      candles.on_trade(ev.ts_event_ms, t->px, t->qty, closed);
    else if (auto k = std::get_if<kline>(&ev.data))
      candles.on_kline(*k, closed);
    else
      candles.advance_to(ev.ts_event_ms, closed);
    exchange.on_market(ev, out);
    for (auto& bar : closed)
      if (auto sig = rules->on_row(ev.ts_event_ms, indicators.on_candle(bar)))
        exchange.on_signal(*sig, out);
  }
  return out.fills;
}

} // namespace pt::test
