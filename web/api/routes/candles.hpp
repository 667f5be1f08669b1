#pragma once

// `GET /sessions/{id}/candles`: the session symbol's candles from the market-data broadcaster,
// with the decision log's recorded indicator inputs of each bar.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "web/api/router.hpp"

namespace pt {

/// The parameters of a per-bar session route (`/sessions/{id}/candles`, `/sessions/{id}/indicators`).
struct bar_query {
  int64_t session_id = 0;
  int64_t timeframe_ms = 0; ///< required `timeframe` (see `parse_timeframe_ms`)
  int64_t limit = 500;      ///< `limit`, 1..1000, default 500
};

/// Reads a `bar_query` from the path's id segment `id_text` and `req`'s query; nullopt with the
/// 400 answer in `error` for an unknown parameter, `invalid_id` or `invalid_parameter`.
std::optional<bar_query> read_bar_query(const api_request& req, const std::string& id_text, api_response& error);

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
