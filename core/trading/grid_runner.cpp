#include "core/trading/grid_runner.hpp"

#include <algorithm>
#include <string>

namespace pt {

grid_runner::grid_runner(const grid_spec& spec) : grid_(spec), qty_(spec.qty_per_level) {
  buying_ = spec.filter_rule.empty(); // a filter that has not spoken yet is not a yes
  size_t n = grid_.levels().size();
  buy_id_.assign(n, 0);
  sell_id_.assign(n, 0);
  lot_.assign(n, quantity{});
  refused_.assign(n, false);
}

void grid_runner::run(const market_event& ev, bool may_buy, const symbol_rules& rules, grid_orders& orders) {
  price high;
  if (auto t = std::get_if<trade>(&ev.data))
    high = t->px;
  else if (auto k = std::get_if<kline>(&ev.data))
    high = k->high;
  else
    return;
  bool buying = buying_ && may_buy;
  grid_.observe(high);
  const auto& lv = grid_.levels();
  int64_t ts = ev.ts_event_ms;
  // Sales of the lots held (once their buy is done), then buys from the highest armed level down:
  // the order the price falls through them, so the cash goes to the nearest levels first.
  for (size_t i = 0; i + 1 < lv.size(); ++i) {
    if (!lot_[i].is_positive() || buy_id_[i] != 0 || sell_id_[i] != 0)
      continue;
    order_request r;
    r.type = order_type::limit;
    r.order_side = side::sell;
    r.qty = floor_to_step(rules, std::min(lot_[i], orders.base_free()));
    r.limit_px = round_to_tick(rules, lv[i + 1], side::sell);
    if (r.qty.is_positive())
      orders.place(r, false, static_cast<int>(i), decision{ts, "grid_sell", grid_level_inputs(i + 1, lv[i + 1]), "", 0});
  }
  for (size_t i = lv.size() - 1; i-- > 0;) { // the top level only ever sells
    if (lot_[i].is_positive())
      continue;
    if (buy_id_[i] != 0) {
      if (!buying) // paused: the resting buy is withdrawn
        orders.withdraw(buy_id_[i], ts);
      continue;
    }
    if (buying && grid_.armed(static_cast<int>(i)) && !refused_[i]) {
      order_request r;
      r.type = order_type::limit;
      r.order_side = side::buy;
      r.qty = qty_;
      r.limit_px = round_to_tick(rules, lv[i], side::buy);
      orders.place(r, true, static_cast<int>(i), decision{ts, "grid_buy", grid_level_inputs(i, lv[i]), "", 0});
    }
  }
}

void grid_runner::on_placed(bool buy, int level, int64_t id) {
  (buy ? buy_id_ : sell_id_)[static_cast<size_t>(level)] = id;
}

void grid_runner::on_fill(bool buy, int level, quantity qty) {
  auto i = static_cast<size_t>(level);
  lot_[i] = buy ? lot_[i] + qty : std::max(quantity{}, lot_[i] - qty);
}

void grid_runner::on_done(bool buy, int level, int64_t id, const exchange_order& xo) {
  auto i = static_cast<size_t>(level);
  if (buy) {
    if (buy_id_[i] == id)
      buy_id_[i] = 0;
    if (lot_[i].is_positive())
      grid_.filled({true, level, xo.req.limit_px});
    else if (xo.status == exec_status::rejected)
      refused_[i] = true;
    return;
  }
  if (sell_id_[i] == id)
    sell_id_[i] = 0;
  if (!lot_[i].is_positive()) {
    grid_.filled({false, level, xo.req.limit_px});
    std::fill(refused_.begin(), refused_.end(), false); // the cash grew: refused buys may go again
  }
}

} // namespace pt
