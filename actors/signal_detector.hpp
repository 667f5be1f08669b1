#pragma once

// The second stage of a session's pipeline (see actors/session_stage.hpp): the strategy's entry
// and exit rules on the indicator engine's rows, signals out to the paper executor.

#include <optional>

#include <caf/all.hpp>

#include "actors/handles.hpp"
#include "core/session/session_types.hpp"
#include "core/strategy/strategy.hpp"

namespace pt {

/// Signal detector state: the compiled entry and exit rules.
struct signal_detector_state {
  std::optional<signal_rules> rules;
  static inline const char* name = "signal_detector";
};

/// Evaluates the entry and exit rules on every closed bar and adds the signals that fire.
/// Fails at start-up (the session fails) if the rules do not compile. Forwards `pause_atom`,
/// `resume_atom` and `(stop_atom, bool flatten)` in line with the batches. Its protocol is
/// `signal_detector_actor` (actors/handles.hpp).
signal_detector_actor::behavior_type signal_detector(signal_detector_actor::stateful_pointer<signal_detector_state> self,
                                                     session_config cfg, paper_executor_actor next);

} // namespace pt
