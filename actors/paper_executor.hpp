#pragma once

// The third stage of a session's pipeline (see actors/session_stage.hpp): the session step
// (core/session/session_step.hpp) on each batch, order updates, fills, decisions, equity points and the
// account out to the position tracker.

#include <cstdint>
#include <optional>

#include <caf/all.hpp>

#include "actors/handles.hpp"
#include "core/session/session_step.hpp"
#include "core/session/session_types.hpp"

namespace pt {

/// Paper executor state: the session's step (its virtual exchange, account and equity curve).
struct paper_executor_state {
  std::optional<session_step> step;
  static inline const char* name = "paper_executor";
};

/// Runs the session step (`session_step::on_batch`) on each batch: the batch's events go into the
/// virtual exchange, each signal acted on right after the event that raised it; adds order
/// updates, fills, decisions, equity points and the account to the batch.
/// A restored session (`session_config::start`, kind `restore`) re-applies its stored pause/resume
/// commands at their positions, and has the outputs of its first `start.events` events moved out
/// of the batch (its fills into `replayed_fills`): they are committed already. At that position
/// its account is compared with the stored one and the outcome logged (a warning when they differ).
/// A restarted one (kind `restart`) takes up the committed account and numbers its ids after the
/// stored ones.
/// Lifecycle: `pause_atom` / `resume_atom` set the exchange's paused flag (no new entries, see
/// `session_trader::set_paused`); each is forwarded to `next` as
/// `(pause_atom|resume_atom, int64_t events)`, the position at which it took effect.
/// `(stop_atom, bool flatten)` cancels pending orders and, with `flatten`, sells the position at
/// the current bid (`session_step::on_stop`); it forwards those as one more `session_batch`
/// (with no market events), then `(stop_atom, flatten)`.
/// Fault injection (tests only, `session_config::fail_after_events`): throws on the n-th market
/// event of this start, which fails the session.
/// Its protocol is `paper_executor_actor` (actors/handles.hpp).
paper_executor_actor::behavior_type paper_executor(paper_executor_actor::stateful_pointer<paper_executor_state> self,
                                                   session_config cfg, position_tracker_actor next);

} // namespace pt
