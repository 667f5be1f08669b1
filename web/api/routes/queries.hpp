#pragma once

// Read-only SQLite queries behind the /sessions routes. Each takes an open (read-only)
// connection and the request, and returns the whole answer; values are bound, never pasted.
// Throw `sql::error` on database failures (the router answers 500).

#include <cstdint>

#include "store/sqlite.hpp"
#include "web/api/metrics.hpp"
#include "web/http/types.hpp"

namespace pt {

/// `GET /sessions?status=&limit=&offset=`: `{items, total, limit, offset}`.
api_response query_sessions(sql::database& db, const api_request& req);

/// `GET /sessions/{id}`: the session row; 404 for an unknown id.
api_response query_session(sql::database& db, int64_t id);

/// `GET /sessions/{id}/positions`: the open position (quantity, average entry, cost basis,
/// mark price, unrealized P&L) from the session row.
api_response query_positions(sql::database& db, int64_t id);

/// `GET /sessions/{id}/metrics[?period_ms=]`: P&L, fees, equity, return and max drawdown (from
/// equity points), and `performance`: `compute_performance` over the stored fills and equity points,
/// valued at the row's mark and last event, returns sampled every `period_ms` (1000 ms … 365 days,
/// default 60,000 = the default equity interval). 400 when period_ms is out of range or splits the
/// session into more than `max_return_periods` periods.
api_response query_session_metrics(sql::database& db, int64_t id, const api_request& req);

/// `GET /sessions/{id}/orders?after=&limit=&side=&status=`: orders by order id.
api_response query_orders(sql::database& db, int64_t id, const api_request& req);

/// `GET /sessions/{id}/fills?after=&limit=&from_ms=&to_ms=&side=`: fills by fill id.
api_response query_fills(sql::database& db, int64_t id, const api_request& req);

/// `GET /sessions/{id}/equity?after=&limit=&from_ms=&to_ms=`: equity points in time order.
api_response query_equity(sql::database& db, int64_t id, const api_request& req);

/// `GET /sessions/{id}/equity/ohlc?after=&limit=&from_ms=&to_ms=`: the downsampled equity
/// buckets (older than the retention's full-resolution window) in time order, each with
/// `bucket_start_ms`, `bucket_ms`, `first_ms`, `last_ms`, open/high/low/close equity, the max
/// drawdown inside it, the account at its close and `points`; `after` is a `bucket_start_ms`
/// (`next_after`), `from_ms`/`to_ms` select buckets overlapping the range.
api_response query_equity_ohlc(sql::database& db, int64_t id, const api_request& req);

/// `GET /sessions/{id}/decisions?after=&limit=&from_ms=&to_ms=`: the decision log.
api_response query_decisions(sql::database& db, int64_t id, const api_request& req);

/// Sessions by status and the number of fills, for /metrics.
void count_platform(sql::database& db, platform_counts& out);

/// True if session `id` exists.
bool session_exists(sql::database& db, int64_t id);

} // namespace pt
