#include "actors/session_supervisor.hpp"

#include <spdlog/spdlog.h>

#include "actors/messages.hpp"
#include "actors/persister.hpp"
#include "actors/session_actors.hpp"

namespace pt {

namespace {

using self_ptr = caf::stateful_actor<supervisor_state>*;

std::vector<session_report> collect_reports(self_ptr self) {
  std::vector<session_report> out;
  for (auto& [id, s] : self->state.sessions)
    out.push_back(s.report);
  return out;
}

void check_all_ended(self_ptr self) {
  auto& st = self->state;
  if (st.ended < st.configs.size())
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
  if (s.status == "finished" || s.status == "stopped" || s.status == "failed")
    return;
  bool was_starting = s.status == "starting";
  s.status = "failed";
  s.failure = why;
  s.report.status = s.status;
  s.report.failure = why;
  spdlog::error("session {} ({}) failed: {}", id, s.config.name, why);
  if (self->state.persister) {
    persist_batch p;
    p.session_id = id;
    p.account = s.report.final;
    p.status = "failed";
    self->send(self->state.persister, std::move(p));
  }
  ++self->state.ended;
  if (was_starting) {
    ++self->state.settled;
    check_all_settled(self);
  }
  check_all_ended(self);
}

void spawn_pipeline(self_ptr self, session_config cfg, warmup_history warmup) {
  auto& st = self->state;
  auto& s = st.sessions[cfg.session_id];
  s.config = cfg;
  s.status = "starting";
  s.report.session_id = cfg.session_id;
  s.report.name = cfg.name;
  s.report.strategy = cfg.strategy.name;
  s.report.symbol = cfg.symbol;
  s.report.initial_cash = cfg.initial_cash;
  s.report.final.initial_cash = cfg.initial_cash;
  s.report.final.cash = cfg.initial_cash;
  s.report.final.equity = cfg.initial_cash;
  auto tracker = self->spawn(position_tracker, cfg, caf::actor{self}, st.persister);
  st.trackers->push_back(tracker);
  auto executor = self->spawn(paper_executor, cfg, tracker);
  auto detector = self->spawn(signal_detector, cfg, executor);
  auto engine = self->spawn(indicator_engine, cfg, detector);
  // Before the subscribe: the broadcaster's first batch can only be sent after it, so the
  // history is ahead of it in the engine's mailbox.
  if (!warmup.timeframes_ms.empty())
    self->send(engine, std::move(warmup));
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
        s.status = "running";
        spdlog::info("session {} ({}) running: {} on {} {}, cash {}", id, s.config.name, s.config.strategy.name,
                     s.config.symbol, format_timeframe(s.config.strategy.timeframe_ms),
                     s.config.initial_cash.to_string());
        ++self->state.settled;
        check_all_settled(self);
      },
      [self, id](caf::error& err) { fail_session(self, id, "cannot subscribe: " + self->system().render(err)); });
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
      int64_t next_id = 1;
      for (size_t i = 0; i < st.configs.size(); ++i) {
        auto cfg = st.configs[i];
        auto warmup = i < st.warmups.size() ? st.warmups[i] : warmup_history{};
        if (!st.persister) {
          cfg.session_id = next_id++;
          spawn_pipeline(self, std::move(cfg), std::move(warmup));
          continue;
        }
        session_row row;
        row.name = cfg.name;
        row.strategy_name = cfg.strategy.name;
        row.strategy_file = cfg.strategy_file;
        row.strategy_yaml = cfg.strategy_text;
        row.symbol = cfg.symbol;
        row.initial_cash_raw = cfg.initial_cash.raw();
        row.taker_fee_bps_raw = cfg.execution.taker_fee_bps.raw();
        row.slippage_bps_raw = cfg.execution.slippage_bps.raw();
        self->request(st.persister, caf::infinite, std::move(row))
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
      auto it = self->state.sessions.find(report.session_id);
      if (it == self->state.sessions.end() || it->second.status == "finished" || it->second.status == "stopped" ||
          it->second.status == "failed")
        return;
      it->second.status = self->state.stopping ? "stopped" : "finished";
      report.status = it->second.status;
      if (self->state.stopping && self->state.persister) {
        // The tracker stored "finished" just before its report; this comes after it.
        persist_batch p;
        p.session_id = report.session_id;
        p.account = report.final;
        p.status = "stopped";
        self->send(self->state.persister, std::move(p));
      }
      spdlog::info("session {} ({}) {}: {} fills, equity {} (cash {}, position {} at {}), max drawdown {:.2f}%",
                   report.session_id, report.name, it->second.status, report.fills.size(), report.final.equity.to_string(),
                   report.final.cash.to_string(), report.final.position_qty.to_string(),
                   report.final.mark.to_string(), report.max_drawdown * 100);
      it->second.report = std::move(report);
      ++self->state.ended;
      check_all_ended(self);
    },
    [self](stop_atom) { self->state.stopping = true; },
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
