#include "core/market/exchange_rules.hpp"

namespace pt {

const char* binance_message(reject_reason r) {
  switch (r) {
    case reject_reason::none: return "";
    case reject_reason::price_filter: return "Filter failure: PRICE_FILTER";
    case reject_reason::lot_size:
    case reject_reason::zero_quantity: return "Filter failure: LOT_SIZE";
    case reject_reason::market_lot_size: return "Filter failure: MARKET_LOT_SIZE";
    case reject_reason::notional: return "Filter failure: NOTIONAL";
    case reject_reason::insufficient_balance: return "Account has insufficient balance for requested action.";
    case reject_reason::would_match: return "Order would immediately match and take.";
    case reject_reason::would_trigger: return "Order would trigger immediately.";
    case reject_reason::no_price: return "No market price to fill against.";
    case reject_reason::unknown_order: return "Unknown order sent.";
    case reject_reason::invalid_order: return "Invalid order parameters.";
    case reject_reason::overflow: return "Value out of range.";
  }
  return "";
}

reject_reason check_price(const symbol_rules& rules, price px) {
  if (!px.is_positive() || px < rules.min_price || px > rules.max_price)
    return reject_reason::price_filter;
  if (rules.tick_size.is_positive() && (px.raw() - rules.min_price.raw()) % rules.tick_size.raw() != 0)
    return reject_reason::price_filter;
  return reject_reason::none;
}

reject_reason check_quantity(const symbol_rules& rules, quantity qty, bool market) {
  if (!qty.is_positive() || qty < rules.min_qty || qty > rules.max_qty)
    return reject_reason::lot_size;
  if (rules.step_size.is_positive() && (qty.raw() - rules.min_qty.raw()) % rules.step_size.raw() != 0)
    return reject_reason::lot_size;
  if (market && rules.market_max_qty.is_positive() && qty > rules.market_max_qty)
    return reject_reason::market_lot_size;
  return reject_reason::none;
}

reject_reason check_notional(const symbol_rules& rules, price px, quantity qty) {
  auto value = notional(px, qty);
  if (!value)
    return reject_reason::overflow;
  return *value < rules.min_notional ? reject_reason::notional : reject_reason::none;
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
