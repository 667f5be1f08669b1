#include "web/api/actor_bridge.hpp"

#include <caf/all.hpp>

namespace pt {

void ask_market_stats(caf::actor_system& system, const broadcaster_actor& broadcaster, std::chrono::milliseconds timeout,
                      market_stats_callback done) {
  if (!broadcaster) {
    done(std::nullopt, "no market data broadcaster");
    return;
  }
  // The helper lives until the answer (or the timeout) arrives, then terminates on its own.
  system.spawn([broadcaster, timeout, done = std::move(done)](caf::event_based_actor* self) {
    self->request(broadcaster, timeout, status_atom::value)
      .then([done](std::vector<symbol_stats>& stats) { done(std::move(stats), std::string()); },
            [done, self](caf::error& err) { done(std::nullopt, self->system().render(err)); });
  });
}

} // namespace pt
