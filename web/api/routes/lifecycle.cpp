// Session commands: each is one request to the session supervisor from a short-lived helper
// actor (web/api/actor_bridge.hpp); its `session_summary` or `session_errc` goes back as JSON.

#include "web/api/routes/lifecycle.hpp"

#include <charconv>
#include <map>

#include "actors/session_errc.hpp"
#include "core/session/session_status.hpp"
#include "web/api/actor_bridge.hpp"
#include "web/api/bodies.hpp"
#include "web/api/json.hpp"

namespace pt {

namespace {

constexpr std::chrono::milliseconds command_timeout{5000}; // a stop waits for the session's last batch


// The supervisor's answer as an HTTP answer: `ok_status` and the summary, or the error's status.
summary_callback answer(caf::actor_system& system, api_reply reply, int ok_status) {
  return [&system, reply, ok_status](std::optional<session_summary> s, caf::error err) {
    if (s) {
      reply(json_ok(summary_json(*s), ok_status));
      return;
    }
    if (err.category() == session_errc_category) {
      auto code = static_cast<session_errc>(err.code());
      int status = code == session_errc::unknown_session ? 404 : code == session_errc::invalid_transition ? 409 : 400;
      reply(json_error(status, to_string(code), system.render(err)));
      return;
    }
    reply(json_error(504, "supervisor_timeout", "the session supervisor did not answer: " + system.render(err)));
  };
}

bool have_supervisor(api_context& ctx, api_reply& reply) {
  if (ctx.services.supervisor)
    return true;
  reply(json_error(503, "unavailable", "this server controls no sessions"));
  return false;
}

void command(api_context& ctx, const api_request& req, const route_params& params, api_reply reply,
             session_command what) {
  if (auto bad = reject_unknown_params(req, {})) {
    reply(*bad);
    return;
  }
  auto id = parse_session_id(params.at(0));
  if (!id) {
    reply(json_error(400, "invalid_id", "a session id is a positive integer, not '" + params.at(0) + "'"));
    return;
  }
  if (!have_supervisor(ctx, reply))
    return;
  auto done = answer(ctx.system, reply, 200);
  if (what == session_command::pause || what == session_command::resume) {
    if (!req.body.empty()) {
      reply(json_error(400, "invalid_body", std::string(to_string(what)) + " takes no body"));
      return;
    }
    if (what == session_command::pause)
      ask_supervisor(ctx.system, ctx.services.supervisor, command_timeout, done, pause_atom::value, *id);
    else
      ask_supervisor(ctx.system, ctx.services.supervisor, command_timeout, done, resume_atom::value, *id);
    return;
  }
  auto body = read_stop(req);
  if (auto* err = std::get_if<api_response>(&body)) {
    reply(std::move(*err));
    return;
  }
  bool flatten = std::get<bool>(body);
  ask_supervisor(ctx.system, ctx.services.supervisor, command_timeout, done, stop_atom::value, *id, flatten);
}

void create(api_context& ctx, const api_request& req, const route_params&, api_reply reply) {
  if (auto bad = reject_unknown_params(req, {})) {
    reply(*bad);
    return;
  }
  if (!have_supervisor(ctx, reply))
    return;
  if (!ctx.services.make_session) {
    reply(json_error(503, "unavailable", "this server cannot build sessions"));
    return;
  }
  auto body = read_create_session(req);
  if (auto* err = std::get_if<api_response>(&body)) {
    reply(std::move(*err));
    return;
  }
  auto r = std::get<session_request>(std::move(body));
  // Loading a strategy reads files and compiles rules: on a worker thread, not the I/O thread.
  ctx.worker.post([&ctx, r, reply] {
    std::vector<strategy_problem> problems;
    auto config = ctx.services.make_session(r, problems);
    if (!config) {
      json_out j;
      j.w().StartObject();
      j.key("error");
      j.w().StartObject();
      j.str("code", "invalid_session").str("message", "the session cannot be created");
      j.key("problems");
      j.w().StartArray();
      for (auto& p : problems) {
        j.w().StartObject();
        j.i64("line", p.line).i64("column", p.column).str("message", p.message);
        j.w().EndObject();
      }
      j.w().EndArray();
      j.w().EndObject();
      j.w().EndObject();
      reply(json_ok(j.text(), 400));
      return;
    }
    // The symbol the session trades (its own or its strategy's) must be one the exchange lists,
    // where the exchange's list is known: the feed would otherwise subscribe to nothing.
    if (ctx.services.check_symbol) {
      if (auto why = ctx.services.check_symbol(config->symbol)) {
        reply(field_error("invalid_symbol", "symbol", *why));
        return;
      }
    }
    ask_supervisor(ctx.system, ctx.services.supervisor, command_timeout, answer(ctx.system, reply, 201),
                   create_atom::value, std::move(*config));
  });
}

} // namespace

std::string summary_json(const session_summary& s) {
  json_out j;
  j.w().StartObject();
  j.i64("id", s.session_id)
    .str("name", s.name)
    .str("strategy_name", s.strategy)
    .str("symbol", s.symbol)
    .str("status", to_string(s.status));
  if (!s.failure.empty())
    j.str("failure", s.failure);
  j.decimal("initial_cash", s.account.initial_cash.raw())
    .decimal("cash", s.account.cash.raw())
    .decimal("position_qty", s.account.position_qty.raw())
    .decimal("cost_basis", s.account.cost_basis.raw())
    .decimal("realized_pnl", s.account.realized_pnl.raw())
    .decimal("fees", s.account.fees.raw())
    .decimal("mark_price", s.account.mark.raw())
    .decimal("equity", s.account.equity.raw())
    .i64("fills", s.fills)
    .i64("events", s.events)
    .dbl("max_drawdown", s.max_drawdown)
    .i64("last_event_ms", s.last_event_ms)
    .i64("restarts", s.restarts)
    .i64("next_restart_ms", s.next_restart_ms);
  if (!s.last_failure.empty())
    j.str("last_failure", s.last_failure);
  j.w().EndObject();
  return j.text();
}

void add_lifecycle_routes(std::vector<api_route>& routes) {
  routes.push_back({"POST", "/sessions", true, true, "Create and start a session", {}, "json", create,
                    {201, 400, 503, 504}, {"", "application/json", "Created: the new session's summary, running"},
                    "CreateSession"});
  for (session_command what : {session_command::pause, session_command::resume, session_command::stop}) {
    std::string name = to_string(what);
    routes.push_back({"POST", "/sessions/{id}/" + name, true, true,
                      what == session_command::stop
                        ? "Stop a session (body {\"flatten\": true} sells its position first)"
                        : "Command a session to " + name,
                      {}, what == session_command::stop ? "json" : "",
                      [what](api_context& ctx, const api_request& req, const route_params& params, api_reply reply) {
                        command(ctx, req, params, std::move(reply), what);
                      },
                      {200, 400, 404, 409, 503, 504}});
  }
}

} // namespace pt
