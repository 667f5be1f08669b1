#include "core/session/session_status.hpp"

namespace pt {

namespace {

constexpr session_status all_statuses[] = {session_status::starting, session_status::running,
                                           session_status::paused,   session_status::restarting,
                                           session_status::stopped,  session_status::finished,
                                           session_status::failed};

constexpr session_command all_commands[] = {session_command::pause, session_command::resume, session_command::stop};

} // namespace

const char* to_string(session_status s) {
  switch (s) {
    case session_status::starting: return "starting";
    case session_status::running: return "running";
    case session_status::paused: return "paused";
    case session_status::restarting: return "restarting";
    case session_status::stopped: return "stopped";
    case session_status::finished: return "finished";
    case session_status::failed: return "failed";
  }
  return "failed";
}

std::optional<session_status> parse_session_status(std::string_view text) {
  for (auto s : all_statuses)
    if (text == to_string(s))
      return s;
  return std::nullopt;
}

bool has_ended(session_status s) {
  return s == session_status::finished || s == session_status::stopped || s == session_status::failed;
}

const char* to_string(session_command c) {
  switch (c) {
    case session_command::pause: return "pause";
    case session_command::resume: return "resume";
    case session_command::stop: return "stop";
  }
  return "stop";
}

std::optional<session_command> parse_session_command(std::string_view text) {
  for (auto c : all_commands)
    if (text == to_string(c))
      return c;
  return std::nullopt;
}

} // namespace pt
