#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/fixed_point.hpp"

namespace pt {

/// Buy or sell.
enum class side { buy, sell };

/// Which side of the book a fill took: maker (rested) or taker (crossed).
enum class liquidity { maker, taker };

/// Where an order is in its life: Binance's order statuses (`status` of GET /api/v3/order), plus
/// `pending_new` while it travels to the exchange, `triggered` when a stop has fired, and `denied`
/// for an order the session refused before the venue (nautilus_trader's `Denied` vs `Rejected`):
/// its own sizing left it unsendable (a size that rounds to zero, no cash to spend, no price yet).
/// `rejected` is the venue (the virtual exchange) refusing it. docs/execution.md, "Order status".
enum class exec_status { pending_new, new_order, triggered, partially_filled, filled, canceled, rejected, expired, denied };

/// Why an order was refused: rejected by the venue (the virtual exchange; or, for a cancel-replace,
/// why it could not be carried out) or denied by the session. The names follow Binance spot:
/// filter failures carry the filter's name, the rest map to the messages of Binance's error codes
/// -1013, -2010 and -2011 (`binance_message`, core/market/exchange_rules.hpp).
enum class reject_reason {
  none,
  price_filter,         ///< PRICE_FILTER: price (or stop price) not a multiple of tick_size, or out of [min, max]
  lot_size,             ///< LOT_SIZE: quantity not a multiple of step_size, or out of [min_qty, max_qty]
  market_lot_size,      ///< MARKET_LOT_SIZE: a market order's quantity above market_max_qty
  notional,             ///< NOTIONAL (formerly MIN_NOTIONAL): price × quantity below min_notional
  insufficient_balance, ///< -2010 "Account has insufficient balance for requested action." (a buy's cash, a sell's base)
  would_match,          ///< -2010 "Order would immediately match and take." (LIMIT_MAKER)
  would_trigger,        ///< -2010 "Order would trigger immediately." (a stop at or through the price)
  no_price,             ///< no book, quote, trade or bar yet: a market order has nothing to fill against
  unknown_order,        ///< -2011 "Unknown order sent." (cancel of an order that is not open)
  invalid_order,        ///< -1013/-1102-like: a parameter missing or meaningless for the type (e.g. a sell bracket)
  overflow,             ///< a value left the fixed-point range
  zero_quantity,        ///< the session's sizing rounded the order down to nothing (denied: never sent)
};

/// "buy" / "sell".
const char* to_string(side s);
/// "maker" / "taker".
const char* to_string(liquidity l);
/// "PENDING_NEW", "NEW", "TRIGGERED", "PARTIALLY_FILLED", "FILLED", "CANCELED", "REJECTED", "EXPIRED",
/// "DENIED": Binance's spelling, the one the REST API, the pushes and SQLite (`orders.status`) carry.
const char* to_string(exec_status s);
/// Short, stable name of a reason: "PRICE_FILTER", "LOT_SIZE", "MARKET_LOT_SIZE", "NOTIONAL",
/// "INSUFFICIENT_BALANCE", "WOULD_MATCH", "WOULD_TRIGGER", "NO_PRICE", "UNKNOWN_ORDER",
/// "INVALID_ORDER", "OVERFLOW", "ZERO_QUANTITY" ("NONE" when not refused); `orders.reject_reason`.
const char* to_string(reject_reason r);
/// True once an order can no longer change: filled, canceled, rejected, expired or denied.
bool is_terminal(exec_status s);

/// Parses "buy" / "sell". nullopt otherwise.
std::optional<side> parse_side(std::string_view text);
/// Parses an order status name as `to_string(exec_status)` writes it ("FILLED", "DENIED", …);
/// nullopt otherwise (case matters: the old lower-case names are not accepted).
std::optional<exec_status> parse_exec_status(std::string_view text);

/// Order types of the virtual exchange, named after Binance spot's (`type` of POST /api/v3/order).
enum class order_type {
  market,            ///< MARKET: takes liquidity at once
  limit,             ///< LIMIT: takes what crosses, rests the rest (per time in force)
  limit_maker,       ///< LIMIT_MAKER: post-only; rejected if it would take
  stop_loss,         ///< STOP_LOSS: market order once the last price reaches stop_px (sell: ≤, buy: ≥)
  stop_loss_limit,   ///< STOP_LOSS_LIMIT: limit order at limit_px once the stop triggers
  take_profit,       ///< TAKE_PROFIT: market order once the last price reaches stop_px (sell: ≥, buy: ≤)
  take_profit_limit, ///< TAKE_PROFIT_LIMIT: limit order at limit_px once triggered
  trailing_stop,     ///< trailing stop (market on trigger): activation price + callback rate
};

/// Time in force: GTC rests, IOC takes what it can now and expires the rest, FOK fills in full
/// now or expires without any fill.
enum class time_in_force { gtc, ioc, fok };

/// How an order filled so far: the per-order execution report.
struct fill_report {
  int64_t order_id = 0;
  std::optional<price> arrival_px; ///< mid at submission (nullopt when no price was known)
  std::optional<price> avg_px;     ///< Σ px·qty / Σ qty over its fills (nullopt before any)
  double slippage_bps = 0;         ///< (avg − arrival) / arrival · 1e4, signed so positive is worse (a buy paid more)
  quantity filled_qty;
  quantity maker_qty;              ///< filled as maker (resting)
  quantity taker_qty;              ///< filled as taker (crossing)
  money fees;
  int64_t time_to_fill_ms = -1;    ///< submission → last fill, once filled in full; -1 otherwise
  quantity queue_at_placement;     ///< estimated quantity ahead at its price when it went live
};

/// An order of a session's virtual exchange as of one of its updates (submitted, triggered, partly
/// filled, then done: filled, canceled, expired, rejected or denied): what was sent and where it is.
/// `status` is its one status (Binance's names); `reason` says why when it is rejected or denied.
struct order {
  int64_t order_id = 0;        ///< per session, from 1
  int64_t ts_event_ms = 0;     ///< market-clock time of this update
  side order_side = side::buy;
  quantity qty;                ///< sized quantity (0 until sized)
  exec_status status = exec_status::pending_new;
  reject_reason reason = reject_reason::none; ///< set when `status` is rejected or denied
  order_type type = order_type::market;   ///< as sent to the virtual exchange
  /// Its time in force, for the types that rest at a limit price (limit, limit_maker, *_limit);
  /// nullopt for the others (market, stop_loss, take_profit, trailing_stop).
  std::optional<time_in_force> tif;
  std::optional<price> limit_px;          ///< limit, limit_maker and *_limit types; nullopt otherwise
  /// Trigger of stop_loss*, take_profit*; activation price of a trailing_stop (nullopt when it is
  /// active at once); nullopt for the other types.
  std::optional<price> stop_px;
  std::optional<bps> callback_bps;        ///< trailing_stop only: distance from the best price
  int64_t list_id = 0;                    ///< its OCO list (a bracket's exits, exchange protection), 0 if none
  int64_t linked_order_id = 0;            ///< the other leg of that list, 0 if none
  /// How it filled, for orders the virtual exchange executed (set on their updates).
  std::optional<fill_report> report;
};

/// One simulated execution.
struct fill {
  int64_t fill_id = 0;         ///< per session, from 1
  int64_t order_id = 0;
  int64_t ts_event_ms = 0;
  side fill_side = side::buy;
  price px;                    ///< execution price including slippage
  quantity qty;
  money fee;                   ///< charged in quote currency
  liquidity role = liquidity::taker;
  /// The price before slippage (arrival / reference: the quote or book level the order was priced
  /// from); 0 when not recorded. Slippage cost = |px − reference_px| · qty (core/metrics/performance_metrics).
  price reference_px;
  /// The exchange trade it matched, for a fill made by a trade print (a resting limit the print went
  /// through, an order that print triggered): its id and its own time `T`, ms. 0 when the fill
  /// came from the book, a quote or a bar. `ts_event_ms` is the market clock, never earlier.
  int64_t trade_id = 0;
  int64_t ts_trade_ms = 0;
};

} // namespace pt
