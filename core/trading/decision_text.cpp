#include "core/trading/decision_text.hpp"

namespace pt {

std::string describe_request(const order_request& r, int64_t id, int64_t replaces) {
  std::string text = to_string(r.order_side);
  if (r.quote_budget)
    text += " for " + r.quote_budget->to_string() + " quote";
  else
    text += " " + r.qty.to_string();
  text += std::string(" ") + to_string(r.type);
  if (r.type == order_type::limit || r.type == order_type::limit_maker || r.type == order_type::stop_loss_limit ||
      r.type == order_type::take_profit_limit)
    text += " at " + r.limit_px.to_string();
  if (r.type == order_type::trailing_stop)
    text += " callback " + r.callback_bps.to_string() + " bps";
  if (!r.stop_px.is_zero())
    text += (r.type == order_type::trailing_stop ? " activation " : " stop ") + r.stop_px.to_string();
  if (r.type != order_type::market && r.tif != time_in_force::gtc)
    text += std::string(" ") + to_string(r.tif);
  text += " submitted (order " + std::to_string(id) + ")";
  if (replaces != 0)
    text += ", replacing order " + std::to_string(replaces);
  return text;
}

order_request bar_exit_request(quantity q) {
  order_request r;
  r.order_side = side::sell;
  r.qty = q;
  return r;
}

std::string blocked_action(const std::string& why) { return "blocked: " + why; }

std::string grid_level_inputs(size_t level, price px) { return "level " + std::to_string(level) + " = " + px.to_string(); }

std::string take_profit_inputs(price limit_px) { return "limit sell at " + limit_px.to_string(); }

std::string stop_loss_inputs(price stop_px) { return "stop at " + stop_px.to_string(); }

std::string trailing_stop_inputs(bps callback, price activation_px) {
  return "callback " + callback.to_string() + " bps" +
         (activation_px.is_positive() ? ", activation " + activation_px.to_string() : std::string());
}

std::string protection_hit_inputs(bool bar, price low, price high, price level) {
  return std::string(bar ? "bar low=" + low.to_string() + ", high=" + high.to_string() : "price=" + low.to_string()) +
         ", level=" + level.to_string();
}

std::string refused_protection_inputs(const std::string& inputs) { return inputs + ", protective order refused"; }

std::string paused_reason() { return "session paused"; }

std::string drawdown_reason() { return "max drawdown reached; no new entries this session"; }

std::string daily_loss_reason(int64_t until_ms) {
  return "max daily loss reached; no new entries until ts " + std::to_string(until_ms) + " ms";
}

std::string atr_unknown_reason() { return "ATR not known yet, and the risk rules measure from it"; }

std::string cooldown_reason(int64_t until_ms) {
  return "cooldown after the last exit until ts " + std::to_string(until_ms) + " ms";
}

} // namespace pt
