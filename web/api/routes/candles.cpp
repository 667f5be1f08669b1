// The candles of a session: asked of the market-data broadcaster, decorated from the database.

#include "web/api/routes/candles.hpp"

#include <spdlog/spdlog.h>

#include "actors/messages.hpp"
#include "store/sqlite.hpp"
#include "core/market/candle.hpp"
#include "web/api/json.hpp"

namespace pt {

namespace {

constexpr std::chrono::milliseconds candles_timeout{2000};
constexpr int64_t default_limit = 500;

struct decision_row {
  int64_t ts_event_ms = 0;
  std::string rule, inputs, action;
};

/// The JSON answer: `bars` oldest first, each with the decisions of its time span.
std::string candles_json(int64_t id, const candle_history& h, const std::vector<decision_row>& decisions) {
  json_out j;
  j.w().StartObject();
  j.i64("session_id", id).str("symbol", h.symbol).str("timeframe", format_timeframe(h.timeframe_ms));
  j.key("items");
  j.w().StartArray();
  size_t d = 0;
  auto bar = [&](const candle& c, bool closed) {
    j.w().StartObject();
    j.i64("open_time_ms", c.open_time_ms).i64("close_time_ms", c.close_time_ms);
    j.decimal("open", c.open.raw()).decimal("high", c.high.raw()).decimal("low", c.low.raw());
    j.decimal("close", c.close.raw()).decimal("volume", c.volume.raw()).i64("trades", c.input_count);
    j.boolean("closed", closed).key("decisions");
    j.w().StartArray();
    while (d < decisions.size() && decisions[d].ts_event_ms < c.open_time_ms)
      ++d;
    for (; d < decisions.size() && decisions[d].ts_event_ms <= c.close_time_ms; ++d) {
      j.w().StartObject();
      j.i64("ts_event_ms", decisions[d].ts_event_ms).str("rule", decisions[d].rule);
      j.str("inputs", decisions[d].inputs).str("action", decisions[d].action);
      j.w().EndObject();
    }
    j.w().EndArray();
    j.w().EndObject();
  };
  for (auto& c : h.closed)
    bar(c, true);
  // The aggregator may still hold the bar it just closed as its forming one: shown once, closed.
  if (h.has_forming && (h.closed.empty() || h.forming.open_time_ms > h.closed.back().open_time_ms))
    bar(h.forming, false);
  j.w().EndArray();
  j.w().EndObject();
  return j.text();
}

/// The session's decisions with event times in [from_ms, to_ms], in time order.
std::vector<decision_row> read_decisions(sql::database& db, int64_t id, int64_t from_ms, int64_t to_ms) {
  std::vector<decision_row> out;
  sql::statement st(db, "SELECT ts_event_ms, rule, inputs, action FROM decisions WHERE session_id = ?1 "
                        "AND ts_event_ms >= ?2 AND ts_event_ms <= ?3 ORDER BY ts_event_ms, rowid LIMIT 100000");
  st.bind(1, id).bind(2, from_ms).bind(3, to_ms);
  while (st.step())
    out.push_back({st.column_int(0), st.column_text(1), st.column_text(2), st.column_text(3)});
  return out;
}

void session_candles(api_context& ctx, const api_request& req, const route_params& params, api_reply reply) {
  api_response bad;
  auto q = read_bar_query(req, params.at(0), bad);
  if (!q) {
    reply(bad);
    return;
  }
  int64_t session_id = q->session_id, timeframe_ms = q->timeframe_ms, limit = q->limit;
  if (ctx.options.database.empty()) {
    reply(json_error(503, "no_database", "this run keeps no database"));
    return;
  }
  if (!ctx.broadcaster) {
    reply(json_error(503, "unavailable", "no market data broadcaster"));
    return;
  }
  ctx.worker.post([&ctx, session_id, timeframe_ms, limit, reply, path = req.path] {
    std::string symbol;
    try {
      sql::database db(ctx.options.database, true);
      db.exec("PRAGMA busy_timeout = 2000");
      sql::statement st(db, "SELECT symbol FROM sessions WHERE session_id = ?1");
      st.bind(1, session_id);
      if (!st.step()) {
        reply(json_error(404, "unknown_session", "no session with id " + std::to_string(session_id)));
        return;
      }
      symbol = st.column_text(0);
    } catch (const std::exception& e) {
      spdlog::warn("api: {}: {}", path, e.what());
      reply(json_error(500, "database_error", "the database could not be read"));
      return;
    }
    // The helper lives until the answer (or the deadline); the decisions are then read on a worker.
    auto answered = [&ctx, session_id, reply, path](candle_history h) {
      ctx.worker.post([&ctx, session_id, reply, path, h = std::move(h)] {
        try {
          std::vector<decision_row> decisions;
          int64_t from = h.closed.empty() ? (h.has_forming ? h.forming.open_time_ms : 0) : h.closed.front().open_time_ms;
          int64_t to = h.has_forming ? h.forming.close_time_ms : h.closed.empty() ? -1 : h.closed.back().close_time_ms;
          if (to >= from) {
            sql::database db(ctx.options.database, true);
            db.exec("PRAGMA busy_timeout = 2000");
            decisions = read_decisions(db, session_id, from, to);
          }
          reply(json_ok(candles_json(session_id, h, decisions)));
        } catch (const std::exception& e) {
          spdlog::warn("api: {}: {}", path, e.what());
          reply(json_error(500, "database_error", "the database could not be read"));
        }
      });
    };
    ctx.system.spawn([broadcaster = ctx.broadcaster, symbol, timeframe_ms, limit, answered,
                      reply](caf::event_based_actor* self) {
      self->request(broadcaster, candles_timeout, candles_atom::value, symbol, timeframe_ms, limit)
        .then([answered](candle_history& h) { answered(std::move(h)); },
              [self, reply, symbol, timeframe_ms](caf::error& err) {
                if (err == caf::sec::request_timeout)
                  reply(json_error(504, "broadcaster_timeout", "the market data broadcaster did not answer in time"));
                else if (err == caf::sec::invalid_argument)
                  reply(json_error(404, "no_candles", "no running session of " + symbol + " builds " +
                                                          format_timeframe(timeframe_ms) + " candles"));
                else
                  reply(json_error(503, "unavailable", "the market data broadcaster: " + self->system().render(err)));
              });
    });
  });
}

} // namespace

std::optional<bar_query> read_bar_query(const api_request& req, const std::string& id_text, api_response& error) {
  if (auto bad = reject_unknown_params(req, {"timeframe", "limit"})) {
    error = *bad;
    return std::nullopt;
  }
  auto id = parse_session_id(id_text);
  if (!id) {
    error = json_error(400, "invalid_id", "a session id is a positive integer, not '" + id_text + "'");
    return std::nullopt;
  }
  auto tf_it = req.query.find("timeframe");
  auto tf = tf_it == req.query.end() ? std::nullopt : parse_timeframe_ms(tf_it->second);
  if (!tf) {
    error = json_error(400, "invalid_parameter",
                       "timeframe is required: a count 1..1000 and a unit s, m, h, d or w, e.g. 1m");
    return std::nullopt;
  }
  bool ok = true;
  bar_query q;
  q.session_id = *id;
  q.timeframe_ms = *tf;
  q.limit = query_int(req, "limit", 1, 1000, ok).value_or(default_limit);
  if (!ok) {
    error = json_error(400, "invalid_parameter", "limit must be an integer 1..1000");
    return std::nullopt;
  }
  return q;
}

void add_candle_routes(std::vector<api_route>& routes) {
  routes.push_back({"GET", "/sessions/{id}/candles", true, false,
                    "The session symbol's candles of a timeframe, with the decision log's indicator inputs per bar",
                    {"timeframe", "limit"}, "", session_candles, {200, 400, 404, 500, 503, 504}, {}, "",
                    "Unknown session, or no running session builds these candles"});
}

} // namespace pt
