#include "feeds/binance/parse.hpp"

#include <array>
#include <charconv>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

namespace pt {

namespace {

using status = parse_outcome::status;

parse_outcome fail(std::string what, std::string_view detail = {}) {
  parse_outcome out;
  out.result = status::error;
  out.what = std::move(what);
  out.detail = std::string(detail.substr(0, 80));
  return out;
}

parse_outcome skip(std::string what) {
  parse_outcome out;
  out.result = status::skipped;
  out.what = std::move(what);
  return out;
}

bool parse_int(std::string_view s, int64_t& out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && ptr == s.data() + s.size();
}

template <class T>
bool parse_fixed(std::string_view s, T& out) {
  auto v = T::parse(s);
  if (!v)
    return false;
  out = *v;
  return true;
}

// Splits on commas into at most N fields; returns the count (N + 1 means "more than N").
template <size_t N>
size_t split_csv(std::string_view line, std::array<std::string_view, N>& fields) {
  size_t count = 0;
  size_t start = 0;
  while (true) {
    size_t comma = line.find(',', start);
    if (count == N)
      return N + 1;
    fields[count++] = line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (comma == std::string_view::npos)
      return count;
    start = comma + 1;
  }
}

std::string_view json_string(const rapidjson::Value& obj, const char* key) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsString())
    return {};
  return {it->value.GetString(), it->value.GetStringLength()};
}

bool json_int(const rapidjson::Value& obj, const char* key, int64_t& out) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsInt64())
    return false;
  out = it->value.GetInt64();
  return true;
}

bool json_bool(const rapidjson::Value& obj, const char* key, bool& out) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsBool())
    return false;
  out = it->value.GetBool();
  return true;
}

template <class T>
bool json_fixed(const rapidjson::Value& obj, const char* key, T& out) {
  auto s = json_string(obj, key);
  return !s.empty() && parse_fixed(s, out);
}

parse_outcome event_of(std::string symbol, int64_t ts_ms, decltype(market_event::data) data) {
  parse_outcome out;
  out.result = status::event;
  out.symbol = std::move(symbol);
  out.event.ts_event_ms = ts_ms;
  out.event.data = std::move(data);
  return out;
}

// Why a kline's values cannot be real (error kind), or nullptr. A positive low that is at most
// open and close, with a high at least both, implies every price is positive.
const char* kline_problem(const kline& k) {
  if (k.volume.is_negative())
    return "bad volume";
  if (!k.low.is_positive() || k.low > k.high || k.low > std::min(k.open, k.close) ||
      k.high < std::max(k.open, k.close))
    return "inconsistent OHLC";
  if (k.close_time_ms < k.open_time_ms)
    return "close time before open time";
  return nullptr;
}

parse_outcome parse_trade_json(const rapidjson::Value& d, bool aggregate, market_clock& clock) {
  trade t;
  int64_t ts = 0;
  if (!json_int(d, aggregate ? "a" : "t", t.trade_id))
    return fail("bad trade id");
  if (!json_fixed(d, "p", t.px) || !t.px.is_positive())
    return fail("bad price", json_string(d, "p"));
  if (!json_fixed(d, "q", t.qty) || t.qty.is_negative())
    return fail("bad quantity", json_string(d, "q"));
  if (!json_int(d, "T", ts))
    return fail("bad trade time");
  if (!json_bool(d, "m", t.buyer_is_maker))
    return fail("bad maker flag");
  t.ts_trade_ms = to_epoch_ms(ts);
  return event_of(std::string(json_string(d, "s")), clock.observe(t.ts_trade_ms), t);
}

parse_outcome parse_book_ticker_json(const rapidjson::Value& d, int64_t ts_ms) {
  book_ticker b;
  if (!json_int(d, "u", b.update_id))
    return fail("bad update id");
  if (!json_fixed(d, "b", b.bid_px) || !json_fixed(d, "B", b.bid_qty) || !json_fixed(d, "a", b.ask_px) ||
      !json_fixed(d, "A", b.ask_qty))
    return fail("bad book ticker price or quantity");
  if (b.bid_px.is_negative() || b.ask_px.is_negative() || b.bid_qty.is_negative() || b.ask_qty.is_negative() ||
      (b.bid_px.is_positive() && b.ask_px.is_positive() && b.bid_px > b.ask_px))
    return fail("crossed or negative book ticker");
  return event_of(std::string(json_string(d, "s")), ts_ms, b);
}

