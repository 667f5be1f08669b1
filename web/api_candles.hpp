#pragma once

// `GET /sessions/{id}/candles`: the session symbol's candles from the market-data broadcaster,
// with the decision log's recorded indicator inputs of each bar.

#include <vector>

#include "web/api_router.hpp"

namespace pt {

/// Adds `GET /sessions/{id}/candles?timeframe=1m[&limit=N]`:
/// - the session's symbol is read from the database (404 `unknown_session` when the id is not
///   stored), then the broadcaster is asked `(candles_atom, symbol, timeframe_ms, limit)` from a
///   short-lived helper actor with a 2 s deadline (504 `broadcaster_timeout` past it; nothing
///   blocks an actor or an I/O thread);
/// - answer `{session_id, symbol, timeframe, items: [{open_time_ms, close_time_ms, open, high,
///   low, close, volume, trades, closed, decisions: [{ts_event_ms, rule, inputs, action}]}]}`,
///   oldest first, the forming bar last with `closed: false`; prices and volume as decimal
///   strings; `decisions` are the decision-log rows of the session whose event time falls in the
///   bar (their `inputs` are the indicator values the rules saw);
/// - 400 `invalid_parameter` for a missing or bad `timeframe` (see `parse_timeframe_ms`) or a
///   `limit` outside 1..1000 (default 500); 404 `no_candles` when no running session of the
///   symbol builds candles of that timeframe (the broadcaster builds the timeframes its live
///   subscribers read; a finished session's candles go with it); 503 without a database.
void add_candle_routes(std::vector<api_route>& routes);

} // namespace pt
