#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/market/exchange_rules.hpp"
#include "core/fixed_point.hpp"
#include "core/execution/order.hpp"

namespace pt {

// `order_type` and `time_in_force` live in core/execution/order.hpp: an order record carries them.


/// "market", "limit", "limit_maker", "stop_loss", "stop_loss_limit", "take_profit",
/// "take_profit_limit", "trailing_stop".
const char* to_string(order_type t);
/// "GTC" / "IOC" / "FOK".
const char* to_string(time_in_force t);

/// True for a type that waits for a trigger (stops, take profits, trailing stops).
bool is_conditional(order_type t);

/// A new order as a session sends it.
struct order_request {
  order_type type = order_type::market;
  side order_side = side::buy;
  quantity qty;                ///< base quantity; a market buy may give `quote_budget` instead
  std::optional<money> quote_budget; ///< market buy only: spend at most this, fees included (qty 0)
  price limit_px;              ///< limit, limit_maker, *_limit types
  price stop_px;               ///< trigger of stops and take profits; activation price of a trailing stop (0 = active at once)
  bps callback_bps;            ///< trailing stop: distance from the best price since activation
  time_in_force tif = time_in_force::gtc;
};

/// The exits a bracket attaches to its entry: an OCO of a stop loss and a take profit, placed
/// for the filled quantity when the entry is done.
struct bracket_exits {
  price stop_loss_px;                 ///< stop trigger, below the entry
  std::optional<price> stop_limit_px; ///< makes the stop a STOP_LOSS_LIMIT at this price
  price take_profit_px;               ///< a LIMIT sell resting at this price
};


/// An order as the exchange holds it.
struct exchange_order {
  int64_t order_id = 0;
  int64_t list_id = 0;          ///< OCO list (both legs share it), 0 if none
  int64_t sibling_id = 0;       ///< the other OCO leg while the list is live, 0 if none
  int64_t linked_id = 0;        ///< the other leg of its OCO list, kept after the list ends; 0 if none
  order_request req;
  exec_status status = exec_status::pending_new;
  reject_reason reason = reject_reason::none;
  int64_t ts_submit_ms = 0;
  int64_t ts_live_ms = 0;       ///< when it reaches the exchange (submit + latency)
  int64_t ts_cancel_ms = -1;    ///< when a requested cancel takes effect, -1 if none
  int64_t replaces_id = 0;      ///< cancel-replace: the order canceled when this one arrives
  quantity filled;
  money filled_value;           ///< Σ px·qty of its fills
  money fees;
  quantity maker_qty, taker_qty;
  int64_t ts_last_fill_ms = -1;
  quantity queue_ahead;         ///< still ahead of it at its price (resting limits)
  quantity queue_at_placement;
  std::optional<price> arrival_px;
  bool triggered = false;
  bool trail_active = false;
  price trail_anchor;           ///< best price since activation (sell: highest, buy: lowest)
  money locked_quote;           ///< quote it holds locked (buys)
  quantity locked_base;         ///< base it holds locked (sells)
  std::optional<bracket_exits> exits; ///< a bracket's entry: the exits to place when it is done

  /// qty − filled.
  quantity remaining() const { return req.qty - filled; }
  /// True while it can still fill or trigger.
  bool open() const {
    return status == exec_status::pending_new || status == exec_status::new_order ||
           status == exec_status::triggered || status == exec_status::partially_filled;
  }
};

/// Why the session, not the venue, refused `xo`, nullopt when the venue did (or it is not refused).
/// Every order a session decides goes through the virtual exchange (so ids and the decision log
/// do not depend on it); one its own sizing left unsendable is refused there at submission,
/// before any latency, and recorded `denied` with this reason (nautilus_trader's `Denied`):
/// - `zero_quantity`: sized to nothing (the exchange's LOT_SIZE on a zero quantity, no quote budget);
/// - `insufficient_balance`: a market buy sized by a quote budget of nothing (no free cash);
/// - `no_price`: nothing to price it from when it was sent (no mid at submission, so no arrival price).
/// Any other refusal (filters, balance checks, would match / trigger, no book on arrival) is the
/// venue's: `rejected` with the exchange's reason. docs/execution.md, "Order status".
std::optional<reject_reason> denial_reason(const exchange_order& xo);

/// A change of an order's state, as the exchange reports it.
struct order_update {
  int64_t order_id = 0;
  int64_t ts_event_ms = 0;
  exec_status status = exec_status::pending_new;
  reject_reason reason = reject_reason::none;
  quantity filled;              ///< cumulative
};

/// What the exchange did in answer to one call: order updates and fills, in order.
struct exchange_events {
  std::vector<order_update> updates;
  std::vector<fill> fills;
};

} // namespace pt
