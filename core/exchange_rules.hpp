#pragma once

#include <string>

#include "core/fixed_point.hpp"
#include "core/order.hpp"

namespace pt {

/// Why the virtual exchange refused (or, for a cancel-replace, could not carry out) a request.
/// The names follow Binance spot: filter failures carry the filter's name, the rest map to the
/// messages of Binance's error codes -1013, -2010 and -2011 (see `binance_message`).
enum class ex_reject {
  none,
  price_filter,         ///< PRICE_FILTER: price (or stop price) not a multiple of tick_size, or out of [min, max]
  lot_size,             ///< LOT_SIZE: quantity not a multiple of step_size, or out of [min_qty, max_qty]
  market_lot_size,      ///< MARKET_LOT_SIZE: a market order's quantity above market_max_qty
  notional,             ///< NOTIONAL (formerly MIN_NOTIONAL): price × quantity below min_notional
  insufficient_balance, ///< -2010 "Account has insufficient balance for requested action."
  would_match,          ///< -2010 "Order would immediately match and take." (LIMIT_MAKER)
  would_trigger,        ///< -2010 "Order would trigger immediately." (a stop at or through the price)
  no_price,             ///< no book, quote, trade or bar yet: a market order has nothing to fill against
  unknown_order,        ///< -2011 "Unknown order sent." (cancel of an order that is not open)
  invalid_order,        ///< -1013/-1102-like: a parameter missing or meaningless for the type (e.g. a sell bracket)
  overflow,             ///< a value left the fixed-point range
};

/// Short, stable name of a reason: "PRICE_FILTER", "LOT_SIZE", "MARKET_LOT_SIZE", "NOTIONAL",
/// "INSUFFICIENT_BALANCE", "WOULD_MATCH", "WOULD_TRIGGER", "NO_PRICE", "UNKNOWN_ORDER",
/// "INVALID_ORDER", "OVERFLOW" ("NONE" when accepted).
const char* to_string(ex_reject r);

/// The message Binance answers with for the same refusal, e.g. "Filter failure: LOT_SIZE".
const char* binance_message(ex_reject r);

/// The trading rules of one spot symbol, as `GET /api/v3/exchangeInfo` lists its filters.
/// Defaults are BTCUSDT's (2024): tick 0.01, step 0.00001, min qty 0.00001, max qty 9000,
/// market max qty 83.5 (roughly), min notional 5 USDT.
struct symbol_rules {
  std::string symbol = "BTCUSDT";
  std::string base_asset = "BTC";
  std::string quote_asset = "USDT";
  price tick_size = price::from_raw(1'000'000);         ///< PRICE_FILTER tickSize (0.01)
  price min_price = price::from_raw(1'000'000);         ///< PRICE_FILTER minPrice (0.01)
  price max_price = price::from_units(1'000'000);       ///< PRICE_FILTER maxPrice
  quantity step_size = quantity::from_raw(1'000);       ///< LOT_SIZE stepSize (0.00001)
  quantity min_qty = quantity::from_raw(1'000);         ///< LOT_SIZE minQty
  quantity max_qty = quantity::from_units(9'000);       ///< LOT_SIZE maxQty
  quantity market_max_qty = quantity::from_units(83);   ///< MARKET_LOT_SIZE maxQty
  money min_notional = money::from_units(5);            ///< NOTIONAL minNotional (quote)
  bool min_notional_applies_to_market = true;           ///< NOTIONAL applyMinToMarket
};

/// Checks a price against PRICE_FILTER: positive, within [min_price, max_price] and on the tick
/// grid (measured from min_price, as Binance does: (price − minPrice) % tickSize == 0).
ex_reject check_price(const symbol_rules& rules, price px);

/// Checks a quantity against LOT_SIZE (and, for a market order, MARKET_LOT_SIZE's maximum).
ex_reject check_quantity(const symbol_rules& rules, quantity qty, bool market);

/// Checks notional = px × qty against NOTIONAL's minimum. `px` is the order's price, or for a
/// market order the reference price the exchange would use (Binance: the average price of the
/// last 5 minutes; here the price the caller passes, usually the mid).
ex_reject check_notional(const symbol_rules& rules, price px, quantity qty);

/// `qty` rounded down to a multiple of `step_size`.
quantity floor_to_step(const symbol_rules& rules, quantity qty);

/// `px` rounded to the tick grid: down for a buy (`side::buy`) and up for a sell, so rounding
/// never makes a limit more aggressive.
price round_to_tick(const symbol_rules& rules, price px, side s);

} // namespace pt
