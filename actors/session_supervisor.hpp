#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/handles.hpp"
#include "actors/messages.hpp"
#include "actors/session_errc.hpp"
#include "core/session/session_types.hpp"

namespace pt {

/// What the supervisor knows of one session.
struct supervised_session {
  session_config config;
  indicator_engine_actor engine;  ///< where market data and commands enter
  position_tracker_actor tracker; ///< monitored; its pipeline is linked to it
  session_status status = session_status::starting;
  std::string failure;         ///< why, when failed
  session_report report;       ///< filled in when finished or stopped
  session_summary progress;    ///< the tracker's latest figures (status and failure are `status`, `failure`)
  bool created = false;        ///< by `create_atom`, not one of the start-up configs
  bool stop_requested = false; ///< a `(stop_atom, id, flatten)` is on its way through the pipeline
  caf::typed_response_promise<session_summary> create_reply; ///< pending while a created session is starting
  caf::typed_response_promise<session_summary> stop_reply;   ///< pending while a stop is on its way
  int64_t restarts = 0;        ///< restarts after failures so far (restart policy)
  std::string last_failure;    ///< why it failed last (kept once restarted)
  int64_t restart_due_ms = 0;  ///< steady clock, ms: when the scheduled restart is due (0 = none)
  int64_t generation = 0;      ///< counts its pipelines: a timer of an older one is ignored
  bool paused_at_failure = false; ///< it was paused: the restart is paused too
  int64_t max_order_id = 0;    ///< highest ids it reported (session_activity), for restarts without a database
  int64_t max_fill_id = 0;
  std::vector<fill> fills_seen; ///< fills it reported, likewise (only kept when there is no persister)
  /// Its indicator engine's series, handed over when its data ended or it was stopped.
  std::shared_ptr<const indicator_history> indicators;
};

/// Supervisor state: every session of this process.
struct supervisor_state {
  std::vector<session_config> configs;
  std::vector<warmup_history> warmups; ///< by config index; may be shorter (the rest start cold)
  broadcaster_actor broadcaster;
  persister_actor persister;   ///< may be invalid (no database)
  std::map<int64_t, supervised_session> sessions;
  size_t settled = 0;          ///< start-up sessions started or failed to start
  size_t ended = 0;            ///< sessions finished, stopped or failed
  size_t created = 0;          ///< sessions asked for with `create_atom` (and not refused at once)
  int64_t next_local_id = 1;   ///< without a persister: the next session id
  bool stopping = false;       ///< an operator stopped the run: sessions that end now are "stopped"
  /// Monitored; each receives every summary stored (`watch_atom`). Dynamically typed: a watcher is
  /// whatever relays the summaries (the push hub, a test), and is only sent to, never asked.
  std::vector<caf::actor> watchers;
  std::vector<caf::actor> activity_watchers; ///< those of `watchers` that also get `session_activity`
  /// Every tracker spawned (shared with the supervisor's exit functor, which ends them).
  std::shared_ptr<std::vector<position_tracker_actor>> trackers =
    std::make_shared<std::vector<position_tracker_actor>>();
  caf::typed_response_promise<ok_atom> started; ///< the answer to `start_atom`
  std::vector<caf::typed_response_promise<std::vector<session_report>>> awaiting; ///< `await_atom`s pending
  /// "finished" statuses not sent to the persister yet: sent together, one transaction, once every
  /// session has ended or `settle_delay_ms` after the first (see `session_supervisor`).
  std::vector<persist_batch> settling;
  static constexpr int64_t settle_delay_ms = 200;
  static inline const char* name = "session_supervisor";
};

/// Starts and watches the sessions of `configs`, and the sessions created later; runs their
/// lifecycle (see docs/operations.md, "Session lifecycle"). Its protocol is `supervisor_actor`
/// (actors/handles.hpp): the messages below, each with its reply type, checked by the compiler.
///
/// States: `starting` → `running` ⇄ `paused`; `running`|`paused` → `stopped` (operator) or
/// `finished` (end of data); any → `failed` (with a reason). Commands refused by the state, an
/// unknown id or a bad request reply with a `session_errc` error (category "session").
///
/// Run-wide messages:
/// - `run_warmups` (before `start_atom`): history for each config's indicator engine, sent to it
///   right after it is spawned and before it is subscribed, so it precedes every market batch.
/// - `start_atom` → `ok_atom` once every session has an id (from the persister when there is
///   one), its four actors are running and it is subscribed to its symbol (or has failed).
/// - `session_report` from a tracker at the end of data: the session is finished (or, after a
///   stop, stopped).
/// - `session_summary` from a tracker: progress (account, fills, events, drawdown) for `status_atom`.
///   The tracker has committed its final account and feed position then, with the status it had;
///   the supervisor stores "finished": the statuses of the sessions that end together go to the
///   persister as one `std::vector<persist_batch>` (one transaction) once every session has ended,
///   or `supervisor_state::settle_delay_ms` after the first when some have not.
/// - `stop_atom`: the operator stops the run (SIGINT/SIGTERM); sessions that settle from now on
///   end as "stopped" rather than "finished" in their reports, while the database keeps the status
///   they had ("running" or "paused"), with their feed position: the next run on that database
///   restores them (docs/operations.md, "Restore").
/// - A config whose `start` is a restore already has its id and row: it is spawned without asking the
///   persister for a row, and is "paused" once subscribed when its stored status was.
/// - `await_atom` → `std::vector<session_report>` once every session (start-up and created) has
///   finished, stopped or failed (a failed session's report has its figures as last known and
///   `failure` logged).
///
/// Per-session commands (every status change is also written to `sessions.status`):
/// - `(pause_atom, int64_t id)` → `session_summary` (status "paused"): from the next batch the
///   session receives, its strategy places no new entries; indicators and protective exits go
///   on. Only a running session can be paused.
/// - `(resume_atom, int64_t id)` → `session_summary` (status "running"): entries again. Only a
///   paused session can be resumed.
/// - `(stop_atom, int64_t id, bool flatten)` → `session_summary` (status "stopped", final): the
///   session is unsubscribed from market data, its pending orders are cancelled and, with
///   `flatten`, its position is sold at market at the current bid (decision "flatten"); its
///   report is final, its actors end, its history stays in the database. Replies once that is
///   done. Only a running or paused session can be stopped.
/// - `(status_atom)` → `std::vector<session_summary>`, every session by id;
///   `(status_atom, int64_t id)` → `session_summary`.
/// - `(create_atom, session_config)` → `session_summary` of the new session, "running", once it
///   has an id (from the persister, like start-up sessions), its pipeline runs and it is
///   subscribed to its symbol with the timeframes its strategy reads. `invalid_request` when the
///   config has no symbol or its strategy does not compile. `session_config` is local-only (see
///   messages.hpp); its `session_id` is ignored.
/// - `(watch_atom, caf::actor watcher)` → `std::vector<session_summary>` (every session now, by
///   id): from then on `watcher` (monitored; dropped when it terminates) receives a
///   `session_summary` each time the supervisor stores one: every progress report of a tracker
///   and every status change (running, paused, resumed, stopped, finished, failed). Never one
///   message per market event.
/// - `(watch_atom, caf::actor watcher, activity_atom)` → the same, and `watcher` also receives
///   every `session_activity` (actors/session_activity.hpp) a tracker reports: a batch's orders,
///   fills and decisions once committed, before the summary of that batch.
/// - `(caf::get_atom, int64_t id)` → `indicator_engine_actor`: the session's indicator engine,
///   for diagnostics and tests (killing it fails that session alone).
/// - `(indicators_atom, int64_t id, int64_t n)` → `indicator_history` of its last n bars: asked of
///   the session's indicator engine while it runs; once the pipeline has ended, the series the
///   engine handed over (`(indicators_atom, id, indicator_history)`) at the end of data or stop.
///   `unknown_session` for an unknown id, or a session that ended with nothing handed over (failed).
/// A session whose actors terminate is marked failed with the reason; the others go on.
///
/// Restart policy (`session_config::restart`, docs/operations.md "Restart policy"): a session
/// that fails once running, while restarts are left and the run is not stopping, is `restarting`
/// (its row says `failed` with the reason until it runs again): after the policy's backoff
/// (doubling per restart, capped; a `delayed_send` of `(restart_atom, id, generation)` to itself)
/// a new pipeline is spawned with `session_config::resume`: the committed account, feed position,
/// highest order and fill ids and fills, read from the persister (`restart_point`) or, without
/// one, from the session's last summary and activity. Its indicators are warmed from the
/// broadcaster's bars (`candles_atom`) of each timeframe it reads that some subscriber still
/// keeps; it joins the feed where it is. Logged as "session N (name) failed: why; restart k/max in
/// X ms". A stop of a restarting session, or of the run, cancels the restart (a run's stop leaves
/// it failed). Summaries carry `restarts`, `last_failure` and `next_restart_ms`.
///
/// Its own timers (sent to itself, nobody else sends them): `settle_atom` (store the "finished"
/// statuses collected) and `(restart_atom, int64_t id, int64_t generation)` (a restart is due).
/// From its sessions: `session_report`, `session_summary` and `session_activity` from trackers
/// (`tracker_supervisor_actor`), `(indicators_atom, int64_t id, indicator_history)` from engines
/// (`engine_supervisor_actor`).
supervisor_actor::behavior_type session_supervisor(supervisor_actor::stateful_pointer<supervisor_state> self,
                                                   std::vector<session_config> configs, broadcaster_actor broadcaster,
                                                   persister_actor persister);

} // namespace pt
