#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/execution/exchange_order.hpp"
#include "core/market/exchange_rules.hpp"
#include "core/fixed_point.hpp"
#include "core/market/market_event.hpp"
#include "core/strategy/strategy.hpp"
#include "core/trading/decision_text.hpp"

namespace pt {

/// The price `d` away from `from`: below it (`below`) or above, by a percentage or by
/// `d.atr_multiple` × `atr`. nullopt for no distance, an unknown ATR, or a level that is not
/// positive.
std::optional<price> distance_price(const stop_distance& d, price from, bool below, std::optional<double> atr);

/// One protective order to send, with the decision that explains it.
struct protective_leg {
  order_request req;
  decision why;
};

/// A protective level met by a market event (session-side protection).
struct protection_hit {
  const char* rule = nullptr; ///< "stop_loss", "trailing_stop" or "take_profit"
  price level;                ///< the level met
  bool stop = false;          ///< a stop (stop loss or trailing stop), not a take profit
  bool bar = false;           ///< met inside a kline (the intrabar rule applies)
  price open, high, low;      ///< the event's prices (a trade or a quote's bid: all three equal)
};

/// The protective prices of a session's long position (`risk_spec`: stop loss and take profit
/// from the average entry price, trailing stop from the highest price since entry, each a
/// percentage or an ATR multiple, ATR at entry), armed at an entry and disarmed when flat.
/// With `protection: session` the session checks them on each trade / quote / bar (`check`);
/// with `protection: exchange` they are sent as resting orders (`legs`). 0 = none.
class protection {
public:
  explicit protection(risk_spec risk) : risk_(std::move(risk)) {}

  /// Arms the levels for an entry at `entry` (its average price), `atr` the ATR at entry.
  void arm(price entry, std::optional<double> atr);
  /// Forgets every level (the position is closed).
  void disarm();

  /// The stop loss (0 = none).
  price stop_loss_price() const { return stop_px_; }
  /// The take profit (0 = none).
  price take_profit_price() const { return target_px_; }
  /// The trailing stop now, from the highest price since entry (0 = none). The caller says
  /// whether there is a position to protect.
  price trailing_stop_price() const;

  /// The protective orders for `q` base, prices rounded to `rules`' tick, logged at `ts`: an OCO
  /// of a `limit` sell at the take profit and a `stop_loss` sell, or a `trailing_stop` sell (an
  /// ATR distance becomes the callback rate it is at the entry price) when fewer than two of the
  /// former; empty when none is armed.
  std::vector<protective_leg> legs(quantity q, const symbol_rules& rules, int64_t ts) const;

  /// Checks a trade, a quote (its bid: a sell exits there) or a kline against the levels while
  /// long and moves the trailing anchor up. The higher of stop loss and trailing stop is met first
  /// on the way down; on a kline a stop is tested before the take profit (the conservative
  /// intrabar rule). nullopt when none is met (and for a quote with no bid).
  std::optional<protection_hit> check(const market_event& ev);

private:
  risk_spec risk_;
  price stop_px_, target_px_, trail_anchor_, trail_distance_;
  std::optional<bps> trail_bps_;
};

} // namespace pt
