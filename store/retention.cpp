#include "store/retention.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <sqlite3.h>

namespace pt {

namespace {

constexpr const char* bucket_columns =
  "bucket_start_ms, bucket_ms, first_ms, last_ms, open_raw, high_raw, low_raw, close_raw, max_drawdown_raw, "
  "cash_raw, position_qty_raw, mark_price_raw, points";

equity_ohlc bucket_of_row(const sql::statement& st) {
  equity_ohlc b;
  b.bucket_start_ms = st.column_int(0);
  b.bucket_ms = st.column_int(1);
  b.first_ms = st.column_int(2);
  b.last_ms = st.column_int(3);
  b.open = money::from_raw(st.column_int(4));
  b.high = money::from_raw(st.column_int(5));
  b.low = money::from_raw(st.column_int(6));
  b.close = money::from_raw(st.column_int(7));
  b.max_drawdown_raw = st.column_int(8);
  b.cash = money::from_raw(st.column_int(9));
  b.position_qty = quantity::from_raw(st.column_int(10));
  b.mark = price::from_raw(st.column_int(11));
  b.points = st.column_int(12);
  return b;
}

} // namespace

equity_point equity_point_of_row(const sql::statement& st) {
  return {st.column_int(0), money::from_raw(st.column_int(1)), money::from_raw(st.column_int(2)),
          quantity::from_raw(st.column_int(3)), price::from_raw(st.column_int(4))};
}

int64_t history_retention::shortest_window_ms() const {
  int64_t out = 0;
  for (int64_t w : {equity_points_ms, decisions_ms, equity_full_ms})
    if (w > 0 && (out == 0 || w < out))
      out = w;
  return out;
}

std::pair<int64_t, int64_t> downsample_equity(sql::database& db, int64_t session_id, int64_t before_ms,
                                              int64_t bucket_ms) {
  std::vector<equity_ohlc> buckets;
  int64_t folded = 0;
  {
    sql::statement st(db, std::string("SELECT ") + equity_point_columns +
                            " FROM equity_points WHERE session_id = ?1 AND ts_event_ms < ?2 ORDER BY ts_event_ms, rowid");
    st.bind(1, session_id).bind(2, before_ms);
    while (st.step()) {
      auto p = equity_point_of_row(st);
      ++folded;
      if (!buckets.empty() && buckets.back().bucket_start_ms == equity_ohlc::start_of(p.ts_event_ms, bucket_ms))
        buckets.back().add(p);
      else
        buckets.push_back(equity_ohlc::of(p, bucket_ms));
    }
  }
  if (folded == 0)
    return {0, 0};
  // The latest stored bucket holds points before these (they were deleted when it was written).
  // The first new bucket extends it when it is the same bucket; when the width was changed since
  // (the config's `equity_bucket`), it starts just after it instead, so buckets stay in time order.
  std::optional<equity_ohlc> latest;
  {
    sql::statement st(db, std::string("SELECT ") + bucket_columns +
                            " FROM equity_buckets WHERE session_id = ?1 ORDER BY bucket_start_ms DESC LIMIT 1");
    st.bind(1, session_id);
    if (st.step())
      latest = bucket_of_row(st);
  }
  auto& first = buckets.front();
  if (latest && latest->bucket_start_ms == first.bucket_start_ms && latest->bucket_ms == first.bucket_ms) {
    latest->merge(first);
    first = *latest;
  } else if (latest && first.bucket_start_ms <= latest->last_ms) {
    first.bucket_start_ms = latest->last_ms + 1;
  }
  sql::statement put(db, std::string("INSERT OR REPLACE INTO equity_buckets (session_id, ") + bucket_columns +
                           ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
  for (auto& out : buckets) {
    put.bind(1, session_id).bind(2, out.bucket_start_ms).bind(3, out.bucket_ms).bind(4, out.first_ms);
    put.bind(5, out.last_ms).bind(6, out.open.raw()).bind(7, out.high.raw()).bind(8, out.low.raw());
    put.bind(9, out.close.raw()).bind(10, out.max_drawdown_raw).bind(11, out.cash.raw());
    put.bind(12, out.position_qty.raw()).bind(13, out.mark.raw()).bind(14, out.points);
    put.run();
  }
  sql::statement del(db, "DELETE FROM equity_points WHERE session_id = ?1 AND ts_event_ms < ?2");
  del.bind(1, session_id).bind(2, before_ms);
  del.run();
  return {folded, static_cast<int64_t>(buckets.size())};
}

std::vector<equity_ohlc> read_equity_buckets(sql::database& db, int64_t session_id, int64_t from_ms, int64_t limit) {
  std::vector<equity_ohlc> out;
  sql::statement st(db, std::string("SELECT ") + bucket_columns +
                          " FROM equity_buckets WHERE session_id = ?1 AND bucket_start_ms >= ?2 "
                          "ORDER BY bucket_start_ms LIMIT ?3");
  st.bind(1, session_id).bind(2, from_ms).bind(3, limit);
  while (st.step())
    out.push_back(bucket_of_row(st));
  return out;
}

std::string describe(const pruned_rows& p) {
  return "downsampled " + std::to_string(p.downsampled_points) + " equity point(s) into " +
         std::to_string(p.buckets_written) + " bucket(s); deleted " + std::to_string(p.equity_points) +
         " equity point(s), " + std::to_string(p.equity_buckets) + " equity bucket(s) and " +
         std::to_string(p.decisions) + " decision(s) past the retention window";
}

pruned_rows prune_history(sql::database& db, const history_retention& r) {
  pruned_rows out;
  if (!r.any())
    return out;
  std::vector<std::pair<int64_t, int64_t>> sessions; // id, last event
  {
    sql::statement st(db, "SELECT session_id, last_event_ms FROM sessions WHERE last_event_ms > 0");
    while (st.step())
      sessions.emplace_back(st.column_int(0), st.column_int(1));
  }
  if (r.equity_full_ms > 0 && r.equity_bucket_ms > 0)
    for (auto& [id, last_ms] : sessions) {
      auto [folded, written] =
        downsample_equity(db, id, equity_ohlc::start_of(last_ms - r.equity_full_ms, r.equity_bucket_ms), r.equity_bucket_ms);
      out.downsampled_points += folded;
      out.buckets_written += written;
    }
  // Deletes `table`'s rows of each session where `older` holds, ?2 being the session's last event
  // less `keep_ms`.
  auto prune = [&](const char* table, const char* older, int64_t keep_ms) -> int64_t {
    if (keep_ms <= 0)
      return 0;
    int64_t deleted = 0;
    sql::statement st(db, std::string("DELETE FROM ") + table + " WHERE session_id = ?1 AND " + older);
    for (auto& [id, last_ms] : sessions) {
      st.bind(1, id).bind(2, last_ms - keep_ms);
      st.run();
      deleted += sqlite3_changes(db.handle());
      st.reset();
    }
    return deleted;
  };
  out.equity_points = prune("equity_points", "ts_event_ms < ?2", r.equity_points_ms);
  // A bucket starts at or before its last point: the start bound makes it a range of the key.
  out.equity_buckets = prune("equity_buckets", "bucket_start_ms < ?2 AND last_ms < ?2", r.equity_points_ms);
  out.decisions = prune("decisions", "ts_event_ms < ?2", r.decisions_ms);
  // When the free pages pass a quarter of the file (a first pass over weeks of history, a
  // full-speed replay), they leave it (with `auto_vacuum = INCREMENTAL`, which `open_database`
  // sets on a new database; a no-op otherwise). Below that, new rows reuse them, so a run that
  // prunes a little every hour keeps its file size without paying for moving pages.
  if (out.any() && db.pragma_int("freelist_count") * 4 > db.pragma_int("page_count"))
    db.exec("PRAGMA incremental_vacuum");
  return out;
}

} // namespace pt
