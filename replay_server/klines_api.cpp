// `GET /api/v3/klines` of the replay server (declared in replay_server/rest_api.hpp).

#include <charconv>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "replay_server/rest_api.hpp"

namespace pt {

namespace {

using json_writer = rapidjson::Writer<rapidjson::StringBuffer>;


void write_decimal(json_writer& w, int64_t raw) {
  auto s = format_decimal_raw(raw);
  w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
}

} // namespace

http_answer answer_klines(const replay_recording& rec, const kline_store& klines, std::string_view target,
                          int64_t now_ms) {
  auto symbol = query_param(target, "symbol");
  if (!symbol || symbol->empty())
    return bad_request(-1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
  auto interval = query_param(target, "interval");
  if (!interval || interval->empty())
    return bad_request(-1102, "Mandatory parameter 'interval' was not sent, was empty/null, or malformed.");
  if (!rec.has_symbol(*symbol) && !klines.has_symbol(*symbol))
    return bad_request(-1121, "Invalid symbol.");
  auto interval_ms = binance_interval_ms(*interval);
  if (!interval_ms)
    return bad_request(-1120, "Invalid interval.");
  for (const char* name : {"limit", "startTime", "endTime"}) {
    bool ok = true;
    number_param(target, name, ok);
    if (!ok)
      return bad_request(-1100, std::string("Illegal characters found in parameter '") + name +
                          "'; legal range is '^[0-9]{1,20}$'.");
  }
  bool ok = true;
  auto limit = number_param(target, "limit", ok).value_or(500);
  if (limit < 1 || limit > 1000)
    return bad_request(-1130, "Data sent for parameter 'limit' is not valid.");
  auto start = number_param(target, "startTime", ok);
  auto end = number_param(target, "endTime", ok);

  auto rows = klines.query(*symbol, *interval_ms, start, end, static_cast<size_t>(limit), now_ms);
  rapidjson::StringBuffer out;
  json_writer w(out);
  w.StartArray();
  for (auto& k : rows) {
    w.StartArray();
    w.Int64(k.open_time_ms);
    write_decimal(w, k.open.raw());
    write_decimal(w, k.high.raw());
    write_decimal(w, k.low.raw());
    write_decimal(w, k.close.raw());
    write_decimal(w, k.volume.raw());
    w.Int64(k.close_time_ms);
    write_decimal(w, k.quote_volume.raw());
    w.Int64(k.trade_count);
    write_decimal(w, k.taker_buy_volume.raw());
    write_decimal(w, k.taker_buy_quote_volume.raw());
    w.String("0");
    w.EndArray();
  }
  w.EndArray();
  return {200, out.GetString()};
}

} // namespace pt
