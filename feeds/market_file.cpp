#include "feeds/market_file.hpp"

#include <cctype>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "feeds/binance/parse.hpp"

namespace pt {

namespace {

bool starts_with_digit(const std::string& s) { return !s.empty() && std::isdigit(static_cast<unsigned char>(s[0])); }

size_t count_fields(const std::string& line) {
  size_t n = 1;
  for (char c : line)
    n += c == ',';
  return n;
}

// "<digits> {" — a recorded stream line.
bool looks_like_stream_line(const std::string& line) {
  size_t i = 0;
  while (i < line.size() && std::isdigit(static_cast<unsigned char>(line[i])))
    ++i;
  return i > 0 && i + 1 < line.size() && line[i] == ' ' && line[i + 1] == '{';
}

int64_t first_field_int(const std::string& line) {
  try {
    return std::stoll(line.substr(0, line.find(',')));
  } catch (const std::exception&) {
    return 0;
  }
}

} // namespace

const char* to_string(file_format f) {
  switch (f) {
    case file_format::trades_csv: return "trades CSV";
    case file_format::klines_csv: return "klines CSV";
    case file_format::stream: return "recorded stream";
  }
  return "unknown";
}

int64_t feed_counters::total_skipped() const {
  int64_t n = 0;
  for (auto& [_, c] : skipped)
    n += c;
  return n;
}

int64_t feed_counters::total_errors() const {
  int64_t n = 0;
  for (auto& [_, c] : errors)
    n += c;
  return n;
}

std::optional<std::string> symbol_from_file_name(const std::string& path) {
  auto slash = path.find_last_of('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  // Recorded streams are named "binance-spot-BTCUSDT-…"; dumps "BTCUSDT-1m-…".
  for (const char* prefix : {"binance-spot-", "binance-"})
    if (name.rfind(prefix, 0) == 0)
      name = name.substr(std::string(prefix).size());
  size_t i = 0;
  while (i < name.size() && (std::isupper(static_cast<unsigned char>(name[i])) ||
                             std::isdigit(static_cast<unsigned char>(name[i]))))
    ++i;
  if (i < 5 || i >= name.size() || (name[i] != '-' && name[i] != '_'))
    return std::nullopt;
  return name.substr(0, i);
}

market_file_source::market_file_source(const std::string& path, std::optional<std::string> symbol)
  : reader_(path) {
  // Detect the layout from the first two data lines (skipping one header row).
  std::string line;
  while (lookahead_.size() < 2 && reader_.next(line)) {
    if (line.empty())
      continue;
    if (lookahead_.empty() && !starts_with_digit(line) && line.find(',') != std::string::npos)
      continue; // a CSV header such as "open_time,open,high,…"
    lookahead_.emplace_back(line, reader_.line_number());
  }
  if (lookahead_.empty())
    throw std::runtime_error(path + ": no data lines");
  const std::string& first = lookahead_.front().first;
  if (looks_like_stream_line(first)) {
    format_ = file_format::stream;
    return;
  }
  size_t fields = count_fields(first);
  if (fields == 7)
    format_ = file_format::trades_csv;
  else if (fields == 12 || fields == 6)
    format_ = file_format::klines_csv;
  else
    throw std::runtime_error(path + ":" + std::to_string(lookahead_.front().second) +
                             ": unrecognised layout (" + std::to_string(fields) +
                             " columns; expected a trades dump (7), klines (12 or 6) or a recorded stream)");
  auto sym = symbol ? symbol : symbol_from_file_name(path);
  if (!sym || sym->empty())
    throw std::runtime_error(path + ": cannot tell the symbol from the file name; give it with --symbol");
  symbol_ = *sym;
  if (format_ == file_format::klines_csv) {
    if (fields == 12) {
      auto k = parse_kline_csv(first, 0);
      if (k.result == parse_outcome::status::event) {
        auto& kl = std::get<kline>(k.event.data);
        interval_ms_ = kl.close_time_ms - kl.open_time_ms + 1;
      }
    } else if (lookahead_.size() == 2) {
      interval_ms_ = to_epoch_ms(first_field_int(lookahead_.back().first)) - to_epoch_ms(first_field_int(first));
    }
    if (interval_ms_ <= 0)
      throw std::runtime_error(path + ": cannot tell the kline interval from the first rows");
  }
}

bool market_file_source::next_line(std::string& line, int64_t& line_no) {
  if (!lookahead_.empty()) {
    line = std::move(lookahead_.front().first);
    line_no = lookahead_.front().second;
    lookahead_.pop_front();
    return true;
  }
  if (!reader_.next(line)) {
    if (!reader_.error().empty())
      count_error("read error", reader_.error(), reader_.line_number());
    return false;
  }
  line_no = reader_.line_number();
  return true;
}

void market_file_source::count_error(const std::string& kind, const std::string& detail, int64_t line_no) {
  if (counters_.errors[kind]++ == 0)
    spdlog::warn("{}:{}: {} ({}); counting and skipping lines like it", path(), line_no, kind, detail);
}

bool market_file_source::next(std::string& symbol, market_event& ev) {
  int64_t line_no = 0;
  while (next_line(line_, line_no)) {
    ++counters_.lines;
    if (line_.empty())
      continue;
    parse_outcome out;
    std::string_view json;
    switch (format_) {
      case file_format::trades_csv: out = parse_trade_csv(line_); break;
      case file_format::klines_csv: out = parse_kline_csv(line_, interval_ms_); break;
      case file_format::stream: {
        auto space = line_.find(' ');
        if (space == std::string::npos) {
          count_error("no receive time", line_.substr(0, 60), line_no);
          continue;
        }
        json = std::string_view(line_).substr(space + 1);
        if (json == connection_marker) {
          books_.reset_all();
          ++counters_.skipped["connection"];
          continue;
        }
        out = parse_stream_message(json, clock_);
        break;
      }
    }
    if (out.result == parse_outcome::status::skipped) {
      if (out.what == "depth update" || out.what == "depth snapshot") {
        auto step = out.what == "depth update" ? books_.on_diff_message(json, out.symbol, clock_.now_ms())
                                               : books_.on_snapshot_message(json, clock_.now_ms());
        if (!step.error.empty()) {
          count_error(step.error, line_.substr(0, 60), line_no);
          continue;
        }
        if (step.event) {
          symbol = step.symbol;
          ev = std::move(*step.event);
          ++counters_.events;
          return true;
        }
      }
      ++counters_.skipped[out.what];
      continue;
    }
    if (out.result == parse_outcome::status::error) {
      count_error(out.what, out.detail, line_no);
      continue;
    }
    symbol = format_ == file_format::stream ? out.symbol : symbol_;
    if (symbol.empty()) {
      count_error("message without symbol", line_.substr(0, 60), line_no);
      continue;
    }
    ev = std::move(out.event);
    if (format_ != file_format::stream) // a dump row's own time moves the clock (a stream's parse did)
      ev.ts_event_ms = clock_.observe(ev.ts_event_ms);
    ++counters_.events;
    return true;
  }
  return false;
}

} // namespace pt
