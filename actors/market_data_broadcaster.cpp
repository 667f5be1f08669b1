#include "actors/market_data_broadcaster.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "actors/messages.hpp"

namespace pt {

caf::behavior market_data_broadcaster(caf::stateful_actor<broadcaster_state>* self) {
  self->set_down_handler([self](const caf::down_msg& down) {
    for (auto& [symbol, subs] : self->state.subscribers)
      subs.erase(std::remove_if(subs.begin(), subs.end(), [&](const caf::actor& a) { return a.address() == down.source; }),
                 subs.end());
  });
  return {
    [self](subscribe_atom, std::string& symbol, caf::actor& subscriber) {
      self->monitor(subscriber);
      self->state.subscribers[symbol].push_back(std::move(subscriber));
      return ok_atom::value;
    },
    [self](market_batch& batch) {
      ++self->state.batches_in;
      auto it = self->state.subscribers.find(batch.symbol);
      if (it != self->state.subscribers.end() && !it->second.empty()) {
        // One message, shared by every subscriber.
        auto msg = caf::make_message(std::move(batch));
        for (auto& sub : it->second)
          self->send(sub, msg);
        self->state.deliveries += static_cast<int64_t>(it->second.size());
      }
      return ok_atom::value;
    },
    [self](end_data_atom) {
      std::vector<caf::actor> all;
      for (auto& [symbol, subs] : self->state.subscribers)
        all.insert(all.end(), subs.begin(), subs.end());
      std::sort(all.begin(), all.end());
      all.erase(std::unique(all.begin(), all.end()), all.end());
      for (auto& sub : all)
        self->send(sub, end_data_atom::value);
      spdlog::debug("broadcaster: end of data to {} subscriber(s) after {} batches, {} deliveries", all.size(),
                    self->state.batches_in, self->state.deliveries);
      return ok_atom::value;
    },
  };
}

} // namespace pt
