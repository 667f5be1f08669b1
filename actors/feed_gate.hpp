#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/handles.hpp"
#include "actors/messages.hpp"

namespace pt {

/// The duplicate rule of the live feed and of its journal's re-feed: a trade whose exchange trade
/// id is not above the last one passed on for its symbol was already fed (Binance's trade ids
/// only grow per symbol), so it is dropped; every other event passes.
class trade_dedupe {
public:
  trade_dedupe() = default;
  /// Starts from these last trade ids per symbol (e.g. the journal's).
  explicit trade_dedupe(std::map<std::string, int64_t> last_trade_ids) : last_(std::move(last_trade_ids)) {}

  /// True when `ev` is to be fed (and, for a trade, remembers its id).
  bool admit(const std::string& symbol, const market_event& ev);

  /// The last trade id passed on for `symbol` (0: none).
  int64_t last_trade_id(const std::string& symbol) const;

  int64_t dropped() const { return dropped_; }
  const std::map<std::string, int64_t>& last_trade_ids() const { return last_; }

private:
  std::map<std::string, int64_t> last_;
  int64_t dropped_ = 0;
};

/// State of a `feed_gate`.
struct feed_gate_state {
  market_sink_actor broadcaster;
  trade_dedupe dedupe;
  bool held = false;
  std::vector<market_batch> held_batches;
  bool end_held = false;
  static inline const char* name = "feed_gate";
};

/// Sits between the live connector and the broadcaster: passes on every `market_batch` (and
/// `end_data_atom`) less the trades already fed (`trade_dedupe`). While `held`, it keeps them, in
/// order, until `release_atom`, so that the trades backfilled over REST for the gap go to the
/// sessions before what the stream sent meanwhile.
/// Its protocol is `feed_gate_actor` (actors/handles.hpp): a `market_batch` or `end_data_atom` is
/// answered with `ok_atom` once passed on or held.
feed_gate_actor::behavior_type feed_gate(feed_gate_actor::stateful_pointer<feed_gate_state> self,
                                         market_sink_actor broadcaster, std::map<std::string, int64_t> last_trade_ids,
                                         bool held);

} // namespace pt