parse_outcome parse_kline_json(const rapidjson::Value& d, int64_t event_ms) {
  auto kit = d.FindMember("k");
  if (kit == d.MemberEnd() || !kit->value.IsObject())
    return fail("bad kline");
  const auto& k = kit->value;
  kline out;
  if (!json_int(k, "t", out.open_time_ms) || !json_int(k, "T", out.close_time_ms))
    return fail("bad kline time");
  if (!json_fixed(k, "o", out.open) || !json_fixed(k, "h", out.high) || !json_fixed(k, "l", out.low) ||
      !json_fixed(k, "c", out.close) || !json_fixed(k, "v", out.volume))
    return fail("bad kline price or volume");
  if (!json_bool(k, "x", out.is_closed))
    return fail("bad kline closed flag");
  if (const char* problem = kline_problem(out))
    return fail(problem, json_string(k, "l"));
  return event_of(std::string(json_string(d, "s")), event_ms, out);
}

// [["price","qty"], …] into levels; false on any malformed entry.
bool parse_levels(const rapidjson::Value& obj, const char* key, std::vector<book_level>& out) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsArray())
    return false;
  out.reserve(it->value.Size());
  for (const auto& level : it->value.GetArray()) {
    if (!level.IsArray() || level.Size() < 2 || !level[0].IsString() || !level[1].IsString())
      return false;
    auto px = price::parse({level[0].GetString(), level[0].GetStringLength()});
    auto qty = quantity::parse({level[1].GetString(), level[1].GetStringLength()});
    if (!px || !qty || !px->is_positive() || qty->is_negative())
      return false;
    out.push_back({*px, *qty});
  }
  return true;
}

// Parses `json`; returns the payload object (unwrapping a combined-stream message) or null.
const rapidjson::Value* payload(rapidjson::Document& doc, std::string_view json, std::string& error) {
  doc.Parse<rapidjson::kParseIterativeFlag>(json.data(), json.size());
  if (doc.HasParseError()) {
    error = std::string("bad JSON: ") + rapidjson::GetParseError_En(doc.GetParseError());
    return nullptr;
  }
  if (!doc.IsObject()) {
    error = "not a JSON object";
    return nullptr;
  }
  auto data = doc.FindMember("data");
  if (doc.HasMember("stream") && data != doc.MemberEnd() && data->value.IsObject())
    return &data->value;
  return &doc;
}

// Order book update ids are positive and far from overflow (Binance's are ~1e11); a book adds 1
// to them and takes differences, so anything else is malformed.
bool plausible_update_id(int64_t id) { return id > 0 && id < (int64_t{1} << 62); }

} // namespace

std::optional<depth_update> parse_depth_update(std::string_view json, std::string& error) {
  rapidjson::Document doc;
  const auto* d = payload(doc, json, error);
  if (d == nullptr)
    return std::nullopt;
  if (json_string(*d, "e") != "depthUpdate") {
    error = "not a depthUpdate";
    return std::nullopt;
  }
  depth_update u;
  int64_t event_ms = 0;
  if (!json_int(*d, "U", u.first_update_id) || !json_int(*d, "u", u.final_update_id) ||
      u.first_update_id > u.final_update_id || !json_int(*d, "E", event_ms) || !plausible_update_id(u.first_update_id) ||
      !plausible_update_id(u.final_update_id)) {
    error = "bad update ids or event time";
    return std::nullopt;
  }
  u.ts_event_ms = to_epoch_ms(event_ms);
  if (!parse_levels(*d, "b", u.bids) || !parse_levels(*d, "a", u.asks)) {
    error = "bad price levels";
    return std::nullopt;
  }
  return u;
}

std::optional<depth_snapshot> parse_depth_snapshot(std::string_view json, std::string& error) {
  rapidjson::Document doc;
  const auto* d = payload(doc, json, error);
  if (d == nullptr)
    return std::nullopt;
  depth_snapshot s;
  if (!json_int(*d, "lastUpdateId", s.last_update_id) || !plausible_update_id(s.last_update_id)) {
    error = "no lastUpdateId";
    return std::nullopt;
  }
  if (!parse_levels(*d, "bids", s.bids) || !parse_levels(*d, "asks", s.asks)) {
    error = "bad price levels";
    return std::nullopt;
  }
  return s;
}

int64_t to_epoch_ms(int64_t ts) {
  // 1e14 ms is the year 5138; anything that large is microseconds.
  return ts >= 100'000'000'000'000LL ? ts / 1000 : ts;
}

