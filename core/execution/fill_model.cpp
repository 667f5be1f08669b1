#include "core/execution/fill_model.hpp"

#include <algorithm>
#include <variant>

#include "core/execution/fill_fields.hpp"

namespace pt {

const char* to_string(fill_profile p) {
  switch (p) {
    case fill_profile::optimistic: return "optimistic";
    case fill_profile::realistic: return "realistic";
    case fill_profile::pessimistic: return "pessimistic";
  }
  return "unknown";
}

std::optional<fill_profile> parse_fill_profile(std::string_view name) {
  if (name == "optimistic")
    return fill_profile::optimistic;
  if (name == "realistic")
    return fill_profile::realistic;
  if (name == "pessimistic")
    return fill_profile::pessimistic;
  return std::nullopt;
}

fill_params fill_profile_params(fill_profile p) {
  fill_params f;
  switch (p) {
    case fill_profile::optimistic:
      f.half_spread_bps = bps::from_units(0);
      f.beyond_book_bps = bps::from_units(0);
      f.remember_liquidity = false;
      f.fill_on_touch = true;
      f.queue_factor_pct = 0;
      break;
    case fill_profile::realistic:
      f.submit_latency = {20, 80};
      f.ack_latency = {5, 20};
      f.cancel_latency = {20, 80};
      break;
    case fill_profile::pessimistic:
      f.slippage_bps = bps::from_units(2);
      f.half_spread_bps = bps::from_units(2);
      f.queue_factor_pct = 150;
      f.trade_share_pct = 50;
      f.beyond_book_bps = bps::from_units(10);
      f.submit_latency = {100, 300};
      f.ack_latency = {20, 50};
      f.cancel_latency = {100, 300};
      break;
  }
  return f;
}

int64_t latency_sampler::draw(const latency_range& r) {
  if (r.max_ms <= r.min_ms)
    return std::max<int64_t>(0, r.min_ms);
  std::uniform_int_distribution<int64_t> dist(r.min_ms, r.max_ms);
  return std::max<int64_t>(0, dist(gen_));
}

quantity liquidity_memory::available(side book_side, price px, quantity shown) const {
  const auto& m = book_side == side::buy ? bids_ : asks_;
  auto it = m.find(px.raw());
  if (it == m.end() || it->second.shown != shown)
    return shown;
  return std::max(quantity{}, shown - it->second.qty);
}

void liquidity_memory::take(side book_side, price px, quantity qty, quantity shown) {
  auto& m = book_side == side::buy ? bids_ : asks_;
  auto it = m.find(px.raw());
  if (it == m.end() || it->second.shown != shown)
    m[px.raw()] = taken{qty, shown};
  else
    it->second.qty += qty;
}

void liquidity_memory::refresh(const book_depth& top) {
  auto sweep = [](std::map<int64_t, taken>& m, const std::vector<book_level>& levels) {
    for (auto it = m.begin(); it != m.end();) {
      auto lv = std::find_if(levels.begin(), levels.end(), [&](const book_level& l) { return l.px.raw() == it->first; });
      if (lv == levels.end() || lv->qty != it->second.shown)
        it = m.erase(it);
      else
        ++it;
    }
  };
  sweep(bids_, top.bids);
  sweep(asks_, top.asks);
}

void liquidity_memory::refresh(const book_ticker& q) {
  auto sweep = [](std::map<int64_t, taken>& m, price px, quantity qty) {
    for (auto it = m.begin(); it != m.end();) {
      if (it->first != px.raw() || it->second.shown != qty)
        it = m.erase(it);
      else
        ++it;
    }
  };
  sweep(bids_, q.bid_px, q.bid_qty);
  sweep(asks_, q.ask_px, q.ask_qty);
}

namespace {

// How much of `avail` at execution price `px` a taker may take given what is still wanted.
quantity take_at(const taker_want& want, price px, quantity avail, quantity wanted_left,
                 std::optional<money>& budget_left, const fill_params& params) {
  quantity q = avail;
  if (want.qty.is_positive())
    q = std::min(q, wanted_left);
  if (budget_left) {
    // The most this budget buys at px with the taker fee on top, rounded down to the step.
    auto gross = adjust_price_bps(px, params.taker_fee_bps);
    if (!gross)
      return quantity{};
    quantity step = want.step.is_positive() ? want.step : quantity::from_raw(1);
    auto affordable = quantity_for(*budget_left, *gross, step);
    if (!affordable)
      return quantity{};
    q = std::min(q, *affordable);
    // gross, the notional and the fee round separately: step down until it really fits.
    while (q.is_positive()) {
      auto value = notional(px, q);
      auto fee = value ? apply_bps(*value, params.taker_fee_bps) : std::nullopt;
      if (fee && *value + *fee <= *budget_left) {
        *budget_left -= *value + *fee;
        break;
      }
      q -= step;
    }
  }
  return std::max(quantity{}, q);
}

} // namespace

std::vector<fill_slice> taker_slices(const taker_want& want, const market_view& view, const fill_params& params,
                                     const liquidity_memory& memory) {
  std::vector<fill_slice> out;
  bool buy = want.order_side == side::buy;
  side book_side = buy ? side::sell : side::buy; // a buy takes the asks
  bps against = buy ? params.slippage_bps : -params.slippage_bps;
  quantity left = want.qty;
  std::optional<money> budget = want.budget;
  bool bounded = want.qty.is_positive() || budget.has_value();
  if (!bounded)
    return out;
  auto done = [&] { return (want.qty.is_positive() && !left.is_positive()) || (budget && !budget->is_positive()); };
  auto within_limit = [&](price px) { return !want.limit_px || (buy ? px <= *want.limit_px : px >= *want.limit_px); };

  auto offer = [&](price book_px, quantity shown, bool from_book) {
    auto px = adjust_price_bps(book_px, against);
    if (!px || !px->is_positive())
      return false;
    if (want.limit_px) // slippage never fills a limit order past its limit
      px = buy ? std::min(*px, *want.limit_px) : std::max(*px, *want.limit_px);
    quantity avail = from_book && params.remember_liquidity ? memory.available(book_side, book_px, shown) : shown;
    if (!from_book)
      avail = want.qty.is_positive() ? left : quantity::from_units(1'000'000);
    if (!avail.is_positive())
      return true; // taken already: look further
    quantity q = take_at(want, *px, avail, left, budget, params);
    if (!q.is_positive())
      return false; // the budget is spent
    out.push_back({*px, q, book_px, from_book ? shown : quantity{}, from_book});
    left -= q;
    return true;
  };

  if (params.walk_book && view.depth) {
    const auto& levels = buy ? view.depth->asks : view.depth->bids;
    // The L1 stream is the faster one: depth levels better than its quote have gone already.
    std::optional<price> l1;
    if (view.quote)
      l1 = buy ? view.quote->ask_px : view.quote->bid_px;
    std::optional<price> worst;
    bool stopped = false;
    for (const auto& l : levels) {
      if (l1 && (buy ? l.px < *l1 : l.px > *l1))
        continue;
      if (done() || !within_limit(l.px)) {
        stopped = true;
        break;
      }
      worst = l.px;
      if (!offer(l.px, l.qty, true)) {
        stopped = true;
        break;
      }
    }
    if (!worst && l1 && !stopped && within_limit(*l1)) { // every level shown is stale: the quote is all there is
      worst = *l1;
      offer(*l1, buy ? view.quote->ask_qty : view.quote->bid_qty, true);
    }
    if (!stopped && !done() && worst) {
      auto past = adjust_price_bps(*worst, buy ? params.beyond_book_bps : -params.beyond_book_bps);
      if (past && within_limit(*past))
        offer(*past, quantity{}, false);
    }
    return out;
  }
  if (view.quote || view.depth) {
    auto best = buy ? view.best_ask() : view.best_bid();
    if (best && within_limit(*best))
      offer(*best, view.qty_at(book_side, *best), true);
    return out;
  }
  if (view.last_trade) {
    auto px = adjust_price_bps(*view.last_trade, buy ? params.half_spread_bps : -params.half_spread_bps);
    if (px && within_limit(*px))
      offer(*px, quantity{}, false);
  }
  return out;
}

bool fill_overrides::empty() const {
  for (auto& f : fill_fields())
    if (std::visit([&](auto member) { return (this->*member.in_overrides).has_value(); }, f.member))
      return false;
  return true;
}

fill_params fill_overrides::apply(fill_params f) const {
  for (auto& field : fill_fields())
    std::visit(
      [&](auto member) {
        if (auto& v = this->*member.in_overrides)
          f.*member.in_params = *v;
      },
      field.member);
  return f;
}

} // namespace pt
