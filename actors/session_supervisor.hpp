#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/messages.hpp"
#include "core/session_types.hpp"

namespace pt {

/// What the supervisor knows of one session.
struct supervised_session {
  session_config config;
  caf::actor tracker;          ///< monitored; its pipeline is linked to it
  std::string status;          ///< "starting", "running", "finished", "stopped", "failed"
  std::string failure;         ///< why, when failed
  session_report report;       ///< filled in when finished
};

/// Supervisor state: every session of this process.
struct supervisor_state {
  std::vector<session_config> configs;
  std::vector<warmup_history> warmups; ///< by config index; may be shorter (the rest start cold)
  caf::actor broadcaster;
  caf::actor persister;        ///< may be invalid (no database)
  std::map<int64_t, supervised_session> sessions;
  size_t settled = 0;          ///< sessions started or failed to start
  size_t ended = 0;            ///< sessions finished or failed
  bool stopping = false;       ///< an operator stopped the run: sessions that end now are "stopped"
  std::shared_ptr<std::vector<caf::actor>> trackers = std::make_shared<std::vector<caf::actor>>();
  caf::response_promise started;
  std::vector<caf::response_promise> awaiting;
  static inline const char* name = "session_supervisor";
};

/// Starts and watches the sessions of `configs`.
///
/// Messages:
/// - `run_warmups` (before `start_atom`): history for each config's indicator engine, sent to it
///   right after it is spawned and before it is subscribed, so it precedes every market batch.
/// - `start_atom` → `ok_atom` once every session has an id (from the persister when there is
///   one), its four actors are running and it is subscribed to its symbol (or has failed).
/// - `session_report` from a tracker at the end of data: the session is finished.
/// - `stop_atom`: the operator stops the run (SIGINT/SIGTERM); sessions that settle from now on
///   end as "stopped" rather than "finished", in their reports and in the database.
/// - `await_atom` → `std::vector<session_report>` once every session has finished or failed
///   (a failed session's report has its figures as last known and `failure` logged).
/// A session whose actors terminate is marked failed with the reason; the others go on.
caf::behavior session_supervisor(caf::stateful_actor<supervisor_state>* self, std::vector<session_config> configs,
                                 caf::actor broadcaster, caf::actor persister);

} // namespace pt
