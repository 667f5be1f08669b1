#include "app/live_restore.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include "feeds/binance/parse.hpp"
#include "actors/feed_gate.hpp"
#include "feeds/market_file.hpp"
#include "feeds/binance/agg_trades.hpp"
#include "feeds/binance/rest_client.hpp"

namespace pt {

namespace fs = std::filesystem;

feed_journal::feed_journal(const std::string& path, bool append) : path_(path) {
  if (path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0)
    throw std::runtime_error("the feed journal " + path + " must be a plain file (not .gz): a crash would cut a "
                             "gzip stream, which cannot be appended to");
  auto dir = fs::path(path).parent_path();
  std::error_code ec;
  if (!dir.empty())
    fs::create_directories(dir, ec);
  writer_ = std::make_unique<line_writer>(path, append);
}

void feed_journal::write_line(const std::string& line) {
  if (!error_.empty())
    return;
  try {
    writer_->write(line);
    writer_->flush(); // in the file before the event reaches a session (a kill -9 keeps it)
  } catch (const std::exception& e) {
    error_ = e.what();
    spdlog::error("feed journal {}: {}; the feed goes on, but a restart cannot re-feed what follows", path_,
                  error_);
  }
}

void feed_journal::write(int64_t receive_ns, const std::string& json) {
  std::string line = std::to_string(receive_ns);
  line += ' ';
  line += json;
  std::lock_guard<std::mutex> lock(mutex_);
  if (held_)
    kept_.push_back(std::move(line));
  else
    write_line(line);
}

void feed_journal::hold() {
  std::lock_guard<std::mutex> lock(mutex_);
  held_ = true;
}

void feed_journal::release(const std::vector<std::string>& first) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& l : first)
    write_line(l);
  for (auto& l : kept_)
    write_line(l);
  kept_.clear();
  held_ = false;
}

int64_t feed_journal::lines() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return writer_->lines();
}

std::string feed_journal::error() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return error_;
}

std::string default_journal_path(const std::string& database) {
  fs::path db(database);
  return (db.parent_path() / (db.stem().string() + ".feed-journal.txt")).string();
}

journal_summary scan_journal(const std::string& path) {
  journal_summary s;
  std::error_code ec;
  if (!fs::is_regular_file(path, ec) || fs::file_size(path, ec) == 0)
    return s;
  {
    // A crash can cut the last line: drop it, so the next line appended starts on its own line.
    std::ifstream in(path, std::ios::binary);
    if (!in)
      throw std::runtime_error("cannot read the feed journal " + path);
    auto size = static_cast<int64_t>(fs::file_size(path));
    int64_t keep = size;
    constexpr int64_t chunk = 4096;
    while (keep > 0) {
      int64_t from = std::max<int64_t>(0, keep - chunk);
      std::string buf(static_cast<size_t>(keep - from), '\0');
      in.seekg(from);
      in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
      auto nl = buf.rfind('\n');
      if (nl != std::string::npos) {
        keep = from + static_cast<int64_t>(nl) + 1;
        break;
      }
      keep = from;
    }
    if (keep < size) {
      s.cut_bytes = size - keep;
      in.close();
      fs::resize_file(path, static_cast<uintmax_t>(keep));
      spdlog::warn("feed journal {}: removed a last line cut by a crash ({} bytes)", path, s.cut_bytes);
    }
  }
  if (fs::file_size(path, ec) == 0)
    return s;
  s.exists = true;
  market_file_source source(path);
  trade_dedupe dedupe;
  std::string symbol;
  market_event ev;
  while (source.next(symbol, ev)) {
    if (!dedupe.admit(symbol, ev))
      continue;
    if (s.first_event_ms == 0)
      s.first_event_ms = ev.ts_event_ms; // (an event before any exchange time is stamped 0)
    ++s.events[symbol];
    s.last_event_ms[symbol] = ev.ts_event_ms;
  }
  s.last_trade_id = dedupe.last_trade_ids();
  s.lines = source.counters().lines;
  return s;
}

