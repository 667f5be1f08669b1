#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "app/app_config.hpp"
#include "core/session/session_status.hpp"
#include "core/session/session_types.hpp"

namespace pt {

/// A stored session that ended for good (`finished`, `stopped` or `failed`), as restore read it.
struct settled_session {
  int64_t id = 0;
  std::string name;
  std::string symbol;    ///< e.g. "BTCUSDT"
  session_status status = session_status::finished; ///< finished, stopped or failed
};

/// What `restore_sessions` found in the database.
struct restore_plan {
  int64_t restored = 0;   ///< sessions that come back (they carry `session_config::restore`)
  int64_t skipped = 0;    ///< running or paused rows that cannot come back (logged why)
  /// Config sessions whose stored row has ended for good: taken out of the run, not started again
  /// (logged), in row id order.
  std::vector<settled_session> settled;
  /// Per symbol, the largest restore position: the replay feeds that many events at full speed.
  std::map<std::string, int64_t> fast_forward_events;
};

/// Brings back, from the database at `database` (nothing happens if the file does not exist), every
/// session whose stored status is `running` or `paused` (see docs/operations.md, "Restore"):
/// - a session of the config (`sessions`) with the same name and symbol as such a row takes that
///   row's id and its restore position (`session_config::start`, kind `restore`: feed position, pause/resume
///   commands, the committed account and fill count); its strategy is the stored text when that
///   differs from the file's now (logged), and its execution settings are the stored ones (taker
///   fee, slippage, and from `sessions.fill_settings` the fill profile, maker fee and overrides;
///   a change in the config is logged); a row whose stored fill settings do not read is skipped;
/// - a row no config session matches (a session created over the API) is appended to `sessions`
///   when its feed start is stored (`sessions.feed_start_events`): its stored strategy, cash, taker
///   fee, slippage, fill settings and restart policy, the other settings from `defaults`, `feed_start` set so
///   it joins the re-fed replay where it first joined; else it is not restored (logged, counted
///   in `skipped`);
/// - a row that was restarted after a failure (`sessions.restarts` > 0) is not restored (logged,
///   counted in `skipped`): a re-feed cannot rebuild its restarts.
/// - a config session whose name and symbol match a row that ended for good (`finished`,
///   `stopped`, `failed`) is that session: it is removed from `sessions` and not started again
///   (logged, listed in `settled`), so a run killed while its sessions were settling at the end of
///   the data gives, started again, the results of an uninterrupted run.
/// Rows take config sessions in row id order, each the first one of its name and symbol not yet
/// taken. Sessions of the config that match no row are left as they are: they start anew.
/// Throws `sql::error` when the database cannot be opened or migrated.
restore_plan restore_sessions(const std::string& database, std::vector<session_config>& sessions,
                              const session_defaults& defaults);

/// `restore_sessions` with built-in defaults for sessions created over the API.
restore_plan restore_sessions(const std::string& database, std::vector<session_config>& sessions);

/// Applies `retention` (`pt::prune_history`) to the database at `database` in one transaction
/// (nothing happens if the file does not exist): downsamples equity points past the
/// full-resolution window, deletes equity and decisions past theirs, counted back from each
/// session's latest event time (`sessions.last_event_ms`). Logs what changed. Fills, orders and
/// accounts are never pruned. Throws `sql::error`.
void prune_history(const std::string& database, const history_retention& retention);

} // namespace pt
