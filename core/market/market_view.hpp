#pragma once

#include <cstdint>
#include <optional>

#include "core/fixed_point.hpp"
#include "core/market/market_event.hpp"
#include "core/execution/order.hpp"

namespace pt {

/// What a session knows of its symbol's market: the latest L2 top, L1 quote, trade and bar, and
/// the time of the latest event. One per session, owned by its `virtual_exchange` (which fills
/// orders against it); the session's trading logic reads the same one (`virtual_exchange::market()`).
///
/// The one rule for best bid / ask (`best_bid()`, `best_ask()`): the L1 quote's (bookTicker) when
/// that side of it has a positive price — it is the faster stream, and a replay must not depend on
/// when the depth book was first in sync — else the L2 top's first level on that side, else
/// unknown. So:
/// - a bookTicker side with price 0 (nothing quoted) is not a price: the depth top, when known,
///   stands in for it, else the side is unknown;
/// - a depth top with no levels at all (the feed's book went out of sync) carries no prices: it
///   is forgotten (`depth` empty), so nothing is read from a book that is not there;
/// - a depth top before or after a bookTicker is kept either way (`depth`: takers walk it, resting
///   orders queue on it), but sets bid / ask only on a side the quote does not price.
struct market_view {
  std::optional<book_depth> depth;  ///< latest non-empty top of the L2 book
  std::optional<book_ticker> quote; ///< latest L1 quote
  std::optional<price> last_trade;
  std::optional<kline> last_bar;
  bool seen_tick_data = false; ///< any trade, quote or depth seen: bars then drive nothing
  int64_t ts_event_ms = 0;     ///< event time of the latest event folded in, ms (0 before any)

  /// Folds one event in.
  void apply(const market_event& ev);
  /// Best bid: the L1 quote's when positive, else the depth top's (see the rule above).
  std::optional<price> best_bid() const;
  /// Best ask: the L1 quote's when positive, else the depth top's.
  std::optional<price> best_ask() const;
  /// The price to value a position at: (bid + ask) / 2 when both are known, else the last
  /// trade, else the last bar's close. nullopt before any event.
  std::optional<price> mark() const;
  /// The quantity the book shows at `px` on the `s` side (bids for buy), 0 if the level is not
  /// shown: the depth top when known, else the L1 quote.
  quantity qty_at(side book_side, price px) const;
};

/// The price a market order of `s` fills at from `view`, before slippage: the best ask for a
/// buy / best bid for a sell when one is known, else the last trade. nullopt if neither (a
/// kline close is not tradable now).
std::optional<price> market_fill_reference(side s, const market_view& view);

} // namespace pt
