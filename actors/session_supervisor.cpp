#include "actors/session_supervisor.hpp"

#include <algorithm>
#include <chrono>

#include <spdlog/spdlog.h>

#include "actors/fill_settings_json.hpp"
#include "actors/messages.hpp"
#include "actors/persister.hpp"
#include "actors/session_activity.hpp"
#include "actors/session_actors.hpp"

namespace pt {

namespace {

using self_ptr = caf::stateful_actor<supervisor_state>*;

constexpr auto unsub_timeout = std::chrono::seconds(30);

bool has_ended(const std::string& status) {
  return status == "finished" || status == "stopped" || status == "failed";
}

size_t expected_sessions(self_ptr self) { return self->state.configs.size() + self->state.created; }

session_summary summary_of(const supervised_session& s) {
  auto out = s.progress;
  out.status = s.status;
  out.failure = s.failure;
  return out;
}

// Tells every watcher what is now known of `s` (after each store and status change).
void notify(self_ptr self, const supervised_session& s) {
  if (self->state.watchers.empty())
    return;
  auto summary = summary_of(s);
  for (auto& w : self->state.watchers)
    self->send(w, summary);
}

// The status (only) of a session, as the supervisor changes it; the tracker stores the figures.
void persist_status(self_ptr self, int64_t id, const std::string& status, const std::string& failure = {}) {
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
  return row;
}

std::vector<session_report> collect_reports(self_ptr self) {
  std::vector<session_report> out;
  for (auto& [id, s] : self->state.sessions)
    out.push_back(s.report);
  return out;
}

void check_all_ended(self_ptr self) {
  auto& st = self->state;
  if (st.ended < expected_sessions(self))
    return;
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

void fail_session(self_ptr self, int64_t id, const std::string& why) {
  auto& s = self->state.sessions[id];
  if (has_ended(s.status))
    return;
  bool was_starting = s.status == "starting";
  s.status = "failed";
  s.failure = why;
  // The report keeps the figures last known.
  s.report.final = s.progress.account;
  s.report.events = s.progress.events;
  s.report.max_drawdown = s.progress.max_drawdown;
  s.report.status = s.status;
  s.report.failure = why;
  spdlog::error("session {} ({}) failed: {}", id, s.config.name, why);
  persist_status(self, id, "failed", why);
  notify(self, s);
  ++self->state.ended;
  if (s.create_reply.pending())
    s.create_reply.deliver(make_error(session_errc::invalid_request, "session failed to start: " + why));
  if (s.stop_reply.pending())
    s.stop_reply.deliver(summary_of(s));
  if (was_starting && !s.created) {
    ++self->state.settled;
    check_all_settled(self);
  }
  check_all_ended(self);
}

void spawn_pipeline(self_ptr self, session_config cfg, warmup_history warmup, bool created = false,
                    caf::response_promise reply = {}) {
  auto& st = self->state;
  auto& s = st.sessions[cfg.session_id];
  s.config = cfg;
  s.status = "starting";
  s.created = created;
  s.create_reply = std::move(reply);
  s.report.session_id = cfg.session_id;
  s.report.name = cfg.name;
  s.report.strategy = cfg.strategy.name;
  s.report.symbol = cfg.symbol;
  s.report.initial_cash = cfg.initial_cash;
  s.report.final.initial_cash = cfg.initial_cash;
  s.report.final.cash = cfg.initial_cash;
  s.report.final.equity = cfg.initial_cash;
  s.progress = pt::summary_of(s.report);
  auto tracker = self->spawn(position_tracker, cfg, caf::actor{self}, st.persister);
  st.trackers->push_back(tracker);
  auto executor = self->spawn(paper_executor, cfg, tracker);
  auto detector = self->spawn(signal_detector, cfg, executor);
  auto engine = self->spawn(indicator_engine, cfg, detector);
  // Before the subscribe: the broadcaster's first batch can only be sent after it, so the
  // history is ahead of it in the engine's mailbox.
  if (!warmup.timeframes_ms.empty())
    self->send(engine, std::move(warmup));
  s.engine = engine;
  s.tracker = tracker;
  self->monitor(tracker);
  int64_t id = cfg.session_id;
  // The broadcaster builds the bars every session on the symbol reads, once for all of them.
  std::vector<int64_t> timeframes_ms;
  std::vector<strategy_rule_error> errors;
  if (auto compiled = compile_strategy(cfg.strategy, errors))
    timeframes_ms = series_engine::shared_timeframes(*compiled);
  self->request(st.broadcaster, caf::infinite, subscribe_atom::value, cfg.symbol, engine, std::move(timeframes_ms))
    .then(
      [self, id](ok_atom) {
        auto& s = self->state.sessions[id];
        if (s.status != "starting")
          return;
        const auto& rs = s.config.restore;
        s.status = rs.active && rs.paused ? "paused" : "running";
        if (rs.active)
          spdlog::info("session {} ({}) restoring as {}: {} on {}, re-feeding {} events ({} fills committed, "
                       "{} pause/resume commands)",
                       id, s.config.name, s.status, s.config.strategy.name, s.config.symbol, rs.events, rs.fills,
                       rs.pauses.size());
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

// The session `id`, or nullptr.
supervised_session* find_session(self_ptr self, int64_t id) {
  auto it = self->state.sessions.find(id);
  return it == self->state.sessions.end() ? nullptr : &it->second;
}

caf::error unknown(int64_t id) {
  return make_error(session_errc::unknown_session, "no session " + std::to_string(id));
}

caf::error cannot(const supervised_session& s, const char* what, const char* only) {
  return make_error(session_errc::invalid_transition,
                    "cannot " + std::string(what) + " session " + std::to_string(s.config.session_id) + ": it is " +
                      (s.stop_requested && !has_ended(s.status) ? std::string("stopping") : s.status) + "; only " +
                      only);
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

caf::behavior session_supervisor(caf::stateful_actor<supervisor_state>* self, std::vector<session_config> configs,
                                 caf::actor broadcaster, caf::actor persister) {
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
    [self](start_atom) {
      auto& st = self->state;
      st.started = self->make_response_promise();
      if (st.configs.empty()) {
        st.started.deliver(ok_atom::value);
        return st.started;
      }
      for (size_t i = 0; i < st.configs.size(); ++i) {
        auto cfg = st.configs[i];
        auto warmup = i < st.warmups.size() ? st.warmups[i] : warmup_history{};
        if (cfg.restore.active) { // it has its id and its row already
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
      bool tracker_stopped = report.status == "stopped";
      if (s->stop_requested && !tracker_stopped) {
        // The end of data overtook the stop; the stop's own report (with any flatten fill) follows.
        s->progress = pt::summary_of(report);
        return;
      }
      auto was = s->status;
      s->status = self->state.stopping || tracker_stopped ? "stopped" : "finished";
      report.status = s->status;
      if (s->status == "stopped" && !tracker_stopped && self->state.persister) {
        // The run was stopped (SIGINT/SIGTERM), not the session: the tracker stored "finished"
        // just before its report; the status it had goes back over it, so the session is restored
        // when the run starts again on this database.
        persist_batch p;
        p.session_id = report.session_id;
        p.account = report.final;
        p.status = was == "paused" ? "paused" : "running";
        self->send(self->state.persister, std::move(p));
      }
      spdlog::info("session {} ({}) {}: {} fills, equity {} (cash {}, position {} at {}), max drawdown {:.2f}%",
                   report.session_id, report.name, s->status, report.fills.size(), report.final.equity.to_string(),
                   report.final.cash.to_string(), report.final.position_qty.to_string(),
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
    [self](stop_atom) { self->state.stopping = true; },
    [self](pause_atom, int64_t id) -> caf::result<session_summary> {
      auto* s = find_session(self, id);
      if (!s)
        return unknown(id);
      if (s->status != "running" || s->stop_requested)
        return cannot(*s, "pause", "a running session can be paused");
      s->status = "paused";
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
      if (s->status != "paused" || s->stop_requested)
        return cannot(*s, "resume", "a paused session can be resumed");
      s->status = "running";
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
      if ((s->status != "running" && s->status != "paused") || s->stop_requested)
        return cannot(*s, "stop", "a running or paused session can be stopped");
      s->stop_requested = true;
      s->stop_reply = self->make_response_promise();
      spdlog::info("session {} ({}) stopping{}", id, s->config.name, flatten ? ", flattening its position" : "");
      // Unsubscribed first: once the broadcaster has answered, every batch it sent this session is
      // already in the engine's mailbox, ahead of the stop.
      auto engine = s->engine;
      auto send_stop = [self, engine, flatten] { self->send(engine, stop_atom::value, flatten); };
      self->request(self->state.broadcaster, unsub_timeout, unsub_atom::value, s->config.symbol, engine)
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
      for (auto& w : self->state.activity_watchers)
        self->send(w, a);
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
      auto rp = self->make_response_promise();
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
    [self](caf::get_atom, int64_t id) -> caf::result<caf::actor> {
      auto* s = find_session(self, id);
      if (!s)
        return unknown(id);
      return s->engine;
    },
    [self](run_warmups& w) { self->state.warmups = std::move(w.sessions); },
    [self](await_atom) {
      auto rp = self->make_response_promise();
      self->state.awaiting.push_back(rp);
      check_all_ended(self);
      return rp;
    },
  };
}

} // namespace pt
