#include "core/execution/virtual_exchange.hpp"

#include <algorithm>

namespace pt {

namespace {

bool has_limit(order_type t) {
  return t == order_type::limit || t == order_type::limit_maker || t == order_type::stop_loss_limit ||
         t == order_type::take_profit_limit;
}

bool has_stop(order_type t) {
  return t == order_type::stop_loss || t == order_type::stop_loss_limit || t == order_type::take_profit ||
         t == order_type::take_profit_limit;
}

bool market_on_trigger(order_type t) {
  return t == order_type::stop_loss || t == order_type::take_profit || t == order_type::trailing_stop;
}

} // namespace

virtual_exchange::virtual_exchange(symbol_rules rules, fill_params params, money quote_balance)
  : virtual_exchange(std::move(rules), params, ledger(quote_balance)) {}

virtual_exchange::virtual_exchange(symbol_rules rules, fill_params params, ledger account)
  : rules_(std::move(rules)), params_(params), ledger_(account), latency_(params.seed) {}

exchange_order& virtual_exchange::create(const order_request& req, int64_t ts_ms) {
  int64_t id = next_order_id_++;
  auto& o = orders_[id];
  o.order_id = id;
  o.req = req;
  o.ts_submit_ms = ts_ms;
  o.ts_live_ms = ts_ms;
  o.arrival_px = view_.mark();
  return o;
}

reject_reason virtual_exchange::check_rules(const order_request& req) const {
  auto mid = view_.mark();
  if (req.quote_budget) {
    if (req.type != order_type::market || req.order_side != side::buy || !req.quote_budget->is_positive() ||
        req.qty.is_positive())
      return reject_reason::invalid_order;
    if (!mid)
      return reject_reason::no_price;
    if (rules_.min_notional_applies_to_market && *req.quote_budget < rules_.min_notional)
      return reject_reason::notional;
    return reject_reason::none;
  }
  if (req.type == order_type::trailing_stop &&
      (!req.callback_bps.is_positive() || req.callback_bps > bps::from_units(2'000)))
    return reject_reason::invalid_order; // Binance's trailingDelta range is 10–2000 BIPS
  bool market_like = req.type == order_type::market || market_on_trigger(req.type);
  if (auto q = check_quantity(rules_, req.qty, market_like); q != reject_reason::none)
    return q;
  if (has_limit(req.type))
    if (auto p = check_price(rules_, req.limit_px); p != reject_reason::none)
      return p;
  if (has_stop(req.type) || (req.type == order_type::trailing_stop && !req.stop_px.is_zero()))
    if (auto p = check_price(rules_, req.stop_px); p != reject_reason::none)
      return p;
  std::optional<price> ref;
  if (has_limit(req.type))
    ref = req.limit_px;
  else if (!req.stop_px.is_zero())
    ref = req.stop_px;
  else
    ref = mid;
  if (!ref)
    return reject_reason::no_price;
  if (req.type != order_type::market || rules_.min_notional_applies_to_market)
    return check_notional(rules_, *ref, req.qty);
  return reject_reason::none;
}

std::optional<money> virtual_exchange::buy_lock(const order_request& req) const {
  if (req.order_side != side::buy || req.type == order_type::market)
    return money{}; // a market buy is checked against the free balance when it arrives
  std::optional<price> px;
  if (has_limit(req.type))
    px = req.limit_px;
  else if (!req.stop_px.is_zero())
    px = req.stop_px;
  else
    px = view_.mark();
  if (!px)
    return money{};
  auto value = notional(*px, req.qty);
  auto fee = value ? apply_bps(*value, std::max(params_.maker_fee_bps, params_.taker_fee_bps)) : std::nullopt;
  if (!fee)
    return std::nullopt;
  return *value + *fee;
}

bool virtual_exchange::lock_for(exchange_order& o, int64_t ts_ms, exchange_events& out) {
  if (o.req.order_side == side::sell) {
    if (o.req.qty > base_free()) {
      reject(o, reject_reason::insufficient_balance, ts_ms, out);
      return false;
    }
    o.locked_base = o.req.qty;
    locked_base_ += o.req.qty;
    return true;
  }
  auto lock = buy_lock(o.req);
  if (!lock) {
    reject(o, reject_reason::overflow, ts_ms, out);
    return false;
  }
  if (*lock > quote_free() || !quote_free().is_positive()) {
    reject(o, reject_reason::insufficient_balance, ts_ms, out);
    return false;
  }
  o.locked_quote = *lock;
  locked_quote_ += *lock;
  return true;
}

int64_t virtual_exchange::submit(const order_request& req, int64_t ts_ms, exchange_events& out) {
  return enter(req, ts_ms, 0, std::nullopt, out);
}

int64_t virtual_exchange::cancel_replace(int64_t order_id, const order_request& req, int64_t ts_ms,
                                         exchange_events& out) {
  return enter(req, ts_ms, order_id, std::nullopt, out);
}

int64_t virtual_exchange::submit_bracket(const order_request& entry, const bracket_exits& exits, int64_t ts_ms,
                                         exchange_events& out) {
  bool ok = entry.order_side == side::buy &&
            (entry.type == order_type::market || entry.type == order_type::limit ||
             entry.type == order_type::limit_maker) &&
            check_price(rules_, exits.stop_loss_px) == reject_reason::none &&
            check_price(rules_, exits.take_profit_px) == reject_reason::none &&
            exits.stop_loss_px < exits.take_profit_px &&
            (!exits.stop_limit_px || check_price(rules_, *exits.stop_limit_px) == reject_reason::none);
  if (!ok) {
    advance_to(ts_ms, out);
    auto& o = create(entry, ts_ms);
    open_.insert(o.order_id);
    reject(o, reject_reason::invalid_order, ts_ms, out);
    return o.order_id;
  }
  return enter(entry, ts_ms, 0, exits, out);
}

int64_t virtual_exchange::enter(const order_request& req, int64_t ts_ms, int64_t replaces_id,
                                std::optional<bracket_exits> exits, exchange_events& out) {
  advance_to(ts_ms, out);
  auto& o = create(req, ts_ms);
  int64_t id = o.order_id;
  o.exits = exits;
  o.replaces_id = replaces_id;
  open_.insert(id);
  if (auto why = check_rules(req); why != reject_reason::none) {
    reject(o, why, ts_ms, out);
    return id;
  }
  if (replaces_id == 0 && !lock_for(o, ts_ms, out))
    return id; // a replacement locks when it arrives, after the order it replaces is canceled
  update(o, ts_ms, out);
  o.ts_live_ms = ts_ms + latency_.draw(params_.submit_latency);
  schedule(o.ts_live_ms, action{action_kind::arrive, id}, out);
  return id;
}

int64_t virtual_exchange::execute_at(side s, quantity qty, price px, int64_t ts_ms, exchange_events& out) {
  advance_to(ts_ms, out);
  order_request req;
  req.order_side = s;
  req.qty = qty;
  auto& o = create(req, ts_ms);
  int64_t id = o.order_id;
  open_.insert(id);
  if (auto why = check_quantity(rules_, qty, true); why != reject_reason::none) {
    reject(o, why, ts_ms, out);
    return id;
  }
  update(o, ts_ms, out);
  o.status = exec_status::new_order;
  auto at = adjust_price_bps(px, s == side::buy ? params_.slippage_bps : -params_.slippage_bps);
  if (!at || !at->is_positive() || !apply_fill(o, *at, qty, liquidity::taker, ts_ms, out, px))
    reject(o, reject_reason::insufficient_balance, ts_ms, out);
  return id;
}

reject_reason virtual_exchange::cancel(int64_t order_id, int64_t ts_ms, exchange_events& out) {
  advance_to(ts_ms, out);
  auto it = orders_.find(order_id);
  if (it == orders_.end() || !it->second.open()) {
    order_update u;
    u.order_id = order_id;
    u.ts_event_ms = ts_ms;
    u.status = it == orders_.end() ? exec_status::rejected : it->second.status;
    u.reason = reject_reason::unknown_order;
    u.filled = it == orders_.end() ? quantity{} : it->second.filled;
    out.updates.push_back(u);
    return reject_reason::unknown_order;
  }
  it->second.ts_cancel_ms = ts_ms + latency_.draw(params_.cancel_latency);
  schedule(it->second.ts_cancel_ms, action{action_kind::cancel, order_id}, out);
  return reject_reason::none;
}

void virtual_exchange::schedule(int64_t ts_ms, action a, exchange_events& out) {
  due_.emplace(ts_ms, a);
  if (ts_ms <= now_ms_)
    run_due(now_ms_, out);
}

void virtual_exchange::advance_to(int64_t ts_ms, exchange_events& out) {
  run_due(ts_ms, out);
  now_ms_ = std::max(now_ms_, ts_ms);
}

void virtual_exchange::run_due(int64_t ts_ms, exchange_events& out) {
  if (running_due_)
    return; // the loop below picks the new action up
  running_due_ = true;
  while (!due_.empty() && due_.begin()->first <= ts_ms) {
    auto [when, a] = *due_.begin();
    due_.erase(due_.begin());
    auto& o = orders_[a.order_id];
    if (a.kind == action_kind::arrive)
      arrive(o, when, out);
    else
      do_cancel(o, when, out);
  }
  running_due_ = false;
}

std::optional<price> virtual_exchange::opposite_price(side s) const {
  auto q = s == side::buy ? view_.best_ask() : view_.best_bid();
  if (q)
    return q;
  if (view_.last_trade)
    return view_.last_trade;
  if (view_.last_bar)
    return view_.last_bar->close;
  return std::nullopt;
}

void virtual_exchange::arrive(exchange_order& o, int64_t ts_ms, exchange_events& out) {
  if (!o.open())
    return; // canceled on the way
  if (o.replaces_id != 0) {
    auto old = orders_.find(o.replaces_id);
    if (old == orders_.end() || !old->second.open()) {
      reject(o, reject_reason::unknown_order, ts_ms, out);
      return;
    }
    do_cancel(old->second, ts_ms, out);
    if (!lock_for(o, ts_ms, out))
      return;
  }
  o.status = exec_status::new_order;
  update(o, ts_ms + latency_.draw(params_.ack_latency), out);
  bool bars_only = !view_.seen_tick_data;
  const auto& r = o.req;
  switch (r.type) {
    case order_type::market:
      if (bars_only)
        return; // fills at the next bar's open (on_bar)
      if (r.order_side == side::buy && !r.quote_budget) {
        // Like Binance, a market buy the free balance cannot pay for in full is refused whole.
        taker_want want{side::buy, r.qty, std::nullopt, std::nullopt, rules_.step_size};
        money need;
        for (const auto& s : taker_slices(want, view_, params_, memory_)) {
          auto value = notional(s.px, s.qty);
          auto fee = value ? apply_bps(*value, params_.taker_fee_bps) : std::nullopt;
          need += value && fee ? *value + *fee : quote_free() + money::from_raw(1);
        }
        if (need > quote_free() + o.locked_quote) {
          reject(o, reject_reason::insufficient_balance, ts_ms, out);
          return;
        }
      }
      take(o, std::nullopt, ts_ms, out);
      if (o.open()) {
        if (r.quote_budget && o.filled.is_positive()) {
          o.req.qty = o.filled; // a quote-sized order is done when its budget is spent
          finish(o, exec_status::filled, ts_ms, out);
        } else if (!o.filled.is_positive() && !view_.mark()) {
          reject(o, reject_reason::no_price, ts_ms, out);
        } else {
          finish(o, exec_status::expired, ts_ms, out); // the book ran out
        }
      }
      return;
    case order_type::limit:
      work_limit(o, r.limit_px, ts_ms, out);
      return;
    case order_type::limit_maker: {
      auto opp = opposite_price(r.order_side);
      if (opp && (r.order_side == side::buy ? r.limit_px >= *opp : r.limit_px <= *opp)) {
        reject(o, reject_reason::would_match, ts_ms, out);
        return;
      }
      work_limit(o, r.limit_px, ts_ms, out);
      return;
    }
    case order_type::trailing_stop: {
      auto last = last_price();
      if (r.stop_px.is_zero() && last) {
        o.trail_active = true;
        o.trail_anchor = *last;
      }
      return;
    }
    default: {
      auto last = last_price();
      if (last && would_trigger(o, *last))
        reject(o, reject_reason::would_trigger, ts_ms, out);
      return;
    }
  }
}

void virtual_exchange::work_limit(exchange_order& o, price limit_px, int64_t ts_ms, exchange_events& out) {
  bool buy = o.req.order_side == side::buy;
  if (view_.seen_tick_data) {
    auto opp = buy ? view_.best_ask() : view_.best_bid();
    bool crossing = opp && (buy ? limit_px >= *opp : limit_px <= *opp);
    if (o.req.tif == time_in_force::fok) {
      taker_want want{o.req.order_side, o.remaining(), std::nullopt, limit_px, rules_.step_size};
      quantity avail;
      for (const auto& s : taker_slices(want, view_, params_, memory_))
        avail += s.qty;
      if (avail < o.remaining()) {
        finish(o, exec_status::expired, ts_ms, out);
        return;
      }
    }
    bool crossed = false;
    if (crossing)
      crossed = take(o, limit_px, ts_ms, out);
    if (!o.open())
      return;
    if (o.req.tif != time_in_force::gtc) {
      finish(o, exec_status::expired, ts_ms, out);
      return;
    }
    // What the book shows at its price rests ahead of it (none when it just took that level).
    quantity shown = crossed ? quantity{} : view_.qty_at(o.req.order_side, limit_px);
    auto ahead = mul_div_raw(shown.raw(), params_.queue_factor_pct, 100);
    o.queue_ahead = o.queue_at_placement = quantity::from_raw(ahead.value_or(0));
  } else if (o.req.tif != time_in_force::gtc) {
    finish(o, exec_status::expired, ts_ms, out); // no book to take from on a bar-only feed
  }
}

bool virtual_exchange::take(exchange_order& o, std::optional<price> limit_px, int64_t ts_ms, exchange_events& out) {
  taker_want want{o.req.order_side, o.remaining(), std::nullopt, limit_px, rules_.step_size};
  if (o.req.quote_budget) {
    want.qty = quantity{};
    money left = *o.req.quote_budget - o.filled_value - o.fees;
    want.budget = std::min(left, quote_free() + o.locked_quote);
    if (!want.budget->is_positive())
      return false;
  }
  side book_side = o.req.order_side == side::buy ? side::sell : side::buy;
  bool any = false;
  for (const auto& s : taker_slices(want, view_, params_, memory_)) {
    if (!o.open() || !apply_fill(o, s.px, s.qty, liquidity::taker, ts_ms, out, s.book_px))
      break;
    if (s.from_book && params_.remember_liquidity)
      memory_.take(book_side, s.book_px, s.qty, s.shown);
    any = true;
  }
  return any;
}

bool virtual_exchange::apply_fill(exchange_order& o, price px, quantity qty, liquidity role, int64_t ts_ms,
                                  exchange_events& out, price reference) {
  if (!qty.is_positive())
    return false;
  auto value = notional(px, qty);
  auto fee = value ? apply_bps(*value, role == liquidity::maker ? params_.maker_fee_bps : params_.taker_fee_bps)
                   : std::nullopt;
  if (!fee)
    return false;
  bool buy = o.req.order_side == side::buy;
  if (buy ? *value + *fee > quote_free() + o.locked_quote : qty > base_free() + o.locked_base)
    return false;
  fill f;
  f.order_id = o.order_id;
  f.ts_event_ms = ts_ms;
  f.fill_side = o.req.order_side;
  f.px = px;
  f.qty = qty;
  f.fee = *fee;
  f.role = role;
  f.reference_px = reference.is_positive() ? reference : px; // a maker fills at its own price
  if (matching_) {
    f.trade_id = matching_->trade_id;
    f.ts_trade_ms = matching_->ts_trade_ms;
  }
  if (ledger_.apply(f) != reject_reason::none)
    return false;
  f.fill_id = next_fill_id_++;
  out.fills.push_back(f);
  fees_paid_ += *fee;
  o.filled += qty;
  o.filled_value += *value;
  o.fees += *fee;
  (role == liquidity::maker ? o.maker_qty : o.taker_qty) += qty;
  o.ts_last_fill_ms = ts_ms;
  if (buy) {
    // What this fill cost leaves the order's lock; a limit keeps at most what its rest needs.
    money keep = std::max(money{}, o.locked_quote - (*value + *fee));
    if (has_limit(o.req.type) && o.sibling_id == 0) {
      order_request rest = o.req;
      rest.qty = o.remaining();
      keep = std::min(keep, buy_lock(rest).value_or(keep));
    }
    locked_quote_ += keep - o.locked_quote;
    o.locked_quote = keep;
  } else {
    quantity used = std::min(qty, o.locked_base);
    o.locked_base -= used;
    locked_base_ -= used;
  }
  bool done = !o.req.quote_budget && !o.remaining().is_positive();
  if (!done)
    o.status = exec_status::partially_filled;
  after_fill(o, ts_ms, out);
  if (done)
    finish(o, exec_status::filled, ts_ms, out);
  else
    update(o, ts_ms, out);
  return true;
}

void virtual_exchange::after_fill(exchange_order& o, int64_t ts_ms, exchange_events& out) {
  cancel_sibling(o, ts_ms, out); // an OCO leg that fills, even partly, cancels the other
}

void virtual_exchange::release(exchange_order& o) {
  locked_quote_ -= o.locked_quote;
  locked_base_ -= o.locked_base;
  o.locked_quote = money{};
  o.locked_base = quantity{};
}

void virtual_exchange::update(const exchange_order& o, int64_t ts_ms, exchange_events& out) {
  out.updates.push_back(order_update{o.order_id, ts_ms, o.status, o.reason, o.filled});
}

void virtual_exchange::reject(exchange_order& o, reject_reason why, int64_t ts_ms, exchange_events& out) {
  o.reason = why;
  finish(o, exec_status::rejected, ts_ms, out);
}

void virtual_exchange::finish(exchange_order& o, exec_status st, int64_t ts_ms, exchange_events& out) {
  o.status = st;
  release(o);
  open_.erase(o.order_id);
  done_.done(o.order_id);
  update(o, ts_ms, out);
  if (o.sibling_id != 0) {
    // The list ends with its leg: a rejected, canceled or expired leg takes the other along.
    auto& sib = orders_[o.sibling_id];
    o.sibling_id = sib.sibling_id = 0;
    if (sib.open()) {
      sib.reason = o.reason;
      finish(sib, st == exec_status::filled ? exec_status::canceled : st, ts_ms, out);
    }
  }
  if (o.exits && o.filled.is_positive() && st != exec_status::rejected)
    place_exits(o, ts_ms, out);
}

void virtual_exchange::forget_done() {
  // A done order a due action still names (a cancel that arrives after it filled) stays until
  // that action has run.
  done_.forget(orders_, [this](int64_t id) {
    for (const auto& [when, a] : due_)
      if (a.order_id == id)
        return true;
    return false;
  });
}

void virtual_exchange::do_cancel(exchange_order& o, int64_t ts_ms, exchange_events& out) {
  if (o.open())
    finish(o, exec_status::canceled, ts_ms, out);
}

const exchange_order* virtual_exchange::find(int64_t order_id) const {
  auto it = orders_.find(order_id);
  return it == orders_.end() ? nullptr : &it->second;
}

fill_report virtual_exchange::report(int64_t order_id) const {
  fill_report r;
  r.order_id = order_id;
  auto o = find(order_id);
  if (!o)
    return r;
  r.arrival_px = o->arrival_px;
  r.filled_qty = o->filled;
  r.maker_qty = o->maker_qty;
  r.taker_qty = o->taker_qty;
  r.fees = o->fees;
  r.queue_at_placement = o->queue_at_placement;
  if (o->filled.is_positive()) {
    r.avg_px = average_price(o->filled_value, o->filled);
    if (r.avg_px && r.arrival_px && r.arrival_px->is_positive()) {
      double diff = r.avg_px->to_double() - r.arrival_px->to_double();
      r.slippage_bps = (o->req.order_side == side::buy ? diff : -diff) / r.arrival_px->to_double() * 1e4;
    }
  }
  if (o->status == exec_status::filled)
    r.time_to_fill_ms = o->ts_last_fill_ms - o->ts_submit_ms;
  return r;
}

std::optional<money> virtual_exchange::equity() const {
  auto mid = view_.mark();
  if (!mid)
    return std::nullopt;
  return ledger_.equity(*mid);
}

} // namespace pt
