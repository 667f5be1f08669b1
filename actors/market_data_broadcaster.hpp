#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/all.hpp>

namespace pt {

/// State of the market-data broadcaster: who listens to which symbol.
struct broadcaster_state {
  std::unordered_map<std::string, std::vector<caf::actor>> subscribers; ///< by symbol (upper case)
  int64_t batches_in = 0;   ///< batches received from feeds
  int64_t deliveries = 0;   ///< batch messages sent to subscribers
  static inline const char* name = "market_data_broadcaster";
};

/// Fans market batches out to the sessions subscribed to their symbol.
///
/// Messages:
/// - `(subscribe_atom, symbol, actor)` → `ok_atom`: `actor` receives every later batch of `symbol`
///   and `end_data_atom`; it is monitored and dropped when it terminates.
/// - `market_batch` → `ok_atom`: one immutable batch, sent as one shared message to every
///   subscriber of its symbol (copy-on-write, never copied per subscriber).
/// - `end_data_atom` → `ok_atom`: the feed has ended; forwarded once to every subscriber.
caf::behavior market_data_broadcaster(caf::stateful_actor<broadcaster_state>* self);

} // namespace pt
