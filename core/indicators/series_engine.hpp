#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "core/market/candle.hpp"
#include "core/indicators/indicator_library.hpp"
#include "core/market/market_event.hpp"
#include "core/strategy/strategy.hpp"

namespace pt {

/// A point where a strategy's rules are evaluated, with every series' value there.
struct series_row {
  bool bar_closed = false;     ///< a bar of the strategy timeframe closed at this event
  candle bar;                  ///< that bar, when `bar_closed`
  std::vector<double> values;  ///< one per `compiled_strategy::series`; NaN = not known yet
};

/// Turns a stream of market events into the rows a strategy's rules read: builds candles for the
/// strategy timeframe and every higher timeframe its rules use, updates each indicator on the
/// bars of its timeframe, and samples all series at each evaluation point (every closed bar of
/// the strategy timeframe, or every trade/kline with `evaluate_on: tick`).
///
/// A higher-timeframe value is always that of its latest *closed* bar: a 15m rule reading
/// `close@1h` at 10:15 sees the 09:00–09:59 bar, never the forming one.
class series_engine {
public:
  explicit series_engine(const compiled_strategy& strategy);

  /// Folds one event in and appends its evaluation points (usually zero or one) to `out`.
  /// A bar that opens at or before a bar already closed (e.g. one given by `warm`) is dropped.
  void on_event(const market_event& ev, std::vector<series_row>& out);

  /// The history each timeframe needs before its indicators are ready: (timeframe_ms, bars),
  /// the strategy timeframe first. Bars = 4 × (the longest `indicator::warmup_bars()` + 1) of
  /// that timeframe's indicators — four lookbacks let an EMA's seed fade (to e^-6) — at least 1
  /// (the last closed bar, which `close@1h` reads) and at most `max_bars` (Binance serves 1000).
  std::vector<std::pair<int64_t, size_t>> warmup_needs(size_t max_bars = 1000) const;

  /// Feeds closed bars of `timeframe_ms`, oldest first, as history: that timeframe's indicators
  /// and last closed bar are updated exactly as if the bars had closed live, but no row is made
  /// (no rule sees them). Bars not after the last closed bar, and bars of a timeframe the strategy
  /// does not read, are ignored. Returns how many bars were taken.
  size_t warm(int64_t timeframe_ms, const std::vector<candle>& bars);

  /// Like `on_event(ev, out)`, but the bars of every timeframe that `candles` covers and
  /// `shared_timeframes()` lists are taken from `[first, last)` — the bars that closed at this
  /// event, any timeframe, in aggregator order — instead of being built here. The rows are the
  /// same, bit for bit, when those bars come from a `candle_aggregator` fed the same events
  /// through `candle_aggregator::on_event` (as the market-data broadcaster does).
  /// A timeframe that stops being covered is built here again from a fresh, empty bar.
  void on_event(const market_event& ev, const batch_candles& candles, const closed_candle* first,
                const closed_candle* last, std::vector<series_row>& out);

  /// Timeframes (ms) whose closed bars an engine for `strategy` may take from outside: every
  /// timeframe the strategy reads, except with `evaluate_on: tick` its own timeframe, whose
  /// forming bar each tick samples and which the engine therefore always builds itself.
  /// Strategy timeframe first when listed; no duplicates.
  static std::vector<int64_t> shared_timeframes(const compiled_strategy& strategy);

private:
  struct timeframe_state {
    int64_t timeframe_ms = 0;
    candle_aggregator candles;
    std::optional<candle> last_closed;
    bool shareable = true;  // bars may come from outside (see shared_timeframes)
    bool external = false;  // the last event's bars came from outside
    std::vector<std::pair<int, std::unique_ptr<indicator>>> indicators; // (indicator index, instance)
    explicit timeframe_state(int64_t tf) : timeframe_ms(tf), candles(tf) {}
  };

  timeframe_state& state_for(int64_t timeframe_ms);
  void step(const market_event& ev, const batch_candles* candles, const closed_candle* first,
            const closed_candle* last, std::vector<series_row>& out);
  // Bars of `tf` closed at `ev` into closed_: from [first, last) when `candles` covers it, else built.
  void feed(timeframe_state& tf, const market_event& ev, const batch_candles* candles, const closed_candle* first,
            const closed_candle* last);
  bool close_bar(timeframe_state& tf, const candle& bar); // false: not after the last closed bar
  series_row sample(bool bar_closed, const candle* bar, const std::optional<candle>& forming) const;

  std::vector<series_spec> series_;
  evaluate_on evaluation_;
  std::vector<timeframe_state> timeframes_; // [0] = the strategy timeframe
  std::vector<candle> closed_;               // scratch
};

/// Converts a candle to what indicators read.
bar_input to_bar_input(const candle& c);

} // namespace pt
