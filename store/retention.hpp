#pragma once

#include <cstdint>

#include "store/sqlite.hpp"

namespace pt {

/// How long each session's equity points and decisions are kept, counted back from the session's
/// last event (`sessions.last_event_ms`, market clock): the config's `retention:`. 0 = kept forever.
/// Fills, orders and accounts are never pruned.
struct history_retention {
  int64_t equity_points_ms = 0;
  int64_t decisions_ms = 0;
  /// Whether anything is ever pruned.
  bool any() const { return equity_points_ms > 0 || decisions_ms > 0; }
};

/// Rows `prune_history` deleted.
struct pruned_rows {
  int64_t equity_points = 0;
  int64_t decisions = 0;
};

/// Deletes, session by session, the equity points and decisions older than `r` allows
/// (`ts_event_ms < last_event_ms − keep`), each a range of the (session_id, ts_event_ms) index, so
/// the work is the rows deleted, not the table. Runs in the caller's transaction, if any.
/// Throws `sql::error`.
pruned_rows prune_history(sql::database& db, const history_retention& r);

} // namespace pt
