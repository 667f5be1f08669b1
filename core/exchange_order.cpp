#include "core/exchange_order.hpp"

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
  }
  return "UNKNOWN";
}

bool is_conditional(order_type t) {
  return t == order_type::stop_loss || t == order_type::stop_loss_limit || t == order_type::take_profit ||
         t == order_type::take_profit_limit || t == order_type::trailing_stop;
}

} // namespace pt
