#pragma once

#include <optional>
#include <string>

namespace pt {

/// The options of `papertrader run` (see `build/papertrader run --help`).
struct run_args {
  std::string config = "config/papertrader.yaml";
  std::string replay;
  std::string speed;
  std::string database;
  std::string symbol;
  std::string live_url;
  std::string rest_url;
  std::string journal;               ///< --journal: the live feed's journal (default: the config's, beside the database)
  bool exit_at_end = false;
  bool no_warmup = false;
  bool no_db = false;                ///< --no-db: no database (nothing stored or restored, no API)
  std::optional<std::string> listen; ///< --listen, when given
  std::string dashboard;              ///< --dashboard: the dashboard's folder; "" = the source tree's web/dashboard
};

/// `papertrader run`: loads the config, picks the feed (a replay, or the live connector with the
/// exchange's symbol rules and the indicator warm-up), starts the API server and the sessions,
/// and prints the summary table when they are settled. Returns the process exit code: 0, 1 when
/// a session failed, 2 for a bad config or bad options (each problem printed to stderr).
int cmd_run(const run_args& args);

} // namespace pt
