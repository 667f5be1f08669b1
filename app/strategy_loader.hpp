#pragma once

#include <string>

#include "core/strategy.hpp"

namespace pt {

/// A strategy read from YAML, with the text it came from.
struct loaded_strategy {
  strategy_spec spec;
  std::string file; ///< path, or a label for inline text
  std::string text; ///< the YAML as written
};

/// Reads and validates a strategy file:
///
/// ```yaml
/// name: ema-crossover          # required
/// symbol: BTCUSDT              # default symbol (a session or backtest may override it)
/// timeframe: 1m                # bar size the rules run on: 1s … 1w
/// indicators:                  # name → {type: sma|ema|rsi, period: N, source: close|open|high|low}
///   ema_fast: {type: ema, period: 9}
///   ema_slow: {type: ema, period: 21}
/// entry: crosses_above(ema_fast, ema_slow)   # rule text, see core/rule.hpp
/// exit: crosses_below(ema_fast, ema_slow)
/// sizing: {percent_of_equity: 95}            # default 100
/// ```
/// Throws `config_error` listing every problem with file, line and column (unknown keys, bad
/// values, unknown indicator types, rule errors at the exact column of the rule text).
loaded_strategy load_strategy_file(const std::string& path);

/// Same, from text already in memory; `label` stands for the file name in messages.
loaded_strategy load_strategy_text(const std::string& text, const std::string& label);

} // namespace pt
