// The route table of /api/v1 and the handlers that are not SQLite queries.

#include "web/api/router.hpp"

#include <cctype>
#include <charconv>

#include <rapidjson/document.h>
#include <spdlog/spdlog.h>

#include "store/sqlite.hpp"
#include "web/api/actor_bridge.hpp"
#include "web/api/routes/candles.hpp"
#include "web/api/routes/indicators.hpp"
#include "web/api/json.hpp"
#include "web/api/routes/lifecycle.hpp"
#include "web/api/routes/strategies.hpp"
#include "web/api/routes/queries.hpp"
#include "web/api/reader_connection.hpp"

namespace pt {

namespace {

constexpr std::chrono::milliseconds actor_timeout{2000};

/// A route answered from SQLite, on a worker thread, through that thread's read-only connection
/// (`reader_connection`).
route_handler db_route(std::function<api_response(sql::database&, const api_request&, const route_params&)> fn) {
  return [fn](api_context& ctx, const api_request& req, const route_params& params, api_reply reply) {
    if (ctx.options.database.empty()) {
      reply(json_error(503, "no_database", "this run keeps no database"));
      return;
    }
    ctx.worker.post([&ctx, fn, req, params, reply] {
      try {
        reply(fn(reader_connection(ctx.options.database), req, params));
      } catch (const std::exception& e) {
        // The connection may be what failed: the next request on this thread opens a new one.
        drop_reader_connection();
        spdlog::warn("api: {}: {}", req.path, e.what());
        reply(json_error(500, "database_error", "the database could not be read"));
      }
    });
  };
}

/// A `/sessions/{id}/…` route: the id is checked first (400 when it is not a positive integer).
route_handler session_route(std::function<api_response(sql::database&, int64_t, const api_request&)> fn) {
  return db_route([fn](sql::database& db, const api_request& req, const route_params& params) {
    auto id = parse_session_id(params.at(0));
    if (!id)
      return json_error(400, "invalid_id", "a session id is a positive integer, not '" + params.at(0) + "'");
    return fn(db, *id, req);
  });
}

void health(api_context& ctx, const api_request& req, const route_params&, api_reply reply) {
  if (auto bad = reject_unknown_params(req, {})) {
    reply(*bad);
    return;
  }
  json_out j;
  j.w().StartObject();
  j.str("status", "ok").str("api", "v1");
  j.i64("uptime_s", std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - ctx.started)
                      .count());
  j.boolean("database", !ctx.options.database.empty());
  j.w().EndObject();
  reply(json_ok(j.text()));
}

void write_health(json_out& j, const feed_health& h) {
  j.key("live_feed");
  j.w().StartObject();
  j.str("state", h.state).i64("messages", h.messages).i64("events", h.events).i64("skipped", h.skipped);
  j.i64("parse_errors", h.parse_errors).i64("reconnects", h.reconnects);
  j.i64("last_message_age_ms", h.last_message_age_ms).dbl("messages_per_s", h.messages_per_s);
  j.i64("symbols", h.symbols).i64("books_in_sync", h.books_in_sync).i64("book_syncs", h.book_syncs);
  j.i64("book_gaps", h.book_gaps).i64("snapshot_failures", h.snapshot_failures);
  j.w().EndObject();
}

void market(api_context& ctx, const api_request& req, const route_params& params, api_reply reply) {
  if (auto bad = reject_unknown_params(req, {})) {
    reply(*bad);
    return;
  }
  std::string symbol = params.at(0);
  for (auto& c : symbol)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto live = ctx.services.live_health;
  ask_market_stats(ctx.system, ctx.broadcaster, actor_timeout,
                   [symbol, live, reply](std::optional<std::vector<symbol_stats>> stats, std::string error) {
                     if (!stats) {
                       reply(json_error(503, "unavailable", "the market data broadcaster did not answer: " + error));
                       return;
                     }
                     auto it = std::find_if(stats->begin(), stats->end(),
                                            [&](const symbol_stats& s) { return s.symbol == symbol; });
                     if (it == stats->end()) {
                       reply(json_error(404, "unknown_symbol", "no market data for " + symbol));
                       return;
                     }
                     json_out j;
                     j.w().StartObject();
                     j.str("symbol", it->symbol).i64("subscribers", it->subscribers).i64("batches", it->batches);
                     j.i64("events", it->events).i64("last_event_ms", it->last_event_ms);
                     j.dbl("events_per_second", it->events_per_second);
                     if (auto h = live ? live() : std::nullopt)
                       write_health(j, *h);
                     else
                       j.null("live_feed");
                     j.w().EndObject();
                     reply(json_ok(j.text()));
                   });
}

void prometheus(api_context& ctx, const api_request& req, const route_params&, api_reply reply) {
  if (auto bad = reject_unknown_params(req, {})) {
    reply(*bad);
    return;
  }
  ctx.worker.post([&ctx, reply] {
    platform_counts counts;
    try {
      if (!ctx.options.database.empty()) {
        sql::database db(ctx.options.database, true);
        count_platform(db, counts);
      }
    } catch (const std::exception& e) {
      spdlog::warn("api: /metrics: {}", e.what());
    }
    ask_market_stats(ctx.system, ctx.broadcaster, actor_timeout,
                     [&ctx, counts, reply](std::optional<std::vector<symbol_stats>> stats, std::string) mutable {
                       for (auto& s : stats.value_or(std::vector<symbol_stats>{})) {
                         counts.market_events_total += s.events;
                         counts.market_batches_total += s.batches;
                       }
                       api_response res;
                       res.body = ctx.metrics.render(counts);
                       res.content_type = "text/plain; version=0.0.4";
                       reply(std::move(res));
                     });
  });
}

// The upgrade itself is done by the connection (web/api/http_session.cpp) once the router has
// checked the token: 101 tells it to go ahead. A plain GET gets 426.
void websocket_upgrade(api_context&, const api_request& req, const route_params&, api_reply reply) {
  if (auto bad = reject_unknown_params(req, {"token"})) {
    reply(*bad);
    return;
  }
  if (!req.websocket_upgrade) {
    auto res = json_error(426, "upgrade_required", "GET /api/v1/ws is a WebSocket endpoint: send Upgrade: websocket");
    res.headers.emplace_back("Upgrade", "websocket");
    reply(std::move(res));
    return;
  }
  api_response res;
  res.status = 101;
  res.content_type.clear();
  reply(std::move(res));
}

} // namespace

