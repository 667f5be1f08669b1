#pragma once

// Questions from the web layer to actors, without blocking: each question is asked by a
// short-lived helper actor, and its answer (or error) goes to a callback, which posts it back to
// the connection. A blocking receive on an I/O thread would stall every connection of that thread.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/handles.hpp"
#include "actors/messages.hpp"

namespace pt {

/// Called once with the broadcaster's per-symbol stats, or with nullopt and a reason.
using market_stats_callback = std::function<void(std::optional<std::vector<symbol_stats>>, std::string error)>;

/// Asks `broadcaster` for `status_atom` (per-symbol stats) and calls `done` from an actor
/// thread, at the latest after `timeout`. `done` must not block.
void ask_market_stats(caf::actor_system& system, const broadcaster_actor& broadcaster, std::chrono::milliseconds timeout,
                      market_stats_callback done);

/// Called once with the supervisor's answer: a session summary, or the error (a
/// `session_errc`, or `caf::sec::request_timeout`).
using summary_callback = std::function<void(std::optional<session_summary>, caf::error)>;

/// Sends `xs...` to `supervisor` as a request (e.g. `pause_atom::value, id`) from a short-lived
/// helper actor and calls `done` from an actor thread, at the latest after `timeout`. `done`
/// must not block. `xs...` must be a `supervisor_actor` form answered with a `session_summary`
/// (checked at compile time).
template <class... Ts>
void ask_supervisor(caf::actor_system& system, const supervisor_actor& supervisor, std::chrono::milliseconds timeout,
                    summary_callback done, Ts... xs) {
  system.spawn([supervisor, timeout, done = std::move(done), xs...](caf::event_based_actor* self) {
    self->request(supervisor, timeout, xs...)
      .then([done](session_summary& s) { done(std::move(s), caf::error{}); },
            [done](caf::error& err) { done(std::nullopt, std::move(err)); });
  });
}

} // namespace pt