parse_outcome parse_trade_csv(std::string_view line) {
  std::array<std::string_view, 7> f;
  if (split_csv(line, f) != 7)
    return fail("wrong column count", line);
  trade t;
  int64_t ts = 0;
  if (!parse_int(f[0], t.trade_id))
    return fail("bad trade id", f[0]);
  if (!parse_fixed(f[1], t.px) || !t.px.is_positive())
    return fail("bad price", f[1]);
  if (!parse_fixed(f[2], t.qty) || t.qty.is_negative())
    return fail("bad quantity", f[2]);
  if (!parse_int(f[4], ts))
    return fail("bad time", f[4]);
  if (f[5] == "True" || f[5] == "true")
    t.buyer_is_maker = true;
  else if (f[5] == "False" || f[5] == "false")
    t.buyer_is_maker = false;
  else
    return fail("bad maker flag", f[5]);
  t.ts_trade_ms = to_epoch_ms(ts);
  return event_of({}, t.ts_trade_ms, t);
}

parse_outcome parse_kline_csv(std::string_view line, int64_t interval_ms) {
  std::array<std::string_view, 12> f;
  size_t n = split_csv(line, f);
  if (n != 12 && n != 6)
    return fail("wrong column count", line);
  kline k;
  int64_t open_ts = 0;
  if (!parse_int(f[0], open_ts))
    return fail("bad open time", f[0]);
  k.open_time_ms = to_epoch_ms(open_ts);
  if (!parse_fixed(f[1], k.open) || !parse_fixed(f[2], k.high) || !parse_fixed(f[3], k.low) ||
      !parse_fixed(f[4], k.close))
    return fail("bad price", line);
  if (!parse_fixed(f[5], k.volume) || k.volume.is_negative())
    return fail("bad volume", f[5]);
  if (n == 12) {
    int64_t close_ts = 0;
    if (!parse_int(f[6], close_ts))
      return fail("bad close time", f[6]);
    k.close_time_ms = to_epoch_ms(close_ts);
  } else {
    k.close_time_ms = k.open_time_ms + (interval_ms > 0 ? interval_ms - 1 : 0);
  }
  if (const char* problem = kline_problem(k))
    return fail(problem, line);
  return event_of({}, k.close_time_ms, k);
}

parse_outcome parse_stream_message(std::string_view json, int64_t& clock_ms) {
  market_clock clock(clock_ms);
  auto out = parse_stream_message(json, clock);
  clock_ms = clock.now_ms();
  return out;
}

parse_outcome parse_stream_message(std::string_view json, market_clock& clock) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(json.data(), json.size());
  if (doc.HasParseError())
    return fail("bad JSON", rapidjson::GetParseError_En(doc.GetParseError()));
  if (!doc.IsObject())
    return fail("not a JSON object");
  const rapidjson::Value* data = &doc;
  auto wrapped = doc.FindMember("data");
  if (doc.HasMember("stream") && wrapped != doc.MemberEnd()) {
    if (!wrapped->value.IsObject())
      return fail("combined stream without data object");
    data = &wrapped->value;
  }
  const auto& d = *data;
  if (d.HasMember("lastUpdateId") && d.HasMember("bids"))
    return skip("depth snapshot");
  int64_t event_ms = 0;
  if (json_int(d, "E", event_ms))
    clock.observe(to_epoch_ms(event_ms));
  auto type = json_string(d, "e");
  if (type == "trade")
    return parse_trade_json(d, false, clock);
  if (type == "aggTrade")
    return parse_trade_json(d, true, clock);
  if (type == "kline") // a forming kline's close time lies ahead: only its `E` moves the clock
    return parse_kline_json(d, clock.now_ms());
  if (type == "depthUpdate") {
    auto out = skip("depth update");
    out.symbol = std::string(json_string(d, "s"));
    if (out.symbol.empty())
      return fail("depth update without symbol");
    return out;
  }
  if (type.empty() && d.HasMember("u") && d.HasMember("b") && d.HasMember("a"))
    return parse_book_ticker_json(d, clock.now_ms());
  if (type.empty() && d.HasMember("id") && (d.HasMember("result") || d.HasMember("error")))
    return skip("subscription response"); // an answer to SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS
  if (type.empty())
    return fail("unknown message");
  return skip(std::string(type));
}

} // namespace pt
