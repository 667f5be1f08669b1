// Session commands. The supervisor's lifecycle messages are not on this branch yet, so each
// command answers 501 after auth; replace `not_yet` with a helper actor that sends the command
// and posts the `session_summary` (or the `session_errc` as 404/409/400) back.

#include "web/api_lifecycle.hpp"

namespace pt {

namespace {

route_handler not_yet(const std::string& command) {
  return [command](api_context&, const api_request&, const route_params&, api_reply reply) {
    reply(json_error(501, "not_implemented",
                     command + " is not implemented yet: the session supervisor does not take lifecycle commands"));
  };
}

} // namespace

void add_lifecycle_routes(std::vector<api_route>& routes) {
  routes.push_back({"POST", "/sessions", true, true, "Create and start a session (not implemented yet: 501)", {},
                    "json", not_yet("creating a session")});
  for (const char* command : {"pause", "resume", "stop"})
    routes.push_back({"POST", std::string("/sessions/{id}/") + command, true, true,
                      std::string("Command a session to ") + command + " (not implemented yet: 501)", {}, "json",
                      not_yet(std::string(command) + " of a session")});
}

} // namespace pt
