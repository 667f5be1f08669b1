#include "core/paper_exchange.hpp"

#include <algorithm>
#include <cmath>

namespace pt {

namespace {

constexpr int64_t day_ms = 86'400'000;

int64_t utc_day(int64_t ts_ms) { return ts_ms - ((ts_ms % day_ms) + day_ms) % day_ms; }

// What was sent, as the decision log says it: "buy 0.06462000 limit at 61835.80000000 submitted
// (order 1)".
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

// A market sell of `q`, as `virtual_exchange::execute_at` carries one out (for the decision log).
order_request bar_exit_request(quantity q) {
  order_request r;
  r.order_side = side::sell;
  r.qty = q;
  return r;
}

order_status map_status(exec_status s) {
  switch (s) {
    case exec_status::filled: return order_status::filled;
    case exec_status::rejected: return order_status::rejected;
    case exec_status::canceled:
    case exec_status::expired: return order_status::canceled;
    default: return order_status::accepted;
  }
}

bool terminal(exec_status s) {
  return s == exec_status::filled || s == exec_status::rejected || s == exec_status::canceled ||
         s == exec_status::expired;
}

// The session's reason for an exchange refusal.
reject_reason map_reason(ex_reject r, const order_request& req) {
  bool buy = req.order_side == side::buy;
  switch (r) {
    case ex_reject::none: return reject_reason::none;
    case ex_reject::insufficient_balance: return buy ? reject_reason::insufficient_cash : reject_reason::insufficient_position;
    case ex_reject::no_price: return reject_reason::no_price;
    case ex_reject::overflow: return reject_reason::overflow;
    case ex_reject::would_match: return reject_reason::would_match;
    case ex_reject::would_trigger: return reject_reason::would_trigger;
    case ex_reject::lot_size:
      return !req.qty.is_positive() && !req.quote_budget ? reject_reason::zero_quantity : reject_reason::exchange_rule;
    case ex_reject::invalid_order:
      return req.quote_budget && !req.quote_budget->is_positive() ? reject_reason::insufficient_cash
                                                                   : reject_reason::exchange_rule;
    default: return reject_reason::exchange_rule;
  }
}

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

symbol_rules session_symbol_rules(const execution_params& p) {
  symbol_rules r;
  r.tick_size = r.min_price = p.price_tick.is_positive() ? p.price_tick : price::from_raw(1);
  r.max_price = price::from_units(1'000'000'000);
  r.step_size = r.min_qty = p.qty_step.is_positive() ? p.qty_step : quantity::from_raw(1);
  r.max_qty = r.market_max_qty = quantity::from_units(1'000'000'000);
  r.min_notional = money{};
  r.min_notional_applies_to_market = false;
  return r;
}

fill_params session_fill_params(const execution_params& p) {
  fill_params f = p.overrides.apply(fill_profile_params(p.profile));
  f.taker_fee_bps = p.taker_fee_bps;
  f.maker_fee_bps = p.maker_fee_bps;
  f.slippage_bps = f.slippage_bps + p.slippage_bps;
  return f;
}


paper_exchange::paper_exchange(money initial_cash, execution_params params, sizing_spec sizing, risk_spec risk,
                               std::optional<grid_spec> grid, entry_order_spec entry)
  : paper_exchange(ledger(initial_cash), params, std::move(sizing), std::move(risk), std::move(grid),
                   std::move(entry)) {}

paper_exchange::paper_exchange(ledger account, execution_params params, sizing_spec sizing, risk_spec risk,
                               std::optional<grid_spec> grid, entry_order_spec entry)
  : params_(params), sizing_(sizing), risk_(risk), entry_(entry), rules_(session_symbol_rules(params)),
    vx_(rules_, session_fill_params(params), account), peak_equity_(account.initial_cash()) {
  if (grid) {
    grid_.emplace(*grid);
    grid_qty_ = grid->qty_per_level;
    grid_buying_ = grid->filter_rule.empty(); // a filter that has not spoken yet is not a yes
    size_t n = grid_->levels().size();
    grid_buy_id_.assign(n, 0);
    grid_sell_id_.assign(n, 0);
    grid_lot_.assign(n, quantity{});
    grid_refused_.assign(n, false);
  }
}

price paper_exchange::trailing_stop_price() const {
  if (!account().position_qty().is_positive())
    return price{};
  if (trail_bps_)
    return adjust_price_bps(trail_anchor_, -*trail_bps_).value_or(price{});
  if (trail_distance_.is_positive())
    return std::max(price{}, trail_anchor_ - trail_distance_);
  return price{};
}

size_t paper_exchange::pending_orders() const { return (entry_id_ != 0 ? 1 : 0) + (exit_id_ != 0 ? 1 : 0); }

bool paper_exchange::bars_only() const { return !vx_.market().seen_tick_data; }

void paper_exchange::track(int64_t id, order_role role, decision why, std::optional<double> atr, int level) {
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
    case order_role::grid_buy: grid_buy_id_[static_cast<size_t>(level)] = id; break;
    case order_role::grid_sell: grid_sell_id_[static_cast<size_t>(level)] = id; break;
  }
}

int64_t paper_exchange::send(const order_request& req, order_role role, decision why, std::optional<double> atr,
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

void paper_exchange::decided(decision why, int64_t id, const order_request& req, int64_t replaces,
                             exchange_output& out) {
  why.order_id = id;
  why.action = describe_request(req, id, replaces);
  out.decisions.push_back(std::move(why));
}

void paper_exchange::absorb(exchange_events& ev, exchange_output& out) {
  for (const auto& f : ev.fills) {
    out.fills.push_back(f);
    auto it = tracked_.find(f.order_id);
    if (it == tracked_.end())
      continue;
    auto& t = it->second;
    if (t.role == order_role::grid_buy || t.role == order_role::grid_sell) {
      auto i = static_cast<size_t>(t.level);
      bool buy = t.role == order_role::grid_buy;
      grid_lot_[i] = buy ? grid_lot_[i] + f.qty : std::max(quantity{}, grid_lot_[i] - f.qty);
    }
  }
  for (const auto& u : ev.updates) {
    auto it = tracked_.find(u.order_id);
    auto xo = vx_.find(u.order_id);
    if (it == tracked_.end() || it->second.done || !xo)
      continue;
    bool end = terminal(u.status);
    if (u.status == exec_status::new_order)
      continue; // live on the exchange: its submission and its fills tell
    order o;
    o.order_id = u.order_id;
    o.ts_event_ms = u.ts_event_ms;
    o.order_side = xo->req.order_side;
    o.qty = end && xo->filled.is_positive() ? xo->filled : xo->req.qty;
    o.status = end ? map_status(u.status) : order_status::accepted;
    if (o.status == order_status::rejected)
      o.reason = map_reason(xo->reason, xo->req);
    describe_request(*xo, o);
    o.report = vx_.report(u.order_id);
    out.orders.push_back(o);
    if (end) {
      it->second.done = true;
      on_done(u.order_id, it->second, *xo, u.ts_event_ms, out);
    }
  }
}

void paper_exchange::on_done(int64_t id, tracked& t, const exchange_order& xo, int64_t ts, exchange_output& out) {
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
        submit_exit(decision{ts, t.why.rule, t.why.inputs + ", protective order refused", "", 0}, out);
      }
      return;
    case order_role::grid_buy: {
      auto i = static_cast<size_t>(t.level);
      if (grid_buy_id_[i] == id)
        grid_buy_id_[i] = 0;
      if (grid_lot_[i].is_positive())
        grid_->filled({true, t.level, xo.req.limit_px});
      else if (xo.status == exec_status::rejected)
        grid_refused_[i] = true;
      return;
    }
    case order_role::grid_sell: {
      auto i = static_cast<size_t>(t.level);
      if (grid_sell_id_[i] == id)
        grid_sell_id_[i] = 0;
      if (!grid_lot_[i].is_positive()) {
        grid_->filled({false, t.level, xo.req.limit_px});
        std::fill(grid_refused_.begin(), grid_refused_.end(), false); // the cash grew: refused buys may go again
      }
      return;
    }
  }
}

void paper_exchange::on_market(const market_event& ev, exchange_output& out) {
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
  track_equity(ev.ts_event_ms);
}

void paper_exchange::expire_entries(int64_t ts, exchange_output& out) {
  auto it = tracked_.find(entry_id_);
  if (entry_id_ == 0 || it == tracked_.end() || it->second.expire_at_ms < 0 || it->second.expired ||
      ts < it->second.expire_at_ms)
    return;
  it->second.expired = true;
  exchange_events e;
  vx_.cancel(entry_id_, ts, e);
  absorb(e, out);
}

void paper_exchange::run_grid(const market_event& ev, exchange_output& out) {
  price high;
  if (auto t = std::get_if<trade>(&ev.data))
    high = t->px;
  else if (auto k = std::get_if<kline>(&ev.data))
    high = k->high;
  else
    return;
  bool buying = grid_buying_ && !paused_ && !halted_for_good_ && utc_day(ev.ts_event_ms) != halted_day_ms_;
  grid_->observe(high);
  const auto& lv = grid_->levels();
  int64_t ts = ev.ts_event_ms;
  // Sales of the lots held (once their buy is done), then buys from the highest armed level down:
  // the order the price falls through them, so the cash goes to the nearest levels first.
  for (size_t i = 0; i + 1 < lv.size(); ++i) {
    if (!grid_lot_[i].is_positive() || grid_buy_id_[i] != 0 || grid_sell_id_[i] != 0)
      continue;
    order_request r;
    r.type = order_type::limit;
    r.order_side = side::sell;
    r.qty = floor_to_step(rules_, std::min(grid_lot_[i], vx_.base_free()));
    r.limit_px = round_to_tick(rules_, lv[i + 1], side::sell);
    if (r.qty.is_positive())
      send(r, order_role::grid_sell,
           decision{ts, "grid_sell", "level " + std::to_string(i + 1) + " = " + lv[i + 1].to_string(), "", 0},
           std::nullopt, out, 0, static_cast<int>(i));
  }
  for (size_t i = lv.size() - 1; i-- > 0;) { // the top level only ever sells
    if (grid_lot_[i].is_positive())
      continue;
    if (grid_buy_id_[i] != 0) {
      auto& t = tracked_[grid_buy_id_[i]];
      if (!buying && !t.expired) { // paused: the resting buy is withdrawn
        t.expired = true;
        exchange_events e;
        vx_.cancel(grid_buy_id_[i], ts, e);
        absorb(e, out);
      }
      continue;
    }
    if (buying && grid_->armed(static_cast<int>(i)) && !grid_refused_[i]) {
      order_request r;
      r.type = order_type::limit;
      r.order_side = side::buy;
      r.qty = grid_qty_;
      r.limit_px = round_to_tick(rules_, lv[i], side::buy);
      send(r, order_role::grid_buy, decision{ts, "grid_buy", "level " + std::to_string(i) + " = " + lv[i].to_string(), "", 0},
           std::nullopt, out, 0, static_cast<int>(i));
    }
  }
}

void paper_exchange::on_signal(const signal& sig, std::optional<double> atr, exchange_output& out) {
  if (grid_) {
    grid_buying_ = !sig.grid_filter || sig.entry;
    return;
  }
  if (entry_id_ != 0 || exit_id_ != 0)
    return; // one order at a time: the previous decision is not done yet
  bool long_now = account().position_qty().is_positive();
  if (long_now && sig.exit) {
    submit_exit(decision{sig.ts_event_ms, "exit", sig.inputs, "", 0}, out);
  } else if (!long_now && sig.entry) {
    decision d{sig.ts_event_ms, "entry", sig.inputs, "", 0};
    auto why = entry_blocked(sig.ts_event_ms, atr);
    if (why) {
      // Logged once per reason, not on every evaluation while it holds.
      if (*why != last_block_)
        out.decisions.push_back({d.ts_event_ms, d.rule, d.inputs, "blocked: " + *why, 0});
      last_block_ = *why;
      return;
    }
    last_block_.clear();
    submit_entry(std::move(d), atr, out);
  }
}

std::optional<std::string> paper_exchange::entry_blocked(int64_t ts_event_ms, std::optional<double> atr) const {
  if (paused_)
    return "session paused";
  if (halted_for_good_)
    return "max drawdown reached; no new entries this session";
  if (halted_day_ms_ >= 0 && utc_day(ts_event_ms) == halted_day_ms_)
    return "max daily loss reached; no new entries until ts " + std::to_string(halted_day_ms_ + day_ms) + " ms";
  bool needs_atr = risk_.stop_loss.type == stop_distance::kind::atr ||
                   risk_.take_profit.type == stop_distance::kind::atr ||
                   risk_.trailing_stop.type == stop_distance::kind::atr;
  if (needs_atr && (!atr || !std::isfinite(*atr) || *atr <= 0))
    return "ATR not known yet, and the risk rules measure from it";
  if (last_exit_ms_ >= 0 && ts_event_ms < last_exit_ms_ + risk_.cooldown_ms)
    return "cooldown after the last exit until ts " + std::to_string(last_exit_ms_ + risk_.cooldown_ms) + " ms";
  return std::nullopt;
}

std::optional<price> paper_exchange::distance_price(const stop_distance& d, price from, bool below,
                                                    std::optional<double> atr) const {
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

std::optional<money> paper_exchange::entry_budget(price px) const {
  auto equity = account().equity(px);
  if (!equity)
    return std::nullopt;
  money budget = std::max(money{}, vx_.quote_free());
  if (sizing_.type == sizing_spec::kind::percent_of_equity)
    budget = std::min(budget, apply_bps(*equity, sizing_.percent_bps).value_or(money{}));
  else if (sizing_.type == sizing_spec::kind::quote)
    budget = std::min(budget, sizing_.amount);
  if (risk_.max_position_quote)
    budget = std::min(budget, *risk_.max_position_quote);
  return budget;
}

std::optional<quantity> paper_exchange::entry_quantity(price px, std::optional<double> atr, bps fee) const {
  auto budget = entry_budget(px);
  auto gross_px = adjust_price_bps(px, fee); // leave room for the fee
  if (!budget || !gross_px)
    return std::nullopt;
  auto affordable = quantity_for(*budget, *gross_px, params_.qty_step);
  if (!affordable)
    return std::nullopt;
  // gross_px, the notional and the fee are each rounded once, so the sized quantity can cost a
  // few 1e-8 more than the budget: step down until it fits.
  quantity q = *affordable;
  while (q.is_positive()) {
    auto value = notional(px, q);
    auto f = value ? apply_bps(*value, fee) : std::nullopt;
    if (!f || *value + *f <= *budget)
      break;
    q -= params_.qty_step;
  }
  std::optional<quantity> wanted;
  if (sizing_.type == sizing_spec::kind::base) {
    wanted = sizing_.qty;
  } else if (sizing_.type == sizing_spec::kind::risk_percent) {
    auto equity = account().equity(px);
    auto stop = distance_price(risk_.stop_loss, px, true, atr);
    auto at_risk = equity ? apply_bps(*equity, sizing_.percent_bps) : std::nullopt;
    if (!stop || !at_risk || *stop >= px)
      return quantity{}; // no stop distance to size from
    wanted = quantity_for(*at_risk, px - *stop, params_.qty_step);
  }
  if (!wanted)
    return q;
  // Fixed or risk-based sizes are rounded to the step and capped by what the budget allows.
  quantity stepped = quantity::from_raw((wanted->raw() / params_.qty_step.raw()) * params_.qty_step.raw());
  return std::min(stepped, q);
}

void paper_exchange::submit_entry(decision why, std::optional<double> atr, exchange_output& out) {
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
    req.qty = entry_quantity(req.limit_px, atr, fee).value_or(quantity{});
    send(req, order_role::entry, std::move(why), atr, out);
    return;
  }
  req.type = order_type::market;
  auto px = adjust_price_bps(*ref, params_.slippage_bps);
  auto qty = px ? entry_quantity(*px, atr, params_.taker_fee_bps) : std::nullopt;
  bool by_budget = sizing_.type == sizing_spec::kind::percent_of_equity || sizing_.type == sizing_spec::kind::quote;
  auto budget = px ? entry_budget(*px) : std::nullopt;
  if (qty && !by_budget && sizing_.type == sizing_spec::kind::base && budget) {
    // A fixed size the budget caps is sent as that budget, like a budget-sized one.
    quantity stepped = quantity::from_raw((sizing_.qty.raw() / params_.qty_step.raw()) * params_.qty_step.raw());
    by_budget = *qty < stepped;
  }
  if (by_budget && budget && budget->is_positive())
    req.quote_budget = *budget; // spends at most this, fees included, at the prices it meets on arrival
  else
    req.qty = qty.value_or(quantity{});
  send(req, order_role::entry, std::move(why), atr, out);
}

void paper_exchange::submit_exit(decision why, exchange_output& out) {
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

void paper_exchange::arm_protection(price entry, std::optional<double> atr, int64_t ts, exchange_output& out) {
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
  if (risk_.protection == protection_mode::exchange)
    place_protection(ts, out);
}

void paper_exchange::place_protection(int64_t ts, exchange_output& out) {
  quantity q = floor_to_step(rules_, vx_.base_free());
  if (!q.is_positive())
    return;
  struct leg {
    order_request req;
    decision why;
  };
  std::vector<leg> legs;
  if (target_px_.is_positive()) {
    order_request r;
    r.type = order_type::limit;
    r.order_side = side::sell;
    r.qty = q;
    r.limit_px = round_to_tick(rules_, target_px_, side::sell);
    legs.push_back({r, decision{ts, "take_profit", "limit sell at " + r.limit_px.to_string(), "", 0}});
  }
  if (stop_px_.is_positive()) {
    order_request r;
    r.type = order_type::stop_loss;
    r.order_side = side::sell;
    r.qty = q;
    r.stop_px = round_to_tick(rules_, stop_px_, side::sell);
    legs.push_back({r, decision{ts, "stop_loss", "stop at " + r.stop_px.to_string(), "", 0}});
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
      r.stop_px = round_to_tick(rules_, *act, side::sell);
    legs.push_back({r, decision{ts, "trailing_stop",
                                "callback " + r.callback_bps.to_string() + " bps" +
                                  (r.stop_px.is_positive() ? ", activation " + r.stop_px.to_string() : std::string()),
                                "", 0}});
  }
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

void paper_exchange::disarm(int64_t ts) {
  stop_px_ = target_px_ = trail_anchor_ = trail_distance_ = price{};
  trail_bps_.reset();
  last_exit_ms_ = ts;
}

void paper_exchange::check_protection(const market_event& ev, exchange_output& out) {
  if (!account().position_qty().is_positive() || entry_id_ != 0 || exit_id_ != 0)
    return;
  price open, high, low;
  if (auto t = std::get_if<trade>(&ev.data)) {
    open = high = low = t->px;
  } else if (auto q = std::get_if<book_ticker>(&ev.data)) {
    if (!q->bid_px.is_positive())
      return;
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
    return;
  decision d;
  d.ts_event_ms = ev.ts_event_ms;
  d.rule = rule_name;
  d.inputs = std::string(bar ? "bar low=" + low.to_string() + ", high=" + high.to_string() : "price=" + low.to_string()) +
             ", level=" + level.to_string();
  if (!bar) {
    submit_exit(std::move(d), out);
    return;
  }
  // Crossed inside the bar: a stop fills at its level or, gapped through, at the open; a take
  // profit at its limit.
  price reference = stop_rule ? std::min(open, level) : level;
  exchange_events e;
  d.ts_event_ms = std::max(ev.ts_event_ms, vx_.now_ms());
  quantity q = floor_to_step(rules_, account().position_qty());
  int64_t id = vx_.execute_at(side::sell, q, reference, d.ts_event_ms, e);
  decided(d, id, bar_exit_request(q), 0, out);
  track(id, order_role::exit, std::move(d), std::nullopt, -1);
  absorb(e, out);
}

void paper_exchange::cancel_all(int64_t ts, exchange_output& out) {
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

void paper_exchange::cancel_pending(int64_t ts_event_ms, exchange_output& out) { cancel_all(ts_event_ms, out); }

void paper_exchange::flatten(int64_t ts_event_ms, exchange_output& out) {
  cancel_all(ts_event_ms, out);
  quantity q = floor_to_step(rules_, account().position_qty());
  if (!q.is_positive())
    return;
  int64_t at = std::max(ts_event_ms, vx_.now_ms());
  decision d{at, "flatten", "operator stop", "", 0};
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

void paper_exchange::track_equity(int64_t ts_event_ms) {
  auto mark = market().mark();
  if (!mark)
    return;
  int64_t day = utc_day(ts_event_ms);
  std::array<int64_t, 4> inputs{mark->raw(), account().position_qty().raw(), account().cash().raw(), day};
  if (inputs == equity_inputs_)
    return;
  equity_inputs_ = inputs;
  auto equity = account().equity(*mark);
  if (!equity)
    return;
  if (*equity > peak_equity_)
    peak_equity_ = *equity;
  if (day != day_start_ms_) {
    day_start_ms_ = day;
    day_start_equity_ = *equity;
  }
  if (risk_.max_drawdown_bps && !halted_for_good_) {
    auto limit = apply_bps(peak_equity_, *risk_.max_drawdown_bps);
    if (limit && peak_equity_ - *equity >= *limit)
      halted_for_good_ = true;
  }
  if (risk_.max_daily_loss_bps && halted_day_ms_ != day) {
    auto limit = apply_bps(day_start_equity_, *risk_.max_daily_loss_bps);
    if (limit && day_start_equity_ - *equity >= *limit)
      halted_day_ms_ = day;
  }
}

} // namespace pt
