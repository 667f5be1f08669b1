#pragma once

// Errors of the session supervisor's lifecycle commands, as a CAF error category.

#include <cstdint>
#include <string>

#include <caf/all.hpp>

namespace pt {

/// Why the supervisor refused a lifecycle command (`pause`, `resume`, `stop`, `status`, `create`).
/// Travels as a `caf::error` of category `session_errc_category` ("session"); the error's context
/// holds one `std::string` saying what exactly was wrong.
enum class session_errc : uint8_t {
  unknown_session = 1, ///< no session has that id
  invalid_transition,  ///< the session's state does not allow it (resume a running one, pause a stopped one, …)
  invalid_request,     ///< the request itself is wrong (a config that does not compile, no symbol, …)
};

/// The category atom of `session_errc` errors.
inline constexpr caf::atom_value session_errc_category = caf::atom("session");

/// "unknown_session", "invalid_transition", "invalid_request".
const char* to_string(session_errc x);

/// A `caf::error` of the "session" category without context.
caf::error make_error(session_errc x);

/// A `caf::error` of the "session" category whose context is `what`.
caf::error make_error(session_errc x, std::string what);

/// Renders a "session" error as "session: invalid_transition: session 3 is stopped", so
/// `actor_system::render` shows it; registered by `register_message_types`.
std::string render_session_error(uint8_t code, caf::atom_value category, const caf::message& context);

} // namespace pt
