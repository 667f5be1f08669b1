#pragma once

// Typed handles of the services (broadcaster, feed gate, persister, session supervisor) and of a
// session's pipeline stages: who takes which message, with which reply. The compiler checks each
// send and request against them (CAF 0.17 `typed_actor`), and an actor whose behavior does not
// match its handle does not compile. What each message means is documented at the actor's spawn
// function.
//
// Why a file beside actors/messages.hpp (DESIGN names messages.hpp as where the protocols live):
// messages.hpp is what travels (the atoms, the payload structs with their `inspect()`, the types
// a run registers) and needs only core/; this file is the actors' interfaces built from those
// types, one map of who takes what. Together the two are DESIGN's messages.hpp.
//
// Dynamically typed `caf::actor` remains where a receiver may be any kind of actor: the
// broadcaster's subscribers (a session's indicator engine, cast with `caf::actor_cast`; the push
// hub; a test's scoped actor) and demand watchers, and the supervisor's watchers (the push hub,
// tests). They are sent batches and summaries, never asked anything.

#include <cstdint>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/messages.hpp"
#include "actors/session_activity.hpp"

namespace pt {

/// Where a market-data feed sends its batches: the broadcaster, or a `feed_gate` in front of it.
/// - `market_batch` → `ok_atom` once taken.
/// - `end_data_atom` → `ok_atom`: the feed has ended.
using market_sink_actor = caf::typed_actor<caf::replies_to<market_batch>::with<ok_atom>,
                                           caf::replies_to<end_data_atom>::with<ok_atom>>;

/// The market-data broadcaster (actors/market_data_broadcaster.hpp): a market sink, plus its
/// subscriptions (three `subscribe_atom` forms: without timeframes, with them, and from a feed
/// position, answered with that position), demand watching, stats and candle history.
using broadcaster_actor = market_sink_actor::extend<
  caf::replies_to<subscribe_atom, std::string, caf::actor>::with<ok_atom>,
  caf::replies_to<subscribe_atom, std::string, caf::actor, std::vector<int64_t>>::with<ok_atom>,
  caf::replies_to<subscribe_atom, std::string, caf::actor, std::vector<int64_t>, int64_t>::with<int64_t>,
  caf::replies_to<unsub_atom, std::string, caf::actor>::with<ok_atom>,
  caf::replies_to<watch_atom, caf::actor>::with<ok_atom>,
  caf::replies_to<status_atom>::with<std::vector<symbol_stats>>,
  caf::replies_to<candles_atom, std::string, int64_t, int64_t>::with<candle_history>>;

/// `(backfill_atom, market_batch)` to a `feed_gate`: events fetched over REST for the gap, passed
/// on at once (held or not), with the same duplicate rule; answered with `ok_atom`.
using backfill_atom = caf::atom_constant<caf::atom("backfill")>;
/// `release_atom` to a `feed_gate`: pass on what it held, then everything as it comes; answered
/// with the number of trades dropped as already seen so far (`int64_t`).
using release_atom = caf::atom_constant<caf::atom("release")>;

/// The live feed's gate (actors/feed_gate.hpp): a market sink, plus the backfill and release.
using feed_gate_actor = market_sink_actor::extend<caf::replies_to<backfill_atom, market_batch>::with<ok_atom>,
                                                  caf::replies_to<release_atom>::with<int64_t>>;

/// What a replay needs of the persister: a commit barrier (`flush_atom`, answered once everything
/// received before it is committed). `persister_actor` converts to it.
using commit_barrier_actor = caf::typed_actor<caf::replies_to<flush_atom>::with<ok_atom>>;

/// The persister (actors/persister.hpp), the only SQLite writer.
/// `commit_atom` is its own timer (it sends it to itself); nobody else sends it.
using persister_actor = caf::typed_actor<caf::replies_to<session_row>::with<int64_t>,
                                         caf::reacts_to<persist_batch>,
                                         caf::reacts_to<std::vector<persist_batch>>,
                                         caf::replies_to<await_atom, persist_batch>::with<ok_atom>,
                                         caf::replies_to<restart_atom, int64_t>::with<restart_point>,
                                         caf::replies_to<flush_atom>::with<ok_atom>,
                                         caf::reacts_to<commit_atom>>;

// -- A session's pipeline (actors/session_stage.hpp) -------------------------------------------
// indicator_engine → signal_detector → paper_executor → position_tracker. Each stage's `next` is
// the next stage's handle; the lifecycle commands travel in line with the batches.

/// A session's indicator engine (actors/indicator_engine.hpp): where market data and the
/// session's lifecycle commands enter the pipeline.
/// - `warmup_history`: history folded in before the first batch (nothing forwarded).
/// - `market_batch`, `end_data_atom`: from the broadcaster (it subscribes as a `caf::actor`).
/// - `(indicators_atom, int64_t n)` → `indicator_history` of the last n bars.
/// - `pause_atom`, `resume_atom`, `(stop_atom, bool flatten)`: from the supervisor.
using indicator_engine_actor = caf::typed_actor<caf::reacts_to<warmup_history>,
                                                caf::reacts_to<market_batch>,
                                                caf::reacts_to<end_data_atom>,
                                                caf::replies_to<indicators_atom, int64_t>::with<indicator_history>,
                                                caf::reacts_to<pause_atom>,
                                                caf::reacts_to<resume_atom>,
                                                caf::reacts_to<stop_atom, bool>>;

/// A session's signal detector (actors/signal_detector.hpp): the engine's `session_batch`es, and
/// the end of data and lifecycle commands it passes on.
using signal_detector_actor = caf::typed_actor<caf::reacts_to<session_batch>,
                                               caf::reacts_to<end_data_atom>,
                                               caf::reacts_to<pause_atom>,
                                               caf::reacts_to<resume_atom>,
                                               caf::reacts_to<stop_atom, bool>>;

/// A session's paper executor (actors/paper_executor.hpp): the same messages as the signal
/// detector (so the same type), from the detector.
using paper_executor_actor = signal_detector_actor;

/// A session's position tracker (actors/position_tracker.hpp), the last stage. The executor
/// tells it at which feed position a pause or resume took effect: `(pause_atom|resume_atom,
/// int64_t events)`.
using position_tracker_actor = caf::typed_actor<caf::reacts_to<session_batch>,
                                                caf::reacts_to<end_data_atom>,
                                                caf::reacts_to<pause_atom, int64_t>,
                                                caf::reacts_to<resume_atom, int64_t>,
                                                caf::reacts_to<stop_atom, bool>>;

// -- The session supervisor (actors/session_supervisor.hpp) ------------------------------------

/// Sent by the supervisor to itself, `supervisor_state::settle_delay_ms` after the first session
/// ended: store the "finished" statuses collected so far.
using settle_atom = caf::atom_constant<caf::atom("settle")>;

/// The session supervisor. What each message means, and when it is answered, is documented at
/// `session_supervisor` (actors/session_supervisor.hpp).
using supervisor_actor = caf::typed_actor<
  // Run-wide, from app/runner (and the benches, tests).
  caf::reacts_to<run_warmups>,
  caf::replies_to<start_atom>::with<ok_atom>,
  caf::reacts_to<stop_atom>,
  caf::replies_to<await_atom>::with<std::vector<session_report>>,
  // From its sessions' trackers (`tracker_supervisor_actor`) and engines (`engine_supervisor_actor`).
  caf::reacts_to<session_report>,
  caf::reacts_to<session_summary>,
  caf::reacts_to<session_activity>,
  caf::reacts_to<indicators_atom, int64_t, indicator_history>,
  // Per-session commands and questions, from the web layer (web/api) and tests.
  caf::replies_to<pause_atom, int64_t>::with<session_summary>,
  caf::replies_to<resume_atom, int64_t>::with<session_summary>,
  caf::replies_to<stop_atom, int64_t, bool>::with<session_summary>,
  caf::replies_to<status_atom>::with<std::vector<session_summary>>,
  caf::replies_to<status_atom, int64_t>::with<session_summary>,
  caf::replies_to<create_atom, session_config>::with<session_summary>,
  caf::replies_to<watch_atom, caf::actor>::with<std::vector<session_summary>>,
  caf::replies_to<watch_atom, caf::actor, activity_atom>::with<std::vector<session_summary>>,
  caf::replies_to<caf::get_atom, int64_t>::with<indicator_engine_actor>,
  caf::replies_to<indicators_atom, int64_t, int64_t>::with<indicator_history>,
  // Its own timers.
  caf::reacts_to<settle_atom>,
  caf::reacts_to<restart_atom, int64_t, int64_t>>;

/// The supervisor as a position tracker sees it: what the tracker reports (a subset of
/// `supervisor_actor`, which converts to it).
using tracker_supervisor_actor = caf::typed_actor<caf::reacts_to<session_report>,
                                                  caf::reacts_to<session_summary>,
                                                  caf::reacts_to<session_activity>>;

/// The supervisor as an indicator engine sees it: the series it hands over at the end of data or
/// a stop (a subset of `supervisor_actor`, which converts to it).
using engine_supervisor_actor = caf::typed_actor<caf::reacts_to<indicators_atom, int64_t, indicator_history>>;

} // namespace pt
