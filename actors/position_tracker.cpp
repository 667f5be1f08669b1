#include "actors/position_tracker.hpp"

#include <algorithm>
#include <chrono>
#include <functional>
#include <optional>

#include <spdlog/spdlog.h>

#include "actors/fill_latency.hpp"
#include "actors/session_activity.hpp"
#include "actors/session_stage.hpp"
#include "core/metrics/performance_feed.hpp"

namespace pt {

namespace {

int64_t wall_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
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
  s.fills = r.fill_count;
  s.events = r.events;
  s.max_drawdown = r.max_drawdown;
  s.last_event_ms = r.final.ts_event_ms;
  return s;
}

position_tracker_actor::behavior_type position_tracker(position_tracker_actor::stateful_pointer<position_tracker_state> self,
                                                       session_config cfg, tracker_supervisor_actor supervisor,
                                                       persister_actor persister) {
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
  r.performance = initial_performance(cfg);
  r.bounded_history = persister && !cfg.keep_full_history;
  if (cfg.start.is_restart()) { // a restart goes on with the counters and fills of before
    const auto& rs = cfg.start;
    r.events = rs.events;
    r.add_history(rs.fills, {});
    feed_in_time_order(r.performance, rs.fills, {});
    r.max_drawdown = rs.max_drawdown;
    r.final.set_figures(rs.account);
    r.final.equity = rs.account.cash; // valued once a price is known
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
  auto store_command = [self, persister](session_command command, int64_t events) {
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
        if (o.status == exec_status::rejected || o.status == exec_status::denied)
          ++r.orders_rejected;
      r.add_history(b.replayed_fills, {});
      r.add_history(b.fills, b.decisions);
      // Replayed fills (from before a restore's cut, whose points are dropped) first, then the batch's.
      feed_in_time_order(r.performance, b.replayed_fills, {});
      feed_in_time_order(r.performance, b.fills, b.equity);
      r.final = b.account;
      r.max_drawdown = std::max(b.max_drawdown, cfg.start.max_drawdown);
      bool refeeding = cfg.start.refeeding(r.events);
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
    [store_command](pause_atom, int64_t events) { store_command(session_command::pause, events); },
    [store_command](resume_atom, int64_t events) { store_command(session_command::resume, events); },
    [self, supervisor, store](stop_atom, bool) {
      auto& r = self->state.report;
      r.status = session_status::stopped;
      persist_batch p;
      p.session_id = r.session_id;
      p.account = r.final;
      p.status = session_status::stopped;
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
