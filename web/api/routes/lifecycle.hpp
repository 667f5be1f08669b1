#pragma once

#include <string>
#include <vector>

#include "actors/messages.hpp"
#include "web/api/router.hpp"

namespace pt {

/// Adds the session command routes to `routes`; they need admin tokens and the supervisor
/// (`api_services::supervisor`; without it they answer 503):
/// - `POST /sessions` — body `{"strategy": "ema_crossover" | "yaml": "…", "name", "symbol",
///   "initial_cash", "taker_fee_bps", "maker_fee_bps", "slippage_bps"}` (strings; all but one of
///   strategy/yaml optional) → 201 and the new session's summary; 400 with every strategy problem
///   (line and column) when it does not load.
/// - `POST /sessions/{id}/pause`, `/resume` → 200 and the summary;
///   `POST /sessions/{id}/stop` with an optional body `{"flatten": true}` → 200 and the final summary.
/// Errors: 404 unknown session, 409 a transition its state does not allow, 400 a bad request,
/// 504 when the supervisor does not answer in time.
void add_lifecycle_routes(std::vector<api_route>& routes);

/// A session summary as the API shows it (the answer of the session commands and the `session`
/// member of a WebSocket `session` message): money, prices and quantities as decimal strings.
std::string summary_json(const session_summary& s);

} // namespace pt
