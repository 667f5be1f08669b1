#include "core/execution/order.hpp"

namespace pt {

const char* to_string(side s) { return s == side::buy ? "buy" : "sell"; }

const char* to_string(liquidity l) { return l == liquidity::maker ? "maker" : "taker"; }

const char* to_string(exec_status s) {
  switch (s) {
    case exec_status::pending_new: return "PENDING_NEW";
    case exec_status::new_order: return "NEW";
    case exec_status::triggered: return "TRIGGERED";
    case exec_status::partially_filled: return "PARTIALLY_FILLED";
    case exec_status::filled: return "FILLED";
    case exec_status::canceled: return "CANCELED";
    case exec_status::rejected: return "REJECTED";
    case exec_status::expired: return "EXPIRED";
    case exec_status::denied: return "DENIED";
  }
  return "UNKNOWN";
}

const char* to_string(reject_reason r) {
  switch (r) {
    case reject_reason::none: return "NONE";
    case reject_reason::price_filter: return "PRICE_FILTER";
    case reject_reason::lot_size: return "LOT_SIZE";
    case reject_reason::market_lot_size: return "MARKET_LOT_SIZE";
    case reject_reason::notional: return "NOTIONAL";
    case reject_reason::insufficient_balance: return "INSUFFICIENT_BALANCE";
    case reject_reason::would_match: return "WOULD_MATCH";
    case reject_reason::would_trigger: return "WOULD_TRIGGER";
    case reject_reason::no_price: return "NO_PRICE";
    case reject_reason::unknown_order: return "UNKNOWN_ORDER";
    case reject_reason::invalid_order: return "INVALID_ORDER";
    case reject_reason::overflow: return "OVERFLOW";
    case reject_reason::zero_quantity: return "ZERO_QUANTITY";
  }
  return "UNKNOWN";
}

bool is_terminal(exec_status s) {
  return s == exec_status::filled || s == exec_status::canceled || s == exec_status::rejected ||
         s == exec_status::expired || s == exec_status::denied;
}

std::optional<side> parse_side(std::string_view text) {
  if (text == "buy")
    return side::buy;
  if (text == "sell")
    return side::sell;
  return std::nullopt;
}

std::optional<exec_status> parse_exec_status(std::string_view text) {
  for (auto s : {exec_status::pending_new, exec_status::new_order, exec_status::triggered,
                 exec_status::partially_filled, exec_status::filled, exec_status::canceled, exec_status::rejected,
                 exec_status::expired, exec_status::denied})
    if (text == to_string(s))
      return s;
  return std::nullopt;
}

} // namespace pt
