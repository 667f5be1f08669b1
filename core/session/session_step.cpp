#include "core/session/session_step.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>

namespace pt {

namespace {

// How many outputs of each kind there are: where a batch's outputs start, or where they start to
// be new for a restored session.
struct output_counts {
  size_t orders = 0;
  size_t fills = 0;
  size_t decisions = 0;
  size_t equity = 0;
};

output_counts counts_of(const step_output& out) {
  return {out.orders.size(), out.fills.size(), out.decisions.size(), out.equity.size()};
}

template <class T>
void erase_range(std::vector<T>& v, size_t from, size_t to) {
  v.erase(v.begin() + static_cast<std::ptrdiff_t>(from), v.begin() + static_cast<std::ptrdiff_t>(to));
}

// A restarted session takes up the account of its last commit; others start with the initial cash.
ledger starting_account(const session_config& cfg) {
  return cfg.start.is_restart() ? ledger(cfg.initial_cash, cfg.start.account) : ledger(cfg.initial_cash);
}

} // namespace

session_step::session_step(const session_config& cfg, const compiled_strategy& strategy)
  : start_(cfg.start), risk_atr_(strategy.risk_atr),
    exchange_(starting_account(cfg), cfg.execution, cfg.strategy.sizing, cfg.strategy.risk, cfg.strategy.grid,
              cfg.strategy.order),
    curve_(cfg.equity_interval_ms), events_(cfg.start.is_restart() ? cfg.start.events : 0) {}

bool session_step::at_position(int64_t position, step_output& out) {
  for (; next_pause_ < start_.pauses.size() && start_.pauses[next_pause_].first <= position; ++next_pause_)
    exchange_.set_paused(start_.pauses[next_pause_].second);
  if (!start_.is_restore() || restore_checked_ || position < start_.events)
    return false;
  restore_checked_ = true;
  // The stored status wins over commands whose own rows did not make it before a crash
  // (the status is written first, by the supervisor).
  if (next_pause_ == start_.pauses.size() && exchange_.paused() != start_.paused)
    exchange_.set_paused(start_.paused);
  out.restored = restore_check{position, exchange_.account().figures(), start_.account};
  return true;
}

// A restarted session numbers its orders and fills after the highest stored ones: its fresh
// virtual exchange counts from 1 again, so every id it hands out is moved by the stored maximum.
void session_step::renumber(exchange_output& out, size_t orders_from, size_t fills_from,
                            size_t decisions_from) const {
  if (!start_.is_restart() || (start_.order_id_offset == 0 && start_.fill_id_offset == 0))
    return;
  for (auto o = out.orders.begin() + static_cast<std::ptrdiff_t>(orders_from); o != out.orders.end(); ++o) {
    o->order_id += start_.order_id_offset;
    if (o->report && o->report->order_id > 0)
      o->report->order_id += start_.order_id_offset;
  }
  for (auto f = out.fills.begin() + static_cast<std::ptrdiff_t>(fills_from); f != out.fills.end(); ++f) {
    f->fill_id += start_.fill_id_offset;
    f->order_id += start_.order_id_offset;
  }
  for (auto d = out.decisions.begin() + static_cast<std::ptrdiff_t>(decisions_from); d != out.decisions.end(); ++d)
    if (d->order_id > 0)
      d->order_id += start_.order_id_offset;
}

void session_step::on_event(const market_event& ev, uint32_t index, const std::vector<bar_closed>& bars,
                            size_t& next_row, const std::vector<signal_raised>& signals, size_t& next_signal,
                            std::optional<double>& atr, step_output& out) {
  size_t fills_before = out.fills.size();
  exchange_.on_market(ev, out);
  bool bar_closed_here = false;
  for (; next_row < bars.size() && bars[next_row].event_index == index; ++next_row) {
    bar_closed_here = bar_closed_here || bars[next_row].closed;
    if (risk_atr_) {
      double v = bars[next_row].values[*risk_atr_];
      atr = std::isnan(v) ? std::nullopt : std::optional<double>(v);
    }
  }
  // The decision is acted on right after the event that raised it.
  for (; next_signal < signals.size() && signals[next_signal].event_index == index; ++next_signal)
    exchange_.on_signal(signals[next_signal].sig, atr, out);
  bool filled = out.fills.size() != fills_before;
  if (bar_closed_here || filled)
    if (auto mark = exchange_.market().mark())
      if (auto p = curve_.on_mark(ev.ts_event_ms, exchange_.account(), *mark, filled))
        out.equity.push_back(*p);
}

void session_step::on_batch(const market_event* events, size_t count, const std::vector<bar_closed>& bars,
                            const std::vector<signal_raised>& signals, step_output& out) {
  size_t next_signal = 0;
  size_t next_row = 0;
  std::optional<double> atr;
  if (start_.kind == start_kind::fresh && start_.pauses.empty()) {
    // A fresh session with no stored commands: nothing to cut, apply or renumber.
    for (size_t i = 0; i < count; ++i)
      on_event(events[i], static_cast<uint32_t>(i), bars, next_row, signals, next_signal, atr, out);
    events_ += static_cast<int64_t>(count);
    return;
  }
  const output_counts base = counts_of(out);
  // Outputs before `cut` belong to events a restored session had already committed.
  output_counts cut = base;
  for (size_t i = 0; i < count; ++i) {
    if (at_position(events_ + static_cast<int64_t>(i), out))
      cut = counts_of(out);
    on_event(events[i], static_cast<uint32_t>(i), bars, next_row, signals, next_signal, atr, out);
  }
  events_ += static_cast<int64_t>(count);
  if (at_position(events_, out))
    cut = counts_of(out);
  if (start_.is_restore() && !restore_checked_) // the whole batch is before the restore position
    cut = counts_of(out);
  renumber(out, base.orders, base.fills, base.decisions);
  out.replayed_fills.insert(out.replayed_fills.end(), out.fills.begin() + static_cast<std::ptrdiff_t>(base.fills),
                            out.fills.begin() + static_cast<std::ptrdiff_t>(cut.fills));
  erase_range(out.orders, base.orders, cut.orders);
  erase_range(out.fills, base.fills, cut.fills);
  erase_range(out.decisions, base.decisions, cut.decisions);
  erase_range(out.equity, base.equity, cut.equity);
}

int64_t session_step::on_stop(bool flatten, step_output& out) {
  const output_counts base = counts_of(out);
  int64_t ts = exchange_.market().ts_event_ms;
  if (flatten)
    exchange_.flatten(ts, out);
  else
    exchange_.cancel_pending(ts, out);
  renumber(out, base.orders, base.fills, base.decisions);
  // The cancels and the flatten are carried out after their latency: the point that shows
  // their fills is at the clock they left the exchange at, never before them.
  ts = std::max(ts, exchange_.executor().now_ms());
  auto mark = exchange_.market().mark();
  if (mark && out.fills.size() != base.fills)
    if (auto p = curve_.on_mark(ts, exchange_.account(), *mark, true))
      out.equity.push_back(*p);
  return ts;
}

} // namespace pt
