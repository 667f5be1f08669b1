// The indicator series of a session: asked of its indicator engine through the supervisor.

#include "web/api/routes/indicators.hpp"

#include <cmath>

#include <spdlog/spdlog.h>

#include "actors/session_errc.hpp"
#include "store/sqlite.hpp"
#include "core/market/candle.hpp"
#include "web/api/routes/candles.hpp"
#include "web/api/json.hpp"

namespace pt {

namespace {

constexpr std::chrono::milliseconds indicators_timeout{2000};

api_response no_indicators(int64_t id) {
  return json_error(404, "no_indicators",
                    "session " + std::to_string(id) +
                      " has no indicator series in this process: they are kept from its start in this run");
}

// Asks the supervisor for the session's series (from its engine, or kept after it ended).
void ask_supervisor_for(api_context& ctx, int64_t id, int64_t limit, int64_t timeframe_ms, api_reply reply) {
  ctx.system.spawn([supervisor = ctx.services.supervisor, id, limit, timeframe_ms, reply](caf::event_based_actor* self) {
    self->request(supervisor, indicators_timeout, indicators_atom::value, id, limit)
      .then(
        [id, timeframe_ms, reply](indicator_history& h) {
          if (timeframe_ms != h.timeframe_ms) {
            reply(json_error(400, "invalid_parameter",
                             "session " + std::to_string(id) + " evaluates its indicators on " +
                               format_timeframe(h.timeframe_ms) + " bars, not " + format_timeframe(timeframe_ms)));
            return;
          }
          reply(json_ok(indicators_json(id, h)));
        },
        [self, id, reply](caf::error& err) {
          if (err == caf::sec::request_timeout)
            reply(json_error(504, "supervisor_timeout", "the session supervisor did not answer in time"));
          else if (err.category() == session_errc_category)
            reply(no_indicators(id));
          else
            reply(json_error(503, "unavailable", "the session supervisor: " + self->system().render(err)));
        });
  });
}

void session_indicators(api_context& ctx, const api_request& req, const route_params& params, api_reply reply) {
  api_response bad;
  auto q = read_bar_query(req, params.at(0), bad);
  if (!q) {
    reply(bad);
    return;
  }
  int64_t id = q->session_id, timeframe_ms = q->timeframe_ms, limit = q->limit;
  if (!ctx.services.supervisor) {
    reply(json_error(503, "unavailable", "no session supervisor in this run"));
    return;
  }
  if (ctx.options.database.empty()) {
    ask_supervisor_for(ctx, id, limit, timeframe_ms, reply);
    return;
  }
  ctx.worker.post([&ctx, id, limit, timeframe_ms, reply, path = req.path] {
    try {
      sql::database db(ctx.options.database, true);
      db.exec("PRAGMA busy_timeout = 2000");
      sql::statement st(db, "SELECT 1 FROM sessions WHERE session_id = ?1");
      st.bind(1, id);
      if (!st.step()) {
        reply(json_error(404, "unknown_session", "no session with id " + std::to_string(id)));
        return;
      }
    } catch (const std::exception& e) {
      spdlog::warn("api: {}: {}", path, e.what());
      reply(json_error(500, "database_error", "the database could not be read"));
      return;
    }
    ask_supervisor_for(ctx, id, limit, timeframe_ms, reply);
  });
}

} // namespace

std::string indicators_json(int64_t id, const indicator_history& h) {
  json_out j;
  j.w().StartObject();
  j.i64("session_id", id).str("timeframe", format_timeframe(h.timeframe_ms)).key("series");
  j.w().StartArray();
  for (size_t c = 0; c < h.names.size(); ++c) {
    j.w().StartObject();
    j.str("name", h.names[c]);
    j.str("timeframe", format_timeframe(c < h.series_timeframes_ms.size() ? h.series_timeframes_ms[c] : h.timeframe_ms));
    j.w().EndObject();
  }
  j.w().EndArray();
  j.key("items");
  j.w().StartArray();
  for (size_t i = 0; i < h.open_times_ms.size() && i < h.values.size(); ++i) {
    j.w().StartObject();
    j.i64("open_time_ms", h.open_times_ms[i]).key("values");
    j.w().StartArray();
    for (size_t c = 0; c < h.names.size(); ++c) {
      double v = c < h.values[i].size() ? h.values[i][c] : std::nan("");
      if (std::isfinite(v))
        j.w().Double(v);
      else
        j.w().Null();
    }
    j.w().EndArray();
    j.w().EndObject();
  }
  j.w().EndArray();
  j.w().EndObject();
  return j.text();
}

void add_indicator_routes(std::vector<api_route>& routes) {
  routes.push_back({"GET", "/sessions/{id}/indicators", true, false,
                    "A running session's indicator series (every indicator its strategy reads) at each bar close",
                    {"timeframe", "limit"}, "", session_indicators, {200, 400, 404, 500, 503, 504}});
}

} // namespace pt
