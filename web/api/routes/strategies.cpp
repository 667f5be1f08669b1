#include "web/api/routes/strategies.hpp"

#include "web/api/bodies.hpp"
#include "web/api/json.hpp"

namespace pt {

void list_strategies(api_context& ctx, const api_request& req, const route_params&, api_reply reply) {
  if (auto bad = reject_unknown_params(req, {})) {
    reply(*bad);
    return;
  }
  if (!ctx.services.list_strategies) {
    reply(json_error(503, "unavailable", "no strategy folder is configured"));
    return;
  }
  ctx.worker.post([&ctx, reply] {
    json_out j;
    j.w().StartObject();
    j.key("items");
    j.w().StartArray();
    for (auto& s : ctx.services.list_strategies()) {
      j.w().StartObject();
      j.str("file", s.file).str("name", s.name).str("symbol", s.symbol).str("timeframe", s.timeframe);
      if (!s.error.empty())
        j.str("error", s.error);
      j.w().EndObject();
    }
    j.w().EndArray();
    j.w().EndObject();
    reply(json_ok(j.text()));
  });
}

void validate_strategy(api_context& ctx, const api_request& req, const route_params&, api_reply reply) {
  auto text = strategy_text_of(req);
  if (auto* bad = std::get_if<api_response>(&text)) {
    reply(std::move(*bad));
    return;
  }
  if (!ctx.services.validate_strategy) {
    reply(json_error(503, "unavailable", "strategy validation is not available"));
    return;
  }
  ctx.worker.post([&ctx, yaml = std::get<std::string>(std::move(text)), reply] {
    auto check = ctx.services.validate_strategy(yaml);
    json_out j;
    j.w().StartObject();
    j.boolean("valid", check.problems.empty()).key("problems");
    j.w().StartArray();
    for (auto& p : check.problems) {
      j.w().StartObject();
      j.i64("line", p.line).i64("column", p.column).str("message", p.message);
      j.w().EndObject();
    }
    j.w().EndArray();
    if (check.problems.empty()) {
      j.key("strategy");
      j.w().StartObject();
      j.str("name", check.name).str("symbol", check.symbol).str("timeframe", check.timeframe);
      j.w().EndObject();
    }
    j.w().EndObject();
    reply(json_ok(j.text()));
  });
}

} // namespace pt
