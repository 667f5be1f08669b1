// Session commands: each is one request to the session supervisor from a short-lived helper
// actor (web/api_actor_bridge.hpp); its `session_summary` or `session_errc` goes back as JSON.

#include "web/api_lifecycle.hpp"

#include <charconv>
#include <map>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "actors/fill_settings_json.hpp"
#include "actors/session_errc.hpp"
#include "web/api_actor_bridge.hpp"
#include "web/api_json.hpp"

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

// The body as a JSON object with only `allowed` fields; an empty body is `{}`.
std::variant<rapidjson::Document, api_response> json_body(const api_request& req,
                                                          const std::map<std::string, rapidjson::Type>& allowed) {
  rapidjson::Document doc;
  if (auto bad = parse_json_object(req.body, doc, true))
    return *bad;
  for (auto& m : doc.GetObject()) {
    std::string name(m.name.GetString(), m.name.GetStringLength());
    auto it = allowed.find(name);
    if (it == allowed.end())
      return json_error(400, "unknown_field", "unknown field '" + name + "'");
    bool ok = it->second == rapidjson::kTrueType ? m.value.IsBool() : m.value.GetType() == it->second;
    if (!ok)
      return json_error(400, "invalid_type", "field '" + name + "' must be " +
                                                 (it->second == rapidjson::kTrueType    ? "a boolean"
                                                  : it->second == rapidjson::kObjectType ? "an object"
                                                                                          : "a string"));
  }
  return doc;
}

std::string text_field(const rapidjson::Document& doc, const char* name) {
  auto it = doc.FindMember(name);
  return it == doc.MemberEnd() ? std::string() : std::string(it->value.GetString(), it->value.GetStringLength());
}

// 400 `invalid_field`: `{"error": {"code", "message": "<field> <why>", "field"}}`.
api_response field_error(const std::string& field, const std::string& why) {
  json_out j;
  j.w().StartObject();
  j.key("error");
  j.w().StartObject();
  j.str("code", "invalid_field").str("message", field + " " + why).str("field", field);
  j.w().EndObject();
  j.w().EndObject();
  return json_ok(j.text(), 400);
}

bool have_supervisor(api_context& ctx, api_reply& reply) {
  if (ctx.services.supervisor)
    return true;
  reply(json_error(503, "unavailable", "this server controls no sessions"));
  return false;
}

void command(api_context& ctx, const api_request& req, const route_params& params, api_reply reply,
             const std::string& what) {
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
  if (what == "pause" || what == "resume") {
    if (!req.body.empty()) {
      reply(json_error(400, "invalid_body", what + " takes no body"));
      return;
    }
    if (what == "pause")
      ask_supervisor(ctx.system, ctx.services.supervisor, command_timeout, done, pause_atom::value, *id);
    else
      ask_supervisor(ctx.system, ctx.services.supervisor, command_timeout, done, resume_atom::value, *id);
    return;
  }
  auto body = json_body(req, {{"flatten", rapidjson::kTrueType}});
  if (auto* err = std::get_if<api_response>(&body)) {
    reply(*err);
    return;
  }
  auto& doc = std::get<rapidjson::Document>(body);
  bool flatten = doc.HasMember("flatten") && doc["flatten"].GetBool();
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
  auto s = rapidjson::kStringType;
  auto body = json_body(req, {{"name", s}, {"strategy", s}, {"yaml", s}, {"symbol", s}, {"initial_cash", s},
                              {"taker_fee_bps", s}, {"maker_fee_bps", s}, {"slippage_bps", s},
                              {"fill_profile", s}, {"fill", rapidjson::kObjectType},
                              {"restart", rapidjson::kObjectType}});
  if (auto* err = std::get_if<api_response>(&body)) {
    reply(*err);
    return;
  }
  auto& doc = std::get<rapidjson::Document>(body);
  session_request r;
  r.name = text_field(doc, "name");
  r.strategy = text_field(doc, "strategy");
  r.yaml = text_field(doc, "yaml");
  r.symbol = text_field(doc, "symbol");
  r.initial_cash = text_field(doc, "initial_cash");
  r.taker_fee_bps = text_field(doc, "taker_fee_bps");
  r.maker_fee_bps = text_field(doc, "maker_fee_bps");
  r.slippage_bps = text_field(doc, "slippage_bps");
  if (doc.HasMember("fill_profile")) {
    auto name = text_field(doc, "fill_profile");
    r.profile = parse_fill_profile(name);
    if (!r.profile) {
      reply(field_error("fill_profile", "must be optimistic, realistic or pessimistic, not '" + name + "'"));
      return;
    }
  }
  if (doc.HasMember("fill")) {
    if (auto problem = read_fill_overrides(doc["fill"], r.fill)) {
      reply(field_error("fill." + problem->field, problem->why));
      return;
    }
  }
  if (auto it = doc.FindMember("restart"); it != doc.MemberEnd()) {
    for (auto& m : it->value.GetObject()) {
      std::string key(m.name.GetString(), m.name.GetStringLength());
      int64_t* out = key == "max_restarts"     ? &r.restart_max
                     : key == "backoff_ms"     ? &r.restart_backoff_ms
                     : key == "max_backoff_ms" ? &r.restart_max_backoff_ms
                                               : nullptr;
      if (!out) {
        reply(json_error(400, "unknown_field", "unknown field 'restart." + key +
                                                 "' (max_restarts, backoff_ms, max_backoff_ms)"));
        return;
      }
      if (!m.value.IsInt64() || m.value.GetInt64() < 0) {
        reply(json_error(400, "invalid_type", "field 'restart." + key + "' must be a non-negative whole number"));
        return;
      }
      *out = m.value.GetInt64();
    }
  }
  if (r.strategy.empty() == r.yaml.empty()) {
    reply(json_error(400, "invalid_body", "name the strategy with exactly one of 'strategy' (a file of "
                                          "GET /strategies) or 'yaml' (the strategy itself)"));
    return;
  }
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
    .str("status", s.status);
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
  routes.push_back({"POST", "/sessions", true, true, "Create and start a session", {}, "json", create});
  for (const char* c : {"pause", "resume", "stop"}) {
    std::string what = c;
    routes.push_back({"POST", "/sessions/{id}/" + what, true, true,
                      what == "stop" ? "Stop a session (body {\"flatten\": true} sells its position first)"
                                     : "Command a session to " + what,
                      {}, what == "stop" ? "json" : "",
                      [what](api_context& ctx, const api_request& req, const route_params& params, api_reply reply) {
                        command(ctx, req, params, std::move(reply), what);
                      }});
  }
}

} // namespace pt
