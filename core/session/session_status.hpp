#pragma once

// A session's lifecycle vocabulary: its status and the operator's commands. The text of each value
// is what SQLite (`sessions.status`, `session_commands.command`), the REST API and the pushes carry.

#include <cstdint>
#include <optional>
#include <string_view>

namespace pt {

/// Where a session stands (docs/operations.md, "Session lifecycle"):
/// `starting` → `running` ⇄ `paused`; `running`|`paused` → `stopped` (operator) or `finished`
/// (end of data); any → `failed` (with a reason), or `restarting` while a restart after a failure
/// is scheduled (its row says `failed` until it runs again).
enum class session_status : uint8_t {
  starting,   ///< spawned, not yet subscribed to its symbol
  running,    ///< fed market data; its strategy places entries
  paused,     ///< fed market data; no new entries (indicators and protective exits go on)
  restarting, ///< failed; a restart is scheduled (never stored: the row says `failed`)
  stopped,    ///< stopped by the operator (final)
  finished,   ///< its market data ended (final)
  failed,     ///< failed with a reason (final unless restarted)
};

/// "starting", "running", "paused", "restarting", "stopped", "finished" or "failed".
const char* to_string(session_status s);

/// Parses the text `to_string` writes. nullopt for anything else.
std::optional<session_status> parse_session_status(std::string_view text);

/// True once a session can change no more: finished, stopped or failed.
bool has_ended(session_status s);

/// An operator's command to one session (REST `POST /sessions/{id}/pause|resume|stop`); pause and
/// resume are also logged per session with the feed position they take effect at.
enum class session_command : uint8_t {
  pause,  ///< no new entries from the next batch
  resume, ///< entries again
  stop,   ///< end the session (optionally flattening its position)
};

/// "pause", "resume" or "stop".
const char* to_string(session_command c);

/// Parses the text `to_string` writes. nullopt for anything else.
std::optional<session_command> parse_session_command(std::string_view text);

} // namespace pt
