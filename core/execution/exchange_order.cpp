#include "core/execution/exchange_order.hpp"

namespace pt {

const char* to_string(order_type t) {
  switch (t) {
    case order_type::market: return "market";
    case order_type::limit: return "limit";
    case order_type::limit_maker: return "limit_maker";
    case order_type::stop_loss: return "stop_loss";
    case order_type::stop_loss_limit: return "stop_loss_limit";
    case order_type::take_profit: return "take_profit";
    case order_type::take_profit_limit: return "take_profit_limit";
    case order_type::trailing_stop: return "trailing_stop";
  }
  return "unknown";
}

const char* to_string(time_in_force t) {
  switch (t) {
    case time_in_force::gtc: return "GTC";
    case time_in_force::ioc: return "IOC";
    case time_in_force::fok: return "FOK";
  }
  return "unknown";
}

std::optional<reject_reason> denial_reason(const exchange_order& xo) {
  if (xo.status != exec_status::rejected)
    return std::nullopt;
  const auto& r = xo.req;
  if (xo.reason == reject_reason::lot_size && !r.qty.is_positive() && !r.quote_budget)
    return reject_reason::zero_quantity;
  if (xo.reason == reject_reason::invalid_order && r.quote_budget && !r.quote_budget->is_positive())
    return reject_reason::insufficient_balance;
  if (xo.reason == reject_reason::no_price && !xo.arrival_px)
    return reject_reason::no_price;
  return std::nullopt;
}

bool is_conditional(order_type t) {
  return t == order_type::stop_loss || t == order_type::stop_loss_limit || t == order_type::take_profit ||
         t == order_type::take_profit_limit || t == order_type::trailing_stop;
}

} // namespace pt
