#include "web/api/bodies.hpp"

#include <cctype>
#include <map>

#include <rapidjson/document.h>

#include "wire/fill_settings_json.hpp"
#include "core/symbol.hpp"
#include "web/api/json.hpp"
#include "web/http/utf8.hpp"

namespace pt {

namespace {

// The body as a JSON object with only `allowed` members, each of its type (kTrueType: a
// boolean); an empty body is `{}`.
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

} // namespace

api_response field_error(const std::string& code, const std::string& field, const std::string& why) {
  json_out j;
  j.w().StartObject();
  j.key("error");
  j.w().StartObject();
  j.str("code", code).str("message", field + " " + why).str("field", field);
  j.w().EndObject();
  j.w().EndObject();
  return json_ok(j.text(), 400);
}

std::variant<std::string, api_response> strategy_text_of(const api_request& req) {
  if (auto bad = reject_unknown_params(req, {}))
    return *bad;
  auto ct = req.content_type.substr(0, req.content_type.find(';'));
  if (ct != "application/json") {
    if (req.body.empty())
      return json_error(400, "invalid_body", "send the strategy YAML as the body, or {\"yaml\": \"…\"} as JSON");
    if (!valid_utf8(req.body))
      return json_error(400, "invalid_utf8", "the strategy text is not UTF-8");
    return req.body;
  }
  rapidjson::Document doc;
  if (auto bad = parse_json_object(req.body, doc, false))
    return *bad;
  for (auto& m : doc.GetObject())
    if (std::string(m.name.GetString(), m.name.GetStringLength()) != "yaml")
      return json_error(400, "unknown_field",
                        "unknown field '" + std::string(m.name.GetString(), m.name.GetStringLength()) +
                          "' (expected yaml)");
  auto it = doc.FindMember("yaml");
  if (it == doc.MemberEnd())
    return json_error(400, "missing_field", "field 'yaml' is required");
  if (!it->value.IsString())
    return json_error(400, "invalid_type", "field 'yaml' must be a string");
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

std::variant<bool, api_response> read_stop(const api_request& req) {
  auto body = json_body(req, {{"flatten", rapidjson::kTrueType}});
  if (auto* err = std::get_if<api_response>(&body))
    return std::move(*err);
  auto& doc = std::get<rapidjson::Document>(body);
  return doc.HasMember("flatten") && doc["flatten"].GetBool();
}

std::variant<session_request, api_response> read_create_session(const api_request& req) {
  if (auto bad = reject_unknown_params(req, {}))
    return *bad;
  auto s = rapidjson::kStringType;
  auto body = json_body(req, {{"name", s}, {"strategy", s}, {"yaml", s}, {"symbol", s}, {"initial_cash", s},
                              {"taker_fee_bps", s}, {"maker_fee_bps", s}, {"slippage_bps", s},
                              {"fill_profile", s}, {"fill", rapidjson::kObjectType},
                              {"restart", rapidjson::kObjectType}});
  if (auto* err = std::get_if<api_response>(&body))
    return std::move(*err);
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
  if (doc.HasMember("symbol")) {
    // Upper case as the exchange spells it; then nothing but a symbol may reach the feed's URLs.
    for (auto& c : r.symbol)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (!is_exchange_symbol(r.symbol))
      return field_error("invalid_symbol", "symbol",
                         "must be an exchange symbol: " + std::to_string(min_symbol_chars) + " to " +
                           std::to_string(max_symbol_chars) + " letters and digits, e.g. BTCUSDT, not '" +
                           text_field(doc, "symbol") + "'");
  }
  if (doc.HasMember("fill_profile")) {
    auto name = text_field(doc, "fill_profile");
    r.profile = parse_fill_profile(name);
    if (!r.profile)
      return field_error("invalid_field", "fill_profile",
                         "must be optimistic, realistic or pessimistic, not '" + name + "'");
  }
  if (doc.HasMember("fill")) {
    if (auto problem = read_fill_overrides(doc["fill"], r.fill))
      return field_error("invalid_field", "fill." + problem->field, problem->why);
  }
  if (auto it = doc.FindMember("restart"); it != doc.MemberEnd()) {
    for (auto& m : it->value.GetObject()) {
      std::string key(m.name.GetString(), m.name.GetStringLength());
      int64_t* out = key == "max_restarts"     ? &r.restart_max
                     : key == "backoff_ms"     ? &r.restart_backoff_ms
                     : key == "max_backoff_ms" ? &r.restart_max_backoff_ms
                                               : nullptr;
      if (!out)
        return json_error(400, "unknown_field",
                          "unknown field 'restart." + key + "' (max_restarts, backoff_ms, max_backoff_ms)");
      if (!m.value.IsInt64() || m.value.GetInt64() < 0)
        return json_error(400, "invalid_type", "field 'restart." + key + "' must be a non-negative whole number");
      *out = m.value.GetInt64();
    }
  }
  if (r.strategy.empty() == r.yaml.empty())
    return json_error(400, "invalid_body", "name the strategy with exactly one of 'strategy' (a file of "
                                           "GET /strategies) or 'yaml' (the strategy itself)");
  return r;
}

} // namespace pt
