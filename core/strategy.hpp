#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/candle.hpp"
#include "core/fixed_point.hpp"
#include "core/indicators.hpp"
#include "core/rule.hpp"

namespace pt {

/// Indicator families the strategy language knows.
enum class indicator_kind { sma, ema, rsi };

/// "sma", "ema", "rsi".
const char* to_string(indicator_kind k);

/// Parses "sma" / "ema" / "rsi" (lower case). nullopt otherwise.
std::optional<indicator_kind> parse_indicator_kind(std::string_view text);

/// Price fields of a candle an indicator can read.
enum class price_source { open, high, low, close };

/// "open", "high", "low", "close".
const char* to_string(price_source s);

/// Parses a price source name. nullopt otherwise.
std::optional<price_source> parse_price_source(std::string_view text);

/// One indicator a strategy declares: `ema_fast: {type: ema, period: 9, source: close}`.
struct indicator_spec {
  std::string name;        ///< the name rules use
  indicator_kind kind = indicator_kind::ema;
  int period = 14;         ///< bars, ≥ 1
  price_source source = price_source::close;
};

/// A strategy as the trader wrote it, validated: what to compute and when to buy or sell.
/// Spot, long only: `entry` opens a position when flat, `exit` closes it when long.
struct strategy_spec {
  std::string name;
  std::string symbol;                  ///< default symbol, e.g. "BTCUSDT"
  int64_t timeframe_ms = 60'000;       ///< bar size the rules run on
  std::vector<indicator_spec> indicators;
  std::string entry_rule;              ///< rule text, see `rule`
  std::string exit_rule;               ///< rule text, see `rule`
  bps position_size_bps = bps::from_units(10'000); ///< share of equity per entry (10,000 bps = 100 %)
};

/// The series names every strategy can use besides its indicators.
const std::vector<std::string>& builtin_series();

/// Names of all series of `spec`, in column order: builtins (open, high, low, close, volume),
/// then the indicators in declaration order.
std::vector<std::string> series_names(const strategy_spec& spec);

/// What the signal detector says after a bar: the entry and/or exit rule fired.
struct signal {
  int64_t ts_event_ms = 0;    ///< close time of the bar that fired
  bool entry = false;
  bool exit = false;
};

/// Updates a strategy's indicators on every closed bar and returns the series row the rules see.
/// O(1) per bar per indicator.
class indicator_set {
public:
  explicit indicator_set(const strategy_spec& spec);

  /// Updates every indicator with `bar`; returns one value per series (see `series_names`).
  std::vector<std::optional<double>> on_candle(const candle& bar);

private:
  using any_indicator = std::variant<sma, ema, rsi>;
  std::vector<any_indicator> indicators_;
  std::vector<price_source> sources_;
};

/// Evaluates a strategy's entry and exit rules on each new series row.
class signal_rules {
public:
  /// Compiles the rules; on failure returns nullopt and appends every problem to `errors`,
  /// each prefixed by which rule it is in ("entry" / "exit").
  static std::optional<signal_rules> compile(const strategy_spec& spec, std::vector<std::string>& errors,
                                             std::vector<rule_error>* entry_errors = nullptr,
                                             std::vector<rule_error>* exit_errors = nullptr);

  /// Adds the row of a closed bar (ending at `ts_event_ms`); returns a signal if a rule fired.
  std::optional<signal> on_row(int64_t ts_event_ms, std::vector<std::optional<double>> row);

  const series_table& table() const { return table_; }

private:
  signal_rules(rule entry, rule exit, series_table table)
    : entry_(std::move(entry)), exit_(std::move(exit)), table_(std::move(table)) {}

  rule entry_;
  rule exit_;
  series_table table_;
};

} // namespace pt
