#pragma once

// What a session committed in one batch — its order updates, fills and decisions — for the live
// push of `session:<id>` (docs/api.md). Kept out of messages.hpp so that adding it touched few
// translation units; registered with the others in actors/messages.cpp.

#include <cstdint>
#include <vector>

#include <caf/all.hpp>

#include "actors/messages.hpp"

namespace pt {

/// `(watch_atom, actor, activity_atom)` to the session supervisor: watch the sessions like
/// `(watch_atom, actor)`, and also receive every `session_activity`.
using activity_atom = caf::atom_constant<caf::atom("activity")>;

/// One batch's order updates, fills and decisions of a session, sent by its position tracker to
/// the supervisor only once the persister has confirmed their commit (so every fill id in it is
/// already readable over `GET /sessions/{id}/fills`), and then by the supervisor to its activity
/// watchers, before the `session_summary` of the same batch. Never sent for a restored session's
/// re-fed events (they were reported before the restart), nor without a persister when nothing
/// is stored (then right away).
struct session_activity {
  int64_t session_id = 0;
  std::vector<order> orders;       ///< order updates, in order
  std::vector<fill> fills;         ///< fills, by fill id
  std::vector<decision> decisions; ///< decision-log rows, in order
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, session_activity& x) {
  return f(caf::meta::type_name("session_activity"), x.session_id, x.orders, x.fills, x.decisions);
}

} // namespace pt
