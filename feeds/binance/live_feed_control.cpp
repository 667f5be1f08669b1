#include "feeds/binance/live_feed_control.hpp"

#include "actors/messages.hpp"
#include "feeds/binance/stream_client.hpp"

namespace pt {

caf::behavior live_feed_control(caf::event_based_actor*, std::weak_ptr<binance_stream_client> client) {
  return {
    [client](const symbol_demand& demand) {
      auto c = client.lock();
      if (!c)
        return;
      if (demand.wanted)
        c->add_symbol(demand.symbol);
      else
        c->remove_symbol(demand.symbol);
    },
  };
}

} // namespace pt
