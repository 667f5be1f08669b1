#pragma once

// `GET /sessions/{id}/indicators`: the indicator series of a running session, per bar, asked of its
// indicator engine.

#include <string>
#include <vector>

#include "actors/messages.hpp"
#include "web/api/router.hpp"

namespace pt {

/// The JSON answer of the indicators route for session `id`: `{session_id, timeframe, series:
/// [{name, timeframe}], items: [{open_time_ms, values: [x|null, …]}]}`, items oldest first, one value
/// per series in `series` order; a value not known yet (NaN: the indicator warms up) is `null`.
/// Values are JSON numbers: indicators are doubles, not amounts (DESIGN decision 4).
std::string indicators_json(int64_t id, const indicator_history& h);

/// Adds `GET /sessions/{id}/indicators?timeframe=10s[&limit=N]` (`timeframe`: the strategy's):
/// - 404 `unknown_session` when the id is not stored (checked first when there is a database);
/// - asks the session supervisor `(indicators_atom, id, limit)` from a short-lived helper actor,
///   2 s deadline (504 `supervisor_timeout` past it); nothing blocks an actor or an I/O thread;
/// - answers `indicators_json`: the values of every indicator series its strategy reads at the
///   close of each of its last `limit` bars of the strategy timeframe (1..1000, default 500), from
///   its running indicator engine or, once it finished or was stopped, as the engine left them;
/// - 400 `invalid_parameter` for a bad `limit`, a missing or bad `timeframe`, or one other than the
///   strategy's (the series are sampled at its bars); 404 `no_indicators` when this process has
///   none for it (a session of an earlier run, or one that failed); 503 without a supervisor.
void add_indicator_routes(std::vector<api_route>& routes);

} // namespace pt
