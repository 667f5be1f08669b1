#pragma once

#include <caf/all.hpp>

namespace pt {

/// Sets the CAF scheduler papertrader runs on: work *sharing* (one queue that every worker
/// takes from, idle workers sleep) instead of CAF's default work stealing.
///
/// Why (docs/BENCHMARKS.md, "What limits it"): with stealing, every actor a message wakes is
/// queued on the sending worker, so the broadcaster's fan-out to N sessions and the supervisor's
/// start-up of N pipelines land on one worker and the other steals them one at a time while
/// spinning (`perf`: 35 % of the cycles of a 10,000-session run in `take_tail`). Starting 10,000
/// sessions took 14 s with stealing and 1.1 s with sharing on the same machine.
inline void use_sharing_scheduler(caf::actor_system_config& cfg) {
  cfg.set("scheduler.policy", caf::atom("sharing"));
}

} // namespace pt
