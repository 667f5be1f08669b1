#pragma once

#include <cstdint>

namespace pt {

/// The market clock of one feed (docs/market-data.md, "The market clock"): a monotone time, ms
/// since the epoch, that every incoming message is given in arrival order. It is the largest
/// exchange time seen so far on the feed: a message carrying times (a trade's `T` and `E`, a depth
/// diff's or a kline's `E`, a dump row's time) moves it on to the latest of them if that is later;
/// a message with no time (`bookTicker`, a REST depth snapshot) takes it as it stands. So the
/// times of a feed's events never go back, and every record a session writes from them (orders,
/// fills, decisions, equity points, bar closes) is in time order, in live runs and replays alike.
/// The exchange's own times stay in the events where they mean something (`trade::ts_trade_ms`,
/// a kline's open and close times).
class market_clock {
public:
  /// A clock that starts at `start_ms` (0: before any exchange time).
  explicit market_clock(int64_t start_ms = 0) : now_ms_(start_ms) {}

  /// A message carrying exchange time `exchange_ms` arrived: the clock moves to it when it is
  /// later. Returns the clock.
  int64_t observe(int64_t exchange_ms) {
    if (exchange_ms > now_ms_)
      now_ms_ = exchange_ms;
    return now_ms_;
  }

  /// The clock as it stands, ms.
  int64_t now_ms() const { return now_ms_; }

private:
  int64_t now_ms_;
};

} // namespace pt
