#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/execution/exchange_order.hpp"
#include "core/fixed_point.hpp"
#include "core/strategy/grid.hpp"
#include "core/indicators/indicator_library.hpp"
#include "core/strategy/rule.hpp"

namespace pt {

/// One indicator a strategy declares, e.g. `macd: {type: macd, fast: 12, slow: 26, signal: 9}`.
struct indicator_spec {
  std::string name;            ///< the name rules use (`macd`, `macd.signal`, `macd@1h`)
  std::string type;            ///< an `indicator_types()` entry: "ema", "macd", …
  std::vector<double> params;  ///< in the type's parameter order, defaults filled in
  price_source source = price_source::close;
};

/// When the rules are evaluated.
enum class evaluate_on {
  bar_close, ///< once per closed bar of the strategy timeframe (the default)
  tick,      ///< after every trade (or kline): `close` and friends are the forming bar's
};

/// "bar_close" / "tick".
const char* to_string(evaluate_on e);

/// A protective distance from the entry (or from the best price since entry, for a trailing
/// stop): a percentage of the price, or a multiple of ATR at entry.
struct stop_distance {
  enum class kind { none, percent, atr };
  kind type = kind::none;
  bps percent_bps;        ///< for `percent`: 1 % = 100 bps
  double atr_multiple = 0; ///< for `atr`
  bool active() const { return type != kind::none; }
};

/// Who watches a position's stop loss, take profit and trailing stop (`risk: {protection: …}`).
enum class protection_mode {
  session,  ///< the session checks them on every event and sells at market when one is met (default)
  exchange, ///< they rest on the exchange as real orders once the entry is done (docs/strategies.md)
};

/// "session" / "exchange".
const char* to_string(protection_mode m);

/// Risk rules that the virtual exchange enforces for a session.
struct risk_spec {
  stop_distance stop_loss;     ///< exit when the price falls this far below the entry
  stop_distance take_profit;   ///< exit when it rises this far above the entry
  stop_distance trailing_stop; ///< exit when it falls this far below the highest price since entry
  int atr_period = 14;         ///< ATR (Wilder) used by `atr` distances, on the strategy timeframe
  std::optional<money> max_position_quote; ///< cap on an entry's cost, quote currency
  std::optional<bps> max_daily_loss_bps;   ///< halt new entries for the rest of the UTC day past this loss
  std::optional<bps> max_drawdown_bps;     ///< halt new entries for good past this drawdown from peak
  int64_t cooldown_ms = 0;                 ///< no new entry this long after an exit
  protection_mode protection = protection_mode::session;
  /// With `protection: exchange`: the trailing stop order's activation price, this far above the
  /// entry (Binance's activationPrice); none = active at once.
  stop_distance trailing_activation;
};

/// How an entry is sent (`order:` block): Binance's order type and time in force.
struct entry_order_spec {
  order_type type = order_type::market; ///< market, limit or limit_maker (the only ones accepted)
  bps offset_bps;                       ///< limit types: priced this far below the best bid (a buy)
  time_in_force tif = time_in_force::gtc;
  int64_t expire_ms = 0;                ///< a limit entry still open this long after submission is canceled; 0 = never
};

/// How large an entry is.
struct sizing_spec {
  enum class kind {
    percent_of_equity, ///< `percent_bps` of equity (100 % = 10,000 bps)
    quote,             ///< a fixed amount of quote currency (`amount`)
    base,              ///< a fixed quantity of base asset (`qty`)
    risk_percent,      ///< lose at most `percent_bps` of equity if the stop loss is hit
  };
  kind type = kind::percent_of_equity;
  bps percent_bps = bps::from_units(10'000);
  money amount;
  quantity qty;
};

/// A strategy as the trader wrote it, validated: what to compute and when to buy or sell.
/// Spot, long only: `entry` opens a position when flat, `exit` closes it when long. A grid
/// strategy (`grid` set) has no entry or exit rule: it buys and sells at its levels, and its
/// optional filter rule (kept in `entry_rule`) pauses new buys while false.
struct strategy_spec {
  std::string name;
  std::string symbol;                  ///< default symbol, e.g. "BTCUSDT"
  int64_t timeframe_ms = 60'000;       ///< bar size the rules run on
  evaluate_on evaluation = evaluate_on::bar_close;
  std::vector<indicator_spec> indicators;
  std::string entry_rule;              ///< rule text, see `rule`
  std::string exit_rule;               ///< rule text, see `rule`
  risk_spec risk;
  sizing_spec sizing;
  entry_order_spec order;              ///< how entries are sent (default: market)
  std::optional<grid_spec> grid;
};

/// The series names every strategy can use besides its indicators: open, high, low, close, volume.
const std::vector<std::string>& builtin_series();

/// One column of values the rules read: a bar field or an indicator output on one timeframe.
struct series_spec {
  std::string name;          ///< as written in rules, e.g. "close", "macd.signal", "sma_200@1h"
  int64_t timeframe_ms = 0;  ///< bars it is computed on
  int indicator = -1;        ///< index into `strategy_spec::indicators`, or −1 for a bar field
  size_t output = 0;         ///< indicator output, or bar field (0 open … 4 volume)
};

/// A strategy ready to run: its rules compiled and the series they read, each once.
struct compiled_strategy {
  strategy_spec spec;
  std::vector<series_spec> series;   ///< column order of every row
  rule entry;                        ///< for a grid: its filter (never fires when there is none)
  rule exit;                         ///< never fires for a grid
  bool grid_filter = false;          ///< a grid with a filter rule
  std::optional<size_t> risk_atr;    ///< column of the ATR risk distances use, if any
  /// Indicators computed outside rules: the risk ATR, as an extra spec (index ≥ spec.indicators.size()).
  std::vector<indicator_spec> extra_indicators;
  /// All indicators, declared then extra, by index as `series_spec::indicator` counts them.
  const indicator_spec& indicator(int index) const;
};

/// A problem in a rule: which rule ("entry" / "exit") and where in its text.
struct strategy_rule_error {
  std::string rule;
  rule_error error;
};

/// Compiles the rules of `spec` and resolves every name they use: bar fields, indicators and
/// their outputs (`macd.signal`), and values from a higher timeframe (`close@1h`, which must be
/// a whole multiple of the strategy's timeframe, and not the strategy's timeframe itself). On failure returns nullopt and appends every
/// problem to `errors`.
std::optional<compiled_strategy> compile_strategy(const strategy_spec& spec, std::vector<strategy_rule_error>& errors);

/// A strategy signal: the entry and/or exit rule fired on a row. For a grid with a filter, one
/// signal per row says whether buying is allowed (`entry`) — `grid_filter` is then set.
struct signal {
  int64_t ts_event_ms = 0;    ///< time of the event the rules were evaluated at
  bool entry = false;
  bool exit = false;
  bool grid_filter = false;
  std::string inputs;         ///< the values the firing rule(s) read: "ema_fast=61790.1, ema_slow=61788.4"
};

/// Evaluates a compiled strategy's entry and exit rules on each new row of series values.
class signal_rules {
public:
  explicit signal_rules(const compiled_strategy& strategy);

  /// Adds the row of an evaluation point (NaN = unknown); returns a signal if a rule fired.
  std::optional<signal> on_row(int64_t ts_event_ms, const std::vector<double>& row);

  const series_table& table() const { return table_; }

private:
  std::string describe(const rule& r) const;

  rule entry_;
  rule exit_;
  bool grid_filter_ = false;
  std::vector<std::string> names_;
  series_table table_;
};

} // namespace pt
