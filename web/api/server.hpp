#pragma once

// The REST API server of `papertrader run` (docs/api.md). Beast stays in web/api/*.cpp:
// this header is what app/ includes.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/handles.hpp"
#include "core/session/session_types.hpp"
#include "feeds/feed_health.hpp"

namespace pt {

/// A bearer token and what it may do: role "admin" (everything) or "read" (GET only).
struct api_token {
  std::string token;
  std::string role = "admin";
};

/// Settings of the API server.
struct api_options {
  std::string host = "127.0.0.1";      ///< address to listen on (an IP address)
  uint16_t port = 8080;                ///< 0 picks a free port (logged as `api listening on HOST:PORT`)
  std::vector<api_token> tokens;       ///< at least one; every route but /health needs one
  double rate_per_s = 50;              ///< token bucket refill per token, requests per second
  double burst = 100;                  ///< token bucket size per token
  std::vector<std::string> cors_origins; ///< origins allowed by CORS ("*" = any); empty = no CORS headers
  size_t body_limit_bytes = 1 << 20;   ///< larger request bodies get 413
  std::string database;                ///< SQLite file read (read-only) for history; empty = none
  int io_threads = 1;                  ///< Beast io_context threads
  int db_threads = 2;                  ///< worker threads for SQLite reads (and dashboard files)
  std::string dashboard_dir;           ///< the dashboard's files, served at `/` (web/api/static_files.hpp); "" = none
};

/// One problem found in a strategy text, 1-based line and column (0 when unknown).
struct strategy_problem {
  int line = 0;
  int column = 0;
  std::string message;
};

/// The outcome of checking a strategy text.
struct strategy_check {
  std::vector<strategy_problem> problems; ///< empty = valid
  std::string name, symbol, timeframe;    ///< of a valid strategy ("1m", …)
};

/// One strategy file of the strategies folder.
struct strategy_entry {
  std::string file;                    ///< file name, e.g. "ema_crossover.yaml"
  std::string name, symbol, timeframe; ///< empty when it does not load
  std::string error;                   ///< the first problem of a file that does not load
};

/// A session to create, as `POST /sessions` names it. Decimal fields are text ("10000", "7.5");
/// empty = the config's default.
struct session_request {
  std::string name;          ///< default: the strategy's name
  std::string strategy;      ///< a file of the strategies folder ("ema_crossover" or "ema_crossover.yaml")
  std::string yaml;          ///< or the strategy inline (exactly one of the two)
  std::string symbol;        ///< default: the strategy's
  std::string initial_cash;  ///< quote currency
  std::string taker_fee_bps, maker_fee_bps, slippage_bps;
  std::optional<fill_profile> profile; ///< `fill_profile`; nullopt = the config's default
  /// `fill`: replacements of the profile's parameters, over the config's `defaults:` `fill:`
  /// field by field (already validated by the route).
  fill_overrides fill;
  /// `restart: {max_restarts, backoff_ms, max_backoff_ms}` (whole numbers); each absent one is the
  /// config's default. -1 = not given.
  int64_t restart_max = -1, restart_backoff_ms = -1, restart_max_backoff_ms = -1;
};

/// What the API needs from app/ (which web/ cannot link): injected as callbacks. Each may be
/// empty; the matching route then answers 503. They are called on a worker thread.
struct api_services {
  std::function<strategy_check(const std::string& yaml)> validate_strategy;
  std::function<std::vector<strategy_entry>()> list_strategies;
  std::function<std::optional<feed_health>()> live_health; ///< nullopt = no live feed (a replay)
  /// Builds a new session's config from a request; nullopt with `problems` when it cannot.
  std::function<std::optional<session_config>(const session_request&, std::vector<strategy_problem>& problems)>
    make_session;
  /// Whether the exchange lists `symbol` (a well-formed, upper-case symbol): nullopt when it does
  /// or cannot tell, else why not (`POST /sessions` answers 400 `invalid_symbol`). Empty = every
  /// well-formed symbol is taken (no exchange list is known, as in a replay).
  std::function<std::optional<std::string>(const std::string& symbol)> check_symbol;
  /// The session supervisor, for the session commands (invalid: they answer 503).
  supervisor_actor supervisor;
};

struct api_server_impl;

/// The HTTP server: a listener and its connections on their own io_context thread(s), a
/// router, SQLite readers on a small worker pool, and questions to the broadcaster through
/// short-lived helper actors whose reply callbacks post back to the connection, and the
/// WebSocket push of `GET /api/v1/ws` (a push hub actor watching `services.supervisor` and the
/// broadcaster; web/api/push.hpp). Nothing here blocks an actor or an I/O thread.
class api_server {
public:
  /// `broadcaster` answers `status_atom` (per-symbol stats for /market and /metrics).
  api_server(api_options options, api_services services, caf::actor_system& system, broadcaster_actor broadcaster);
  ~api_server();
  api_server(const api_server&) = delete;
  api_server& operator=(const api_server&) = delete;

  /// Binds and starts serving; logs `api listening on HOST:PORT`. Throws `std::runtime_error`
  /// when the address is not an IP address or cannot be bound.
  void start();

  /// The bound port (after `start`).
  uint16_t port() const;

  /// Answers whose status their route does not declare (`api_router::undeclared_answers`).
  int64_t undeclared_answers() const;

  /// Stops accepting, closes connections and joins the threads (also done by the destructor).
  void stop();

private:
  std::unique_ptr<api_server_impl> impl_;
};

/// Parses "HOST:PORT" (e.g. "127.0.0.1:8080"); nullopt when it is not of that shape.
std::optional<std::pair<std::string, uint16_t>> parse_listen_address(const std::string& text);

} // namespace pt
