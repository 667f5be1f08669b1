#pragma once

// Questions from the web layer to actors, without blocking: each question is asked by a
// short-lived helper actor, and its answer (or error) goes to a callback, which posts it back to
// the connection. A blocking receive on an I/O thread would stall every connection of that thread.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/messages.hpp"

namespace pt {

/// Called once with the broadcaster's per-symbol stats, or with nullopt and a reason.
using market_stats_callback = std::function<void(std::optional<std::vector<symbol_stats>>, std::string error)>;

/// Asks `broadcaster` for `status_atom` (per-symbol stats) and calls `done` from an actor
/// thread, at the latest after `timeout`. `done` must not block.
void ask_market_stats(caf::actor_system& system, const caf::actor& broadcaster, std::chrono::milliseconds timeout,
                      market_stats_callback done);

} // namespace pt
