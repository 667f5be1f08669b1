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

/// An order of a session's virtual exchange as of one of its updates: submitted (pending),
/// triggered, partly filled, then done (filled, canceled, expired or rejected).
struct order {
  int64_t order_id = 0;        ///< per session, from 1
  int64_t ts_event_ms = 0;     ///< market-clock time of this update
  side order_side = side::buy;
  quantity qty;                ///< sized quantity (0 until sized)
  order_status status = order_status::accepted;
  reject_reason reason = reject_reason::none;
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
