#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/fixed_point.hpp"
#include "core/market/market_event.hpp"

namespace pt {

/// A closed OHLCV bar of one timeframe.
struct candle {
  int64_t open_time_ms = 0;  ///< bucket start, a multiple of the timeframe since the epoch (UTC)
  int64_t close_time_ms = 0; ///< bucket end − 1 ms, as Binance stamps klines
  price open, high, low, close;
  quantity volume;
  int64_t input_count = 0;   ///< trades (or klines) merged into this bar
};

/// Parses a timeframe such as "1s", "15s", "1m", "5m", "1h", "4h", "1d", "1w" into
/// milliseconds: a count from 1 to 1000 and a unit s, m, h, d or w. nullopt for anything else
/// (zero, negative, over 1000, unknown unit, trailing junk).
std::optional<int64_t> parse_timeframe_ms(std::string_view text);

/// Formats milliseconds as the shortest timeframe string ("60000" → "1m").
std::string format_timeframe(int64_t timeframe_ms);

/// Builds candles of one timeframe from trades or from klines of a smaller (or equal) timeframe.
///
/// Buckets are aligned to the epoch (UTC), as Binance aligns klines; weekly buckets open on
/// Monday 00:00 UTC, as Binance's `1w` klines do. A bucket with no input
/// produces no candle (there is nothing to print). A trade bar closes when an event at or past
/// its end is seen (`advance_to`); a kline closes its bar as soon as the kline ends the bucket,
/// so 1m klines into 1m candles, or sixty 1m klines into a 1h candle, come out without waiting.
///
/// Time: bars close on the feed's market clock (`market_event::ts_event_ms`), and a trade counts
/// toward the bucket of its own time `T` (`trade::ts_trade_ms`), so a trade whose message moves the
/// clock past a bar's end still goes into the bar it printed in, and that message closes it.
///
/// Late input: a closed bar is never rewritten nor opened again. An input whose time falls in a
/// bucket that has already closed (a trade that arrives after another message moved the clock
/// past the end of the bar it printed in, as happens on Binance's combined stream) counts toward
/// the next bar: the forming one if any, else the bar of the bucket right after the last closed.
/// So open times of the bars given out strictly increase.
class candle_aggregator {
public:
  /// `timeframe_ms` must be positive.
  explicit candle_aggregator(int64_t timeframe_ms);

  /// Adds a trade at `ts_ms`. Appends to `out` the bar this trade closes, if any.
  void on_trade(int64_t ts_ms, price px, quantity qty, std::vector<candle>& out);

  /// Adds a trade that printed at `trade_ms` (the exchange's `T`) and arrived at market-clock time
  /// `clock_ms` (≥ `trade_ms` on a feed's clock): it counts toward the bucket of `trade_ms` (or
  /// the next bar when that one has closed already, as late input), then the clock closes the bar
  /// when it is past its end. Appends the bars closed to `out`, oldest first.
  void on_trade(int64_t trade_ms, int64_t clock_ms, price px, quantity qty, std::vector<candle>& out);

  /// Adds a closed kline (of any timeframe that divides this one). Appends closed bars to `out`.
  /// A kline longer than the timeframe is taken as one input for the bucket it opens in.
  void on_kline(const kline& k, std::vector<candle>& out);

  /// Time has reached `ts_ms` (any event): closes the open bar when `ts_ms` is past its end.
  void advance_to(int64_t ts_ms, std::vector<candle>& out);

  /// Folds in any market event the way a session's bars need it: a trade (`on_trade`), a closed
  /// kline (`on_kline`), a book ticker or a forming kline only moves time on (`advance_to`), and
  /// the top of the L2 book (`book_depth`) is ignored, so bars do not depend on when a feed's
  /// book synced. Appends the bars it closes to `out`, oldest first.
  void on_event(const market_event& ev, std::vector<candle>& out);

  /// The bar being built, if any (for display; not closed yet).
  const std::optional<candle>& forming() const { return forming_; }

  /// The bucket length, in ms.
  int64_t timeframe_ms() const { return timeframe_ms_; }

private:
  int64_t bucket_of(int64_t ts_ms) const;
  void close_forming(std::vector<candle>& out);
  void merge(int64_t bucket, price o, price h, price l, price c, quantity v, std::vector<candle>& out);

  int64_t timeframe_ms_;
  std::optional<candle> forming_;
  std::optional<int64_t> last_closed_open_ms_; // open time of the last bar given out
};

/// A bar that closed while a batch of events was folded in, built outside the session (by the
/// market-data broadcaster, once per symbol and timeframe for every session reading it).
struct closed_candle {
  uint32_t event_index = 0; ///< index in the batch of the event that closed it
  int64_t timeframe_ms = 0; ///< its timeframe
  candle bar;
};

/// The bars a batch closed, for a set of timeframes. `timeframes_ms` lists every timeframe that
/// was aggregated, so "no bar of 5m closed" (5m listed, none in `closed`) is told apart from
/// "5m not aggregated". `closed` is ordered by `event_index`, and for one event and timeframe in
/// the order the aggregator closed them (`candle_aggregator::on_event`).
struct batch_candles {
  std::vector<int64_t> timeframes_ms;
  std::vector<closed_candle> closed;

  /// True when `timeframe_ms` was aggregated for this batch.
  bool covers(int64_t timeframe_ms) const {
    for (auto tf : timeframes_ms)
      if (tf == timeframe_ms)
        return true;
    return false;
  }
};

} // namespace pt
