#include "actors/session_actors.hpp"

#include <chrono>
#include <cmath>
#include <ctime>
#include <limits>

#include <spdlog/spdlog.h>

#include "actors/messages.hpp"

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

caf::behavior indicator_engine(caf::stateful_actor<indicator_engine_state>* self, session_config cfg,
                               caf::actor next) {
  self->link_to(next);
  auto compiled = compile_or_quit(self, cfg);
  if (!compiled)
    return {};
  self->state.engine.emplace(*compiled);
  for (auto& s : compiled->series)
    self->state.series_names.push_back(s.name);
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
    [self, next](end_data_atom) { self->send(next, end_data_atom::value); },
    [self, next](pause_atom) { self->send(next, pause_atom::value); },
    [self, next](resume_atom) { self->send(next, resume_atom::value); },
    [self, next](stop_atom, bool flatten) { self->send(next, stop_atom::value, flatten); },
  };
}

caf::behavior signal_detector(caf::stateful_actor<signal_detector_state>* self, session_config cfg,
                              caf::actor next) {
  self->link_to(next);
  auto compiled = compile_or_quit(self, cfg);
  if (!compiled)
    return {};
  self->state.rules.emplace(*compiled);
  return {
    [self, next](session_batch& b) {
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
  self->link_to(next);
  auto compiled = compile_or_quit(self, cfg);
  if (!compiled)
    return {};
  self->state.exchange.emplace(cfg.initial_cash, cfg.execution, cfg.strategy.sizing, cfg.strategy.risk,
                              cfg.strategy.grid);
  self->state.curve.emplace(cfg.equity_interval_ms);
  self->state.risk_atr = compiled->risk_atr;
  return {
    [self, next](session_batch& b) {
      auto& st = self->state;
      auto& ex = *st.exchange;
      auto& curve = *st.curve;
      const auto& events = *b.market.events;
      exchange_output out;
      size_t next_signal = 0;
      size_t next_row = 0;
      std::optional<double> atr;
      for (size_t i = 0; i < events.size(); ++i) {
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
      b.orders = std::move(out.orders);
      b.fills = std::move(out.fills);
      b.decisions = std::move(out.decisions);
      int64_t ts = events.empty() ? 0 : events.back().ts_event_ms;
      b.account = snapshot_of(ex.account(), ex.market().mark().value_or(price{}), ts);
      b.max_drawdown = curve.max_drawdown();
      self->send(next, std::move(b));
    },
    [self, next](end_data_atom) { self->send(next, end_data_atom::value); },
    [self, cfg](pause_atom) {
      self->state.exchange->set_paused(true);
      spdlog::info("session {} ({}) paused: no new entries; protective exits go on", cfg.session_id, cfg.name);
    },
    [self, cfg](resume_atom) {
      self->state.exchange->set_paused(false);
      spdlog::info("session {} ({}) resumed", cfg.session_id, cfg.name);
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
      session_batch b;
      b.market.symbol = cfg.symbol;
      b.market.events = std::make_shared<const std::vector<market_event>>();
      auto mark = ex.market().mark();
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
  return {
    [self, supervisor, persister](session_batch& b) {
      auto& r = self->state.report;
      bool filled = !b.fills.empty();
      r.events += static_cast<int64_t>(batch_size(b.market));
      for (auto& row : b.bars)
        r.bars += row.closed ? 1 : 0;
      for (auto& o : b.orders)
        if (o.status == order_status::rejected)
          ++r.orders_rejected;
      r.fills.insert(r.fills.end(), b.fills.begin(), b.fills.end());
      r.decisions.insert(r.decisions.end(), b.decisions.begin(), b.decisions.end());
      r.equity.insert(r.equity.end(), b.equity.begin(), b.equity.end());
      r.final = b.account;
      r.max_drawdown = b.max_drawdown;
      if (persister && (!b.orders.empty() || !b.fills.empty() || !b.equity.empty() || !b.decisions.empty())) {
        persist_batch p;
        p.session_id = r.session_id;
        p.orders = std::move(b.orders);
        p.fills = std::move(b.fills);
        p.equity = std::move(b.equity);
        p.decisions = std::move(b.decisions);
        p.account = b.account;
        self->send(persister, std::move(p));
      }
      // Progress for the supervisor: at most one message per batch, and only when the batch
      // filled or `progress_interval_ms` of wall time have passed since the last one.
      auto now = wall_ms();
      if (filled || now - self->state.last_progress_wall_ms >= position_tracker_state::progress_interval_ms) {
        self->state.last_progress_wall_ms = now;
        self->send(supervisor, summary_of(r));
      }
    },
    [self, supervisor, persister](stop_atom, bool) {
      auto& r = self->state.report;
      r.status = "stopped";
      if (persister) {
        persist_batch p;
        p.session_id = r.session_id;
        p.account = r.final;
        p.status = "stopped";
        self->send(persister, std::move(p));
      }
      self->send(supervisor, r);
    },
    [self, supervisor, persister](end_data_atom) {
      auto& r = self->state.report;
      if (persister) {
        persist_batch p;
        p.session_id = r.session_id;
        p.account = r.final;
        p.status = "finished";
        self->send(persister, std::move(p));
      }
      self->send(supervisor, r);
    },
  };
}

} // namespace pt
