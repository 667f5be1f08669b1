#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "core/fixed_point.hpp"

namespace pt {

/// One price level of an L2 book: the total quantity resting at a price.
struct book_level {
  price px;
  quantity qty; ///< 0 in a diff means "remove the level"
};

/// A trade print on the exchange (Binance `@trade`, or a row of a trades dump).
struct trade {
  int64_t trade_id = 0;        ///< exchange trade id (`t`)
  price px;                    ///< trade price (`p`)
  quantity qty;                ///< traded base quantity (`q`)
  bool buyer_is_maker = false; ///< `m`: true when the seller was the aggressor (taker)
  /// The exchange's own time of the match (`T`, or a dump row's time), ms; 0 = not known (then
  /// the event's market-clock time stands for it). The event itself is stamped with the feed's
  /// market clock (`market_event::ts_event_ms`), which is never earlier.
  int64_t ts_trade_ms = 0;
};

/// Best bid/ask (L1), Binance `@bookTicker`.
struct book_ticker {
  int64_t update_id = 0; ///< order book update id (`u`)
  price bid_px;          ///< best bid price (`b`)
  quantity bid_qty;      ///< quantity at the best bid (`B`)
  price ask_px;          ///< best ask price (`a`)
  quantity ask_qty;      ///< quantity at the best ask (`A`)
};

/// The top of a local L2 book (Binance depth, kept from a snapshot and `@depth` diffs, see
/// `core/market/l2_book.hpp`), published by the feed after every diff applied while the book is in
/// sync: at most `l2_book`'s level count per side, best first. On a gap the feed publishes one
/// top with no levels (the book has no prices until it is resynchronised; `market_view` forgets
/// its depth on it), then none until the next snapshot brings the book back in sync.
struct book_depth {
  int64_t update_id = 0;         ///< the book's final update id (`u` of the last diff applied)
  std::vector<book_level> bids;  ///< highest price first
  std::vector<book_level> asks;  ///< lowest price first
};

/// A kline (candle) as the exchange publishes it: OHLCV over [open_time_ms, close_time_ms].
struct kline {
  int64_t open_time_ms = 0;  ///< bar open time, ms since epoch (UTC)
  int64_t close_time_ms = 0; ///< bar close time, ms since epoch; Binance uses open + interval − 1
  price open, high, low, close;
  quantity volume;           ///< base asset volume
  bool is_closed = true;     ///< false for a live, still-forming kline (`x`)
};

/// One market data event for one symbol, stamped with its feed's market clock.
///
/// `ts_event_ms` is the feed's `market_clock` when the message arrived: the largest exchange time
/// seen on the feed so far, including the message's own (a trade's `T` and `E`, a depth diff's or
/// a kline's `E`, a dump row's time); a bookTicker, which carries no time, takes the clock as it
/// stands. It never goes back along a feed. Sessions never read the wall clock: everything they
/// do is in this time. The exchange's own times stay in the data (`trade::ts_trade_ms`, a kline's
/// open and close times).
struct market_event {
  int64_t ts_event_ms = 0;
  std::variant<trade, book_ticker, kline, book_depth> data;
};

/// Identifies an event kind in logs and counters: "trade", "book_ticker", "kline", "book_depth".
inline const char* kind_name(const market_event& ev) {
  switch (ev.data.index()) {
    case 0: return "trade";
    case 1: return "book_ticker";
    case 2: return "kline";
    default: return "book_depth";
  }
}

} // namespace pt
