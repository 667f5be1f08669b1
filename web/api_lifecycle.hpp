#pragma once

#include <vector>

#include "web/api_router.hpp"

namespace pt {

/// Adds the session command routes — `POST /sessions` (create) and
/// `POST /sessions/{id}/pause|resume|stop` — to `routes`. They need admin tokens.
///
/// Until the supervisor speaks `(create_atom, session_config)`, `(pause_atom, id)`,
/// `(resume_atom, id)` and `(stop_atom, id, flatten)`, every one answers
/// `501 {"error": {"code": "not_implemented", …}}`; this is the one place to wire them.
void add_lifecycle_routes(std::vector<api_route>& routes);

} // namespace pt
