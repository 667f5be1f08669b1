// The market side of the virtual exchange: conditional orders, resting limits, OCO lists,
// brackets and the kline-only intrabar rule.

#include "core/execution/virtual_exchange.hpp"

#include <algorithm>

namespace pt {

namespace {

bool is_stop_kind(order_type t) {
  return t == order_type::stop_loss || t == order_type::stop_loss_limit || t == order_type::trailing_stop;
}

bool is_target_kind(order_type t) { return t == order_type::take_profit || t == order_type::take_profit_limit; }

quantity share_of(quantity q, int64_t pct) {
  return quantity::from_raw(mul_div_raw(q.raw(), pct, 100, rounding::toward_zero).value_or(0));
}

} // namespace

std::optional<price> virtual_exchange::last_price() const {
  if (view_.last_trade)
    return view_.last_trade;
  if (view_.seen_tick_data)
    return view_.mark();
  if (view_.last_bar)
    return view_.last_bar->close;
  return std::nullopt;
}

bool virtual_exchange::would_trigger(const exchange_order& o, price last) const {
  bool sell = o.req.order_side == side::sell;
  price stop = o.req.stop_px;
  switch (o.req.type) {
    case order_type::stop_loss:
    case order_type::stop_loss_limit: return sell ? last <= stop : last >= stop;
    case order_type::take_profit:
    case order_type::take_profit_limit: return sell ? last >= stop : last <= stop;
    default: return false;
  }
}

bool virtual_exchange::resting_limit(const exchange_order& o) const {
  if (!o.open() || o.status == exec_status::pending_new)
    return false;
  if (o.req.type == order_type::limit || o.req.type == order_type::limit_maker)
    return true;
  return o.triggered && (o.req.type == order_type::stop_loss_limit || o.req.type == order_type::take_profit_limit);
}

void virtual_exchange::on_market(const market_event& ev, exchange_events& out) {
  forget_done(); // the caller has read every update of the inputs before this one
  advance_to(ev.ts_event_ms, out);
  view_.apply(ev);
  if (auto d = std::get_if<book_depth>(&ev.data)) {
    memory_.refresh(*d);
  } else if (auto q = std::get_if<book_ticker>(&ev.data)) {
    if (!view_.depth)
      memory_.refresh(*q); // with depth, the depth top is what takers walk and what refreshes
  } else if (auto t = std::get_if<trade>(&ev.data)) {
    on_trade(*t, ev.ts_event_ms, out);
  } else if (auto k = std::get_if<kline>(&ev.data)) {
    if (!view_.seen_tick_data)
      on_bar(*k, ev.ts_event_ms, out);
  }
}

void virtual_exchange::on_trade(const trade& t, int64_t ts_ms, exchange_events& out) {
  std::vector<int64_t> ids(open_.begin(), open_.end());
  std::vector<int64_t> fired; // a limit this trade triggered did not exist when it printed
  // A print matched before an order was live on the exchange (its own time `T` earlier than the
  // order's arrival) cannot have touched it, even when its message arrives after that.
  int64_t printed_ms = t.ts_trade_ms > 0 ? std::min(t.ts_trade_ms, ts_ms) : ts_ms;
  matching_ = &t;
  // Conditional orders trigger on the last trade price (Binance spot stops use the last price).
  for (int64_t id : ids) {
    auto& o = orders_[id];
    if (!o.open() || o.status == exec_status::pending_new || !is_conditional(o.req.type) || o.triggered ||
        printed_ms < o.ts_live_ms)
      continue;
    if (o.req.type == order_type::trailing_stop) {
      bool sell = o.req.order_side == side::sell;
      if (!o.trail_active) {
        if (o.req.stop_px.is_zero() || (sell ? t.px >= o.req.stop_px : t.px <= o.req.stop_px)) {
          o.trail_active = true;
          o.trail_anchor = t.px;
        }
        continue;
      }
      o.trail_anchor = sell ? std::max(o.trail_anchor, t.px) : std::min(o.trail_anchor, t.px);
      auto level = adjust_price_bps(o.trail_anchor, sell ? -o.req.callback_bps : o.req.callback_bps);
      if (level && (sell ? t.px <= *level : t.px >= *level))
        fire(o, ts_ms, out);
    } else if (would_trigger(o, t.px)) {
      fired.push_back(id);
      fire(o, ts_ms, out);
    }
  }
  // Resting limits, in time priority, share what the trade printed.
  quantity left = share_of(t.qty, params_.trade_share_pct);
  for (int64_t id : std::vector<int64_t>(open_.begin(), open_.end())) {
    auto& o = orders_[id];
    if (!resting_limit(o) || printed_ms < o.ts_live_ms || std::find(fired.begin(), fired.end(), id) != fired.end())
      continue;
    bool buy = o.req.order_side == side::buy;
    price limit = o.req.limit_px;
    bool through = buy ? t.px < limit : t.px > limit;
    bool at = t.px == limit;
    // At its price only the aggressor on the other side consumes its queue: sellers hitting
    // bids (buyer is maker) for a buy, buyers lifting asks for a sell.
    bool hits_side = buy ? t.buyer_is_maker : !t.buyer_is_maker;
    quantity can;
    if (params_.fill_on_touch && (through || at)) {
      can = o.remaining();
    } else if (through) {
      o.queue_ahead = quantity{};
      can = std::min(o.remaining(), left);
    } else if (at && hits_side) {
      if (o.queue_ahead >= t.qty) {
        o.queue_ahead -= t.qty;
        continue;
      }
      quantity excess = share_of(t.qty - o.queue_ahead, params_.trade_share_pct);
      o.queue_ahead = quantity{};
      can = std::min({o.remaining(), excess, left});
    } else {
      continue;
    }
    can = floor_to_step(rules_, can);
    if (can.is_positive() && apply_fill(o, limit, can, liquidity::maker, ts_ms, out) && !params_.fill_on_touch)
      left -= can;
  }
  matching_ = nullptr;
}

void virtual_exchange::fire(exchange_order& o, int64_t ts_ms, exchange_events& out) {
  o.triggered = true;
  o.status = exec_status::triggered;
  update(o, ts_ms, out);
  cancel_sibling(o, ts_ms, out);
  if (o.req.type == order_type::stop_loss_limit || o.req.type == order_type::take_profit_limit) {
    work_limit(o, o.req.limit_px, ts_ms, out);
    return;
  }
  take(o, std::nullopt, ts_ms, out);
  if (o.open())
    finish(o, exec_status::expired, ts_ms, out); // the book (or the balance) ran out
}

void virtual_exchange::cancel_sibling(exchange_order& o, int64_t ts_ms, exchange_events& out) {
  if (o.sibling_id == 0)
    return;
  auto& sib = orders_[o.sibling_id];
  o.sibling_id = sib.sibling_id = 0;
  if (!sib.open())
    return;
  // The list locked its balance once; the leg that goes on keeps all of it.
  o.locked_quote += sib.locked_quote;
  o.locked_base += sib.locked_base;
  sib.locked_quote = money{};
  sib.locked_base = quantity{};
  finish(sib, exec_status::canceled, ts_ms, out);
}

std::pair<int64_t, int64_t> virtual_exchange::submit_oco(const order_request& a, const order_request& b,
                                                         int64_t ts_ms, exchange_events& out) {
  return enter_oco(a, b, ts_ms, false, out);
}

std::pair<int64_t, int64_t> virtual_exchange::enter_oco(const order_request& a, const order_request& b,
                                                        int64_t ts_ms, bool at_once, exchange_events& out) {
  advance_to(ts_ms, out);
  auto& oa = create(a, ts_ms);
  auto& ob = create(b, ts_ms);
  int64_t list = next_list_id_++;
  oa.list_id = ob.list_id = list;
  oa.sibling_id = oa.linked_id = ob.order_id;
  ob.sibling_id = ob.linked_id = oa.order_id;
  open_.insert(oa.order_id);
  open_.insert(ob.order_id);
  reject_reason why = check_rules(a);
  if (why == reject_reason::none)
    why = check_rules(b);
  if (why == reject_reason::none && (a.order_side != b.order_side || a.qty != b.qty || a.quote_budget || b.quote_budget ||
                                 a.type == order_type::market || b.type == order_type::market))
    why = reject_reason::invalid_order;
  if (why == reject_reason::none) {
    // One lock for the list: the larger of the two legs' needs, held by the first leg.
    if (a.order_side == side::sell) {
      if (a.qty > base_free())
        why = reject_reason::insufficient_balance;
      else {
        oa.locked_base = a.qty;
        locked_base_ += a.qty;
      }
    } else {
      auto la = buy_lock(a), lb = buy_lock(b);
      if (!la || !lb)
        why = reject_reason::overflow;
      else if (std::max(*la, *lb) > quote_free())
        why = reject_reason::insufficient_balance;
      else {
        oa.locked_quote = std::max(*la, *lb);
        locked_quote_ += oa.locked_quote;
      }
    }
  }
  std::pair<int64_t, int64_t> ids{oa.order_id, ob.order_id};
  if (why != reject_reason::none) {
    reject(oa, why, ts_ms, out); // takes the other leg along
    return ids;
  }
  update(oa, ts_ms, out);
  update(ob, ts_ms, out);
  int64_t live = ts_ms + (at_once ? 0 : latency_.draw(params_.submit_latency));
  oa.ts_live_ms = ob.ts_live_ms = live;
  schedule(live, action{action_kind::arrive, ids.first}, out);
  schedule(live, action{action_kind::arrive, ids.second}, out);
  return ids;
}

void virtual_exchange::place_exits(exchange_order& entry, int64_t ts_ms, exchange_events& out) {
  auto exits = *entry.exits;
  entry.exits.reset();
  order_request tp;
  tp.type = order_type::limit;
  tp.order_side = side::sell;
  tp.qty = floor_to_step(rules_, entry.filled);
  tp.limit_px = exits.take_profit_px;
  order_request sl;
  sl.type = exits.stop_limit_px ? order_type::stop_loss_limit : order_type::stop_loss;
  sl.order_side = side::sell;
  sl.qty = tp.qty;
  sl.stop_px = exits.stop_loss_px;
  sl.limit_px = exits.stop_limit_px.value_or(price{});
  // Placed by the exchange itself the moment the entry is done: no travel time.
  int64_t saved_now = now_ms_;
  now_ms_ = std::max(now_ms_, ts_ms);
  enter_oco(tp, sl, ts_ms, true, out);
  now_ms_ = std::max(saved_now, now_ms_);
}

void virtual_exchange::on_bar(const kline& k, int64_t ts_ms, exchange_events& out) {
  // Everything a bar fills is stamped with the market clock of its arrival (`ts_ms`), never with
  // its open time: an order sent at the previous bar's close may go live after that open.
  int64_t at = ts_ms;
  auto slip = [&](price px, side s) {
    return adjust_price_bps(px, s == side::buy ? params_.slippage_bps : -params_.slippage_bps).value_or(px);
  };
  // 1. Market orders waiting for a price fill at this bar's open ± half spread.
  for (int64_t id : std::vector<int64_t>(open_.begin(), open_.end())) {
    auto& o = orders_[id];
    if (!o.open() || o.status == exec_status::pending_new || o.req.type != order_type::market)
      continue;
    side s = o.req.order_side;
    auto ref = adjust_price_bps(k.open, s == side::buy ? params_.half_spread_bps : -params_.half_spread_bps);
    price px = slip(ref.value_or(k.open), s);
    quantity q = o.remaining();
    if (o.req.quote_budget) {
      auto gross = adjust_price_bps(px, params_.taker_fee_bps);
      money budget = std::min(*o.req.quote_budget, quote_free());
      q = gross ? quantity_for(budget, *gross, rules_.step_size).value_or(quantity{}) : quantity{};
      while (q.is_positive()) { // the notional and the fee round apart: step down until it fits
        auto value = notional(px, q);
        auto fee = value ? apply_bps(*value, params_.taker_fee_bps) : std::nullopt;
        if (fee && *value + *fee <= budget)
          break;
        q -= rules_.step_size;
      }
      o.req.qty = q;
    }
    if (!apply_fill(o, px, q, liquidity::taker, at, out, ref.value_or(k.open)) && o.open())
      reject(o, reject_reason::insufficient_balance, at, out);
    else if (o.open() && o.req.quote_budget)
      finish(o, exec_status::filled, at, out); // a quote-sized order is done when its budget is spent
  }
  // 2. Stops before targets, so a bar that reaches both counts as a loss. A stop fills at the
  //    worse of the open and its level (it gapped through); a target at its level.
  std::vector<int64_t> fresh; // triggered limits rest from the next bar on
  for (int pass = 0; pass < 2; ++pass) {
    for (int64_t id : std::vector<int64_t>(open_.begin(), open_.end())) {
      auto& o = orders_[id];
      if (!o.open() || o.status == exec_status::pending_new || o.triggered || !is_conditional(o.req.type))
        continue;
      bool sell = o.req.order_side == side::sell;
      bool stop_kind = is_stop_kind(o.req.type);
      if ((pass == 0) != stop_kind || (!stop_kind && !is_target_kind(o.req.type)))
        continue;
      std::optional<price> level;
      if (o.req.type == order_type::trailing_stop) {
        if (o.trail_active)
          level = adjust_price_bps(o.trail_anchor, sell ? -o.req.callback_bps : o.req.callback_bps);
      } else {
        level = o.req.stop_px;
      }
      bool hit = false;
      if (level) {
        if (stop_kind)
          hit = sell ? k.low <= *level : k.high >= *level;
        else
          hit = sell ? k.high >= *level : k.low <= *level;
      }
      if (o.req.type == order_type::trailing_stop) {
        // The anchor moves after the test: the bar's extreme may have come after its low.
        price extreme = sell ? k.high : k.low;
        if (!o.trail_active && (o.req.stop_px.is_zero() || (sell ? k.high >= o.req.stop_px : k.low <= o.req.stop_px))) {
          o.trail_active = true;
          o.trail_anchor = extreme;
        } else if (o.trail_active) {
          o.trail_anchor = sell ? std::max(o.trail_anchor, extreme) : std::min(o.trail_anchor, extreme);
        }
      }
      if (!hit)
        continue;
      o.triggered = true;
      o.status = exec_status::triggered;
      update(o, ts_ms, out);
      cancel_sibling(o, ts_ms, out);
      if (o.req.type == order_type::stop_loss_limit || o.req.type == order_type::take_profit_limit) {
        fresh.push_back(id);
        continue;
      }
      price px = stop_kind ? (sell ? std::min(k.open, *level) : std::max(k.open, *level)) : *level;
      apply_fill(o, slip(px, o.req.order_side), o.remaining(), liquidity::taker, ts_ms, out, px);
      if (o.open())
        finish(o, exec_status::expired, ts_ms, out);
    }
  }
  // 3. Resting limits fill only if the bar traded strictly through them (touching is not
  //    enough unless fill_on_touch), at their price, at most the bar's volume share.
  for (int64_t id : std::vector<int64_t>(open_.begin(), open_.end())) {
    auto& o = orders_[id];
    if (!resting_limit(o) || std::find(fresh.begin(), fresh.end(), id) != fresh.end())
      continue;
    bool buy = o.req.order_side == side::buy;
    price limit = o.req.limit_px;
    bool crossed = buy ? (params_.fill_on_touch ? k.low <= limit : k.low < limit)
                       : (params_.fill_on_touch ? k.high >= limit : k.high > limit);
    if (!crossed)
      continue;
    quantity q = floor_to_step(rules_, std::min(o.remaining(), share_of(k.volume, params_.trade_share_pct)));
    apply_fill(o, limit, q, liquidity::maker, ts_ms, out);
  }
}

} // namespace pt