namespace {

std::string lower(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// An aggregate trade as a combined-stream `@trade` message: one print of its whole quantity,
// identified by its last trade id.
std::string trade_message(const std::string& symbol, const agg_trade& t) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  w.StartObject();
  w.Key("stream");
  w.String((lower(symbol) + "@trade").c_str());
  w.Key("data");
  w.StartObject();
  w.Key("e");
  w.String("trade");
  w.Key("E");
  w.Int64(t.ts_ms);
  w.Key("s");
  w.String(symbol.c_str());
  w.Key("t");
  w.Int64(t.last_trade_id);
  w.Key("p");
  w.String(t.price_text.c_str());
  w.Key("q");
  w.String(t.qty_text.c_str());
  w.Key("T");
  w.Int64(t.ts_ms);
  w.Key("m");
  w.Bool(t.buyer_is_maker);
  w.Key("M");
  w.Bool(t.best_match);
  w.Key("a");
  w.Int64(t.id);
  w.Key("f");
  w.Int64(t.first_trade_id);
  w.Key("backfill");
  w.Bool(true);
  w.EndObject();
  w.EndObject();
  return out.GetString();
}

} // namespace

std::vector<symbol_backfill> backfill_gap(const std::string& rest_url, const journal_summary& summary,
                                          int timeout_ms, int64_t budget_ms) {
  std::vector<symbol_backfill> out;
  if (summary.last_event_ms.empty())
    return out;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(budget_ms);
  std::unique_ptr<binance_rest_client> rest;
  int64_t now_ms = 0;
  std::string why;
  try {
    rest = std::make_unique<binance_rest_client>(rest_url, timeout_ms);
    now_ms = rest->server_time_ms();
  } catch (const std::exception& e) {
    why = e.what();
  }
  for (auto& [symbol, last_ms] : summary.last_event_ms) {
    symbol_backfill b;
    b.symbol = symbol;
    b.from_ms = last_ms;
    b.to_ms = now_ms;
    b.batch.symbol = symbol;
    if (!why.empty()) {
      spdlog::warn("backfill of {} failed ({}): the sessions continue live, without the trades since {} ms", symbol,
                   why, last_ms);
      out.push_back(std::move(b));
      continue;
    }
    auto it = summary.last_trade_id.find(symbol);
    agg_trade_request req;
    req.symbol = symbol;
    req.start_ms = last_ms;
    req.end_ms = now_ms;
    req.seen_trade_id = it == summary.last_trade_id.end() ? 0 : it->second;
    req.deadline = deadline;
    try {
      auto fetched = fetch_agg_trades(req, [&](const std::string& target) { return rest->get(target); });
      std::vector<market_event> events;
      int64_t last_event_ms = last_ms;
      for (auto& t : fetched.trades) {
        auto json = trade_message(symbol, t);
        auto parsed = parse_stream_message(json, last_event_ms);
        if (parsed.result != parse_outcome::status::event)
          continue; // cannot happen for rows parse_agg_trades accepted
        last_event_ms = parsed.event.ts_event_ms;
        b.lines.push_back(std::to_string(t.ts_ms * 1'000'000) + " " + json);
        events.push_back(std::move(parsed.event));
      }
      b.trades = static_cast<int64_t>(events.size());
      b.batch.events = std::make_shared<const std::vector<market_event>>(std::move(events));
      b.ok = true;
      spdlog::info("backfilled {}: {} aggTrades from {} to {} (gap {:.1f} s; {} page(s), {} already fed over the "
                   "stream dropped{})",
                   symbol, b.trades, last_ms, now_ms, static_cast<double>(now_ms - last_ms) / 1000.0, fetched.pages,
                   fetched.already_seen,
                   fetched.complete ? "" : "; INCOMPLETE: the page or time budget ran out, later trades are missing");
    } catch (const std::exception& e) {
      spdlog::warn("backfill of {} failed ({}): the sessions continue live, without the trades from {} to {} ms",
                   symbol, e.what(), last_ms, now_ms);
    }
    out.push_back(std::move(b));
  }
  return out;
}

} // namespace pt