std::vector<api_route> api_routes() {
  const std::vector<std::string> page{"after", "limit", "from_ms", "to_ms"};
  auto with = [&](std::vector<std::string> more) {
    auto out = page;
    out.insert(out.end(), more.begin(), more.end());
    return out;
  };
  // What a SQLite route may answer (`db_route`): 503 without a database, 500 when it cannot be
  // read; a session's route also 404 for an id not stored.
  const std::vector<int> db_statuses{200, 400, 500, 503};
  const std::vector<int> session_statuses{200, 400, 404, 500, 503};
  std::vector<api_route> r;
  r.push_back({"GET", "/health", false, false, "Liveness: always {\"status\":\"ok\"}; needs no token", {}, "", health,
               {200, 400}});
  r.push_back({"GET", "/sessions", true, false, "Sessions stored in the database, paginated", {"status", "limit", "offset"},
               "", db_route([](sql::database& db, const api_request& req, const route_params&) {
                 return query_sessions(db, req);
               }),
               db_statuses});
  r.push_back({"GET", "/sessions/{id}", true, false, "One session: account, position, P&L", {}, "",
               session_route([](sql::database& db, int64_t id, const api_request& req) {
                 if (auto bad = reject_unknown_params(req, {}))
                   return *bad;
                 return query_session(db, id);
               }),
               session_statuses, {"Session"}});
  r.push_back({"GET", "/sessions/{id}/orders", true, false, "A session's orders, by order id", with({"side", "status"}),
               "", session_route(query_orders), session_statuses, {"OrderPage"}});
  r.push_back({"GET", "/sessions/{id}/fills", true, false, "A session's fills, by fill id", with({"side"}), "",
               session_route(query_fills), session_statuses, {"FillPage"}});
  r.push_back({"GET", "/sessions/{id}/equity", true, false,
               "A session's equity curve at full resolution (the retention's recent window)", page, "",
               session_route(query_equity), session_statuses});
  r.push_back({"GET", "/sessions/{id}/equity/ohlc", true, false,
               "A session's older equity, downsampled: OHLC of equity per bucket", page, "",
               session_route(query_equity_ohlc), session_statuses});
  r.push_back({"GET", "/sessions/{id}/decisions", true, false, "A session's decision log", page, "",
               session_route(query_decisions), session_statuses});
  r.push_back({"GET", "/sessions/{id}/positions", true, false, "A session's open position", {}, "",
               session_route([](sql::database& db, int64_t id, const api_request& req) {
                 if (auto bad = reject_unknown_params(req, {}))
                   return *bad;
                 return query_positions(db, id);
               }),
               session_statuses});
  r.push_back({"GET", "/sessions/{id}/metrics", true, false,
               "A session's P&L, fees, return, drawdown and performance metrics (docs/execution.md)", {"period_ms"},
               "", session_route(query_session_metrics), session_statuses, {"SessionMetrics"}});
  add_candle_routes(r);
  add_indicator_routes(r);
  add_lifecycle_routes(r);
  r.push_back({"GET", "/market/{symbol}", true, false, "The broadcaster's stats of a symbol and the live feed's health",
               {}, "", market, {200, 400, 404, 503}, {}, "", "No market data for the symbol"});
  r.push_back({"GET", "/strategies", true, false, "The strategy files of config/strategies", {}, "", list_strategies,
               {200, 400, 503}});
  r.push_back({"POST", "/strategies/validate", true, false, "Check a strategy (YAML text or {\"yaml\": …})", {},
               "strategy", validate_strategy, {200, 400, 503}});
  r.push_back({"GET", "/metrics", true, false, "Prometheus text format", {}, "", prometheus, {200, 400},
               {"", "text/plain"}});
  r.push_back({"GET", "/ws", true, false,
               "WebSocket push of session summaries and market tops (upgrade; the token may be ?token=)", {"token"}, "",
               websocket_upgrade, {101, 400, 426}});
  r.push_back({"GET", "/openapi.json", true, false, "This document", {}, "",
               [](api_context&, const api_request& req, const route_params&, api_reply reply) {
                 if (auto bad = reject_unknown_params(req, {})) {
                   reply(*bad);
                   return;
                 }
                 reply(json_ok(openapi_json(api_routes())));
               },
               {200, 400}});
  return r;
}

} // namespace pt
