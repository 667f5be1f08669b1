#pragma once

// One session run as a plain loop over events, with the core code and no actors: the reference
// the actor pipeline must reproduce exactly.

#include <cmath>
#include <variant>
#include <vector>

#include "core/candle.hpp"
#include "core/market_event.hpp"
#include "core/paper_exchange.hpp"
#include "core/session_types.hpp"
#include "core/series_engine.hpp"
#include "core/strategy.hpp"

namespace pt::test {

/// Runs `cfg` over `events` (one symbol) and returns its fills: per event, the market state is
/// updated first, then bars the event closes are evaluated and their signals acted on.
inline std::vector<fill> run_plain_session(const session_config& cfg, const std::vector<market_event>& events) {
  std::vector<strategy_rule_error> errors;
  auto compiled = compile_strategy(cfg.strategy, errors);
  if (!compiled)
    return {};
  series_engine engine(*compiled);
  signal_rules rules(*compiled);
  paper_exchange exchange(cfg.initial_cash, cfg.execution, cfg.strategy.sizing, cfg.strategy.risk, cfg.strategy.grid);
  exchange_output out;
  std::vector<series_row> rows;
  std::optional<double> atr;
  for (const auto& ev : events) {
    rows.clear();
    engine.on_event(ev, rows);
    exchange.on_market(ev, out);
    for (auto& row : rows) {
      if (compiled->risk_atr && !std::isnan(row.values[*compiled->risk_atr]))
        atr = row.values[*compiled->risk_atr];
      if (auto sig = rules.on_row(ev.ts_event_ms, row.values))
        exchange.on_signal(*sig, atr, out);
    }
  }
  return out.fills;
}

} // namespace pt::test
