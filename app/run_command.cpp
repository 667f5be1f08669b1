// `papertrader run`: config, feed, API server and sessions wired together.

#include "app/run_command.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>

#include <spdlog/spdlog.h>

#include "app/api_wiring.hpp"
#include "app/app_config.hpp"
#include "app/live_restore.hpp"
#include "app/report.hpp"
#include "app/restore.hpp"
#include "app/runner.hpp"
#include "app/warmup.hpp"
#include "feeds/base_url.hpp"
#include "feeds/binance/rest_client.hpp"

namespace pt {

namespace {

constexpr int exit_usage = 2;

void print_problems(const config_error& e) {
  for (auto& p : e.problems())
    std::cerr << "error: " << p << '\n';
}

} // namespace

int cmd_run(const run_args& args) {
  app_config cfg;
  try {
    cfg = load_app_config(args.config);
  } catch (const config_error& e) {
    print_problems(e);
    return exit_usage;
  }
  run_request req;
  req.sessions = cfg.sessions;
  req.database = args.no_db ? std::string() : args.database.empty() ? cfg.database : args.database;
  req.exit_at_end = args.exit_at_end;
  if (args.no_db && api_enabled(cfg.api, args.listen)) {
    std::cerr << "error: --no-db runs without the API, which reads the database: add --listen ''\n";
    return exit_usage;
  }
  try {
    req.api = make_api_options(cfg.api, args.listen, req.database);
    if (req.api) {
      auto& dir = req.api->dashboard_dir;
      dir = args.dashboard.empty() ? std::string(PAPERTRADER_DASHBOARD_DIR) : args.dashboard;
      namespace fs = std::filesystem;
      if (!fs::is_regular_file(fs::path(dir) / "index.html"))
        spdlog::warn("dashboard: no index.html in {}; / answers 404 (see --dashboard)", dir);
      else if (!fs::is_regular_file(fs::path(dir) / "node_modules/lightweight-charts/dist/"
                                                    "lightweight-charts.standalone.production.js"))
        spdlog::warn("dashboard: the chart library is missing: run npm ci --prefix {}", dir);
    }
  } catch (const std::runtime_error& e) {
    std::cerr << "error: " << e.what() << '\n';
    return exit_usage;
  }
  req.services =
    make_api_services((std::filesystem::path(args.config).parent_path() / "strategies").lexically_normal().string(),
                      cfg.defaults);
  req.replay.path = args.replay.empty() ? cfg.replay_file.value_or("") : args.replay;
  if (!args.symbol.empty())
    req.replay.symbol = args.symbol;
  if (!args.speed.empty()) {
    auto speed = parse_speed(args.speed);
    if (!speed) {
      std::cerr << "error: --speed must be 'max' or a positive number, not '" << args.speed << "'\n";
      return exit_usage;
    }
    req.replay.speed = *speed;
  } else {
    req.replay.speed = cfg.replay_speed.value_or(1.0);
  }
  try {
    // Sessions the database holds as running or paused come back (docs/operations.md, "Restore").
    bool live_feed = req.replay.path.empty() || !args.live_url.empty();
    prune_history(req.database, cfg.retention());
    req.retention = cfg.retention();
    auto sessions = req.sessions;
    auto plan = restore_sessions(req.database, sessions, cfg.defaults);
    if (!live_feed) {
      req.sessions = std::move(sessions);
      req.replay.fast_forward_events = plan.fast_forward_events;
      if (plan.restored + plan.skipped > 0)
        spdlog::info("restore: {} session(s) restored from {}, {} not restorable", plan.restored, req.database,
                     plan.skipped);
    } else if (!req.database.empty()) {
      // The live feed is journaled; sessions restored from the database are re-fed the journal
      // (docs/operations.md, "Restore with the live feed").
      live_journal_request jr;
      jr.path = !args.journal.empty() ? args.journal : !cfg.journal.empty() ? cfg.journal
                                                                          : default_journal_path(req.database);
      if (plan.restored > 0) {
        jr.summary = scan_journal(jr.path);
        for (auto& s : sessions) {
          if (!s.start.is_restore())
            continue;
          auto have = jr.summary.events.count(s.symbol) ? jr.summary.events.at(s.symbol) : 0;
          if (have < s.start.events) {
            spdlog::warn("session {} ({}) cannot be restored: the feed journal {} holds {} event(s) of {}, and it "
                         "had processed {}; it starts anew with a new id (its row stays as history)",
                         s.session_id, s.name, jr.path, have, s.symbol, s.start.events);
            s.start = session_start{};
            s.session_id = 0;
            --plan.restored;
            ++plan.skipped;
          }
        }
        if (plan.restored > 0) {
          jr.refeed = true;
          req.sessions = std::move(sessions);
          spdlog::info("restore: {} session(s) restored from {} with the live feed, {} not restorable: re-fed from "
                       "the feed journal {} ({} lines, event time {} to {} ms), then the gap backfilled",
                       plan.restored, req.database, plan.skipped, jr.path, jr.summary.lines, jr.summary.first_event_ms,
                       jr.summary.last_event_ms.empty() ? 0 : std::max_element(jr.summary.last_event_ms.begin(),
                                                                               jr.summary.last_event_ms.end(),
                                                                               [](auto& a, auto& b) {
                                                                                 return a.second < b.second;
                                                                               })->second);
        }
      }
      if (!jr.refeed)
        spdlog::info("feed journal: {} (started anew: no session to restore from it)", jr.path);
      req.journal = jr;
    }
  } catch (const std::exception& e) {
    std::cerr << "error: database " << req.database << ": " << e.what() << '\n';
    return exit_usage;
  }
  if (req.replay.path.empty() || !args.live_url.empty()) {
    // The live Binance feed: every symbol a session trades, trades + best bid/ask + depth.
    stream_client_options live;
    live.base_url = args.live_url.empty() ? cfg.live_url : args.live_url;
    for (auto& s : req.sessions)
      if (std::find(live.symbols.begin(), live.symbols.end(), s.symbol) == live.symbols.end())
        live.symbols.push_back(s.symbol);
    if (live.symbols.empty()) {
      std::cerr << "error: the live feed needs at least one session (none in " << args.config
                << "); or replay recorded data with --replay FILE\n";
      return exit_usage;
    }
    live.end_on_normal_close = args.exit_at_end;
    live.rest_url = args.rest_url.empty() ? cfg.rest_url : args.rest_url; // depth snapshots for the books
    if (!args.live_url.empty() && args.rest_url.empty()) {
      // A local stream with Binance's REST would sync the books from another market: a local
      // replay-server serves both on one port.
      try {
        auto u = parse_base_url(args.live_url, "ws", "wss");
        if (u.host == "127.0.0.1" || u.host == "localhost" || u.host == "::1") {
          live.rest_url = std::string(u.tls ? "https://" : "http://") + u.host + ":" + u.port;
          spdlog::info("--live-url is local and --rest-url not given: REST from {}", live.rest_url);
        }
      } catch (const std::invalid_argument&) {
        // the connector reports a bad URL when it starts
      }
    }
    req.live = live;
    if (req.journal)
      req.journal->rest_url = live.rest_url; // the gap is backfilled from the same exchange
    // The exchange's rules for each symbol: an unknown symbol stops here, with its name; the real
    // lot size replaces the configured quantity step.
    binance_rest_client rest(live.rest_url);
    bool rest_reachable = true;
    try {
      for (auto& f : rest.exchange_filters(live.symbols)) {
        spdlog::info("{}: tick size {}, step size {}, min qty {}, min notional {}", f.symbol, f.tick_size.to_string(),
                     f.step_size.to_string(), f.min_qty.to_string(), f.min_notional.to_string());
        for (auto& s : req.sessions)
          if (s.symbol == f.symbol && f.step_size.is_positive())
            s.execution.qty_step = f.step_size;
      }
      // The exchange's list is known: a session created through the API must name a listed symbol.
      req.services.check_symbol = listed_symbol_check(live.rest_url, live.symbols);
    } catch (const rest_error& e) {
      if (!e.unreachable) {
        std::cerr << "error: " << e.what() << '\n';
        return exit_usage;
      }
      spdlog::warn("cannot read the exchange's symbol rules ({}); sessions keep their configured quantity step",
                   e.what());
      rest_reachable = false;
    }
    // Warm-up asks the same host: after it could not be reached, sessions start cold at once.
    if (cfg.warmup && !args.no_warmup && rest_reachable)
      // A restore re-feeds the journal from its start: the history ends where it starts, as it did then.
      req.warmups = fetch_warmups(req.sessions, rest,
                                  req.journal && req.journal->refeed
                                    ? std::optional<int64_t>(req.journal->summary.first_event_ms)
                                    : std::nullopt);
    else if (cfg.warmup && !args.no_warmup)
      spdlog::warn("warm-up skipped: the REST endpoint cannot be reached; every session starts cold");
    spdlog::info("live feed: {} for {} symbol(s)", live.base_url, live.symbols.size());
  }
  if (req.sessions.empty())
    spdlog::warn("{} lists no sessions: the feed will run with nobody trading", args.config);
  spdlog::info("starting {} session(s) from {}", req.sessions.size(), args.config);
  auto outcome = run_sessions(req);
  print_summary_table(std::cout, outcome.reports);
  for (auto& r : outcome.reports)
    if (r.status == session_status::failed)
      return 1;
  return 0;
}

} // namespace pt
