#include "actors/feed_gate.hpp"

namespace pt {

bool trade_dedupe::admit(const std::string& symbol, const market_event& ev) {
  const auto* t = std::get_if<trade>(&ev.data);
  if (!t)
    return true;
  auto& last = last_[symbol];
  if (t->trade_id <= last) {
    ++dropped_;
    return false;
  }
  last = t->trade_id;
  return true;
}

int64_t trade_dedupe::last_trade_id(const std::string& symbol) const {
  auto it = last_.find(symbol);
  return it == last_.end() ? 0 : it->second;
}

namespace {

// Sends `batch` on without the trades already fed; a batch left empty is not sent.
void pass_on(feed_gate_actor::stateful_pointer<feed_gate_state> self, market_batch batch) {
  auto& st = self->state;
  if (!batch.events || batch.events->empty())
    return;
  std::vector<market_event> kept;
  kept.reserve(batch.events->size());
  for (auto& ev : *batch.events)
    if (st.dedupe.admit(batch.symbol, ev))
      kept.push_back(ev);
  if (kept.empty())
    return;
  if (kept.size() != batch.events->size())
    batch.events = std::make_shared<const std::vector<market_event>>(std::move(kept));
  caf::anon_send(st.broadcaster, std::move(batch));
}

} // namespace

feed_gate_actor::behavior_type feed_gate(feed_gate_actor::stateful_pointer<feed_gate_state> self,
                                         market_sink_actor broadcaster, std::map<std::string, int64_t> last_trade_ids,
                                         bool held) {
  self->state.broadcaster = std::move(broadcaster);
  self->state.dedupe = trade_dedupe(std::move(last_trade_ids));
  self->state.held = held;
  return {
    [self](market_batch& batch) -> ok_atom {
      if (self->state.held)
        self->state.held_batches.push_back(std::move(batch));
      else
        pass_on(self, std::move(batch));
      return ok_atom::value;
    },
    [self](backfill_atom, market_batch& batch) -> ok_atom {
      pass_on(self, std::move(batch));
      return ok_atom::value;
    },
    [self](release_atom) -> int64_t {
      auto& st = self->state;
      st.held = false;
      auto held_batches = std::move(st.held_batches);
      st.held_batches.clear();
      for (auto& b : held_batches)
        pass_on(self, std::move(b));
      if (st.end_held) {
        st.end_held = false;
        caf::anon_send(st.broadcaster, end_data_atom::value);
      }
      return st.dedupe.dropped();
    },
    [self](end_data_atom) -> ok_atom {
      if (self->state.held)
        self->state.end_held = true;
      else
        caf::anon_send(self->state.broadcaster, end_data_atom::value);
      return ok_atom::value;
    },
  };
}

} // namespace pt
