#include "replay_server/klines.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

#include "feeds/market_file.hpp"

namespace pt {

namespace {

constexpr int64_t second_ms = 1'000;
constexpr int64_t minute_ms = 60 * second_ms;
constexpr int64_t hour_ms = 60 * minute_ms;
constexpr int64_t day_ms = 24 * hour_ms;
constexpr int64_t week_ms = 7 * day_ms;
constexpr int64_t month_ms = 30 * day_ms;
constexpr int64_t monday_offset_ms = 4 * day_ms; // 1970-01-01 was a Thursday

int64_t floor_div(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0) ? 1 : 0); }

int64_t bucket_of(int64_t ts_ms, int64_t interval_ms) {
  if (interval_ms == week_ms)
    return floor_div(ts_ms - monday_offset_ms, week_ms) * week_ms + monday_offset_ms;
  return floor_div(ts_ms, interval_ms) * interval_ms;
}

// Columns 8–11 of a 12-column row (quote volume, trade count, taker buy base and quote).
void read_extras(const std::string& line, served_kline& k) {
  std::array<std::string_view, 12> f{};
  size_t n = 0;
  std::string_view rest(line);
  while (n < f.size()) {
    auto comma = rest.find(',');
    f[n++] = rest.substr(0, comma);
    if (comma == std::string_view::npos)
      break;
    rest.remove_prefix(comma + 1);
  }
  if (n != 12)
    return;
  k.quote_volume = money::parse(f[7]).value_or(money{});
  k.trade_count = 0;
  for (char c : f[8])
    k.trade_count = c >= '0' && c <= '9' ? k.trade_count * 10 + (c - '0') : k.trade_count;
  k.taker_buy_volume = quantity::parse(f[9]).value_or(quantity{});
  k.taker_buy_quote_volume = money::parse(f[10]).value_or(money{});
}

std::vector<served_kline> aggregate(const std::vector<served_kline>& fine, int64_t interval_ms) {
  std::vector<served_kline> out;
  for (auto& k : fine) {
    int64_t bucket = bucket_of(k.open_time_ms, interval_ms);
    if (out.empty() || out.back().open_time_ms != bucket) {
      out.push_back(k);
      out.back().open_time_ms = bucket;
      out.back().close_time_ms = bucket + interval_ms - 1;
      continue;
    }
    auto& b = out.back();
    b.high = std::max(b.high, k.high);
    b.low = std::min(b.low, k.low);
    b.close = k.close;
    b.volume += k.volume;
    b.quote_volume += k.quote_volume;
    b.trade_count += k.trade_count;
    b.taker_buy_volume += k.taker_buy_volume;
    b.taker_buy_quote_volume += k.taker_buy_quote_volume;
  }
  // The file may stop inside the last bucket, or start inside the first: such a bar is not
  // whole, so it is not served.
  if (!out.empty() && !fine.empty() && fine.back().close_time_ms < out.back().close_time_ms)
    out.pop_back();
  if (!out.empty() && !fine.empty() && fine.front().open_time_ms > out.front().open_time_ms)
    out.erase(out.begin());
  return out;
}

} // namespace

std::optional<int64_t> binance_interval_ms(std::string_view interval) {
  static const std::array<std::pair<std::string_view, int64_t>, 16> names{{
    {"1s", second_ms}, {"1m", minute_ms}, {"3m", 3 * minute_ms}, {"5m", 5 * minute_ms},
    {"15m", 15 * minute_ms}, {"30m", 30 * minute_ms}, {"1h", hour_ms}, {"2h", 2 * hour_ms},
    {"4h", 4 * hour_ms}, {"6h", 6 * hour_ms}, {"8h", 8 * hour_ms}, {"12h", 12 * hour_ms},
    {"1d", day_ms}, {"3d", 3 * day_ms}, {"1w", week_ms}, {"1M", month_ms},
  }};
  for (auto& [name, ms] : names)
    if (name == interval)
      return ms;
  return std::nullopt;
}

void kline_store::add_file(const std::string& path) {
  market_file_source source(path);
  if (source.format() != file_format::klines_csv)
    throw std::runtime_error(path + " is a " + to_string(source.format()) + ", not a klines CSV");
  std::vector<served_kline> rows;
  std::string symbol;
  market_event ev;
  while (source.next(symbol, ev)) {
    auto& k = std::get<kline>(ev.data);
    served_kline s;
    s.open_time_ms = k.open_time_ms;
    s.close_time_ms = k.close_time_ms;
    s.open = k.open;
    s.high = k.high;
    s.low = k.low;
    s.close = k.close;
    s.volume = k.volume;
    read_extras(source.last_line(), s);
    if (rows.empty() || rows.back().open_time_ms < s.open_time_ms)
      rows.push_back(s);
  }
  if (rows.empty())
    throw std::runtime_error(path + " holds no kline");
  int64_t interval = source.kline_interval_ms();
  if (source.kline_interval_ms() > 27 * day_ms)
    interval = month_ms;
  series_[{source.csv_symbol(), interval}] = std::move(rows);
}

bool kline_store::has_symbol(std::string_view symbol) const {
  for (auto& [key, _] : series_)
    if (key.first == symbol)
      return true;
  return false;
}

std::vector<std::pair<std::pair<std::string, int64_t>, size_t>> kline_store::files() const {
  std::vector<std::pair<std::pair<std::string, int64_t>, size_t>> out;
  for (auto& [key, rows] : series_)
    out.push_back({key, rows.size()});
  return out;
}

std::vector<served_kline> kline_store::query(const std::string& symbol, int64_t interval_ms,
                                             std::optional<int64_t> start_ms, std::optional<int64_t> end_ms,
                                             size_t limit, int64_t now_ms) const {
  std::vector<served_kline> aggregated;
  const std::vector<served_kline>* rows = nullptr;
  if (auto it = series_.find({symbol, interval_ms}); it != series_.end()) {
    rows = &it->second;
  } else if (interval_ms != month_ms) {
    // The finest file that divides the interval (in the map's order, the smallest interval first).
    for (auto& [key, fine] : series_)
      if (key.first == symbol && key.second < interval_ms && interval_ms % key.second == 0 && key.second != month_ms) {
        aggregated = aggregate(fine, interval_ms);
        rows = &aggregated;
        break;
      }
  }
  std::vector<served_kline> out;
  if (!rows)
    return out;
  auto first = rows->begin();
  if (start_ms)
    first = std::lower_bound(rows->begin(), rows->end(), *start_ms,
                             [](const served_kline& k, int64_t t) { return k.open_time_ms < t; });
  auto last = first;
  while (last != rows->end() && (!end_ms || last->open_time_ms <= *end_ms) && last->close_time_ms < now_ms)
    ++last;
  if (static_cast<size_t>(last - first) > limit) {
    if (start_ms)
      last = first + static_cast<std::ptrdiff_t>(limit);
    else
      first = last - static_cast<std::ptrdiff_t>(limit);
  }
  out.assign(first, last);
  return out;
}

} // namespace pt
