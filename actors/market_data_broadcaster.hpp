#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/all.hpp>

#include "actors/handles.hpp"
#include "actors/symbol_feed.hpp"

namespace pt {

/// State of the market-data broadcaster: who listens to which symbol, the candles built for
/// them, and who is told when a symbol's demand changes.
struct broadcaster_state {
  /// A subscription that starts at a given feed position of its symbol (see `subscribe_atom`).
  struct deferred_subscription {
    std::string symbol;
    caf::actor subscriber;
    std::vector<int64_t> timeframes_ms;
    int64_t from_events = 0; ///< joins before the symbol's event of this index (0-based)
  };
  std::unordered_map<std::string, symbol_feed> symbols; ///< by symbol (upper case)
  std::vector<deferred_subscription> deferred;          ///< not yet joined, in the order asked
  bool ended = false;       ///< end of data was sent (and no batch came since)
  std::vector<caf::actor> watchers;                     ///< feed controls, told of symbol_demand
  int64_t batches_in = 0;   ///< batches received from feeds
  int64_t deliveries = 0;   ///< batch messages sent to subscribers
  static inline const char* name = "market_data_broadcaster";
};

/// Fans market batches out to the sessions subscribed to their symbol, with the candles that
/// closed in them built once per (symbol, timeframe).
///
/// Messages (its protocol is `broadcaster_actor`, actors/handles.hpp):
/// - `(subscribe_atom, symbol, actor)` → `ok_atom`: `actor` receives every later batch of `symbol`
///   and `end_data_atom`; it is monitored and dropped when it terminates.
/// - `(subscribe_atom, symbol, actor, std::vector<int64_t> timeframes_ms)` → `ok_atom`: the same,
///   and every later batch carries (`market_batch::candles`) the bars of those timeframes that
///   closed in it, built by one `candle_aggregator` per (symbol, timeframe) for all subscribers
///   (fed each event through `candle_aggregator::on_event`; an aggregator starts with the first
///   batch after the first subscription asking for it, and goes with the last one).
///   A timeframe ≤ 0 is ignored.
/// - `(subscribe_atom, symbol, actor, std::vector<int64_t> timeframes_ms, int64_t from_events)` →
///   `int64_t`: the same, and the answer is the subscription's feed position: how many events of
///   `symbol` the broadcaster had passed on before the first one `actor` gets. With
///   `from_events` < 0, or not after the events already passed on, it joins now; else it joins
///   exactly before event `from_events` of the symbol (a batch that spans that position is cut in
///   two there, and the aggregators of timeframes only it asks for start there), so a session
///   restored into a replay from its start sees the same events and bars as when it first joined.
///   With `join_now_or_end` (-2) after the end of data, `actor` gets `end_data_atom` at once.
/// - `(unsub_atom, symbol, actor)` → `ok_atom`: drops `actor`'s subscriptions to `symbol` (none: no-op).
/// - `(watch_atom, actor)` → `ok_atom`: `actor` (the feed control) receives a `symbol_demand`
///   `{symbol, true}` when a symbol gets its first subscriber and `{symbol, false}` when its last
///   one leaves (unsubscribes or terminates); right away, `{symbol, true}` for every symbol
///   already wanted. Monitored; dropped when it terminates.
/// - `market_batch` → `ok_atom`: one immutable batch, sent as one shared message to every
///   subscriber of its symbol (copy-on-write, never copied per subscriber); stamped with its
///   steady-clock arrival time (`market_batch::arrival_ns`) for the event-to-fill latency.
/// - `end_data_atom` → `ok_atom`: the feed has ended; forwarded once to every subscriber.
/// - `status_atom` → `std::vector<symbol_stats>`: every symbol seen, by name.
/// - `(candles_atom, symbol, int64_t timeframe_ms, int64_t n)` → `candle_history`: the last n
///   (at most `symbol_feed::history`) closed bars and the forming one; an `invalid_argument`
///   error when no subscriber of `symbol` asks for that timeframe.
broadcaster_actor::behavior_type market_data_broadcaster(broadcaster_actor::stateful_pointer<broadcaster_state> self);

} // namespace pt
