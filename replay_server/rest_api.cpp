#include "replay_server/rest_api.hpp"

#include <array>
#include <charconv>
#include <optional>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "web/http/types.hpp"

namespace pt {

namespace {

using json_writer = rapidjson::Writer<rapidjson::StringBuffer>;

} // namespace

std::string binance_error_body(int code, std::string_view msg) {
  rapidjson::StringBuffer out;
  json_writer w(out);
  w.StartObject();
  w.Key("code");
  w.Int(code);
  w.Key("msg");
  w.String(msg.data(), static_cast<rapidjson::SizeType>(msg.size()));
  w.EndObject();
  return out.GetString();
}

namespace {

std::string error_body(int code, std::string_view msg) { return binance_error_body(code, msg); }

http_answer invalid_symbol() { return {400, error_body(-1121, "Invalid symbol.")}; }

} // namespace

std::optional<std::string> query_param(std::string_view target, std::string_view name) {
  auto parsed = parse_target(std::string(target)); // the REST API's target parser: one decoder
  if (!parsed)
    return std::nullopt;
  auto it = parsed->query.find(std::string(name));
  if (it == parsed->query.end())
    return std::nullopt;
  return it->second;
}

std::optional<int64_t> number_param(std::string_view target, const char* name, bool& ok) {
  auto text = query_param(target, name);
  if (!text)
    return std::nullopt;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  ok = ok && !text->empty() && ec == std::errc{} && end == text->data() + text->size() && value >= 0;
  return value;
}

http_answer bad_request(int code, const std::string& msg) { return {400, binance_error_body(code, msg)}; }

namespace {

struct asset_split {
  std::string base;
  std::string quote;
};

asset_split split_symbol(const std::string& symbol) {
  static constexpr std::array<std::string_view, 7> quotes{"USDT", "FDUSD", "USDC", "BUSD", "BTC", "ETH", "BNB"};
  for (auto q : quotes)
    if (symbol.size() > q.size() && symbol.compare(symbol.size() - q.size(), q.size(), q) == 0)
      return {symbol.substr(0, symbol.size() - q.size()), std::string(q)};
  return {symbol, ""};
}

void write_string(json_writer& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

void write_filter(json_writer& w, std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
  w.StartObject();
  for (auto& [key, value] : fields) {
    write_string(w, key);
    write_string(w, value);
  }
  w.EndObject();
}

void write_symbol(json_writer& w, const std::string& symbol) {
  auto assets = split_symbol(symbol);
  w.StartObject();
  w.Key("symbol");
  write_string(w, symbol);
  w.Key("status");
  w.String("TRADING");
  w.Key("baseAsset");
  write_string(w, assets.base);
  w.Key("baseAssetPrecision");
  w.Int(8);
  w.Key("quoteAsset");
  write_string(w, assets.quote);
  w.Key("quotePrecision");
  w.Int(8);
  w.Key("quoteAssetPrecision");
  w.Int(8);
  w.Key("orderTypes");
  w.StartArray();
  for (auto t : {"LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"})
    w.String(t);
  w.EndArray();
  w.Key("icebergAllowed");
  w.Bool(true);
  w.Key("ocoAllowed");
  w.Bool(true);
  w.Key("isSpotTradingAllowed");
  w.Bool(true);
  w.Key("isMarginTradingAllowed");
  w.Bool(false);
  w.Key("filters");
  w.StartArray();
  write_filter(w, {{"filterType", "PRICE_FILTER"},
                   {"minPrice", "0.01000000"},
                   {"maxPrice", "1000000.00000000"},
                   {"tickSize", "0.01000000"}});
  write_filter(w, {{"filterType", "LOT_SIZE"},
                   {"minQty", "0.00001000"},
                   {"maxQty", "9000.00000000"},
                   {"stepSize", "0.00001000"}});
  w.StartObject();
  w.Key("filterType");
  w.String("NOTIONAL");
  w.Key("minNotional");
  w.String("5.00000000");
  w.Key("applyMinToMarket");
  w.Bool(true);
  w.Key("maxNotional");
  w.String("9000000.00000000");
  w.Key("applyMaxToMarket");
  w.Bool(false);
  w.Key("avgPriceMins");
  w.Int(5);
  w.EndObject();
  w.EndArray();
  w.Key("permissions");
  w.StartArray();
  w.EndArray();
  w.EndObject();
}

http_answer exchange_info(const replay_recording& rec, std::string_view target, int64_t now_ms) {
  std::vector<std::string> symbols;
  if (auto one = query_param(target, "symbol")) {
    symbols.push_back(*one);
  } else if (auto many = query_param(target, "symbols")) {
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseIterativeFlag>(many->c_str());
    if (doc.HasParseError() || !doc.IsArray())
      return {400, error_body(-1100, "Illegal characters found in parameter 'symbols'.")};
    for (auto& v : doc.GetArray()) {
      if (!v.IsString())
        return {400, error_body(-1100, "Illegal characters found in parameter 'symbols'.")};
      symbols.emplace_back(v.GetString(), v.GetStringLength());
    }
  } else {
    symbols = rec.symbols();
  }
  for (auto& s : symbols)
    if (!rec.has_symbol(s))
      return invalid_symbol();
  rapidjson::StringBuffer out;
  json_writer w(out);
  w.StartObject();
  w.Key("timezone");
  w.String("UTC");
  w.Key("serverTime");
  w.Int64(now_ms);
  w.Key("rateLimits");
  w.StartArray();
  w.EndArray();
  w.Key("exchangeFilters");
  w.StartArray();
  w.EndArray();
  w.Key("symbols");
  w.StartArray();
  for (auto& s : symbols)
    write_symbol(w, s);
  w.EndArray();
  w.EndObject();
  return {200, out.GetString()};
}

std::string ws_reply(const rapidjson::Value* id, const std::vector<std::string>* list, int error_code,
                     std::string_view error_msg) {
  rapidjson::StringBuffer out;
  json_writer w(out);
  w.StartObject();
  if (error_code >= 0) {
    w.Key("error");
    w.StartObject();
    w.Key("code");
    w.Int(error_code);
    w.Key("msg");
    write_string(w, error_msg);
    w.EndObject();
  } else {
    w.Key("result");
    if (list) {
      w.StartArray();
      for (auto& s : *list)
        write_string(w, s);
      w.EndArray();
    } else {
      w.Null();
    }
  }
  w.Key("id");
  if (id)
    id->Accept(w);
  else
    w.Null();
  w.EndObject();
  return out.GetString();
}

} // namespace

std::string_view path_of_target(std::string_view target) { return target.substr(0, target.find('?')); }

std::vector<std::string> streams_of_target(std::string_view target) {
  std::vector<std::string> streams;
  auto value = query_param(target, "streams");
  if (!value)
    return streams;
  std::string_view rest = *value;
  while (!rest.empty()) {
    auto slash = rest.find('/');
    if (slash != 0)
      streams.emplace_back(rest.substr(0, slash));
    if (slash == std::string_view::npos)
      break;
    rest = rest.substr(slash + 1);
  }
  return streams;
}

http_answer answer_rest(const replay_recording& rec, std::string_view method, std::string_view target,
                        int64_t now_ms, const kline_store* klines) {
  auto path = path_of_target(target);
  bool known = path == "/api/v3/ping" || path == "/api/v3/time" || path == "/api/v3/depth" ||
               path == "/api/v3/exchangeInfo" || path == "/api/v3/klines";
  if (!known)
    return {404, error_body(-1, "Not found: " + std::string(path))};
  if (method != "GET")
    return {405, error_body(-1, "Method not allowed.")};
  if (path == "/api/v3/ping")
    return {200, "{}"};
  if (path == "/api/v3/time") {
    rapidjson::StringBuffer out;
    json_writer w(out);
    w.StartObject();
    w.Key("serverTime");
    w.Int64(now_ms);
    w.EndObject();
    return {200, out.GetString()};
  }
  if (path == "/api/v3/exchangeInfo")
    return exchange_info(rec, target, now_ms);
  if (path == "/api/v3/klines") {
    static const kline_store none;
    return answer_klines(rec, klines ? *klines : none, target, now_ms);
  }
  auto symbol = query_param(target, "symbol");
  if (!symbol || symbol->empty())
    return {400, error_body(-1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.")};
  if (!rec.has_symbol(*symbol))
    return invalid_symbol();
  if (rec.depth_snapshot().empty())
    return {503, error_body(-1, "The recording holds no depth snapshot.")};
  return {200, rec.depth_snapshot()};
}

ws_request_outcome answer_ws_request(std::string_view text, const std::vector<std::string>& current) {
  ws_request_outcome outcome;
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    outcome.reply = ws_reply(nullptr, nullptr, 3, "Invalid JSON: expected an object");
    return outcome;
  }
  const rapidjson::Value* id = nullptr;
  if (auto it = doc.FindMember("id"); it != doc.MemberEnd())
    id = &it->value;
  if (id && !id->IsNull() && !id->IsInt64() && !id->IsUint64() && !id->IsString()) {
    outcome.reply = ws_reply(nullptr, nullptr, 2, "Invalid request: request ID must be an unsigned integer or a string");
    return outcome;
  }
  auto method_it = doc.FindMember("method");
  if (method_it == doc.MemberEnd() || !method_it->value.IsString()) {
    outcome.reply = ws_reply(id, nullptr, 2, "Invalid request: missing field `method`");
    return outcome;
  }
  std::string_view method(method_it->value.GetString(), method_it->value.GetStringLength());
  if (method == "LIST_SUBSCRIPTIONS") {
    outcome.reply = ws_reply(id, &current, -1, "");
    return outcome;
  }
  if (method != "SUBSCRIBE" && method != "UNSUBSCRIBE") {
    outcome.reply = ws_reply(id, nullptr, 2, "Invalid request: unknown method " + std::string(method));
    return outcome;
  }
  auto params = doc.FindMember("params");
  std::vector<std::string> names;
  if (params != doc.MemberEnd()) {
    bool ok = params->value.IsArray();
    if (ok)
      for (auto& p : params->value.GetArray()) {
        ok = ok && p.IsString();
        if (ok)
          names.emplace_back(p.GetString(), p.GetStringLength());
      }
    if (!ok) {
      outcome.reply = ws_reply(id, nullptr, 2, "Invalid request: `params` must be an array of stream names");
      return outcome;
    }
  }
  (method == "SUBSCRIBE" ? outcome.subscribe : outcome.unsubscribe) = std::move(names);
  outcome.reply = ws_reply(id, nullptr, -1, "");
  return outcome;
}

} // namespace pt
