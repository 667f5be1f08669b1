#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/metrics/equity_ohlc.hpp"
#include "store/sqlite.hpp"

namespace pt {

/// What is kept of each session's history, counted back from the session's last event
/// (`sessions.last_event_ms`, market clock): the config's `retention:`. 0 = no limit.
/// Fills, orders and accounts are never pruned.
struct history_retention {
  int64_t equity_points_ms = 0; ///< equity (points and buckets) older than this is deleted
  int64_t decisions_ms = 0;     ///< decisions older than this are deleted
  /// Equity points older than this are downsampled into `equity_buckets` of `equity_bucket_ms`
  /// (`downsample_equity`); 0 = every point is kept at full resolution.
  int64_t equity_full_ms = 0;
  int64_t equity_bucket_ms = 3'600'000; ///< the downsampled buckets' width (> 0)
  /// Whether anything is ever pruned or downsampled.
  bool any() const { return equity_points_ms > 0 || decisions_ms > 0 || equity_full_ms > 0; }
  /// The shortest window that is set (0 if none): how far the market clock may run between two
  /// applications before the history kept exceeds about twice what the windows ask.
  int64_t shortest_window_ms() const;
};

/// Rows `prune_history` changed.
struct pruned_rows {
  int64_t equity_points = 0;       ///< deleted past `equity_points_ms`
  int64_t equity_buckets = 0;      ///< deleted past `equity_points_ms`
  int64_t decisions = 0;           ///< deleted past `decisions_ms`
  int64_t downsampled_points = 0;  ///< folded into buckets (and deleted) past `equity_full_ms`
  int64_t buckets_written = 0;     ///< buckets inserted or extended by the downsampling
  /// Whether anything changed.
  bool any() const { return equity_points + equity_buckets + decisions + downsampled_points > 0; }
};

/// "downsampled N equity point(s) into M bucket(s), deleted …": what `prune_history` did, for the log.
std::string describe(const pruned_rows& p);

/// Applies `r` to every session: first downsamples equity points older than `equity_full_ms`
/// (`downsample_equity`), then deletes equity points, equity buckets and decisions older than
/// their windows (`ts_event_ms < last_event_ms − keep`; a bucket by its last point). Each step
/// is a range of a (session_id, time) index, so the work is the rows touched, not the tables.
/// When rows went and free pages are over a quarter of the file, they are returned to the file
/// system (`PRAGMA incremental_vacuum`; databases created by `open_database` use incremental
/// auto-vacuum); below that, later inserts reuse them. Runs in the caller's
/// transaction, if any. Throws `sql::error`.
pruned_rows prune_history(sql::database& db, const history_retention& r);

/// Folds one session's equity points with `ts_event_ms < before_ms` into buckets of `bucket_ms`
/// and deletes them. The first bucket extends the latest stored one when it has the same start and
/// width (it holds earlier points); after a change of width it starts just after that one's last
/// point, so the buckets stay in time order. `before_ms` should be a multiple of `bucket_ms`, so no bucket is left open.
/// Returns {points folded, buckets written}. Throws `sql::error`.
std::pair<int64_t, int64_t> downsample_equity(sql::database& db, int64_t session_id, int64_t before_ms,
                                              int64_t bucket_ms);

/// The columns `equity_point_of_row` reads, in its order, for a SELECT on `equity_points`.
inline constexpr const char* equity_point_columns =
  "ts_event_ms, equity_raw, cash_raw, position_qty_raw, mark_price_raw";

/// The equity point of a row selected with `equity_point_columns` as its first columns.
equity_point equity_point_of_row(const sql::statement& st);

/// One session's stored buckets in time order (`from_ms` ≤ bucket start; at most `limit`).
/// Throws `sql::error`.
std::vector<equity_ohlc> read_equity_buckets(sql::database& db, int64_t session_id, int64_t from_ms = INT64_MIN,
                                             int64_t limit = INT64_MAX);

} // namespace pt
