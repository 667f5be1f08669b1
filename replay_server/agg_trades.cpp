// `GET /api/v3/aggTrades` of the replay server.

#include "replay_server/agg_trades.hpp"

#include <algorithm>
#include <charconv>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace pt {

namespace {

using json_writer = rapidjson::Writer<rapidjson::StringBuffer>;


bool int_field(const rapidjson::Value& d, const char* name, int64_t& out) {
  auto it = d.FindMember(name);
  if (it == d.MemberEnd() || !it->value.IsInt64())
    return false;
  out = it->value.GetInt64();
  return true;
}

bool string_field(const rapidjson::Value& d, const char* name, std::string& out) {
  auto it = d.FindMember(name);
  if (it == d.MemberEnd() || !it->value.IsString())
    return false;
  out.assign(it->value.GetString(), it->value.GetStringLength());
  return true;
}

std::string upper(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

} // namespace

agg_trade_store agg_trade_store::from_recording(const replay_recording& rec) {
  agg_trade_store store;
  for (const auto& m : rec.messages()) {
    const auto& stream = rec.streams()[m.stream];
    auto at = stream.find('@');
    if (at == std::string::npos)
      continue;
    auto kind = stream.substr(at + 1);
    if (kind != "trade" && kind != "aggTrade")
      continue;
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseIterativeFlag>(m.json.c_str(), m.json.size());
    if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("data") || !doc["data"].IsObject())
      continue;
    const auto& d = doc["data"];
    recorded_agg_trade t;
    auto mk = d.FindMember("m");
    if (!string_field(d, "p", t.p) || !string_field(d, "q", t.q) || !int_field(d, "T", t.T) || mk == d.MemberEnd() ||
        !mk->value.IsBool())
      continue;
    t.m = mk->value.GetBool();
    if (kind == "trade") {
      if (!int_field(d, "t", t.a))
        continue;
      t.f = t.l = t.a;
    } else if (!int_field(d, "a", t.a) || !int_field(d, "f", t.f) || !int_field(d, "l", t.l)) {
      continue;
    }
    auto best = d.FindMember("M");
    t.M = best == d.MemberEnd() || !best->value.IsBool() || best->value.GetBool();
    auto& list = store.trades_[upper(stream.substr(0, at))];
    if (!list.empty() && list.back().a >= t.a)
      continue; // a repeated message: ids only grow
    list.push_back(std::move(t));
  }
  return store;
}

const std::vector<recorded_agg_trade>* agg_trade_store::of(const std::string& symbol) const {
  auto it = trades_.find(symbol);
  return it == trades_.end() ? nullptr : &it->second;
}

http_answer answer_agg_trades(const replay_recording& rec, const agg_trade_store& store, std::string_view target,
                              std::optional<int64_t> until_ms) {
  auto symbol = query_param(target, "symbol");
  if (!symbol || symbol->empty())
    return bad_request(-1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
  if (!rec.has_symbol(*symbol))
    return bad_request(-1121, "Invalid symbol.");
  bool ok = true;
  for (const char* name : {"limit", "fromId", "startTime", "endTime"}) {
    number_param(target, name, ok);
    if (!ok)
      return bad_request(-1100, std::string("Illegal characters found in parameter '") + name +
                          "'; legal range is '^[0-9]{1,20}$'.");
  }
  auto limit = number_param(target, "limit", ok).value_or(500);
  if (limit < 1 || limit > 1000)
    return bad_request(-1130, "Data sent for parameter 'limit' is not valid.");
  auto from_id = number_param(target, "fromId", ok);
  auto start = number_param(target, "startTime", ok);
  auto end = number_param(target, "endTime", ok);
  if (start && end && *start > *end)
    return bad_request(-1128, "Combination of optional parameters invalid.");
  if (start && end && *end - *start > 3'600'000)
    return bad_request(-1127, "More than 1 hours between startTime and endTime.");

  static const std::vector<recorded_agg_trade> none;
  const auto* found = store.of(*symbol);
  const auto& all = found ? *found : none;
  // The trades that exist by now: [0, known).
  size_t known = all.size();
  if (until_ms)
    known = static_cast<size_t>(std::upper_bound(all.begin(), all.end(), *until_ms,
                                                 [](int64_t t, const recorded_agg_trade& x) { return t < x.T; }) -
                                all.begin());
  size_t first = 0;
  size_t last = known; // exclusive
  if (from_id) {
    first = static_cast<size_t>(std::lower_bound(all.begin(), all.begin() + static_cast<ptrdiff_t>(known), *from_id,
                                                 [](const recorded_agg_trade& x, int64_t id) { return x.a < id; }) -
                                all.begin());
  } else if (start || end) {
    if (start)
      first = static_cast<size_t>(std::lower_bound(all.begin(), all.begin() + static_cast<ptrdiff_t>(known), *start,
                                                   [](const recorded_agg_trade& x, int64_t t) { return x.T < t; }) -
                                  all.begin());
    else if (end) // only endTime: the hour up to it, as Binance does
      first = static_cast<size_t>(std::lower_bound(all.begin(), all.begin() + static_cast<ptrdiff_t>(known),
                                                   *end - 3'600'000,
                                                   [](const recorded_agg_trade& x, int64_t t) { return x.T < t; }) -
                                  all.begin());
  } else {
    first = known > static_cast<size_t>(limit) ? known - static_cast<size_t>(limit) : 0;
  }
  if (end)
    last = static_cast<size_t>(std::upper_bound(all.begin(), all.begin() + static_cast<ptrdiff_t>(known), *end,
                                                [](int64_t t, const recorded_agg_trade& x) { return t < x.T; }) -
                               all.begin());
  last = std::min(last, first + static_cast<size_t>(limit));

  rapidjson::StringBuffer out;
  json_writer w(out);
  w.StartArray();
  for (size_t i = first; i < last; ++i) {
    const auto& t = all[i];
    w.StartObject();
    w.Key("a");
    w.Int64(t.a);
    w.Key("p");
    w.String(t.p.c_str(), static_cast<rapidjson::SizeType>(t.p.size()));
    w.Key("q");
    w.String(t.q.c_str(), static_cast<rapidjson::SizeType>(t.q.size()));
    w.Key("f");
    w.Int64(t.f);
    w.Key("l");
    w.Int64(t.l);
    w.Key("T");
    w.Int64(t.T);
    w.Key("m");
    w.Bool(t.m);
    w.Key("M");
    w.Bool(t.M);
    w.EndObject();
  }
  w.EndArray();
  return {200, out.GetString()};
}

} // namespace pt
