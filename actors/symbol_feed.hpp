#pragma once

// What the market-data broadcaster keeps for one symbol: its subscriptions, the candles built
// once for every timeframe a subscriber asked for, and traffic counters.

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include <caf/all.hpp>

#include "core/market/candle.hpp"
#include "core/metrics/event_rate.hpp"
#include "core/market/market_event.hpp"

namespace pt {

/// One subscriber of a symbol and the timeframes (ms) it wants candles of.
struct symbol_subscription {
  caf::actor subscriber;
  std::vector<int64_t> timeframes_ms;
};

/// Candles of one (symbol, timeframe), built once for all its subscribers.
struct timeframe_candles {
  explicit timeframe_candles(int64_t timeframe_ms) : aggregator(timeframe_ms) {}
  candle_aggregator aggregator;
  int64_t wanted_by = 0;       ///< live subscriptions that asked for it
  std::deque<candle> recent;   ///< latest closed bars, oldest first, at most `symbol_feed::history`
};

/// Everything the broadcaster keeps for one symbol.
class symbol_feed {
public:
  /// Closed bars kept per timeframe for `recent` queries.
  static constexpr size_t history = 1000;

  /// Adds a subscription; each of its timeframes (ms, positive, duplicates ignored) gets an
  /// aggregator if it has none, starting from the next batch.
  void subscribe(caf::actor subscriber, std::vector<int64_t> timeframes_ms);

  /// Drops every subscription of `subscriber` (by address) and the aggregators nobody wants any
  /// more. Returns how many subscriptions went.
  size_t unsubscribe(const caf::actor_addr& subscriber);

  /// Folds `events` into every aggregator and counts them (`now_ms`: wall time, for the rate).
  /// Returns the bars they closed, or null when no timeframe is aggregated.
  std::shared_ptr<const batch_candles> on_batch(const std::vector<market_event>& events, int64_t now_ms);

  /// The aggregator of `timeframe_ms`, or null when nobody asked for it.
  const timeframe_candles* candles(int64_t timeframe_ms) const;

  const std::vector<symbol_subscription>& subscriptions() const { return subscriptions_; }
  int64_t batches() const { return batches_; }             ///< batches received
  int64_t events() const { return events_; }               ///< events in them
  int64_t last_event_ms() const { return last_event_ms_; } ///< exchange time of the latest (0: none)
  const event_rate& rate() const { return rate_; }         ///< events per wall second

private:
  std::vector<symbol_subscription> subscriptions_;
  std::vector<timeframe_candles> timeframes_; // in the order first asked for
  std::vector<candle> scratch_;
  std::shared_ptr<const batch_candles> none_closed_; // for batches that close no bar; reset when timeframes change
  int64_t batches_ = 0;
  int64_t events_ = 0;
  int64_t last_event_ms_ = 0;
  event_rate rate_;
};

} // namespace pt
