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

/// Order lifecycle states the skeleton uses: market orders are accepted, then filled or rejected.
enum class order_status { accepted, filled, rejected, canceled };

/// Why the virtual exchange refused an order.
enum class reject_reason {
  none,
  insufficient_cash,     ///< a buy would cost more than the free cash (notional + fee)
  insufficient_position, ///< a sell of more than is held (spot, no shorting)
  zero_quantity,         ///< sizing rounded the order down to nothing
  no_price,              ///< no bid/ask, trade or kline seen yet to price a market order
  overflow,              ///< a value left the fixed-point range
  would_match,           ///< a limit_maker order would have taken liquidity (Binance -2010 "Order would immediately match and take.")
  would_trigger,         ///< a stop order's trigger was already met when it arrived ("Order would trigger immediately.")
  exchange_rule,         ///< a symbol filter or a parameter the exchange refuses (LOT_SIZE, PRICE_FILTER, …)
};

/// "buy" / "sell".
const char* to_string(side s);
/// "maker" / "taker".
const char* to_string(liquidity l);
/// "accepted" / "filled" / "rejected".
const char* to_string(order_status s);
/// "insufficient_cash", … ("none" when accepted).
const char* to_string(reject_reason r);

/// Parses "buy" / "sell". nullopt otherwise.
std::optional<side> parse_side(std::string_view text);

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

/// Where an order is in its life (Binance's order statuses, plus `pending_new` while it travels
/// to the exchange and `triggered` when a stop has fired).
enum class exec_status { pending_new, new_order, triggered, partially_filled, filled, canceled, rejected, expired };

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
  exec_status status = exec_status::pending_new;
};

/// An order of a session's virtual exchange as of one of its updates (submitted, triggered, partly
/// filled, then done: filled, canceled, expired or rejected): what was sent and where it is.
struct order {
  int64_t order_id = 0;        ///< per session, from 1
  int64_t ts_event_ms = 0;     ///< market-clock time of this update
  side order_side = side::buy;
  quantity qty;                ///< sized quantity (0 until sized)
  order_status status = order_status::accepted;
  reject_reason reason = reject_reason::none;
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
  /// from); 0 when not recorded. Slippage cost = |px − reference_px| · qty (core/performance_metrics).
  price reference_px;
  /// The exchange trade it matched, for a fill made by a trade print (a resting limit the print went
  /// through, an order that print triggered): its id and its own time `T`, ms. 0 when the fill
  /// came from the book, a quote or a bar. `ts_event_ms` is the market clock, never earlier.
  int64_t trade_id = 0;
  int64_t ts_trade_ms = 0;
};

} // namespace pt
