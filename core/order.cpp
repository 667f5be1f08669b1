#include "core/order.hpp"

namespace pt {

const char* to_string(side s) { return s == side::buy ? "buy" : "sell"; }

const char* to_string(liquidity l) { return l == liquidity::maker ? "maker" : "taker"; }

const char* to_string(order_status s) {
  switch (s) {
    case order_status::accepted: return "accepted";
    case order_status::filled: return "filled";
    case order_status::rejected: return "rejected";
    case order_status::canceled: return "canceled";
  }
  return "unknown";
}

const char* to_string(reject_reason r) {
  switch (r) {
    case reject_reason::none: return "none";
    case reject_reason::insufficient_cash: return "insufficient_cash";
    case reject_reason::insufficient_position: return "insufficient_position";
    case reject_reason::zero_quantity: return "zero_quantity";
    case reject_reason::no_price: return "no_price";
    case reject_reason::overflow: return "overflow";
    case reject_reason::would_match: return "would_match";
    case reject_reason::would_trigger: return "would_trigger";
    case reject_reason::exchange_rule: return "exchange_rule";
  }
  return "unknown";
}

std::optional<side> parse_side(std::string_view text) {
  if (text == "buy")
    return side::buy;
  if (text == "sell")
    return side::sell;
  return std::nullopt;
}

} // namespace pt
