#include "actors/signal_detector.hpp"

#include "actors/fill_latency.hpp"
#include "actors/messages.hpp"
#include "actors/session_stage.hpp"

namespace pt {

signal_detector_actor::behavior_type signal_detector(signal_detector_actor::stateful_pointer<signal_detector_state> self,
                                                     session_config cfg, paper_executor_actor next) {
  keep_exception_text(self);
  self->link_to(next);
  auto compiled = compile_or_quit(self, cfg);
  if (!compiled)
    return signal_detector_actor::behavior_type::make_empty_behavior();
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

} // namespace pt
