#include "core/market/market_view.hpp"

namespace pt {

void market_view::apply(const market_event& ev) {
  ts_event_ms = ev.ts_event_ms;
  if (auto t = std::get_if<trade>(&ev.data)) {
    last_trade = t->px;
    seen_tick_data = true;
  } else if (auto q = std::get_if<book_ticker>(&ev.data)) {
    quote = *q;
    seen_tick_data = true;
  } else if (auto d = std::get_if<book_depth>(&ev.data)) {
    // A top with no levels (the feed's book went out of sync) carries no prices: forget it.
    if (d->bids.empty() && d->asks.empty())
      depth.reset();
    else
      depth = *d;
    seen_tick_data = true;
  } else if (auto k = std::get_if<kline>(&ev.data)) {
    last_bar = *k;
  }
}

std::optional<price> market_view::best_bid() const {
  if (quote && quote->bid_px.is_positive())
    return quote->bid_px;
  if (depth && !depth->bids.empty())
    return depth->bids.front().px;
  return std::nullopt;
}

std::optional<price> market_view::best_ask() const {
  if (quote && quote->ask_px.is_positive())
    return quote->ask_px;
  if (depth && !depth->asks.empty())
    return depth->asks.front().px;
  return std::nullopt;
}

std::optional<price> market_view::mark() const {
  auto b = best_bid(), a = best_ask();
  if (b && a)
    return price::from_raw(*mul_div_raw(b->raw() + a->raw(), 1, 2));
  if (last_trade)
    return last_trade;
  if (last_bar)
    return last_bar->close;
  return std::nullopt;
}

quantity market_view::qty_at(side book_side, price px) const {
  if (depth) {
    const auto& levels = book_side == side::buy ? depth->bids : depth->asks;
    for (const auto& l : levels)
      if (l.px == px)
        return l.qty;
    return quantity{};
  }
  if (quote) {
    if (book_side == side::buy && quote->bid_px == px)
      return quote->bid_qty;
    if (book_side == side::sell && quote->ask_px == px)
      return quote->ask_qty;
  }
  return quantity{};
}

std::optional<price> market_fill_reference(side s, const market_view& view) {
  auto quote = s == side::buy ? view.best_ask() : view.best_bid();
  if (quote)
    return quote;
  return view.last_trade;
}

} // namespace pt
