#pragma once

#include <string>

#include "core/fixed_point.hpp"
#include "core/execution/order.hpp"

namespace pt {

// The refusal reasons (`reject_reason`) live in core/execution/order.hpp: an order record carries them.

/// The message Binance answers with for the same refusal, e.g. "Filter failure: LOT_SIZE".
/// "" for `none`; for `zero_quantity` (never sent) the LOT_SIZE message Binance would give.
const char* binance_message(reject_reason r);

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
reject_reason check_price(const symbol_rules& rules, price px);

/// Checks a quantity against LOT_SIZE (and, for a market order, MARKET_LOT_SIZE's maximum).
reject_reason check_quantity(const symbol_rules& rules, quantity qty, bool market);

/// Checks notional = px × qty against NOTIONAL's minimum. `px` is the order's price, or for a
/// market order the reference price the exchange would use (Binance: the average price of the
/// last 5 minutes; here the price the caller passes, usually the mid).
reject_reason check_notional(const symbol_rules& rules, price px, quantity qty);

/// `qty` rounded down to a multiple of `step_size`.
quantity floor_to_step(const symbol_rules& rules, quantity qty);

/// `px` rounded to the tick grid: down for a buy (`side::buy`) and up for a sell, so rounding
/// never makes a limit more aggressive.
price round_to_tick(const symbol_rules& rules, price px, side s);

} // namespace pt
