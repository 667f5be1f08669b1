#include "core/exchange_rules.hpp"

namespace pt {

const char* to_string(ex_reject r) {
  switch (r) {
    case ex_reject::none: return "NONE";
    case ex_reject::price_filter: return "PRICE_FILTER";
    case ex_reject::lot_size: return "LOT_SIZE";
    case ex_reject::market_lot_size: return "MARKET_LOT_SIZE";
    case ex_reject::notional: return "NOTIONAL";
    case ex_reject::insufficient_balance: return "INSUFFICIENT_BALANCE";
    case ex_reject::would_match: return "WOULD_MATCH";
    case ex_reject::would_trigger: return "WOULD_TRIGGER";
    case ex_reject::no_price: return "NO_PRICE";
    case ex_reject::unknown_order: return "UNKNOWN_ORDER";
    case ex_reject::invalid_order: return "INVALID_ORDER";
    case ex_reject::overflow: return "OVERFLOW";
  }
  return "UNKNOWN";
}

const char* binance_message(ex_reject r) {
  switch (r) {
    case ex_reject::none: return "";
    case ex_reject::price_filter: return "Filter failure: PRICE_FILTER";
    case ex_reject::lot_size: return "Filter failure: LOT_SIZE";
    case ex_reject::market_lot_size: return "Filter failure: MARKET_LOT_SIZE";
    case ex_reject::notional: return "Filter failure: NOTIONAL";
    case ex_reject::insufficient_balance: return "Account has insufficient balance for requested action.";
    case ex_reject::would_match: return "Order would immediately match and take.";
    case ex_reject::would_trigger: return "Order would trigger immediately.";
    case ex_reject::no_price: return "No market price to fill against.";
    case ex_reject::unknown_order: return "Unknown order sent.";
    case ex_reject::invalid_order: return "Invalid order parameters.";
    case ex_reject::overflow: return "Value out of range.";
  }
  return "";
}

ex_reject check_price(const symbol_rules& rules, price px) {
  if (!px.is_positive() || px < rules.min_price || px > rules.max_price)
    return ex_reject::price_filter;
  if (rules.tick_size.is_positive() && (px.raw() - rules.min_price.raw()) % rules.tick_size.raw() != 0)
    return ex_reject::price_filter;
  return ex_reject::none;
}

ex_reject check_quantity(const symbol_rules& rules, quantity qty, bool market) {
  if (!qty.is_positive() || qty < rules.min_qty || qty > rules.max_qty)
    return ex_reject::lot_size;
  if (rules.step_size.is_positive() && (qty.raw() - rules.min_qty.raw()) % rules.step_size.raw() != 0)
    return ex_reject::lot_size;
  if (market && rules.market_max_qty.is_positive() && qty > rules.market_max_qty)
    return ex_reject::market_lot_size;
  return ex_reject::none;
}

ex_reject check_notional(const symbol_rules& rules, price px, quantity qty) {
  auto value = notional(px, qty);
  if (!value)
    return ex_reject::overflow;
  return *value < rules.min_notional ? ex_reject::notional : ex_reject::none;
}

quantity floor_to_step(const symbol_rules& rules, quantity qty) {
  if (!rules.step_size.is_positive() || qty.is_negative())
    return qty.is_negative() ? quantity{} : qty;
  return quantity::from_raw(qty.raw() / rules.step_size.raw() * rules.step_size.raw());
}

price round_to_tick(const symbol_rules& rules, price px, side s) {
  int64_t tick = rules.tick_size.raw();
  if (tick <= 0)
    return px;
  int64_t base = rules.min_price.raw();
  int64_t off = px.raw() - base;
  int64_t down = off >= 0 ? off / tick * tick : -((-off + tick - 1) / tick * tick);
  if (s == side::buy || down == off)
    return price::from_raw(base + down);
  return price::from_raw(base + down + tick);
}

} // namespace pt
