#include "actors/paper_executor.hpp"

#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "actors/fill_latency.hpp"
#include "actors/messages.hpp"
#include "actors/session_stage.hpp"

namespace pt {

namespace {

// A restored session at its restore position: its re-fed account against the stored one.
void log_restored(const session_config& cfg, const restore_check& c) {
  const auto& now = c.refed;
  const auto& rs = c.stored;
  if (c.differences() == 0) {
    spdlog::info("session {} ({}) restored: {} events re-fed, account as stored (cash {}, position {}, fees {}); "
                 "continuing from event {}",
                 cfg.session_id, cfg.name, c.position, rs.cash.to_string(), rs.position_qty.to_string(),
                 rs.fees.to_string(), c.position + 1);
    return;
  }
  spdlog::warn("session {} ({}) restored with {} difference(s) after {} events re-fed: cash {} (stored {}), "
               "position {} (stored {}), cost basis {} (stored {}), realized {} (stored {}), fees {} (stored {})",
               cfg.session_id, cfg.name, c.differences(), c.position, now.cash.to_string(), rs.cash.to_string(),
               now.position_qty.to_string(), rs.position_qty.to_string(), now.cost_basis.to_string(),
               rs.cost_basis.to_string(), now.realized_pnl.to_string(), rs.realized_pnl.to_string(),
               now.fees.to_string(), rs.fees.to_string());
}

// Moves the step's outputs into the batch.
void take_outputs(session_batch& b, step_output& out) {
  b.orders = std::move(out.orders);
  b.fills = std::move(out.fills);
  b.decisions = std::move(out.decisions);
  b.equity = std::move(out.equity);
  b.replayed_fills = std::move(out.replayed_fills);
}

} // namespace

paper_executor_actor::behavior_type paper_executor(paper_executor_actor::stateful_pointer<paper_executor_state> self,
                                                   session_config cfg, position_tracker_actor next) {
  keep_exception_text(self);
  self->link_to(next);
  auto compiled = compile_or_quit(self, cfg);
  if (!compiled)
    return paper_executor_actor::behavior_type::make_empty_behavior();
  self->state.step.emplace(cfg, *compiled);
  // Fault injection (tests only): this start throws on its n-th market event.
  auto fault_index = static_cast<size_t>(cfg.start.restart);
  int64_t fail_after = fault_index < cfg.fail_after_events.size() ? cfg.fail_after_events[fault_index] : 0;
  int64_t started_at = self->state.step->events();
  return {
    [self, next, cfg, fail_after, started_at](session_batch& b) {
      fill_latency::on_stage(pipeline_stage::executor, b.market.arrival_ns);
      auto& step = *self->state.step;
      const auto& events = *b.market.events;
      int64_t done = step.events() - started_at; // events of this start before the batch
      if (fail_after > 0 && done < fail_after && fail_after <= done + static_cast<int64_t>(events.size()))
        throw std::runtime_error("injected failure at market event " + std::to_string(fail_after) +
                                 " of this start");
      step_output out;
      step.on_batch(events.data(), events.size(), b.bars, b.signals, out);
      if (out.restored)
        log_restored(cfg, *out.restored);
      take_outputs(b, out);
      int64_t ts = events.empty() ? 0 : events.back().ts_event_ms;
      b.account = step.account(ts);
      b.max_drawdown = step.max_drawdown();
      self->send(next, std::move(b));
    },
    [self, next](end_data_atom) { self->send(next, end_data_atom::value); },
    [self, next, cfg](pause_atom) {
      auto& step = *self->state.step;
      step.set_paused(true);
      spdlog::info("session {} ({}) paused after {} events: no new entries; protective exits go on", cfg.session_id,
                   cfg.name, step.events());
      self->send(next, pause_atom::value, step.events());
    },
    [self, next, cfg](resume_atom) {
      auto& step = *self->state.step;
      step.set_paused(false);
      spdlog::info("session {} ({}) resumed after {} events", cfg.session_id, cfg.name, step.events());
      self->send(next, resume_atom::value, step.events());
    },
    [self, next, cfg](stop_atom, bool flatten) {
      // The operator's stop, after every batch the session was sent: what is pending is
      // cancelled and, with `flatten`, the position sold; then the tracker makes its report final.
      auto& step = *self->state.step;
      step_output out;
      int64_t ts = step.on_stop(flatten, out);
      session_batch b;
      b.market.symbol = cfg.symbol;
      b.market.events = std::make_shared<const std::vector<market_event>>();
      take_outputs(b, out);
      b.account = step.account(ts);
      b.max_drawdown = step.max_drawdown();
      self->send(next, std::move(b));
      self->send(next, stop_atom::value, flatten);
    },
  };
}

} // namespace pt
