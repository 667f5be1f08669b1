#pragma once

// The indicator library: every indicator a strategy can declare, behind one incremental
// interface, with a catalog (names, parameters, outputs, formula and source) the strategy loader,
// the REST API and the dashboard read.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pt {

/// One closed bar as indicators see it (doubles; prices are converted from fixed point once).
/// Times are the bar's open and close in Unix milliseconds, UTC.
struct bar_input {
  int64_t open_time_ms = 0;
  int64_t close_time_ms = 0;
  double open = 0, high = 0, low = 0, close = 0, volume = 0;
};

/// Price field of a bar that a single-series indicator reads.
enum class price_source { open, high, low, close };

/// "open", "high", "low", "close".
const char* to_string(price_source s);

/// Parses "open" / "high" / "low" / "close" (lower case). nullopt otherwise.
std::optional<price_source> parse_price_source(std::string_view text);

/// The field `s` of `bar`.
double price_of(const bar_input& bar, price_source s);

/// One numeric parameter of an indicator type, with its range. `integer` parameters take whole
/// numbers only (periods, counts); the caller validates values against min/max/integer.
struct indicator_param {
  std::string name;
  double default_value;
  double min;
  double max;
  bool integer;
  std::string description;
};

/// What an indicator type is: its name in strategy files, a one-line description, the formula and
/// its source, its parameters in positional order and its outputs (the first is the main output,
/// the one a bare `name` refers to in rules).
struct indicator_type_info {
  std::string type;
  std::string description;
  std::string source_note; ///< formula + source (e.g. "Wilder's ADX, as TA-Lib TA_ADX computes it")
  std::vector<indicator_param> params;
  std::vector<std::string> outputs; ///< first = main output
  bool uses_source; ///< reads the configured price_source; otherwise reads OHLCV itself
};

/// Every indicator type, in a fixed order: sma, ema, wma, rsi, macd, bbands, atr, stoch, adx,
/// vwap, obv, donchian, volume_profile.
const std::vector<indicator_type_info>& indicator_types();

/// The catalog entry of `type`, or nullptr for an unknown name.
const indicator_type_info* find_indicator_type(std::string_view type);

/// An incremental indicator: fed closed bars in time order, O(1) or O(log n) per bar, never
/// re-scanning history (volume_profile's value area aside, see its catalog note).
class indicator {
public:
  virtual ~indicator() = default;
  /// Feeds the next closed bar.
  virtual void update(const bar_input& bar) = 0;
  /// Output `output` (index into indicator_type_info::outputs) after the last bar; nullopt while
  /// warming up, for an index past the outputs, and where the catalog note says the value is
  /// undefined (vwap and volume_profile with no volume).
  virtual std::optional<double> value(size_t output) const = 0;
  /// Bars consumed before every output has a value: the TA-Lib lookback of the main output (the
  /// index of the first bar with a value). adx's ±DI start earlier, at TA_PLUS_DI's lookback.
  virtual size_t warmup_bars() const = 0;
};

/// Builds an indicator of `type`. `params` are in the order of indicator_type_info::params, every
/// one present (the caller fills defaults) and validated by the caller against min/max/integer;
/// integer parameters are rounded to the nearest whole number. `source` is used only by types
/// with `uses_source`. Returns nullptr for an unknown type or a wrong number of parameters.
std::unique_ptr<indicator> make_indicator(const std::string& type, const std::vector<double>& params,
                                          price_source source);

} // namespace pt
