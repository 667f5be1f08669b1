#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/handles.hpp"
#include "actors/messages.hpp"
#include "store/retention.hpp"
#include "store/sqlite.hpp"

namespace pt {

/// Persister state: the only write connection to SQLite and what waits for the next commit.
struct persister_state {
  std::shared_ptr<sql::database> db;
  std::vector<persist_batch> pending;
  /// Of `(await_atom, persist_batch)`, answered after the commit.
  std::vector<caf::typed_response_promise<ok_atom>> acks;
  bool commit_queued = false;
  int64_t commits = 0;
  int64_t fills_committed = 0;
  int64_t failures = 0;
  history_retention retention;     ///< applied while running, at most every `prune_interval_ms`
  int64_t prune_interval_ms = 0;
  int64_t last_prune_wall_ms = 0;  ///< steady clock, when history was last pruned (0 = never)
  int64_t latest_event_ms = 0;     ///< the latest account event time written (market clock)
  int64_t last_prune_event_ms = 0; ///< `latest_event_ms` when history was last pruned
  static inline const char* name = "persister";
};

/// The only writer to SQLite (DESIGN decision 6), on an already opened and migrated database.
///
/// Messages (its protocol is `persister_actor`, actors/handles.hpp):
/// - `session_row` → the new session's id (committed before the reply).
/// - `persist_batch`: queued; everything queued since the last commit is written in one
///   transaction (group commit), triggered by a `commit_atom` the actor sends itself, which
///   arrives after everything already in its mailbox. A batch with `has_account == false` (a
///   status change from the supervisor) writes `sessions.status` only.
/// - `std::vector<persist_batch>`: queued together, so they are written in one transaction (the
///   supervisor's "finished" statuses of sessions that end together).
/// - `(await_atom, persist_batch)` → `ok_atom` once that batch is committed (an error when its
///   transaction failed): queued and committed like a plain `persist_batch`. The position tracker
///   sends fills this way and reports them only on the answer (a client never hears of a fill that
///   is not in the database).
/// - `flush_atom` → `ok_atom` once everything received before it is committed.
/// - `(restart_atom, int64_t session_id)` → `restart_point`: after committing what is queued, the
///   session's stored account, feed position, highest order and fill ids and its fills (for a
///   restart after a failure); an error when the database cannot be read.
/// A failed transaction is logged and counted, never thrown out of the handler.
persister_actor::behavior_type persister(persister_actor::stateful_pointer<persister_state> self,
                                         std::shared_ptr<sql::database> db);

/// How often a running persister applies the retention: once an hour of wall time at most.
constexpr int64_t default_prune_interval_ms = 3'600'000;

/// The persister, applying `retention` while it runs (the config's `retention:`, which start-up
/// applies too): after a commit, when `prune_interval_ms` of wall time (steady clock) have passed
/// since the last pruning (or none was done yet), or the market clock of the accounts written has
/// moved a quarter of the retention's shortest window since then (a replay at full speed covers
/// weeks in minutes), `prune_history` runs in a transaction of its own, logged when it changed
/// rows; a failure is logged and counted like a commit's. So a session that runs for months keeps
/// a bounded window of full-resolution equity points and decisions without a restart.
persister_actor::behavior_type persister_with_retention(persister_actor::stateful_pointer<persister_state> self,
                                                        std::shared_ptr<sql::database> db,
                                                        history_retention retention,
                                                        int64_t prune_interval_ms = default_prune_interval_ms);

} // namespace pt
