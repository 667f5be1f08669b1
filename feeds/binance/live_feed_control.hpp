#pragma once

#include <memory>

#include <caf/all.hpp>

namespace pt {

class binance_stream_client;

/// The live connector's feed control: registered with the market-data broadcaster
/// (`watch_atom`), it turns each `symbol_demand` into `add_symbol` (a symbol's first subscriber)
/// or `remove_symbol` (its last one left) on the connector, so the connection carries exactly the
/// symbols running sessions trade. Holds the connector weakly: once it is gone, demands are
/// dropped.
caf::behavior live_feed_control(caf::event_based_actor* self, std::weak_ptr<binance_stream_client> client);

} // namespace pt
