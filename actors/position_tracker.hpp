#pragma once

// The last stage of a session's pipeline (see actors/session_stage.hpp): the session's running
// report, what is stored, and the progress and activity the supervisor hears of.

#include <cstdint>

#include <caf/all.hpp>

#include "actors/handles.hpp"
#include "actors/messages.hpp"
#include "core/session/session_types.hpp"

namespace pt {

/// Position tracker state: the session's running report.
struct position_tracker_state {
  session_report report;
  int64_t equity_interval_ms = 0;
  int64_t last_progress_wall_ms = 0; ///< steady clock, when the last progress summary went out
  int64_t acks_pending = 0;          ///< batches sent to the persister whose commit is not yet answered
  /// Longest wall time between two progress summaries while batches keep coming, ms.
  static constexpr int64_t progress_interval_ms = 500;
  static inline const char* name = "position_tracker";
};

/// Keeps the session's position, P&L and fills; sends what must be stored to the persister
/// (if any) as `(await_atom, persist_batch)` with the feed position, and, at the end of data, the
/// `session_report` to the supervisor — once the persister has committed what came before.
/// Progress: a `session_summary` (status "running"; the supervisor owns the status) goes to the
/// supervisor when the persister confirms the commit of a batch with fills (the summary as of that
/// batch: nobody hears of a fill before it is stored), or when `progress_interval_ms` of wall time
/// passed since the last one and nothing waits for a commit — never one message per tick. While a
/// restored session is re-fed (before its restore position) no progress is sent.
/// `(pause_atom|resume_atom, int64_t events)`: stored as a command at that feed position.
/// When `fill_latency::enabled()`, records for each fill of a batch the time since the batch
/// arrived at the broadcaster (actors/fill_latency.hpp).
/// `(stop_atom, bool)`: the report becomes final with status "stopped", stored as such, and is
/// sent to the supervisor.
/// Its protocol is `position_tracker_actor` (actors/handles.hpp); `persister` may be invalid (no
/// database: nothing is stored and every report goes out at once).
position_tracker_actor::behavior_type position_tracker(position_tracker_actor::stateful_pointer<position_tracker_state> self,
                                                       session_config cfg, tracker_supervisor_actor supervisor,
                                                       persister_actor persister);

/// The summary of a report: its figures, status and failure as they stand.
session_summary summary_of(const session_report& r);

} // namespace pt
