#include "core/paper_exchange.hpp"

#include <algorithm>
#include <cmath>

namespace pt {

namespace {

constexpr int64_t day_ms = 86'400'000;

int64_t utc_day(int64_t ts_ms) { return ts_ms - ((ts_ms % day_ms) + day_ms) % day_ms; }

std::string describe_fill(const fill& f) {
  return std::string(to_string(f.fill_side)) + " " + f.qty.to_string() + " filled at " + f.px.to_string() +
         " (order " + std::to_string(f.order_id) + ")";
}

} // namespace

void market_state::apply(const market_event& ev) {
  ts_event_ms_ = ev.ts_event_ms;
  if (auto t = std::get_if<trade>(&ev.data)) {
    last_trade_ = t->px;
  } else if (auto q = std::get_if<book_ticker>(&ev.data)) {
    bid_ = q->bid_px;
    ask_ = q->ask_px;
    seen_ticker_ = true;
  } else if (auto k = std::get_if<kline>(&ev.data)) {
    last_close_ = k->close;
  } else if (auto d = std::get_if<book_depth>(&ev.data)) {
    depth_ = *d;
    if (!seen_ticker_) {
      bid_ = d->bids.empty() ? std::nullopt : std::optional<price>(d->bids.front().px);
      ask_ = d->asks.empty() ? std::nullopt : std::optional<price>(d->asks.front().px);
    }
  }
}

std::optional<price> market_state::mark() const {
  if (bid_ && ask_)
    return price::from_raw(*mul_div_raw(bid_->raw() + ask_->raw(), 1, 2));
  if (last_trade_)
    return last_trade_;
  return last_close_;
}

std::optional<price> market_fill_reference(side s, const market_state& state) {
  auto quote = s == side::buy ? state.best_ask() : state.best_bid();
  if (quote)
    return quote;
  return state.last_trade();
}

fill_params session_fill_params(const execution_params& p) {
  fill_params f = p.overrides.apply(fill_profile_params(p.profile));
  f.taker_fee_bps = p.taker_fee_bps;
  f.maker_fee_bps = p.maker_fee_bps;
  f.slippage_bps = f.slippage_bps + p.slippage_bps;
  return f;
}

paper_exchange::paper_exchange(money initial_cash, execution_params params, sizing_spec sizing, risk_spec risk,
                               std::optional<grid_spec> grid)
  : params_(params), sizing_(sizing), risk_(risk), ledger_(initial_cash), fill_(session_fill_params(params)),
    peak_equity_(initial_cash) {
  if (grid) {
    grid_.emplace(*grid);
    grid_qty_ = grid->qty_per_level;
    grid_buying_ = grid->filter_rule.empty(); // a filter that has not spoken yet is not a yes
  }
}

price paper_exchange::trailing_stop_price() const {
  if (!ledger_.position_qty().is_positive())
    return price{};
  if (trail_bps_)
    return adjust_price_bps(trail_anchor_, -*trail_bps_).value_or(price{});
  if (trail_distance_.is_positive())
    return std::max(price{}, trail_anchor_ - trail_distance_);
  return price{};
}

void paper_exchange::on_market(const market_event& ev, exchange_output& out) {
  market_.apply(ev);
  view_.apply(ev);
  if (auto d = std::get_if<book_depth>(&ev.data))
    memory_.refresh(*d);
  if (std::holds_alternative<book_depth>(ev.data))
    return; // the book's top informs fills; trades, quotes and bars drive stops and the equity curve
  auto k = std::get_if<kline>(&ev.data);
  kline_feed_ = k != nullptr;
  if (k && !pending_.empty()) {
    auto waiting = std::move(pending_);
    pending_.clear();
    for (auto& p : waiting)
      execute(std::move(p), k->open, k->open_time_ms, out); // it traded at the open
  }
  if (grid_)
    run_grid(ev, out);
  else
    check_protection(ev, out);
  track_equity(ev.ts_event_ms);
}

void paper_exchange::run_grid(const market_event& ev, exchange_output& out) {
  price high, low;
  if (auto t = std::get_if<trade>(&ev.data)) {
    high = low = t->px;
  } else if (auto k = std::get_if<kline>(&ev.data)) {
    high = k->high;
    low = k->low;
  } else {
    return;
  }
  bool buying = grid_buying_ && !paused_ && !halted_for_good_ && utc_day(ev.ts_event_ms) != halted_day_ms_;
  for (auto& intent : grid_->on_prices(high, low, buying)) {
    order o;
    o.order_id = next_order_id_++;
    o.ts_event_ms = ev.ts_event_ms;
    o.order_side = intent.buy ? side::buy : side::sell;
    o.qty = intent.buy ? grid_qty_ : std::min(grid_qty_, ledger_.position_qty());
    decision d{ev.ts_event_ms, intent.buy ? "grid_buy" : "grid_sell",
               "level " + std::to_string(intent.buy ? intent.level : intent.level + 1) + " = " +
                 grid_->levels()[static_cast<size_t>(intent.buy ? intent.level : intent.level + 1)].to_string(),
               "", 0};
    fill f;
    f.order_id = o.order_id;
    f.ts_event_ms = ev.ts_event_ms;
    f.fill_side = o.order_side;
    f.px = intent.px;
    f.qty = o.qty;
    auto value = notional(f.px, f.qty);
    auto fee = value ? apply_bps(*value, params_.maker_fee_bps) : std::nullopt;
    f.fee = fee.value_or(money{});
    f.role = liquidity::maker;
    auto why = fee ? ledger_.apply(f) : reject_reason::overflow;
    if (why != reject_reason::none) {
      // A refused buy waits until the price has been above its level again, instead of being
      // retried (and logged) on every trade.
      grid_->refused(intent);
      reject(o, why, std::move(d), out);
      continue;
    }
    grid_->filled(intent);
    f.fill_id = next_fill_id_++;
    o.status = order_status::filled;
    out.orders.push_back(o);
    out.fills.push_back(f);
    d.order_id = o.order_id;
    d.action = describe_fill(f);
    out.decisions.push_back(std::move(d));
  }
}

void paper_exchange::on_signal(const signal& sig, std::optional<double> atr, exchange_output& out) {
  if (grid_) {
    grid_buying_ = !sig.grid_filter || sig.entry;
    return;
  }
  if (!pending_.empty())
    return; // one order at a time: the previous decision has not filled yet
  bool long_now = ledger_.position_qty().is_positive();
  if (long_now && sig.exit) {
    submit(side::sell, decision{sig.ts_event_ms, "exit", sig.inputs, "", 0}, atr, out);
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
    submit(side::buy, std::move(d), atr, out);
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

void paper_exchange::submit(side s, decision why, std::optional<double> atr, exchange_output& out) {
  pending_order p;
  p.o.order_id = next_order_id_++;
  p.o.ts_event_ms = why.ts_event_ms;
  p.o.order_side = s;
  p.o.status = order_status::accepted;
  p.why = std::move(why);
  p.atr = atr;
  out.orders.push_back(p.o);
  if (kline_feed_) {
    pending_.push_back(std::move(p));
    return;
  }
  auto reference = market_fill_reference(s, market_);
  if (!reference) {
    reject(p.o, reject_reason::no_price, std::move(p.why), out);
    return;
  }
  int64_t ts = p.o.ts_event_ms;
  execute(std::move(p), *reference, ts, out, true);
}

void paper_exchange::reject(order o, reject_reason why, decision d, exchange_output& out) {
  o.status = order_status::rejected;
  o.reason = why;
  out.orders.push_back(o);
  d.order_id = o.order_id;
  d.action = std::string("rejected: ") + to_string(why);
  out.decisions.push_back(std::move(d));
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

std::optional<quantity> paper_exchange::entry_quantity(price px, std::optional<double> atr) const {
  auto equity = ledger_.equity(px);
  if (!equity)
    return std::nullopt;
  auto gross_px = adjust_price_bps(px, params_.taker_fee_bps); // leave room for the fee
  if (!gross_px)
    return std::nullopt;
  money budget = ledger_.cash();
  std::optional<quantity> wanted;
  switch (sizing_.type) {
    case sizing_spec::kind::percent_of_equity:
      budget = std::min(budget, apply_bps(*equity, sizing_.percent_bps).value_or(money{}));
      break;
    case sizing_spec::kind::quote: budget = std::min(budget, sizing_.amount); break;
    case sizing_spec::kind::base: wanted = sizing_.qty; break;
    case sizing_spec::kind::risk_percent: {
      auto stop = distance_price(risk_.stop_loss, px, true, atr);
      auto at_risk = apply_bps(*equity, sizing_.percent_bps);
      if (!stop || !at_risk || *stop >= px)
        return quantity{}; // no stop distance to size from
      wanted = quantity_for(*at_risk, px - *stop, params_.qty_step);
      break;
    }
  }
  if (risk_.max_position_quote)
    budget = std::min(budget, *risk_.max_position_quote);
  auto affordable = quantity_for(budget, *gross_px, params_.qty_step);
  if (!affordable)
    return std::nullopt;
  if (!wanted)
    return affordable;
  // Fixed or risk-based sizes are rounded to the step and capped by what the budget allows.
  quantity stepped = quantity::from_raw((wanted->raw() / params_.qty_step.raw()) * params_.qty_step.raw());
  return std::min(stepped, *affordable);
}

void paper_exchange::execute(pending_order p, price reference, int64_t ts_event_ms, exchange_output& out, bool walk) {
  if (walk && fill_.walk_book && view_.depth && execute_walking(p, reference, ts_event_ms, out))
    return;
  order& o = p.o;
  o.ts_event_ms = ts_event_ms;
  bps against = o.order_side == side::buy ? params_.slippage_bps : -params_.slippage_bps;
  auto px = adjust_price_bps(reference, against);
  if (!px || !px->is_positive()) {
    reject(o, reject_reason::overflow, std::move(p.why), out);
    return;
  }
  if (o.order_side == side::sell) {
    o.qty = ledger_.position_qty();
  } else {
    auto qty = entry_quantity(*px, p.atr);
    if (!qty) {
      reject(o, reject_reason::overflow, std::move(p.why), out);
      return;
    }
    // gross_px, the notional and the fee are each rounded once, so the sized quantity can cost a
    // few 1e-8 more than the cash: step down until the fill is affordable.
    while (qty->is_positive()) {
      auto value = notional(*px, *qty);
      auto fee = value ? apply_bps(*value, params_.taker_fee_bps) : std::nullopt;
      if (!fee || *value + *fee <= ledger_.cash())
        break; // affordable (or an overflow, reported below)
      *qty -= params_.qty_step;
    }
    o.qty = *qty;
  }
  fill f;
  f.order_id = o.order_id;
  f.ts_event_ms = ts_event_ms;
  f.fill_side = o.order_side;
  f.px = *px;
  f.qty = o.qty;
  auto value = notional(f.px, f.qty);
  auto fee = value ? apply_bps(*value, params_.taker_fee_bps) : std::nullopt;
  if (!fee) {
    reject(o, reject_reason::overflow, std::move(p.why), out);
    return;
  }
  f.fee = *fee;
  f.role = liquidity::taker;
  if (auto why = ledger_.apply(f); why != reject_reason::none) {
    reject(o, why, std::move(p.why), out);
    return;
  }
  f.fill_id = next_fill_id_++;
  filled(p, {f}, ts_event_ms, out);
}

void paper_exchange::filled(pending_order& p, const std::vector<fill>& fills, int64_t ts_event_ms,
                            exchange_output& out) {
  order& o = p.o;
  o.status = order_status::filled;
  money value;
  for (const auto& f : fills)
    value += notional(f.px, f.qty).value_or(money{});
  out.orders.push_back(o);
  out.fills.insert(out.fills.end(), fills.begin(), fills.end());
  p.why.order_id = o.order_id;
  price avg = fills.size() == 1 ? fills.front().px : average_price(value, o.qty).value_or(fills.front().px);
  p.why.action = fills.size() == 1 ? describe_fill(fills.front())
                                   : std::string(to_string(o.order_side)) + " " + o.qty.to_string() +
                                       " filled at " + avg.to_string() + " on average over " +
                                       std::to_string(fills.size()) + " book levels (order " +
                                       std::to_string(o.order_id) + ")";
  out.decisions.push_back(std::move(p.why));
  if (o.order_side == side::buy) {
    arm_protection(avg, p.atr);
  } else {
    stop_px_ = target_px_ = trail_anchor_ = trail_distance_ = price{};
    trail_bps_.reset();
    last_exit_ms_ = ts_event_ms;
  }
}

bool paper_exchange::execute_walking(pending_order& p, price reference, int64_t ts_event_ms, exchange_output& out) {
  order& o = p.o;
  o.ts_event_ms = ts_event_ms;
  taker_want want;
  want.order_side = o.order_side;
  want.step = params_.qty_step;
  if (o.order_side == side::sell) {
    want.qty = ledger_.position_qty();
  } else {
    bps against = params_.slippage_bps;
    auto px = adjust_price_bps(reference, against);
    auto qty = px ? entry_quantity(*px, p.atr) : std::nullopt;
    if (!qty)
      return false; // the one-price path reports the overflow
    want.qty = *qty;
    want.budget = ledger_.cash(); // deeper levels cost more: never more than the cash, fees included
  }
  if (!want.qty.is_positive())
    return false; // the one-price path rejects a zero quantity as before
  auto slices = taker_slices(want, view_, fill_, memory_);
  if (slices.empty())
    return false;
  std::vector<fill> fills;
  quantity total;
  side book_side = o.order_side == side::buy ? side::sell : side::buy;
  for (const auto& s : slices) {
    fill f;
    f.order_id = o.order_id;
    f.ts_event_ms = ts_event_ms;
    f.fill_side = o.order_side;
    f.px = s.px;
    f.qty = s.qty;
    auto value = notional(f.px, f.qty);
    auto fee = value ? apply_bps(*value, params_.taker_fee_bps) : std::nullopt;
    if (!fee)
      break;
    f.fee = *fee;
    f.role = liquidity::taker;
    if (ledger_.apply(f) != reject_reason::none)
      break;
    if (s.from_book && fill_.remember_liquidity)
      memory_.take(book_side, s.book_px, s.qty, s.shown);
    f.fill_id = next_fill_id_++;
    fills.push_back(f);
    total += f.qty;
  }
  if (fills.empty()) {
    reject(o, o.order_side == side::buy ? reject_reason::insufficient_cash : reject_reason::insufficient_position,
           std::move(p.why), out);
    return true;
  }
  o.qty = total;
  filled(p, fills, ts_event_ms, out);
  return true;
}

void paper_exchange::arm_protection(price entry, std::optional<double> atr) {
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

void paper_exchange::check_protection(const market_event& ev, exchange_output& out) {
  if (!ledger_.position_qty().is_positive() || !pending_.empty())
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
  pending_order p;
  p.o.order_id = next_order_id_++;
  p.o.ts_event_ms = ev.ts_event_ms;
  p.o.order_side = side::sell;
  p.why = std::move(d);
  out.orders.push_back(p.o);
  std::optional<price> reference;
  if (bar) // crossed inside the bar: a stop fills at its level or, gapped through, at the open;
    reference = stop_rule ? std::min(open, level) : level; // a take profit at its limit

  else
    reference = market_fill_reference(side::sell, market_);
  if (!reference) {
    reject(p.o, reject_reason::no_price, std::move(p.why), out);
    return;
  }
  execute(std::move(p), *reference, ev.ts_event_ms, out, !bar);
}

void paper_exchange::cancel_pending(int64_t ts_event_ms, exchange_output& out) {
  for (auto& p : pending_) {
    p.o.status = order_status::canceled;
    p.o.ts_event_ms = ts_event_ms;
    out.orders.push_back(p.o);
  }
  pending_.clear();
}

void paper_exchange::flatten(int64_t ts_event_ms, exchange_output& out) {
  cancel_pending(ts_event_ms, out);
  if (!ledger_.position_qty().is_positive())
    return;
  pending_order p;
  p.o.order_id = next_order_id_++;
  p.o.ts_event_ms = ts_event_ms;
  p.o.order_side = side::sell;
  p.o.status = order_status::accepted;
  p.why = decision{ts_event_ms, "flatten", "operator stop", "", 0};
  out.orders.push_back(p.o);
  // A kline-only feed has no quote and no trade: its last close is the latest price there is.
  auto reference = market_fill_reference(side::sell, market_);
  if (!reference)
    reference = market_.mark();
  if (!reference) {
    reject(p.o, reject_reason::no_price, std::move(p.why), out);
    return;
  }
  execute(std::move(p), *reference, ts_event_ms, out, true);
}

void paper_exchange::track_equity(int64_t ts_event_ms) {
  auto mark = market_.mark();
  if (!mark)
    return;
  auto equity = ledger_.equity(*mark);
  if (!equity)
    return;
  if (*equity > peak_equity_)
    peak_equity_ = *equity;
  int64_t day = utc_day(ts_event_ms);
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
