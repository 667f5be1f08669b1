#include "core/trading/protection.hpp"

#include <cmath>

namespace pt {

std::optional<price> distance_price(const stop_distance& d, price from, bool below, std::optional<double> atr) {
  switch (d.type) {
    case stop_distance::kind::none: return std::nullopt;
    case stop_distance::kind::percent: return adjust_price_bps(from, below ? -d.percent_bps : d.percent_bps);
    case stop_distance::kind::atr: {
      if (!atr || !std::isfinite(*atr))
        return std::nullopt;
      auto delta = price::from_raw(std::llround(*atr * d.atr_multiple * fixed_scale));
      auto level = below ? from - delta : from + delta;
      if (!level.is_positive())
        return std::nullopt;
      return level;
    }
  }
  return std::nullopt;
}

void protection::arm(price entry, std::optional<double> atr) {
  stop_px_ = distance_price(risk_.stop_loss, entry, true, atr).value_or(price{});
  target_px_ = distance_price(risk_.take_profit, entry, false, atr).value_or(price{});
  trail_anchor_ = entry;
  trail_bps_.reset();
  trail_distance_ = price{};
  if (risk_.trailing_stop.type == stop_distance::kind::percent) {
    trail_bps_ = risk_.trailing_stop.percent_bps;
  } else if (risk_.trailing_stop.type == stop_distance::kind::atr) {
    if (auto level = distance_price(risk_.trailing_stop, entry, true, atr))
      trail_distance_ = entry - *level;
  }
}

void protection::disarm() {
  stop_px_ = target_px_ = trail_anchor_ = trail_distance_ = price{};
  trail_bps_.reset();
}

price protection::trailing_stop_price() const {
  if (trail_bps_)
    return adjust_price_bps(trail_anchor_, -*trail_bps_).value_or(price{});
  if (trail_distance_.is_positive())
    return std::max(price{}, trail_anchor_ - trail_distance_);
  return price{};
}

std::vector<protective_leg> protection::legs(quantity q, const symbol_rules& rules, int64_t ts) const {
  std::vector<protective_leg> legs;
  if (target_px_.is_positive()) {
    order_request r;
    r.type = order_type::limit;
    r.order_side = side::sell;
    r.qty = q;
    r.limit_px = round_to_tick(rules, target_px_, side::sell);
    legs.push_back({r, decision{ts, "take_profit", take_profit_inputs(r.limit_px), "", 0}});
  }
  if (stop_px_.is_positive()) {
    order_request r;
    r.type = order_type::stop_loss;
    r.order_side = side::sell;
    r.qty = q;
    r.stop_px = round_to_tick(rules, stop_px_, side::sell);
    legs.push_back({r, decision{ts, "stop_loss", stop_loss_inputs(r.stop_px), "", 0}});
  }
  if (legs.size() < 2 && (trail_bps_ || trail_distance_.is_positive())) {
    order_request r;
    r.type = order_type::trailing_stop;
    r.order_side = side::sell;
    r.qty = q;
    // An ATR distance becomes the callback rate it is at the entry price.
    r.callback_bps = trail_bps_ ? *trail_bps_
                                : bps::from_raw(std::llround(trail_distance_.to_double() / trail_anchor_.to_double() *
                                                             1e4 * fixed_scale));
    if (auto act = distance_price(risk_.trailing_activation, trail_anchor_, false, std::nullopt))
      r.stop_px = round_to_tick(rules, *act, side::sell);
    legs.push_back({r, decision{ts, "trailing_stop", trailing_stop_inputs(r.callback_bps, r.stop_px), "", 0}});
  }
  return legs;
}

std::optional<protection_hit> protection::check(const market_event& ev) {
  price open, high, low;
  if (auto t = std::get_if<trade>(&ev.data)) {
    open = high = low = t->px;
  } else if (auto q = std::get_if<book_ticker>(&ev.data)) {
    if (!q->bid_px.is_positive())
      return std::nullopt;
    open = high = low = q->bid_px; // a sell exits at the bid
  } else if (auto k = std::get_if<kline>(&ev.data)) {
    open = k->open;
    high = k->high;
    low = k->low;
  }
  bool bar = std::holds_alternative<kline>(ev.data);
  price trail = trailing_stop_price();
  // The higher of stop loss and trailing stop is met first on the way down.
  const char* stop_rule = nullptr;
  price stop_level;
  if (stop_px_.is_positive() && low <= stop_px_) {
    stop_rule = "stop_loss";
    stop_level = stop_px_;
  }
  if (trail.is_positive() && low <= trail && (!stop_rule || trail > stop_level)) {
    stop_rule = "trailing_stop";
    stop_level = trail;
  }
  const char* rule_name = stop_rule;
  price level = stop_level;
  if (!rule_name && target_px_.is_positive() && high >= target_px_) {
    rule_name = "take_profit";
    level = target_px_;
  }
  if (high > trail_anchor_)
    trail_anchor_ = high;
  if (!rule_name)
    return std::nullopt;
  protection_hit hit;
  hit.rule = rule_name;
  hit.level = level;
  hit.stop = stop_rule != nullptr;
  hit.bar = bar;
  hit.open = open;
  hit.high = high;
  hit.low = low;
  return hit;
}

} // namespace pt
