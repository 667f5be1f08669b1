#include "actors/session_errc.hpp"

namespace pt {

const char* to_string(session_errc x) {
  switch (x) {
    case session_errc::unknown_session: return "unknown_session";
    case session_errc::invalid_transition: return "invalid_transition";
    case session_errc::invalid_request: return "invalid_request";
  }
  return "unknown";
}

caf::error make_error(session_errc x) { return caf::error{static_cast<uint8_t>(x), session_errc_category}; }

caf::error make_error(session_errc x, std::string what) {
  return caf::error{static_cast<uint8_t>(x), session_errc_category, caf::make_message(std::move(what))};
}

std::string render_session_error(uint8_t code, caf::atom_value, const caf::message& context) {
  std::string out = "session: ";
  out += to_string(static_cast<session_errc>(code));
  if (context.match_elements<std::string>())
    out += ": " + context.get_as<std::string>(0);
  return out;
}

} // namespace pt
