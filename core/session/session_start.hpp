#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/execution/ledger.hpp"
#include "core/execution/order.hpp"

namespace pt {

/// How a session starts: new, restored from the database at start-up, or restarted after a failure.
enum class start_kind {
  /// A new session: a fresh account, counters at zero.
  fresh,
  /// Restored from the database when the process starts again (docs/operations.md, "Restore"):
  /// the session is fed again from the start of its replay; the outputs (orders, fills, decisions,
  /// equity points) of its first `session_start::events` market events are already committed, so
  /// they are rebuilt in memory but neither stored nor reported again; from that event on it runs
  /// normally. Its account at that position is checked against `session_start::account`.
  restore,
  /// Restarted by the supervisor after a failure (docs/operations.md, "Restart policy"): it joins
  /// the feed where it is now, takes up `session_start::account` as committed, and numbers its
  /// orders and fills after the highest ones stored, so no id is used twice.
  restart,
};

/// "fresh", "restore" or "restart".
inline const char* to_string(start_kind k) {
  switch (k) {
  case start_kind::fresh: return "fresh";
  case start_kind::restore: return "restore";
  case start_kind::restart: return "restart";
  }
  return "?";
}

/// Where a session starts from: one value for the three ways a session begins (see `start_kind`).
/// Read from the database at start-up (a restore, app/restore.cpp) or set by the supervisor (a
/// restart, from what was committed); a default value is a fresh start. Fields a kind does not
/// use stay at their defaults.
struct session_start {
  start_kind kind = start_kind::fresh;
  /// Market events the session had processed (its feed position). Restore: at its last commit;
  /// the re-fed outputs before it are not new. Restart: before the failure; its counters go on.
  int64_t events = 0;
  /// The account as last committed (restore and restart). A restore checks its re-fed ledger
  /// against it at position `events`; a restart takes it up as its ledger.
  ledger_figures account;
  /// Restore: its stored status was "paused".
  bool paused = false;
  /// Restore: pause (true) and resume (false) commands as they took effect, before the market
  /// event of that position (events processed then), in order.
  std::vector<std::pair<int64_t, bool>> pauses;
  /// Restore: fills committed (their count; the fills themselves are rebuilt by the re-feed).
  int64_t fills_committed = 0;
  /// Restart: which one (1 = the first; 0 otherwise). Picks the fault injection of this start.
  int64_t restart = 0;
  /// Restart: the highest order id stored; new ids are this + 1, + 2, …
  int64_t order_id_offset = 0;
  /// Restart: likewise for fills.
  int64_t fill_id_offset = 0;
  /// Restart: the fills before it, for the session's report.
  std::vector<fill> fills;
  /// Restart: the drawdown (fraction of peak equity) as last reported before the failure.
  double max_drawdown = 0;

  /// True when this start rebuilds a session from its feed position after a crash.
  bool is_restore() const { return kind == start_kind::restore; }
  /// True when this start takes up a failed session's account and ids under the restart policy.
  bool is_restart() const { return kind == start_kind::restart; }

  /// Whether a restored session is still being re-fed after `events_processed` market events:
  /// its outputs up to there are committed already. Always false for other kinds.
  bool refeeding(int64_t events_processed) const { return is_restore() && events_processed < events; }
};

} // namespace pt
