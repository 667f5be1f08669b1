#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/session/session_types.hpp"
#include "store/retention.hpp"

namespace pt {

/// Settings every session starts from unless it overrides them.
struct session_defaults {
  money initial_cash = money::from_units(10'000);
  execution_params execution;
  int64_t equity_interval_ms = 60'000;
  restart_policy restart; ///< `restart: {max_restarts, backoff_ms, max_backoff_ms}`; off by default
};

/// A bearer token of the REST API and its role ("admin" or "read").
struct api_token_setting {
  std::string token;
  std::string role = "admin";
};

/// The `api:` section: the REST API server of `papertrader run` (docs/api.md).
///
/// ```yaml
/// api:
///   enabled: true                 # false: no server
///   listen: 127.0.0.1:8080        # HOST:PORT; port 0 picks a free one
///   tokens: [{token: s3cret, role: admin}, {token: viewer, role: read}]
///   rate_per_s: 50                # token bucket refill, per token
///   burst: 100                    # token bucket size, per token
///   cors_origins: [http://localhost:3000]   # or ["*"]
///   body_limit_bytes: 1048576
/// ```
struct api_settings {
  bool enabled = true;
  std::string listen = "127.0.0.1:8080";
  std::vector<api_token_setting> tokens;
  double rate_per_s = 50;
  double burst = 100;
  std::vector<std::string> cors_origins;
  int64_t body_limit_bytes = 1 << 20;
};

/// `config/papertrader.yaml`: the database, the feed and the sessions `papertrader run` starts.
///
/// ```yaml
/// database: data/papertrader.db       # relative to the working directory
/// feed:
///   replay: ../../shared/data/streams/….txt.gz   # relative to this file; absent = live
///   speed: 10                         # or max
///   live_url: wss://stream.binance.com:9443      # the live feed (ws://127.0.0.1:PORT for replay-server)
///   rest_url: https://api.binance.com            # exchange filters (http://127.0.0.1:PORT likewise)
///   warmup: true                      # live runs: warm indicators from REST klines first
///   journal: data/papertrader.feed-journal.txt   # live runs: the feed journal (default beside the database)
/// defaults: {initial_cash: 10000, taker_fee_bps: 10, maker_fee_bps: 10, slippage_bps: 1,
///            qty_step: 0.00001, equity_interval: 1m,
///            fill_profile: realistic,        # or optimistic / pessimistic (docs/execution.md)
///            fill: {submit_latency_ms: [20, 80], queue_factor_pct: 120, seed: 7},  # profile overrides
///            restart: {max_restarts: 3, backoff_ms: 1000, max_backoff_ms: 60000}}  # default: no restarts
/// retention: {equity_points: 90d, decisions: 90d,    # absent = keep forever
///             equity_full_resolution: 7d, equity_bucket: 1h}  # the defaults: older points → hourly OHLC
/// sessions:
///   - {name: btc-ema, strategy: strategies/ema_crossover.yaml, symbol: BTCUSDT, initial_cash: 5000,
///      fill: {fill_on_touch: true}}   # on top of the defaults' `fill:`, field by field
/// ```
struct app_config {
  std::string file;
  std::string database = "data/papertrader.db";
  std::optional<std::string> replay_file; ///< resolved against the config file's folder
  std::optional<double> replay_speed;     ///< 0 = as fast as possible
  std::string live_url = "wss://stream.binance.com:9443"; ///< combined-stream base URL of the live feed
  std::string rest_url = "https://api.binance.com";       ///< REST base URL (exchange filters)
  bool warmup = true; ///< live runs: feed each session REST klines as history before live data
  /// `feed.journal`: live runs journal the feed here (relative to the working directory, like
  /// `database`); empty = `default_journal_path(database)`.
  std::string journal;
  session_defaults defaults;
  /// `retention: {equity_points: 90d, decisions: 90d}`: history older than this, counted back
  /// from each session's last event, is deleted at start-up and hourly while running (the
  /// persister, `persister_with_retention`); 0 (absent) = kept forever.
  int64_t retain_equity_points_ms = 0;
  int64_t retain_decisions_ms = 0;
  /// `retention.equity_full_resolution` (default 7d; `forever` = 0): equity points older than
  /// this, counted back from each session's last event, are downsampled into buckets of
  /// `retention.equity_bucket` (default 1h): OHLC of equity, exact for max drawdown.
  int64_t equity_full_resolution_ms = 7 * 86'400'000LL;
  int64_t equity_bucket_ms = 3'600'000; ///< `retention.equity_bucket`: the downsampled buckets' width
  /// The retention above, as the store applies it.
  history_retention retention() const {
    return {retain_equity_points_ms, retain_decisions_ms, equity_full_resolution_ms, equity_bucket_ms};
  }
  api_settings api;                       ///< the REST API server
  std::vector<session_config> sessions;   ///< ids not assigned yet
};

/// Loads and validates the application config, including every strategy file it names.
/// Throws `config_error` listing every problem with file, line and column.
app_config load_app_config(const std::string& path);

/// Parses a replay speed: "max" (→ 0) or a positive number ("1", "10", "0.5"). nullopt otherwise.
std::optional<double> parse_speed(const std::string& text);

} // namespace pt
