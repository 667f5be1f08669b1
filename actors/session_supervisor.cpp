#include "actors/session_supervisor.hpp"

#include <algorithm>
#include <chrono>

#include <spdlog/spdlog.h>

#include "actors/indicator_engine.hpp"
#include "actors/messages.hpp"
#include "actors/paper_executor.hpp"
#include "actors/persister.hpp"
#include "actors/position_tracker.hpp"
#include "actors/session_activity.hpp"
#include "actors/signal_detector.hpp"
#include "wire/fill_settings_json.hpp"

namespace pt {

namespace {

using self_ptr = supervisor_actor::stateful_pointer<supervisor_state>;

constexpr auto unsub_timeout = std::chrono::seconds(30);

constexpr size_t symbol_feed_history = 1000; // bars the broadcaster keeps per timeframe (symbol_feed::history)

size_t expected_sessions(self_ptr self) { return self->state.configs.size() + self->state.created; }

int64_t steady_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

session_summary summary_of(const supervised_session& s) {
  auto out = s.progress;
  out.status = s.status;
  out.failure = s.failure;
  out.restarts = s.restarts;
  out.last_failure = s.last_failure;
  out.next_restart_ms =
    s.status == session_status::restarting ? std::max<int64_t>(0, s.restart_due_ms - steady_ms()) : 0;
  return out;
}

// Tells every watcher what is now known of `s` (after each store and status change). A typed
// actor may only `send` to typed ones, and watchers are dynamically typed: `unsafe_send_as`
// enqueues with the supervisor as sender on its own execution unit, exactly as `send` does.
void notify(self_ptr self, const supervised_session& s) {
  if (self->state.watchers.empty())
    return;
  auto summary = summary_of(s);
  for (auto& w : self->state.watchers)
    caf::unsafe_send_as(self, w, summary);
}

// The status (only) of a session, as the supervisor changes it; the tracker stores the figures.
void persist_status(self_ptr self, int64_t id, session_status status, const std::string& failure = {}) {
  if (!self->state.persister)
    return;
  persist_batch p;
  p.session_id = id;
  p.status = status;
  p.failure = failure;
  p.has_account = false;
  self->send(self->state.persister, std::move(p));
}

session_row row_of(const session_config& cfg) {
  session_row row;
  row.name = cfg.name;
  row.strategy_name = cfg.strategy.name;
  row.strategy_file = cfg.strategy_file;
  row.strategy_yaml = cfg.strategy_text;
  row.symbol = cfg.symbol;
  row.initial_cash_raw = cfg.initial_cash.raw();
  row.taker_fee_bps_raw = cfg.execution.taker_fee_bps.raw();
  row.slippage_bps_raw = cfg.execution.slippage_bps.raw();
  row.fill_settings = fill_settings_json(cfg.execution);
  row.restart_max = cfg.restart.max_restarts;
  row.restart_backoff_ms = cfg.restart.backoff_ms;
  row.restart_max_backoff_ms = cfg.restart.max_backoff_ms;
  row.qty_step_raw = cfg.execution.qty_step.raw();
  row.price_tick_raw = cfg.execution.price_tick.raw();
  row.equity_interval_ms = cfg.equity_interval_ms;
  return row;
}

std::vector<session_report> collect_reports(self_ptr self) {
  std::vector<session_report> out;
  for (auto& [id, s] : self->state.sessions)
    out.push_back(s.report);
  return out;
}

// Sends the "finished" statuses collected so far to the persister, as one message: one transaction.
void flush_settling(self_ptr self) {
  auto& st = self->state;
  if (st.settling.empty())
    return;
  if (st.persister)
    self->send(st.persister, std::move(st.settling));
  st.settling.clear();
}

void check_all_ended(self_ptr self) {
  auto& st = self->state;
  if (st.ended < expected_sessions(self))
    return;
  flush_settling(self); // before the reports: whoever waits for them finds the statuses queued
  auto reports = collect_reports(self);
  for (auto& rp : st.awaiting)
    rp.deliver(reports);
  st.awaiting.clear();
}

void check_all_settled(self_ptr self) {
  auto& st = self->state;
  if (st.settled == st.configs.size() && st.started.pending())
    st.started.deliver(ok_atom::value);
}

// The session failed and its policy allows another start: it is "restarting" until the timer.
void schedule_restart(self_ptr self, int64_t id, const std::string& why) {
  auto& s = self->state.sessions[id];
  const auto& policy = s.config.restart;
  int64_t next = s.restarts + 1;
  int64_t wait_ms = policy.backoff_before(next);
  s.paused_at_failure = s.status == session_status::paused;
  s.status = session_status::restarting;
  s.failure = why;
  s.restart_due_ms = steady_ms() + wait_ms;
  spdlog::error("session {} ({}) failed: {}; restart {}/{} in {} ms", id, s.config.name, why, next,
                policy.max_restarts, wait_ms);
  // Until it runs again its row says failed: a crash now leaves it failed, not half restarted.
  persist_status(self, id, session_status::failed, why);
  notify(self, s);
  self->delayed_send(self, std::chrono::milliseconds(wait_ms), restart_atom::value, id, s.generation);
}

void fail_session(self_ptr self, int64_t id, const std::string& why) {
  auto& s = self->state.sessions[id];
  if (has_ended(s.status))
    return;
  bool was_starting = s.status == session_status::starting;
  bool was_restarting = s.status == session_status::restarting;
  s.last_failure = why;
  if (!was_starting && !was_restarting && !s.stop_requested && !self->state.stopping &&
      s.restarts < s.config.restart.max_restarts) {
    schedule_restart(self, id, why);
    return;
  }
  s.status = session_status::failed;
  s.restart_due_ms = 0;
  s.failure = why;
  // The report keeps the figures last known.
  s.report.final = s.progress.account;
  s.report.events = s.progress.events;
  s.report.fill_count = std::max(s.report.fill_count, s.progress.fills);
  s.report.max_drawdown = s.progress.max_drawdown;
  s.report.status = s.status;
  s.report.failure = why;
  if (s.config.restart.max_restarts > 0 && !was_restarting)
    spdlog::error("session {} ({}) failed: {}; no restart left ({} of {} done){}", id, s.config.name, why, s.restarts,
                  s.config.restart.max_restarts, self->state.stopping ? " or the run is stopping" : "");
  else if (!was_restarting)
    spdlog::error("session {} ({}) failed: {}", id, s.config.name, why);
  else
    spdlog::error("session {} ({}) stays failed: {}", id, s.config.name, why);
  persist_status(self, id, session_status::failed, why);
  notify(self, s);
  ++self->state.ended;
  if (s.create_reply.pending())
    s.create_reply.deliver(make_error(session_errc::invalid_request, "session failed to start: " + why));
  if (s.stop_reply.pending())
    s.stop_reply.deliver(summary_of(s));
  if (was_starting && !s.created && !s.config.start.is_restart()) {
    ++self->state.settled;
    check_all_settled(self);
  }
  check_all_ended(self);
}

void spawn_pipeline(self_ptr self, session_config cfg, warmup_history warmup, bool created = false,
                    caf::typed_response_promise<session_summary> reply = {}) {
  auto& st = self->state;
  auto& s = st.sessions[cfg.session_id];
  s.config = cfg;
  s.status = session_status::starting;
  s.created = created;
  s.create_reply = std::move(reply);
  s.report.session_id = cfg.session_id;
  s.report.name = cfg.name;
  s.report.strategy = cfg.strategy.name;
  s.report.symbol = cfg.symbol;
  s.report.initial_cash = cfg.initial_cash;
  s.report.performance = initial_performance(cfg);
  s.report.final.initial_cash = cfg.initial_cash;
  s.report.final.cash = cfg.initial_cash;
  s.report.final.equity = cfg.initial_cash;
  s.progress = pt::summary_of(s.report);
  ++s.generation;
  if (cfg.start.is_restart()) { // what the restarted session goes on from
    const auto& rs = cfg.start;
    s.progress.events = rs.events;
    s.progress.fills = static_cast<int64_t>(rs.fills.size());
    s.progress.max_drawdown = rs.max_drawdown;
    s.progress.account.set_figures(rs.account);
  }
  auto tracker = self->spawn(position_tracker, cfg, tracker_supervisor_actor{self}, st.persister);
  st.trackers->push_back(tracker);
  auto executor = self->spawn(paper_executor, cfg, tracker);
  auto detector = self->spawn(signal_detector, cfg, executor);
  auto engine = self->spawn(indicator_engine, cfg, detector, engine_supervisor_actor{self});
  // Before the subscribe: the broadcaster's first batch can only be sent after it, so the
  // history is ahead of it in the engine's mailbox.
  if (!warmup.timeframes_ms.empty())
    self->send(engine, std::move(warmup));
  if (cfg.start.is_restart() && s.paused_at_failure) // it was paused when it failed: it comes back paused
    self->send(engine, pause_atom::value);
  s.engine = engine;
  s.tracker = tracker;
  self->monitor(tracker);
  int64_t id = cfg.session_id;
  // The broadcaster builds the bars every session on the symbol reads, once for all of them.
  std::vector<int64_t> timeframes_ms;
  std::vector<strategy_rule_error> errors;
  if (auto compiled = compile_strategy(cfg.strategy, errors))
    timeframes_ms = series_engine::shared_timeframes(*compiled);
  // A session created over the API and restored joins the replay where it first joined it.
  int64_t from_events = cfg.start.is_restart()   ? join_now_or_end
                        : cfg.start.is_restore() ? cfg.feed_start
                                                 : join_now;
  // The broadcaster's subscribers are dynamically typed (the push hub subscribes too).
  self->request(st.broadcaster, caf::infinite, subscribe_atom::value, cfg.symbol, caf::actor_cast<caf::actor>(engine),
                std::move(timeframes_ms), from_events)
    .then(
      [self, id](int64_t joined_at) {
        auto& s = self->state.sessions[id];
        if (s.status != session_status::starting)
          return;
        const auto& rs = s.config.start;
        if (rs.is_restart()) {
          s.status = s.paused_at_failure ? session_status::paused : session_status::running;
          s.failure.clear();
          s.restart_due_ms = 0;
          spdlog::info("session {} ({}) restarted ({} of {}) as {}: account as committed (cash {}, position {}, fees "
                       "{}), orders from id {}, fills from id {}, after {} events",
                       id, s.config.name, s.restarts, s.config.restart.max_restarts, to_string(s.status),
                       rs.account.cash.to_string(), rs.account.position_qty.to_string(),
                       rs.account.fees.to_string(), rs.order_id_offset + 1, rs.fill_id_offset + 1, rs.events);
          if (self->state.persister) {
            persist_batch p;
            p.session_id = id;
            p.status = s.status;
            p.has_account = false;
            p.restarts = s.restarts;
            self->send(self->state.persister, std::move(p));
          }
          notify(self, s);
          return;
        }
        if (!rs.is_restore()) {
          s.config.feed_start = joined_at;
          if (self->state.persister) { // where it joined: a restore re-feeds it from there
            persist_batch p;
            p.session_id = id;
            p.has_account = false;
            p.feed_start = joined_at;
            self->send(self->state.persister, std::move(p));
          }
        }
        s.status = rs.is_restore() && rs.paused ? session_status::paused : session_status::running;
        if (rs.is_restore())
          spdlog::info("session {} ({}) restoring as {}: {} on {}, re-feeding {} events ({} fills committed, "
                       "{} pause/resume commands)",
                       id, s.config.name, to_string(s.status), s.config.strategy.name, s.config.symbol, rs.events,
                       rs.fills_committed, rs.pauses.size());
        else
          spdlog::info("session {} ({}) running: {} on {} {}, cash {}", id, s.config.name, s.config.strategy.name,
                       s.config.symbol, format_timeframe(s.config.strategy.timeframe_ms),
                       s.config.initial_cash.to_string());
        notify(self, s);
        if (s.created) {
          if (s.create_reply.pending())
            s.create_reply.deliver(summary_of(s));
          return;
        }
        ++self->state.settled;
        check_all_settled(self);
      },
      [self, id](caf::error& err) { fail_session(self, id, "cannot subscribe: " + self->system().render(err)); });
}

// A restart waiting for the broadcaster's bars to warm it with.
struct pending_warmup {
  session_config cfg;
  std::vector<std::pair<int64_t, size_t>> needs; // (timeframe ms, bars)
  size_t next = 0;
  warmup_history warmup;
};

// Asks for the bars of the next timeframe of `p`, or spawns the pipeline once all are asked.
void warm_next(self_ptr self, int64_t id, std::shared_ptr<pending_warmup> p) {
  auto& s = self->state.sessions[id];
  if (s.status != session_status::restarting)
    return; // stopped meanwhile
  if (p->next == p->needs.size()) {
    spawn_pipeline(self, std::move(p->cfg), std::move(p->warmup), s.created);
    return;
  }
  auto [tf, bars] = p->needs[p->next++];
  self->request(self->state.broadcaster, std::chrono::seconds(5), candles_atom::value, p->cfg.symbol, tf,
                static_cast<int64_t>(bars))
    .then(
      [self, id, p](candle_history& h) {
        if (!h.closed.empty()) {
          p->warmup.timeframes_ms.push_back(h.timeframe_ms);
          p->warmup.bars.push_back(std::move(h.closed));
        }
        warm_next(self, id, p);
      },
      [self, id, p, tf = tf](caf::error& err) {
        spdlog::warn("session {} ({}): no {} bars to warm its restart with ({}); it starts cold on them", id,
                     p->cfg.name, format_timeframe(tf), self->system().render(err));
        warm_next(self, id, p);
      });
}

// Spawns the restarted pipeline of `id` from `start` (a restart), its indicators warmed from the
// broadcaster's bars of each timeframe it reads (those some subscriber still keeps).
void start_restart(self_ptr self, int64_t id, session_start start) {
  auto p = std::make_shared<pending_warmup>();
  p->cfg = self->state.sessions[id].config;
  p->cfg.start = std::move(start);
  std::vector<strategy_rule_error> errors;
  if (auto compiled = compile_strategy(p->cfg.strategy, errors))
    p->needs = series_engine(*compiled).warmup_needs(symbol_feed_history);
  warm_next(self, id, std::move(p));
}

// The restart timer of `id`: reads what was committed and starts the new pipeline.
void on_restart_due(self_ptr self, int64_t id, int64_t generation) {
  auto it = self->state.sessions.find(id);
  if (it == self->state.sessions.end() || it->second.status != session_status::restarting ||
      it->second.generation != generation)
    return;
  auto& s = it->second;
  ++s.restarts;
  auto from_memory = [&s] {
    session_start r;
    r.kind = start_kind::restart;
    r.restart = s.restarts;
    r.events = s.progress.events;
    r.account = s.progress.account.figures();
    r.order_id_offset = s.max_order_id;
    r.fill_id_offset = s.max_fill_id;
    r.fills = s.fills_seen;
    r.max_drawdown = s.progress.max_drawdown;
    return r;
  };
  if (!self->state.persister) {
    start_restart(self, id, from_memory());
    return;
  }
  self->request(self->state.persister, caf::infinite, restart_atom::value, id)
    .then(
      [self, id, from_memory](restart_point& rp) {
        auto& s = self->state.sessions[id];
        if (s.status != session_status::restarting)
          return;
        auto r = from_memory();
        if (rp.found) { // the database is the truth of what was committed
          r.events = std::max(rp.feed_events, s.progress.events);
          r.account = rp.account.figures();
          r.order_id_offset = std::max(rp.max_order_id, s.max_order_id);
          r.fill_id_offset = std::max(rp.max_fill_id, s.max_fill_id);
          r.fills = std::move(rp.fills);
        }
        start_restart(self, id, std::move(r));
      },
      [self, id](caf::error& err) {
        fail_session(self, id, "cannot restart: its committed state cannot be read: " + self->system().render(err));
      });
}

// The session `id`, or nullptr.
supervised_session* find_session(self_ptr self, int64_t id) {
  auto it = self->state.sessions.find(id);
  return it == self->state.sessions.end() ? nullptr : &it->second;
}

caf::error unknown(int64_t id) {
  return make_error(session_errc::unknown_session, "no session " + std::to_string(id));
}

caf::error cannot(const supervised_session& s, session_command what, const char* only) {
  return make_error(session_errc::invalid_transition,
                    "cannot " + std::string(to_string(what)) + " session " + std::to_string(s.config.session_id) +
                      ": it is " +
                      std::string(s.stop_requested && !has_ended(s.status) ? "stopping" : to_string(s.status)) +
                      "; only " + only);
}

// Why `cfg` cannot make a session, or empty.
std::string invalid_config(const session_config& cfg) {
  if (cfg.symbol.empty())
    return "the session has no symbol";
  if (cfg.initial_cash.raw() <= 0)
    return "initial cash must be positive";
  std::vector<strategy_rule_error> errors;
  if (compile_strategy(cfg.strategy, errors))
    return {};
  std::string all = "strategy '" + cfg.strategy.name + "' does not compile";
  for (auto& e : errors)
    all += "; " + e.rule + " rule, column " + std::to_string(e.error.offset + 1) + ": " + e.error.message;
  return all;
}

} // namespace

supervisor_actor::behavior_type session_supervisor(supervisor_actor::stateful_pointer<supervisor_state> self,
                                                   std::vector<session_config> configs, broadcaster_actor broadcaster,
                                                   persister_actor persister) {
  self->state.configs = std::move(configs);
  self->state.broadcaster = std::move(broadcaster);
  self->state.persister = std::move(persister);
  // When the supervisor goes, its sessions go too (each pipeline is linked to its tracker).
  auto trackers = self->state.trackers;
  self->attach_functor([trackers](const caf::error&) {
    for (auto& t : *trackers)
      caf::anon_send_exit(t, caf::exit_reason::user_shutdown);
  });
  self->set_down_handler([self](const caf::down_msg& down) {
    auto& ws = self->state.watchers;
    auto before = ws.size();
    auto& aw = self->state.activity_watchers;
    aw.erase(std::remove_if(aw.begin(), aw.end(), [&](const caf::actor& w) { return w.address() == down.source; }),
             aw.end());
    ws.erase(std::remove_if(ws.begin(), ws.end(), [&](const caf::actor& w) { return w.address() == down.source; }),
             ws.end());
    if (ws.size() != before)
      return;
    for (auto& [id, s] : self->state.sessions)
      if (s.tracker && s.tracker.address() == down.source) {
        fail_session(self, id, down.reason ? self->system().render(down.reason) : "stopped");
        return;
      }
  });
  return {
    [self](start_atom) -> caf::result<ok_atom> {
      auto& st = self->state;
      st.started = self->make_response_promise<ok_atom>();
      if (st.configs.empty()) {
        st.started.deliver(ok_atom::value);
        return st.started;
      }
      for (size_t i = 0; i < st.configs.size(); ++i) {
        auto cfg = st.configs[i];
        auto warmup = i < st.warmups.size() ? st.warmups[i] : warmup_history{};
        if (cfg.start.is_restore()) { // it has its id and its row already
          spawn_pipeline(self, std::move(cfg), std::move(warmup));
          continue;
        }
        if (!st.persister) {
          cfg.session_id = st.next_local_id++;
          spawn_pipeline(self, std::move(cfg), std::move(warmup));
          continue;
        }
        self->request(st.persister, caf::infinite, row_of(cfg))
          .then(
            [self, cfg, warmup](int64_t id) mutable {
              cfg.session_id = id;
              spawn_pipeline(self, std::move(cfg), std::move(warmup));
            },
            [self, cfg](caf::error& err) {
              spdlog::error("session '{}' not started: {}", cfg.name, self->system().render(err));
              // Count it as started and ended so nobody waits for it.
              ++self->state.settled;
              ++self->state.ended;
              check_all_settled(self);
              check_all_ended(self);
            });
      }
      return st.started;
    },
    [self](session_report& report) {
      auto* s = find_session(self, report.session_id);
      if (!s)
        return;
      if (has_ended(s->status)) {
        if (s->stop_reply.pending())
          s->stop_reply.deliver(summary_of(*s));
        return;
      }
      bool tracker_stopped = report.status == session_status::stopped;
      if (s->stop_requested && !tracker_stopped) {
        // The end of data overtook the stop; the stop's own report (with any flatten fill) follows.
        s->progress = pt::summary_of(report);
        return;
      }
      s->status = self->state.stopping || tracker_stopped ? session_status::stopped : session_status::finished;
      report.status = s->status;
      // The run was stopped (SIGINT/SIGTERM), not the session: its row keeps the status it had, so
      // the session is restored when the run starts again on this database. At the end of the data
      // its "finished" goes with the others' (a kill before leaves it running: restored, re-fed to
      // the end, it finishes as it would have).
      if (s->status == session_status::finished && self->state.persister) {
        persist_batch p;
        p.session_id = report.session_id;
        p.status = session_status::finished;
        p.has_account = false;
        if (self->state.settling.empty())
          self->delayed_send(self, std::chrono::milliseconds(supervisor_state::settle_delay_ms), settle_atom::value);
        self->state.settling.push_back(std::move(p));
      }
      spdlog::info("session {} ({}) {}: {} fills, equity {} (cash {}, position {} at {}), max drawdown {:.2f}%",
                   report.session_id, report.name, to_string(s->status), report.fill_count,
                   report.final.equity.to_string(), report.final.cash.to_string(), report.final.position_qty.to_string(),
                   report.final.mark.to_string(), report.max_drawdown * 100);
      s->progress = pt::summary_of(report);
      s->report = std::move(report);
      notify(self, *s);
      ++self->state.ended;
      if (s->stop_reply.pending())
        s->stop_reply.deliver(summary_of(*s));
      if (tracker_stopped) // an operator's stop: the session's actors are done (the down is ignored)
        self->send_exit(s->tracker, caf::exit_reason::user_shutdown);
      check_all_ended(self);
    },
    [self](session_summary& progress) {
      auto* s = find_session(self, progress.session_id);
      if (s && !has_ended(s->status)) {
        s->progress = std::move(progress);
        notify(self, *s);
      }
    },
    [self](settle_atom) { flush_settling(self); },
    [self](stop_atom) {
      self->state.stopping = true;
      // A restart that has not happened will not: the session stays failed.
      std::vector<int64_t> waiting;
      for (auto& [id, s] : self->state.sessions)
        if (s.status == session_status::restarting)
          waiting.push_back(id);
      for (auto id : waiting)
        fail_session(self, id, self->state.sessions[id].failure);
    },
    [self](pause_atom, int64_t id) -> caf::result<session_summary> {
      auto* s = find_session(self, id);
      if (!s)
        return unknown(id);
      if (s->status != session_status::running || s->stop_requested)
        return cannot(*s, session_command::pause, "a running session can be paused");
      s->status = session_status::paused;
      self->send(s->engine, pause_atom::value); // in line with the market batches
      persist_status(self, id, s->status);
      notify(self, *s);
      spdlog::info("session {} ({}) paused", id, s->config.name);
      return summary_of(*s);
    },
    [self](resume_atom, int64_t id) -> caf::result<session_summary> {
      auto* s = find_session(self, id);
      if (!s)
        return unknown(id);
      if (s->status != session_status::paused || s->stop_requested)
        return cannot(*s, session_command::resume, "a paused session can be resumed");
      s->status = session_status::running;
      self->send(s->engine, resume_atom::value);
      persist_status(self, id, s->status);
      notify(self, *s);
      spdlog::info("session {} ({}) resumed", id, s->config.name);
      return summary_of(*s);
    },
    [self](stop_atom, int64_t id, bool flatten) -> caf::result<session_summary> {
      auto* s = find_session(self, id);
      if (!s)
        return unknown(id);
      if (s->status == session_status::restarting && !s->stop_requested) {
        // No pipeline to stop: the restart is cancelled and the figures of its last commit are final.
        s->status = session_status::stopped;
        s->restart_due_ms = 0;
        s->report.final = s->progress.account;
        s->report.events = s->progress.events;
        s->report.max_drawdown = s->progress.max_drawdown;
        s->report.status = s->status;
        spdlog::info("session {} ({}) stopped while waiting for its restart{}", id, s->config.name,
                     flatten ? "; nothing runs to flatten its position" : "");
        persist_status(self, id, s->status);
        notify(self, *s);
        ++self->state.ended;
        auto out = summary_of(*s);
        check_all_ended(self);
        return out;
      }
      if ((s->status != session_status::running && s->status != session_status::paused) || s->stop_requested)
        return cannot(*s, session_command::stop, "a running, paused or restarting session can be stopped");
      s->stop_requested = true;
      s->stop_reply = self->make_response_promise<session_summary>();
      spdlog::info("session {} ({}) stopping{}", id, s->config.name, flatten ? ", flattening its position" : "");
      // Unsubscribed first: once the broadcaster has answered, every batch it sent this session is
      // already in the engine's mailbox, ahead of the stop.
      auto engine = s->engine;
      auto send_stop = [self, engine, flatten] { self->send(engine, stop_atom::value, flatten); };
      self->request(self->state.broadcaster, unsub_timeout, unsub_atom::value, s->config.symbol,
                    caf::actor_cast<caf::actor>(engine))
        .then([send_stop](ok_atom) { send_stop(); },
              [self, id, send_stop](caf::error& err) {
                spdlog::warn("session {}: unsubscribing failed ({}); stopping it anyway", id,
                             self->system().render(err));
                send_stop();
              });
      return s->stop_reply;
    },
    [self](watch_atom, caf::actor& watcher) {
      self->monitor(watcher);
      self->state.watchers.push_back(std::move(watcher));
      std::vector<session_summary> out;
      for (auto& [id, s] : self->state.sessions)
        out.push_back(summary_of(s));
      return out;
    },
    [self](watch_atom, caf::actor& watcher, activity_atom) {
      self->monitor(watcher);
      self->state.watchers.push_back(watcher);
      self->state.activity_watchers.push_back(std::move(watcher));
      std::vector<session_summary> out;
      for (auto& [id, s] : self->state.sessions)
        out.push_back(summary_of(s));
      return out;
    },
    [self](session_activity& a) {
      if (auto* s = find_session(self, a.session_id)) { // ids a restart without a database continues after
        for (auto& o : a.orders)
          s->max_order_id = std::max(s->max_order_id, o.order_id);
        for (auto& f : a.fills)
          s->max_fill_id = std::max(s->max_fill_id, f.fill_id);
        if (!self->state.persister)
          s->fills_seen.insert(s->fills_seen.end(), a.fills.begin(), a.fills.end());
      }
      for (auto& w : self->state.activity_watchers) // dynamically typed, as in `notify`
        caf::unsafe_send_as(self, w, a);
    },
    [self](status_atom) {
      std::vector<session_summary> out;
      for (auto& [id, s] : self->state.sessions)
        out.push_back(summary_of(s));
      return out;
    },
    [self](status_atom, int64_t id) -> caf::result<session_summary> {
      auto* s = find_session(self, id);
      if (!s)
        return unknown(id);
      return summary_of(*s);
    },
    [self](create_atom, session_config& cfg) -> caf::result<session_summary> {
      auto why = invalid_config(cfg);
      if (!why.empty())
        return make_error(session_errc::invalid_request, why);
      auto rp = self->make_response_promise<session_summary>();
      auto& st = self->state;
      if (!st.persister) {
        cfg.session_id = st.next_local_id++;
        ++st.created;
        spawn_pipeline(self, std::move(cfg), {}, true, rp);
        return rp;
      }
      self->request(st.persister, caf::infinite, row_of(cfg))
        .then(
          [self, cfg, rp](int64_t id) mutable {
            cfg.session_id = id;
            ++self->state.created;
            spawn_pipeline(self, std::move(cfg), {}, true, std::move(rp));
          },
          [self, rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
    [self](caf::get_atom, int64_t id) -> caf::result<indicator_engine_actor> {
      auto* s = find_session(self, id);
      if (!s)
        return unknown(id);
      return s->engine;
    },
    [self](indicators_atom, int64_t id, indicator_history& h) {
      if (auto* s = find_session(self, id))
        s->indicators = std::make_shared<const indicator_history>(std::move(h));
    },
    [self](indicators_atom, int64_t id, int64_t n) -> caf::result<indicator_history> {
      auto* s = find_session(self, id);
      if (!s)
        return unknown(id);
      if (s->indicators)
        return last_bars(*s->indicators, n);
      if (has_ended(s->status) || !s->engine)
        return make_error(session_errc::unknown_session, "session " + std::to_string(id) + " kept no indicator series");
      auto rp = self->make_response_promise<indicator_history>();
      self->request(s->engine, std::chrono::seconds(2), indicators_atom::value, n)
        .then([rp](indicator_history& h) mutable { rp.deliver(std::move(h)); },
              [rp, id](caf::error&) mutable {
                rp.deliver(make_error(session_errc::unknown_session,
                                      "session " + std::to_string(id) + " kept no indicator series"));
              });
      return rp;
    },
    [self](run_warmups& w) { self->state.warmups = std::move(w.sessions); },
    [self](restart_atom, int64_t id, int64_t generation) { on_restart_due(self, id, generation); },
    [self](await_atom) -> caf::result<std::vector<session_report>> {
      auto rp = self->make_response_promise<std::vector<session_report>>();
      self->state.awaiting.push_back(rp);
      check_all_ended(self);
      return rp;
    },
  };
}

} // namespace pt
