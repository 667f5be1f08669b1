#include "core/trading/session_trader.hpp"

#include <algorithm>

namespace pt {

namespace {

// What `xo` was sent as, on its order record: type, time in force and prices where they apply,
// its OCO list and other leg.
void describe_request(const exchange_order& xo, order& o) {
  const auto& r = xo.req;
  o.type = r.type;
  bool rests = r.type == order_type::limit || r.type == order_type::limit_maker ||
               r.type == order_type::stop_loss_limit || r.type == order_type::take_profit_limit;
  if (rests) {
    o.tif = r.tif;
    o.limit_px = r.limit_px;
  }
  if (is_conditional(r.type) && (r.type != order_type::trailing_stop || r.stop_px.is_positive()))
    o.stop_px = r.stop_px;
  if (r.type == order_type::trailing_stop)
    o.callback_bps = r.callback_bps;
  o.list_id = xo.list_id;
  o.linked_order_id = xo.linked_id;
}

} // namespace

session_trader::session_trader(money initial_cash, execution_params params, sizing_spec sizing, risk_spec risk,
                               std::optional<grid_spec> grid, entry_order_spec entry)
  : session_trader(ledger(initial_cash), params, std::move(sizing), std::move(risk), std::move(grid),
                   std::move(entry)) {}

session_trader::session_trader(ledger account, execution_params params, sizing_spec sizing, risk_spec risk,
                               std::optional<grid_spec> grid, entry_order_spec entry)
  : params_(params), risk_(risk), entry_(entry), rules_(session_symbol_rules(params)),
    vx_(rules_, session_fill_params(params), account), sizing_(std::move(sizing), risk, params.qty_step),
    protection_(risk), limits_(risk, account.initial_cash()) {
  if (grid)
    grid_.emplace(*grid);
}

price session_trader::trailing_stop_price() const {
  if (!account().position_qty().is_positive())
    return price{};
  return protection_.trailing_stop_price();
}

size_t session_trader::pending_orders() const { return (entry_id_ != 0 ? 1 : 0) + (exit_id_ != 0 ? 1 : 0); }

bool session_trader::bars_only() const { return !vx_.market().seen_tick_data; }

void session_trader::track(int64_t id, order_role role, decision why, std::optional<double> atr, int level) {
  tracked t;
  t.role = role;
  t.why = std::move(why);
  t.atr = atr;
  t.level = level;
  if (role == order_role::entry && entry_.type != order_type::market && entry_.expire_ms > 0)
    t.expire_at_ms = t.why.ts_event_ms + entry_.expire_ms;
  tracked_[id] = std::move(t);
  switch (role) {
    case order_role::entry: entry_id_ = id; break;
    case order_role::exit: exit_id_ = id; break;
    case order_role::protect: protect_ids_.push_back(id); break;
    case order_role::grid_buy: grid_->on_placed(true, level, id); break;
    case order_role::grid_sell: grid_->on_placed(false, level, id); break;
  }
}

int64_t session_trader::send(const order_request& req, order_role role, decision why, std::optional<double> atr,
                             exchange_output& out, int64_t replaces, int level) {
  exchange_events ev;
  why.ts_event_ms = std::max(why.ts_event_ms, vx_.now_ms());
  int64_t ts = why.ts_event_ms;
  int64_t id = replaces != 0 ? vx_.cancel_replace(replaces, req, ts, ev) : vx_.submit(req, ts, ev);
  decided(why, id, req, replaces, out);
  // Tracked before its updates are read: with no latency it may be done already.
  track(id, role, std::move(why), atr, level);
  absorb(ev, out);
  return id;
}

void session_trader::decided(decision why, int64_t id, const order_request& req, int64_t replaces,
                             exchange_output& out) {
  why.order_id = id;
  why.action = describe_request(req, id, replaces);
  out.decisions.push_back(std::move(why));
}

void session_trader::absorb(exchange_events& ev, exchange_output& out) {
  for (const auto& f : ev.fills) {
    out.fills.push_back(f);
    auto it = tracked_.find(f.order_id);
    if (it == tracked_.end())
      continue;
    auto& t = it->second;
    if (t.role == order_role::grid_buy || t.role == order_role::grid_sell)
      grid_->on_fill(t.role == order_role::grid_buy, t.level, f.qty);
  }
  for (const auto& u : ev.updates) {
    auto it = tracked_.find(u.order_id);
    auto xo = vx_.find(u.order_id);
    if (it == tracked_.end() || it->second.done || !xo)
      continue;
    bool end = is_terminal(u.status);
    if (u.status == exec_status::new_order)
      continue; // live on the exchange: its submission and its fills tell
    order o;
    o.order_id = u.order_id;
    o.ts_event_ms = u.ts_event_ms;
    o.order_side = xo->req.order_side;
    o.qty = end && xo->filled.is_positive() ? xo->filled : xo->req.qty;
    o.status = u.status;
    if (u.status == exec_status::rejected) {
      // Refused by the session's own sizing (docs/execution.md, "Order status") or by the venue.
      auto denied = denial_reason(*xo);
      o.status = denied ? exec_status::denied : exec_status::rejected;
      o.reason = denied.value_or(xo->reason);
    }
    describe_request(*xo, o);
    o.report = vx_.report(u.order_id);
    out.orders.push_back(o);
    if (end) {
      it->second.done = true;
      done_.done(u.order_id);
      on_done(u.order_id, it->second, *xo, u.ts_event_ms, out);
    }
  }
}

void session_trader::on_done(int64_t id, tracked& t, const exchange_order& xo, int64_t ts, exchange_output& out) {
  // The decision behind the order was logged when it was sent; how the order ended is the
  // order's own record (its update and report) and its fills'.
  bool filled_any = xo.filled.is_positive();
  bool flat = !account().position_qty().is_positive();
  switch (t.role) {
    case order_role::entry:
      if (entry_id_ == id)
        entry_id_ = 0;
      if (filled_any)
        arm_protection(average_price(xo.filled_value, xo.filled).value_or(xo.req.limit_px), t.atr, ts, out);
      return;
    case order_role::exit:
      if (exit_id_ == id)
        exit_id_ = 0;
      if (filled_any && flat)
        disarm(ts);
      return;
    case order_role::protect:
      protect_ids_.erase(std::remove(protect_ids_.begin(), protect_ids_.end(), id), protect_ids_.end());
      if (filled_any) {
        if (flat)
          disarm(ts);
      } else if (xo.status == exec_status::rejected && !flat && exit_id_ == 0) {
        // Its trigger is met already (or the exchange refused it): sell at market now.
        submit_exit(decision{ts, t.why.rule, refused_protection_inputs(t.why.inputs), "", 0}, out);
      }
      return;
    case order_role::grid_buy:
    case order_role::grid_sell: grid_->on_done(t.role == order_role::grid_buy, t.level, id, xo); return;
  }
}

void session_trader::on_market(const market_event& ev, exchange_output& out) {
  // Done orders past the kept window. None is pinned: `on_done` drops an order's id from
  // `entry_id_`, `exit_id_`, `protect_ids_` and the grid's levels as its final update is handled.
  done_.forget(tracked_);
  exchange_events e;
  vx_.on_market(ev, e);
  absorb(e, out);
  if (std::holds_alternative<book_depth>(ev.data))
    return; // the book's top informs fills; trades, quotes and bars drive stops and the equity curve
  expire_entries(ev.ts_event_ms, out);
  if (grid_)
    run_grid(ev, out);
  else if (risk_.protection == protection_mode::session)
    check_protection(ev, out);
  limits_.track_equity(ev.ts_event_ms, market().mark(), account());
}

void session_trader::expire_entries(int64_t ts, exchange_output& out) {
  auto it = tracked_.find(entry_id_);
  if (entry_id_ == 0 || it == tracked_.end() || it->second.expire_at_ms < 0 || it->second.expired ||
      ts < it->second.expire_at_ms)
    return;
  it->second.expired = true;
  exchange_events e;
  vx_.cancel(entry_id_, ts, e);
  absorb(e, out);
}

// The grid runner's orders go out as the session's: tracked, logged and answered like any other.
struct session_trader::grid_venue final : grid_orders {
  grid_venue(session_trader& trader, exchange_output& out) : trader_(trader), out_(out) {}

