#include "core/paper_exchange.hpp"

namespace pt {

void market_state::apply(const market_event& ev) {
  ts_event_ms_ = ev.ts_event_ms;
  if (auto t = std::get_if<trade>(&ev.data)) {
    last_trade_ = t->px;
  } else if (auto q = std::get_if<book_ticker>(&ev.data)) {
    bid_ = q->bid_px;
    ask_ = q->ask_px;
  } else if (auto k = std::get_if<kline>(&ev.data)) {
    last_close_ = k->close;
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

paper_exchange::paper_exchange(money initial_cash, execution_params params, bps position_size_bps)
  : params_(params), position_size_bps_(position_size_bps), ledger_(initial_cash) {}

void paper_exchange::on_market(const market_event& ev, exchange_output& out) {
  market_.apply(ev);
  auto k = std::get_if<kline>(&ev.data);
  kline_feed_ = k != nullptr;
  if (!k || pending_.empty())
    return;
  auto waiting = std::move(pending_);
  pending_.clear();
  for (auto& o : waiting)
    execute(o, k->open, ev.ts_event_ms, out);
}

void paper_exchange::on_signal(const signal& sig, exchange_output& out) {
  if (!pending_.empty())
    return; // one order at a time: the previous decision has not filled yet
  order o;
  o.ts_event_ms = sig.ts_event_ms;
  if (ledger_.position_qty().is_positive() && sig.exit) {
    o.order_side = side::sell;
  } else if (ledger_.position_qty().is_zero() && sig.entry) {
    o.order_side = side::buy;
  } else {
    return;
  }
  o.order_id = next_order_id_++;
  o.status = order_status::accepted;
  out.orders.push_back(o);
  if (kline_feed_) {
    pending_.push_back(o);
    return;
  }
  auto reference = market_fill_reference(o.order_side, market_);
  if (!reference) {
    reject(o, reject_reason::no_price, out);
    return;
  }
  execute(o, *reference, sig.ts_event_ms, out);
}

void paper_exchange::reject(order o, reject_reason why, exchange_output& out) {
  o.status = order_status::rejected;
  o.reason = why;
  out.orders.push_back(o);
}

void paper_exchange::execute(order o, price reference, int64_t ts_event_ms, exchange_output& out) {
  o.ts_event_ms = ts_event_ms;
  bps against = o.order_side == side::buy ? params_.slippage_bps : -params_.slippage_bps;
  auto px = adjust_price_bps(reference, against);
  if (!px || !px->is_positive()) {
    reject(o, reject_reason::overflow, out);
    return;
  }
  if (o.order_side == side::sell) {
    o.qty = ledger_.position_qty();
  } else {
    // Budget a share of equity; leave room for the fee so the buy is always affordable.
    auto equity = ledger_.equity(*px);
    auto budget = equity ? apply_bps(*equity, position_size_bps_) : std::nullopt;
    auto gross_px = adjust_price_bps(*px, params_.taker_fee_bps);
    auto qty = budget && gross_px ? quantity_for(std::min(*budget, ledger_.cash()), *gross_px, params_.qty_step)
                                  : std::nullopt;
    if (!qty) {
      reject(o, reject_reason::overflow, out);
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
    reject(o, reject_reason::overflow, out);
    return;
  }
  f.fee = *fee;
  f.role = liquidity::taker;
  if (auto why = ledger_.apply(f); why != reject_reason::none) {
    reject(o, why, out);
    return;
  }
  f.fill_id = next_fill_id_++;
  o.status = order_status::filled;
  out.orders.push_back(o);
  out.fills.push_back(f);
}

} // namespace pt
