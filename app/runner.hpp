#pragma once

#include <optional>
#include <string>
#include <vector>

#include "actors/messages.hpp"
#include "store/retention.hpp"
#include "feeds/replay_feed.hpp"
#include "app/live_restore.hpp"
#include "web/api/server.hpp"
#include "feeds/binance/stream_client.hpp"
#include "core/session/session_types.hpp"

namespace pt {

/// The live feed's journal in a run (docs/operations.md, "Restore with the live feed").
struct live_journal_request {
  std::string path;          ///< the journal file (plain text)
  bool refeed = false;       ///< re-feed it at full speed before going live, then append to it
  journal_summary summary;   ///< what it holds (from `scan_journal`), for the backfill
  std::string rest_url;      ///< where to backfill the gap from; empty = no backfill
};

/// One run of the platform: which sessions, on which feed, stored where.
struct run_request {
  std::vector<session_config> sessions;
  replay_options replay;                  ///< the feed, unless `live` is set
  std::optional<stream_client_options> live; ///< the live Binance connector as the feed
  std::optional<live_journal_request> journal; ///< with `live`: journal its messages (and restore from it)
  run_warmups warmups;                    ///< history per session, before any market data (may be empty)
  std::string database;     ///< SQLite file; empty = keep nothing (a plain backtest)
  history_retention retention; ///< the config's `retention:`, applied by the persister while it runs
  bool exit_at_end = true;  ///< false: after the feed ends, keep serving until SIGINT/SIGTERM
  std::optional<api_options> api; ///< the REST API server, started before the feed; none = no API
  api_services services;          ///< its app-side services (the live feed's health is added here)
};

/// What a run produced.
struct run_outcome {
  std::vector<session_report> reports; ///< one per session, by session id
  replay_stats feed;                   ///< file replay counters (empty for a live feed)
  feed_health live;                    ///< live feed counters (empty for a file replay)
  bool interrupted = false;            ///< stopped by SIGINT/SIGTERM
};

/// Starts the actor system (persister, broadcaster, supervisor and every session), replays the
/// feed into it (or connects the live feed) and waits until every session has settled; then,
/// unless `exit_at_end`, keeps running until SIGINT or SIGTERM. A live feed runs until a signal
/// (or, with `end_on_normal_close`, until the server closes the stream normally). The first signal stops the feed, lets the sessions settle
/// and flushes the database; a second one exits at once (status 130).
///
/// Throws at start-up only: `sql::error` (database), `std::runtime_error` (feed file, API address).
run_outcome run_sessions(const run_request& request);

} // namespace pt
