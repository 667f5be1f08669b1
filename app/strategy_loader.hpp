#pragma once

#include <string>

#include "core/strategy/strategy.hpp"

namespace pt {

/// A strategy read from YAML, with the text it came from.
struct loaded_strategy {
  strategy_spec spec;
  std::string file; ///< path, or a label for inline text
  std::string text; ///< the YAML as written
};

/// Reads and validates a strategy file (the full language is in docs/strategies.md):
///
/// ```yaml
/// name: ema-crossover          # required
/// symbol: BTCUSDT              # default symbol (a session or backtest may override it)
/// timeframe: 1m                # bar size the rules run on: 1s … 1w
/// evaluate_on: bar_close       # or tick
/// indicators:                  # name → {type: one of indicator_types(), its parameters, source}
///   ema_fast: {type: ema, period: 9}
///   macd: {type: macd, fast: 12, slow: 26, signal: 9}
/// entry: crosses_above(ema_fast, macd.signal) and close@1h > 0   # rule text, see core/strategy/rule.hpp
/// exit: crosses_below(macd, macd.signal)
/// risk: {stop_loss: {percent: 2}, trailing_stop: {atr: 3}, cooldown: 15m, max_drawdown: {percent: 20}}
/// sizing: {percent_of_equity: 95}   # or quote / base / risk_percent
/// # or, instead of entry/exit: grid: {lower, upper, levels, spacing, qty_per_level, filter}
/// ```
/// Throws `config_error` listing every problem with file, line and column (unknown or repeated
/// keys, bad values, unknown indicator types or outputs, rule errors at the exact column of the
/// rule text, rules that read no market value, risk sizing without a stop).
loaded_strategy load_strategy_file(const std::string& path);

/// Same, from text already in memory; `label` stands for the file name in messages. A (label,
/// text) loaded before is answered from a process-wide cache (thread-safe) without parsing again;
/// errors are never cached, they are reported again on every call.
loaded_strategy load_strategy_text(const std::string& text, const std::string& label);

/// `load_strategy_text` without the cache (always parses).
loaded_strategy load_strategy_text_uncached(const std::string& text, const std::string& label);

} // namespace pt
