#include "feeds/binance/agg_trades.hpp"

#include <stdexcept>

#include <rapidjson/document.h>

namespace pt {

namespace {

constexpr int page_rows = 1000;          // Binance's largest page
constexpr int64_t window_ms = 3'600'000; // Binance's widest startTime..endTime window, inclusive

std::runtime_error bad_row(size_t i, const std::string& why) {
  return std::runtime_error("aggTrades: row " + std::to_string(i) + ": " + why);
}

} // namespace

std::vector<agg_trade> parse_agg_trades(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(body.c_str(), body.size());
  if (doc.HasParseError() || !doc.IsArray())
    throw std::runtime_error("aggTrades: not a JSON array: " + body.substr(0, 200));
  std::vector<agg_trade> out;
  out.reserve(doc.Size());
  for (rapidjson::SizeType i = 0; i < doc.Size(); ++i) {
    const auto& r = doc[i];
    if (!r.IsObject())
      throw bad_row(i, "not an object");
    auto int_of = [&](const char* name) {
      auto it = r.FindMember(name);
      if (it == r.MemberEnd() || !it->value.IsInt64())
        throw bad_row(i, std::string("no integer '") + name + "'");
      return it->value.GetInt64();
    };
    auto text_of = [&](const char* name) {
      auto it = r.FindMember(name);
      if (it == r.MemberEnd() || !it->value.IsString())
        throw bad_row(i, std::string("no string '") + name + "'");
      return std::string(it->value.GetString(), it->value.GetStringLength());
    };
    auto bool_of = [&](const char* name, bool fallback) {
      auto it = r.FindMember(name);
      if (it == r.MemberEnd())
        return fallback;
      if (!it->value.IsBool())
        throw bad_row(i, std::string("'") + name + "' is not a boolean");
      return it->value.GetBool();
    };
    agg_trade t;
    t.id = int_of("a");
    t.price_text = text_of("p");
    t.qty_text = text_of("q");
    auto px = price::parse(t.price_text);
    auto qty = quantity::parse(t.qty_text);
    if (!px || !px->is_positive())
      throw bad_row(i, "bad price '" + t.price_text + "'");
    if (!qty || qty->is_negative())
      throw bad_row(i, "bad quantity '" + t.qty_text + "'");
    t.px = *px;
    t.qty = *qty;
    t.first_trade_id = int_of("f");
    t.last_trade_id = int_of("l");
    t.ts_ms = int_of("T");
    t.buyer_is_maker = bool_of("m", false);
    t.best_match = bool_of("M", true);
    if (r.FindMember("m") == r.MemberEnd())
      throw bad_row(i, "no 'm'");
    if (t.last_trade_id < t.first_trade_id)
      throw bad_row(i, "last trade id before first");
    out.push_back(std::move(t));
  }
  return out;
}

agg_trade_fetch fetch_agg_trades(const agg_trade_request& request,
                                 const std::function<std::string(const std::string& target)>& get) {
  agg_trade_fetch result;
  if (request.end_ms < request.start_ms)
    return result;
  const std::string base = "/api/v3/aggTrades?symbol=" + request.symbol;
  int64_t window_start = request.start_ms;
  int64_t next_id = -1; // ≥ 0: continue by id
  int64_t last_id = -1; // the largest aggregate id kept or dropped so far
  while (true) {
    if (result.pages >= request.max_pages || std::chrono::steady_clock::now() >= request.deadline) {
      result.complete = false;
      break;
    }
    int64_t window_end = std::min(request.end_ms, window_start + window_ms - 1);
    std::string target = next_id >= 0 ? base + "&fromId=" + std::to_string(next_id) + "&limit=" +
                                           std::to_string(page_rows)
                                       : base + "&startTime=" + std::to_string(window_start) + "&endTime=" +
                                           std::to_string(window_end) + "&limit=" + std::to_string(page_rows);
    auto page = parse_agg_trades(get(target));
    ++result.pages;
    bool past_end = false;
    for (auto& t : page) {
      if (t.ts_ms > request.end_ms) {
        past_end = true;
        break;
      }
      if (t.id <= last_id) {
        ++result.duplicates;
        continue;
      }
      last_id = t.id;
      if (t.first_trade_id <= request.seen_trade_id) {
        ++result.already_seen;
        continue;
      }
      result.trades.push_back(std::move(t));
    }
    if (past_end)
      break;
    if (static_cast<int>(page.size()) >= page_rows) {
      next_id = last_id + 1; // a full page: there may be more in the same window
      continue;
    }
    if (next_id >= 0) {
      // A short page by id: nothing more exists by now, unless the rest of the range is in a
      // later window (an id page does not stop at the window's end).
      break;
    }
    if (window_end >= request.end_ms)
      break;
    window_start = window_end + 1;
  }
  return result;
}

} // namespace pt