  quantity base_free() const override { return trader_.vx_.base_free(); }

  void place(const order_request& req, bool buy, int level, decision why) override {
    trader_.send(req, buy ? order_role::grid_buy : order_role::grid_sell, std::move(why), std::nullopt, out_, 0, level);
  }

  void withdraw(int64_t id, int64_t ts) override {
    auto it = trader_.tracked_.find(id);
    if (it == trader_.tracked_.end() || it->second.expired)
      return;
    it->second.expired = true;
    exchange_events e;
    trader_.vx_.cancel(id, ts, e);
    trader_.absorb(e, out_);
  }

private:
  session_trader& trader_;
  exchange_output& out_;
};

void session_trader::run_grid(const market_event& ev, exchange_output& out) {
  grid_venue venue(*this, out);
  grid_->run(ev, !paused_ && !limits_.halted(ev.ts_event_ms), rules_, venue);
}

void session_trader::on_signal(const signal& sig, std::optional<double> atr, exchange_output& out) {
  if (grid_) {
    grid_->set_filter(!sig.grid_filter || sig.entry);
    return;
  }
  if (entry_id_ != 0 || exit_id_ != 0)
    return; // one order at a time: the previous decision is not done yet
  bool long_now = account().position_qty().is_positive();
  if (long_now && sig.exit) {
    submit_exit(decision{sig.ts_event_ms, "exit", sig.inputs, "", 0}, out);
  } else if (!long_now && sig.entry) {
    decision d{sig.ts_event_ms, "entry", sig.inputs, "", 0};
    auto why = limits_.entry_blocked(sig.ts_event_ms, atr, paused_);
    if (why) {
      // Logged once per reason, not on every evaluation while it holds.
      if (*why != last_block_)
        out.decisions.push_back({d.ts_event_ms, d.rule, d.inputs, blocked_action(*why), 0});
      last_block_ = *why;
      return;
    }
    last_block_.clear();
    submit_entry(std::move(d), atr, out);
  }
}

void session_trader::submit_entry(decision why, std::optional<double> atr, exchange_output& out) {
  order_request req;
  req.order_side = side::buy;
  bool limit = entry_.type == order_type::limit || entry_.type == order_type::limit_maker;
  std::optional<price> ref = limit ? market().best_bid() : market_fill_reference(side::buy, market());
  if (!ref)
    ref = limit ? market().last_trade : std::nullopt;
  if (!ref)
    ref = market().mark(); // a kline-only feed: the last close
  if (!ref) {
    req.quote_budget = vx_.quote_free(); // the exchange refuses it: NO_PRICE
    send(req, order_role::entry, std::move(why), atr, out);
    return;
  }
  if (limit) {
    req.type = entry_.type;
    req.tif = entry_.tif;
    auto px = adjust_price_bps(*ref, -entry_.offset_bps);
    req.limit_px = px ? round_to_tick(rules_, *px, side::buy) : price{};
    // A resting buy locks its notional and the larger fee (docs/execution.md).
    bps fee = std::max(params_.maker_fee_bps, params_.taker_fee_bps);
    req.qty = sizing_.entry_quantity(req.limit_px, atr, fee, account(), vx_.quote_free()).value_or(quantity{});
    send(req, order_role::entry, std::move(why), atr, out);
    return;
  }
  req.type = order_type::market;
  auto px = adjust_price_bps(*ref, params_.slippage_bps);
  auto qty = px ? sizing_.entry_quantity(*px, atr, params_.taker_fee_bps, account(), vx_.quote_free()) : std::nullopt;
  const sizing_spec& spec = sizing_.spec();
  bool by_budget = spec.type == sizing_spec::kind::percent_of_equity || spec.type == sizing_spec::kind::quote;
  auto budget = px ? sizing_.entry_budget(*px, account(), vx_.quote_free()) : std::nullopt;
  if (qty && !by_budget && spec.type == sizing_spec::kind::base && budget) {
    // A fixed size the budget caps is sent as that budget, like a budget-sized one.
    by_budget = *qty < sizing_.stepped(spec.qty);
  }
  if (by_budget && budget && budget->is_positive())
    req.quote_budget = *budget; // spends at most this, fees included, at the prices it meets on arrival
  else
    req.qty = qty.value_or(quantity{});
  send(req, order_role::entry, std::move(why), atr, out);
}

void session_trader::submit_exit(decision why, exchange_output& out) {
  quantity q = account().position_qty();
  if (!q.is_positive())
    return;
  order_request req;
  req.type = order_type::market;
  req.order_side = side::sell;
  req.qty = floor_to_step(rules_, q);
  // Protective orders hold the base: the sell replaces them (cancel-replace) and locks on arrival.
  int64_t replaces = 0;
  for (int64_t id : protect_ids_)
    if (auto xo = vx_.find(id); xo && xo->open()) {
      replaces = id;
      break;
    }
  send(req, order_role::exit, std::move(why), std::nullopt, out, replaces);
}

void session_trader::arm_protection(price entry, std::optional<double> atr, int64_t ts, exchange_output& out) {
  protection_.arm(entry, atr);
  if (risk_.protection == protection_mode::exchange)
    place_protection(ts, out);
}

void session_trader::place_protection(int64_t ts, exchange_output& out) {
  quantity q = floor_to_step(rules_, vx_.base_free());
  if (!q.is_positive())
    return;
  std::vector<protective_leg> legs = protection_.legs(q, rules_, ts);
  if (legs.size() == 1) {
    send(legs[0].req, order_role::protect, legs[0].why, std::nullopt, out);
  } else if (legs.size() == 2) {
    exchange_events e;
    int64_t at = std::max(ts, vx_.now_ms());
    auto ids = vx_.submit_oco(legs[0].req, legs[1].req, at, e);
    legs[0].why.ts_event_ms = legs[1].why.ts_event_ms = at;
    decided(legs[0].why, ids.first, legs[0].req, 0, out);
    decided(legs[1].why, ids.second, legs[1].req, 0, out);
    track(ids.first, order_role::protect, legs[0].why, std::nullopt, -1);
    track(ids.second, order_role::protect, legs[1].why, std::nullopt, -1);
    absorb(e, out);
  }
}

void session_trader::disarm(int64_t ts) {
  protection_.disarm();
  limits_.on_exit(ts);
}

void session_trader::check_protection(const market_event& ev, exchange_output& out) {
  if (!account().position_qty().is_positive() || entry_id_ != 0 || exit_id_ != 0)
    return;
  auto hit = protection_.check(ev);
  if (!hit)
    return;
  decision d;
  d.ts_event_ms = ev.ts_event_ms;
  d.rule = hit->rule;
  d.inputs = protection_hit_inputs(hit->bar, hit->low, hit->high, hit->level);
  if (!hit->bar) {
    submit_exit(std::move(d), out);
    return;
  }
  // Crossed inside the bar: a stop fills at its level or, gapped through, at the open; a take
  // profit at its limit.
  price reference = hit->stop ? std::min(hit->open, hit->level) : hit->level;
  exchange_events e;
  d.ts_event_ms = std::max(ev.ts_event_ms, vx_.now_ms());
  quantity q = floor_to_step(rules_, account().position_qty());
  int64_t id = vx_.execute_at(side::sell, q, reference, d.ts_event_ms, e);
  decided(d, id, bar_exit_request(q), 0, out);
  track(id, order_role::exit, std::move(d), std::nullopt, -1);
  absorb(e, out);
}

void session_trader::cancel_pending(int64_t ts, exchange_output& out) {
  exchange_events e;
  int64_t at = std::max(ts, vx_.now_ms());
  int64_t until = at;
  for (int64_t id : vx_.open_orders()) {
    auto it = tracked_.find(id);
    auto xo = vx_.find(id);
    if (it == tracked_.end() || !xo || xo->ts_cancel_ms >= 0)
      continue;
    vx_.cancel(id, at, e);
    if (auto after = vx_.find(id); after && after->ts_cancel_ms > until)
      until = after->ts_cancel_ms;
  }
  vx_.advance_to(until, e); // the session stops: no later event will come
  absorb(e, out);
}

void session_trader::flatten(int64_t ts_event_ms, exchange_output& out) {
  cancel_pending(ts_event_ms, out);
  quantity q = floor_to_step(rules_, account().position_qty());
  if (!q.is_positive())
    return;
  int64_t at = std::max(ts_event_ms, vx_.now_ms());
  decision d{at, flatten_rule, flatten_inputs, "", 0};
  auto last = market().mark();
  if (bars_only() && last) { // a kline-only feed has no quote and no trade: its last close is the latest price
    exchange_events e;
    int64_t id = vx_.execute_at(side::sell, q, *last, at, e);
    decided(d, id, bar_exit_request(q), 0, out);
    track(id, order_role::exit, std::move(d), std::nullopt, -1);
    absorb(e, out);
    return;
  }
  order_request req;
  req.order_side = side::sell;
  req.qty = q;
  int64_t id = send(req, order_role::exit, std::move(d), std::nullopt, out);
  if (auto xo = vx_.find(id); xo && xo->open()) {
    exchange_events e;
    vx_.advance_to(xo->ts_live_ms, e); // carried out against the last known market
    absorb(e, out);
  }
}

} // namespace pt
