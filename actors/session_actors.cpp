#include "actors/session_actors.hpp"

#include <chrono>
#include <cmath>
#include <ctime>
#include <algorithm>
#include <functional>
#include <limits>
#include <exception>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "actors/fill_latency.hpp"
#include "actors/messages.hpp"
#include "actors/session_activity.hpp"

namespace pt {

namespace {

// Compiles the session's strategy; on failure ends the actor (and through its links, the session).
template <class Self>
std::optional<compiled_strategy> compile_or_quit(Self* self, const session_config& cfg) {
  std::vector<strategy_rule_error> errors;
  auto compiled = compile_strategy(cfg.strategy, errors);
  if (compiled)
    return compiled;
  std::string all;
  for (auto& e : errors)
    all += (all.empty() ? "" : "; ") + e.rule + " rule, column " + std::to_string(e.error.offset + 1) + ": " +
           e.error.message;
  spdlog::error("session {} ({}): strategy does not compile: {}", cfg.session_id, cfg.name, all);
  self->quit(caf::make_error(caf::sec::invalid_argument, all));
  return std::nullopt;
}

// A handler that throws ends the actor (and through its links the session); the reason keeps
// the exception's text so the failure says what went wrong, not just "runtime_error".
template <class Self>
void keep_exception_text(Self* self) {
  self->set_exception_handler([](std::exception_ptr& eptr) -> caf::error {
    try {
      std::rethrow_exception(eptr);
    } catch (const std::exception& e) {
      return caf::make_error(caf::sec::runtime_error, std::string("exception: ") + e.what());
    } catch (...) {
      return caf::make_error(caf::sec::runtime_error, "an exception of unknown type");
    }
  });
}

int64_t wall_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

// "2024-08-08 22:59" (UTC) for logs.
std::string utc_minute(int64_t ts_ms) {
  std::time_t t = static_cast<std::time_t>(ts_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  return buf;
}

// Where a batch's outputs start to be new (see `paper_executor`): counts of each kind before.
struct replay_cut {
  size_t orders = 0;
  size_t fills = 0;
  size_t decisions = 0;
  size_t equity = 0;
};

// A restored session at its restore position: its re-fed account against the stored one.
void check_restored(const session_config& cfg, const ledger& l, int64_t position) {
  const auto& rs = cfg.restore;
  int differences = (l.cash() != rs.cash) + (l.position_qty() != rs.position_qty) +
                    (l.realized_pnl() != rs.realized_pnl) + (l.fees() != rs.fees);
  if (differences == 0) {
    spdlog::info("session {} ({}) restored: {} events re-fed, account as stored (cash {}, position {}, fees {}); "
                 "continuing from event {}",
                 cfg.session_id, cfg.name, position, rs.cash.to_string(), rs.position_qty.to_string(),
                 rs.fees.to_string(), position + 1);
    return;
  }
  spdlog::warn("session {} ({}) restored with {} difference(s) after {} events re-fed: cash {} (stored {}), "
               "position {} (stored {}), realized {} (stored {}), fees {} (stored {})",
               cfg.session_id, cfg.name, differences, position, l.cash().to_string(), rs.cash.to_string(),
               l.position_qty().to_string(), rs.position_qty.to_string(), l.realized_pnl().to_string(),
               rs.realized_pnl.to_string(), l.fees().to_string(), rs.fees.to_string());
}

// A restarted session numbers its orders and fills after the highest stored ones: its fresh
// virtual exchange counts from 1 again, so every id it hands out is moved by the stored maximum.
void renumber(const session_resume& r, exchange_output& out) {
  if (!r.active || (r.order_id_offset == 0 && r.fill_id_offset == 0))
    return;
  for (auto& o : out.orders) {
    o.order_id += r.order_id_offset;
    if (o.report && o.report->order_id > 0)
      o.report->order_id += r.order_id_offset;
  }
  for (auto& f : out.fills) {
    f.fill_id += r.fill_id_offset;
    f.order_id += r.order_id_offset;
  }
  for (auto& d : out.decisions)
    if (d.order_id > 0)
      d.order_id += r.order_id_offset;
}

// A restarted session takes up the account of its last commit. paper_exchange offers no way to
// set its ledger (it is built fresh from the initial cash), so the committed figures replace the
// fresh ledger through its accessor; `ex` itself is not const, so this is a well-defined write.
// Protective prices armed at the original entry are not carried (docs/operations.md).
void take_up_account(const session_config& cfg, paper_exchange& ex) {
  const auto& r = cfg.resume;
  const_cast<ledger&>(ex.account()) =
    ledger::with_figures(cfg.initial_cash, r.cash, r.position_qty, r.cost_basis, r.realized_pnl, r.fees);
}

} // namespace

session_summary summary_of(const session_report& r) {
  session_summary s;
  s.session_id = r.session_id;
  s.name = r.name;
  s.strategy = r.strategy;
  s.symbol = r.symbol;
  s.status = r.status;
  s.failure = r.failure;
  s.account = r.final;
  s.fills = static_cast<int64_t>(r.fills.size());
  s.events = r.events;
  s.max_drawdown = r.max_drawdown;
  s.last_event_ms = r.final.ts_event_ms;
  return s;
}

namespace {

// Keeps the indicator columns of a bar's row for `indicators_atom`, at most `history_bars` bars.
void remember_indicators(indicator_engine_state& st, const series_row& row) {
  auto& r = st.recent;
  if (!r.open_times_ms.empty() && row.bar.open_time_ms <= r.open_times_ms.back())
    return;
  if (r.open_times_ms.size() >= indicator_engine_state::history_bars) {
    r.open_times_ms.erase(r.open_times_ms.begin(), r.open_times_ms.begin() + indicator_engine_state::history_bars / 4);
    r.values.erase(r.values.begin(), r.values.begin() + indicator_engine_state::history_bars / 4);
  }
  std::vector<double> v;
  v.reserve(st.indicator_columns.size());
  for (auto c : st.indicator_columns)
    v.push_back(c < row.values.size() ? row.values[c] : std::numeric_limits<double>::quiet_NaN());
  r.open_times_ms.push_back(row.bar.open_time_ms);
  r.values.push_back(std::move(v));
}

} // namespace

indicator_history last_bars(const indicator_history& h, int64_t n) {
  size_t rows = std::min(h.open_times_ms.size(), h.values.size());
  auto keep = static_cast<size_t>(std::clamp<int64_t>(n, 0, static_cast<int64_t>(rows)));
  indicator_history out;
  out.timeframe_ms = h.timeframe_ms;
  out.names = h.names;
  out.series_timeframes_ms = h.series_timeframes_ms;
  out.open_times_ms.assign(h.open_times_ms.begin() + static_cast<std::ptrdiff_t>(rows - keep),
                           h.open_times_ms.begin() + static_cast<std::ptrdiff_t>(rows));
  out.values.assign(h.values.begin() + static_cast<std::ptrdiff_t>(rows - keep),
                    h.values.begin() + static_cast<std::ptrdiff_t>(rows));
  return out;
}

caf::behavior indicator_engine(caf::stateful_actor<indicator_engine_state>* self, session_config cfg,
                               caf::actor next, caf::actor supervisor) {
  keep_exception_text(self);
  self->link_to(next);
  auto compiled = compile_or_quit(self, cfg);
  if (!compiled)
    return {};
  self->state.engine.emplace(*compiled);
  for (auto& s : compiled->series)
    self->state.series_names.push_back(s.name);
  self->state.recent.timeframe_ms = cfg.strategy.timeframe_ms;
  for (size_t c = 0; c < compiled->series.size(); ++c)
    if (compiled->series[c].indicator >= 0) {
      self->state.indicator_columns.push_back(c);
      self->state.recent.names.push_back(compiled->series[c].name);
      self->state.recent.series_timeframes_ms.push_back(compiled->series[c].timeframe_ms);
    }
  // The pipeline ends after these: the supervisor keeps the series for the pages read later.
  auto hand_over = [self, supervisor, id = cfg.session_id] {
    if (supervisor)
      self->send(supervisor, indicators_atom::value, id, self->state.recent);
  };
  return {
    [self, cfg](const warmup_history& w) {
      for (size_t i = 0; i < w.timeframes_ms.size() && i < w.bars.size(); ++i) {
        const auto& bars = w.bars[i];
        auto taken = self->state.engine->warm(w.timeframes_ms[i], bars);
        if (taken == 0) {
          spdlog::info("session {} ({}): no {} bars to warm with", cfg.session_id, cfg.name,
                       format_timeframe(w.timeframes_ms[i]));
          continue;
        }
        spdlog::info("session {} ({}): warmed {} × {} bars for {}, {} → {}", cfg.session_id, cfg.name, taken,
                     format_timeframe(w.timeframes_ms[i]), cfg.strategy.name, utc_minute(bars.front().open_time_ms),
                     utc_minute(bars.back().close_time_ms));
      }
    },
    [self, next, cfg](const market_batch& batch) {
      fill_latency::on_stage(pipeline_stage::engine, batch.arrival_ns);
      auto& st = self->state;
      session_batch out;
      out.market = batch;
      std::vector<series_row> rows;
      const auto& events = *batch.events;
      // Bars the broadcaster built for this batch, if any: taken event by event.
      const batch_candles* shared = batch.candles.get();
      const closed_candle* next_bar = shared ? shared->closed.data() : nullptr;
      const closed_candle* bars_end = shared ? next_bar + shared->closed.size() : nullptr;
      for (size_t i = 0; i < events.size(); ++i) {
        const auto& ev = events[i];
        if (auto k = std::get_if<kline>(&ev.data); k && !st.warned_kline_interval &&
                                                   k->close_time_ms - k->open_time_ms + 1 > cfg.strategy.timeframe_ms) {
          st.warned_kline_interval = true;
          spdlog::warn("session {} ({}): klines of {} are longer than the strategy's {} timeframe; "
                       "each kline is taken as one bar input",
                       cfg.session_id, cfg.name, format_timeframe(k->close_time_ms - k->open_time_ms + 1),
                       format_timeframe(cfg.strategy.timeframe_ms));
        }
        rows.clear();
        if (shared) {
          auto first = next_bar;
          while (next_bar != bars_end && next_bar->event_index <= i)
            ++next_bar;
          st.engine->on_event(ev, *shared, first, next_bar, rows);
        } else {
          st.engine->on_event(ev, rows);
        }
        for (auto& row : rows) {
          if (!st.evaluated) {
            st.evaluated = true;
            std::string values;
            for (size_t c = 0; c < row.values.size() && c < st.series_names.size(); ++c)
              values += (values.empty() ? "" : ", ") + st.series_names[c] + "=" +
                        (std::isnan(row.values[c]) ? std::string("unknown") : fmt::format("{:.8g}", row.values[c]));
            spdlog::info("session {} ({}): first evaluation at {}: {}", cfg.session_id, cfg.name, ev.ts_event_ms,
                         values);
          }
          if (row.bar_closed)
            remember_indicators(st, row);
          bar_closed bc;
          bc.event_index = static_cast<uint32_t>(i);
          bc.closed = row.bar_closed;
          bc.bar = row.bar;
          bc.values = std::move(row.values);
          out.bars.push_back(std::move(bc));
        }
      }
      self->send(next, std::move(out));
    },
    [self](indicators_atom, int64_t n) { return last_bars(self->state.recent, n); },
    [self, next, hand_over](end_data_atom) {
      hand_over();
      self->send(next, end_data_atom::value);
    },
    [self, next](pause_atom) { self->send(next, pause_atom::value); },
    [self, next](resume_atom) { self->send(next, resume_atom::value); },
    [self, next, hand_over](stop_atom, bool flatten) {
      hand_over();
      self->send(next, stop_atom::value, flatten);
    },
  };
}

caf::behavior signal_detector(caf::stateful_actor<signal_detector_state>* self, session_config cfg,
                              caf::actor next) {
  keep_exception_text(self);
  self->link_to(next);
  auto compiled = compile_or_quit(self, cfg);
  if (!compiled)
    return {};
  self->state.rules.emplace(*compiled);
  return {
    [self, next](session_batch& b) {
      fill_latency::on_stage(pipeline_stage::detector, b.market.arrival_ns);
      const auto& events = *b.market.events;
      for (auto& row : b.bars) {
        // The decision is made when the event that closed the bar (or the tick) arrives.
        if (auto sig = self->state.rules->on_row(events[row.event_index].ts_event_ms, row.values))
          b.signals.push_back({row.event_index, std::move(*sig)});
      }
      self->send(next, std::move(b));
    },
    [self, next](end_data_atom) { self->send(next, end_data_atom::value); },
    [self, next](pause_atom) { self->send(next, pause_atom::value); },
    [self, next](resume_atom) { self->send(next, resume_atom::value); },
    [self, next](stop_atom, bool flatten) { self->send(next, stop_atom::value, flatten); },
  };
}

caf::behavior paper_executor(caf::stateful_actor<paper_executor_state>* self, session_config cfg,
                             caf::actor next) {
  keep_exception_text(self);
  self->link_to(next);
  auto compiled = compile_or_quit(self, cfg);
  if (!compiled)
    return {};
  self->state.exchange.emplace(cfg.initial_cash, cfg.execution, cfg.strategy.sizing, cfg.strategy.risk,
                              cfg.strategy.grid, cfg.strategy.order);
  self->state.curve.emplace(cfg.equity_interval_ms);
  self->state.risk_atr = compiled->risk_atr;
  if (cfg.resume.active) {
    take_up_account(cfg, *self->state.exchange);
    self->state.events = cfg.resume.events;
  }
  // Fault injection (tests only): this start throws on its n-th market event.
  auto fault_index = static_cast<size_t>(cfg.resume.restart);
  int64_t fail_after = fault_index < cfg.fail_after_events.size() ? cfg.fail_after_events[fault_index] : 0;
  int64_t started_at = self->state.events;
  return {
    [self, next, cfg, fail_after, started_at](session_batch& b) {
      fill_latency::on_stage(pipeline_stage::executor, b.market.arrival_ns);
      auto& st = self->state;
      auto& ex = *st.exchange;
      auto& curve = *st.curve;
      const auto& events = *b.market.events;
      exchange_output out;
      size_t next_signal = 0;
      size_t next_row = 0;
      std::optional<double> atr;
      // Outputs before this point belong to events a restored session had already committed.
      replay_cut cut;
      auto at_position = [&](int64_t position) {
        const auto& rs = cfg.restore;
        for (; st.next_pause < rs.pauses.size() && rs.pauses[st.next_pause].first <= position; ++st.next_pause)
          ex.set_paused(rs.pauses[st.next_pause].second);
        if (!rs.active || st.restore_checked || position < rs.events)
          return;
        st.restore_checked = true;
        // The stored status wins over commands whose own rows did not make it before a crash
        // (the status is written first, by the supervisor).
        if (st.next_pause == rs.pauses.size() && ex.paused() != rs.paused)
          ex.set_paused(rs.paused);
        cut = {out.orders.size(), out.fills.size(), out.decisions.size(), b.equity.size()};
        check_restored(cfg, ex.account(), position);
      };
      for (size_t i = 0; i < events.size(); ++i) {
        at_position(st.events + static_cast<int64_t>(i));
        if (fail_after > 0 && st.events + static_cast<int64_t>(i) - started_at + 1 == fail_after)
          throw std::runtime_error("injected failure at market event " + std::to_string(fail_after) +
                                   " of this start");
        size_t fills_before = out.fills.size();
        ex.on_market(events[i], out);
        bool bar_closed_here = false;
        for (; next_row < b.bars.size() && b.bars[next_row].event_index == i; ++next_row) {
          bar_closed_here = bar_closed_here || b.bars[next_row].closed;
          if (st.risk_atr) {
            double v = b.bars[next_row].values[*st.risk_atr];
            atr = std::isnan(v) ? std::nullopt : std::optional<double>(v);
          }
        }
        for (; next_signal < b.signals.size() && b.signals[next_signal].event_index == i; ++next_signal)
          ex.on_signal(b.signals[next_signal].sig, atr, out);
        bool filled = out.fills.size() != fills_before;
        if (bar_closed_here || filled) {
          if (auto mark = ex.market().mark())
            if (auto p = curve.on_mark(events[i].ts_event_ms, ex.account(), *mark, filled))
              b.equity.push_back(*p);
        }
      }
      st.events += static_cast<int64_t>(events.size());
      at_position(st.events);
      if (cfg.restore.active && !st.restore_checked) // the whole batch is before the restore position
        cut = {out.orders.size(), out.fills.size(), out.decisions.size(), b.equity.size()};
      renumber(cfg.resume, out);
      b.replayed_fills.assign(out.fills.begin(), out.fills.begin() + static_cast<std::ptrdiff_t>(cut.fills));
      out.orders.erase(out.orders.begin(), out.orders.begin() + static_cast<std::ptrdiff_t>(cut.orders));
      out.fills.erase(out.fills.begin(), out.fills.begin() + static_cast<std::ptrdiff_t>(cut.fills));
      out.decisions.erase(out.decisions.begin(), out.decisions.begin() + static_cast<std::ptrdiff_t>(cut.decisions));
      b.equity.erase(b.equity.begin(), b.equity.begin() + static_cast<std::ptrdiff_t>(cut.equity));
      b.orders = std::move(out.orders);
      b.fills = std::move(out.fills);
      b.decisions = std::move(out.decisions);
      int64_t ts = events.empty() ? 0 : events.back().ts_event_ms;
      b.account = snapshot_of(ex.account(), ex.market().mark().value_or(price{}), ts);
      b.max_drawdown = curve.max_drawdown();
      self->send(next, std::move(b));
    },
    [self, next](end_data_atom) { self->send(next, end_data_atom::value); },
    [self, next, cfg](pause_atom) {
      self->state.exchange->set_paused(true);
      spdlog::info("session {} ({}) paused after {} events: no new entries; protective exits go on", cfg.session_id,
                   cfg.name, self->state.events);
      self->send(next, pause_atom::value, self->state.events);
    },
    [self, next, cfg](resume_atom) {
      self->state.exchange->set_paused(false);
      spdlog::info("session {} ({}) resumed after {} events", cfg.session_id, cfg.name, self->state.events);
      self->send(next, resume_atom::value, self->state.events);
    },
    [self, next, cfg](stop_atom, bool flatten) {
      // The operator's stop, after every batch the session was sent: what is pending is
      // cancelled and, with `flatten`, the position sold; then the tracker makes its report final.
      auto& st = self->state;
      auto& ex = *st.exchange;
      int64_t ts = ex.market().ts_event_ms();
      exchange_output out;
      if (flatten)
        ex.flatten(ts, out);
      else
        ex.cancel_pending(ts, out);
      renumber(cfg.resume, out);
      session_batch b;
      b.market.symbol = cfg.symbol;
      b.market.events = std::make_shared<const std::vector<market_event>>();
      auto mark = ex.market().mark();
      // The cancels and the flatten are carried out after their latency: the point that shows
      // their fills is at the clock they left the exchange at, never before them.
      ts = std::max(ts, ex.executor().now_ms());
      if (mark && !out.fills.empty())
        if (auto p = st.curve->on_mark(ts, ex.account(), *mark, true))
          b.equity.push_back(*p);
      b.orders = std::move(out.orders);
      b.fills = std::move(out.fills);
      b.decisions = std::move(out.decisions);
      b.account = snapshot_of(ex.account(), mark.value_or(price{}), ts);
      b.max_drawdown = st.curve->max_drawdown();
      self->send(next, std::move(b));
      self->send(next, stop_atom::value, flatten);
    },
  };
}

caf::behavior position_tracker(caf::stateful_actor<position_tracker_state>* self, session_config cfg,
                               caf::actor supervisor, caf::actor persister) {
  keep_exception_text(self);
  auto& r = self->state.report;
  r.session_id = cfg.session_id;
  r.name = cfg.name;
  r.strategy = cfg.strategy.name;
  r.symbol = cfg.symbol;
  r.initial_cash = cfg.initial_cash;
  r.equity_interval_ms = cfg.equity_interval_ms;
  r.slippage_bps = cfg.execution.slippage_bps;
  r.final.initial_cash = cfg.initial_cash;
  r.final.cash = cfg.initial_cash;
  r.final.equity = cfg.initial_cash;
  if (cfg.resume.active) { // a restart goes on with the counters and fills of before
    const auto& rs = cfg.resume;
    r.events = rs.events;
    r.fills = rs.fills;
    r.max_drawdown = rs.max_drawdown;
    r.final.cash = rs.cash;
    r.final.position_qty = rs.position_qty;
    r.final.cost_basis = rs.cost_basis;
    r.final.realized_pnl = rs.realized_pnl;
    r.final.fees = rs.fees;
    r.final.equity = rs.cash; // valued once a price is known
  }
  // Stores `p`; `then(committed)` runs once it is committed (true) or its commit failed (false).
  auto store = [self, persister](persist_batch p, std::function<void(bool)> then) {
    if (!persister) {
      then(true);
      return;
    }
    ++self->state.acks_pending;
    self->request(persister, caf::infinite, await_atom::value, std::move(p))
      .then(
        [self, then](ok_atom) {
          --self->state.acks_pending;
          then(true);
        },
        [self, then](caf::error& err) {
          --self->state.acks_pending;
          spdlog::error("session {}: a batch was not stored: {}", self->state.report.session_id,
                        self->system().render(err));
          then(false);
        });
  };
  auto store_command = [self, persister](const char* command, int64_t events) {
    if (!persister)
      return;
    persist_batch p;
    p.session_id = self->state.report.session_id;
    p.command = command;
    p.feed_events = events;
    self->send(persister, std::move(p));
  };
  return {
    [self, supervisor, persister, cfg, store](session_batch& b) {
      auto& r = self->state.report;
      bool filled = !b.fills.empty();
      fill_latency::on_stage(pipeline_stage::tracker, b.market.arrival_ns);
      fill_latency::on_fills(b.market.arrival_ns, b.fills.size());
      r.events += static_cast<int64_t>(batch_size(b.market));
      for (auto& row : b.bars)
        r.bars += row.closed ? 1 : 0;
      for (auto& o : b.orders)
        if (o.status == order_status::rejected)
          ++r.orders_rejected;
      r.fills.insert(r.fills.end(), b.replayed_fills.begin(), b.replayed_fills.end());
      r.fills.insert(r.fills.end(), b.fills.begin(), b.fills.end());
      r.decisions.insert(r.decisions.end(), b.decisions.begin(), b.decisions.end());
      r.equity.insert(r.equity.end(), b.equity.begin(), b.equity.end());
      r.final = b.account;
      r.max_drawdown = std::max(b.max_drawdown, cfg.resume.max_drawdown);
      bool refeeding = cfg.restore.active && r.events < cfg.restore.events;
      if (persister && (!b.orders.empty() || !b.fills.empty() || !b.equity.empty() || !b.decisions.empty())) {
        persist_batch p;
        p.session_id = r.session_id;
        p.orders = std::move(b.orders);
        p.fills = std::move(b.fills);
        p.equity = std::move(b.equity);
        p.decisions = std::move(b.decisions);
        p.account = b.account;
        p.feed_events = r.events;
        // Fills are reported (to the supervisor, and through it to API clients) once committed.
        auto summary = summary_of(r);
        std::optional<session_activity> activity;
        if (!refeeding && (!p.orders.empty() || !p.fills.empty() || !p.decisions.empty()))
          activity = session_activity{r.session_id, p.orders, p.fills, p.decisions};
        size_t new_fills = p.fills.size();
        store(std::move(p), [self, supervisor, summary, filled, arrival_ns = b.market.arrival_ns, new_fills,
                             activity = std::move(activity)](bool committed) {
          auto& st = self->state;
          if (committed)
            fill_latency::on_committed(arrival_ns, new_fills);
          if (committed && activity)
            self->send(supervisor, *activity);
          if (filled && committed) {
            st.last_progress_wall_ms = wall_ms();
            self->send(supervisor, summary);
          } else if (!filled && st.acks_pending == 0 &&
                     wall_ms() - st.last_progress_wall_ms >= position_tracker_state::progress_interval_ms) {
            // Everything counted so far is committed: the latest figures may go out.
            st.last_progress_wall_ms = wall_ms();
            self->send(supervisor, summary_of(st.report));
          }
        });
        if (filled)
          return;
      } else if (!persister && !refeeding && (!b.orders.empty() || !b.fills.empty() || !b.decisions.empty())) {
        // Nothing is stored: the batch's activity goes out at once.
        self->send(supervisor, session_activity{r.session_id, b.orders, b.fills, b.decisions});
      }
      if (filled && !persister) {
        self->state.last_progress_wall_ms = wall_ms();
        self->send(supervisor, summary_of(r));
        return;
      }
      // Progress without fills: at most every `progress_interval_ms` of wall time, and only when
      // every fill counted in it is committed; none while a restored session is re-fed.
      auto now = wall_ms();
      if (!refeeding && self->state.acks_pending == 0 &&
          now - self->state.last_progress_wall_ms >= position_tracker_state::progress_interval_ms) {
        self->state.last_progress_wall_ms = now;
        self->send(supervisor, summary_of(r));
      }
    },
    [store_command](pause_atom, int64_t events) { store_command("pause", events); },
    [store_command](resume_atom, int64_t events) { store_command("resume", events); },
    [self, supervisor, store](stop_atom, bool) {
      auto& r = self->state.report;
      r.status = "stopped";
      persist_batch p;
      p.session_id = r.session_id;
      p.account = r.final;
      p.status = "stopped";
      p.feed_events = r.events;
      store(std::move(p), [self, supervisor](bool) { self->send(supervisor, self->state.report); });
    },
    [self, supervisor, store](end_data_atom) {
      auto& r = self->state.report;
      persist_batch p;
      p.session_id = r.session_id;
      p.account = r.final;
      // The status stays: the supervisor stores "finished" (the end of the data, with the other
      // sessions') or nothing (the run is stopping; the row stays running or paused).
      p.feed_events = r.events;
      store(std::move(p), [self, supervisor](bool) { self->send(supervisor, self->state.report); });
    },
  };
}

} // namespace pt
