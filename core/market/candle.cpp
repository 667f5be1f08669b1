#include "core/market/candle.hpp"

#include <algorithm>
#include <charconv>

namespace pt {

std::optional<int64_t> parse_timeframe_ms(std::string_view text) {
  if (text.size() < 2)
    return std::nullopt;
  int64_t n = 0;
  auto unit_pos = text.size() - 1;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + unit_pos, n);
  if (ec != std::errc{} || ptr != text.data() + unit_pos || n <= 0 || n > 1000)
    return std::nullopt;
  int64_t unit = 0;
  switch (text[unit_pos]) {
    case 's': unit = 1'000; break;
    case 'm': unit = 60'000; break;
    case 'h': unit = 3'600'000; break;
    case 'd': unit = 86'400'000; break;
    case 'w': unit = 7 * 86'400'000LL; break;
    default: return std::nullopt;
  }
  return n * unit;
}

std::string format_timeframe(int64_t timeframe_ms) {
  struct unit { int64_t ms; char c; };
  for (auto u : {unit{7 * 86'400'000LL, 'w'}, unit{86'400'000, 'd'}, unit{3'600'000, 'h'},
                 unit{60'000, 'm'}, unit{1'000, 's'}})
    if (timeframe_ms % u.ms == 0)
      return std::to_string(timeframe_ms / u.ms) + u.c;
  return std::to_string(timeframe_ms) + "ms";
}

candle_aggregator::candle_aggregator(int64_t timeframe_ms) : timeframe_ms_(timeframe_ms) {}

int64_t candle_aggregator::bucket_of(int64_t ts_ms) const {
  // Binance's weekly klines open on Monday 00:00 UTC; the epoch (1970-01-01) was a Thursday,
  // so weeks count from Monday 1969-12-29, 3 days before it.
  constexpr int64_t week_ms = 7 * 86'400'000LL;
  int64_t origin = timeframe_ms_ % week_ms == 0 ? -3 * 86'400'000LL : 0;
  int64_t t = ts_ms - origin;
  // Floor division, so times before the origin still land in the right bucket.
  int64_t q = t / timeframe_ms_;
  if (t % timeframe_ms_ < 0)
    --q;
  return q * timeframe_ms_ + origin;
}

void candle_aggregator::close_forming(std::vector<candle>& out) {
  last_closed_open_ms_ = forming_->open_time_ms;
  out.push_back(*forming_);
  forming_.reset();
}

void candle_aggregator::advance_to(int64_t ts_ms, std::vector<candle>& out) {
  if (forming_ && ts_ms > forming_->close_time_ms)
    close_forming(out);
}

void candle_aggregator::merge(int64_t bucket, price o, price h, price l, price c, quantity v,
                              std::vector<candle>& out) {
  // Late input counts toward the next bar (see the class comment): never an earlier bucket
  // than the forming bar's, nor one already given out.
  if (forming_)
    bucket = std::max(bucket, forming_->open_time_ms);
  else if (last_closed_open_ms_)
    bucket = std::max(bucket, *last_closed_open_ms_ + timeframe_ms_);
  if (forming_ && forming_->open_time_ms != bucket)
    close_forming(out); // input from a later bucket: the open bar is complete
  if (!forming_) {
    candle bar;
    bar.open_time_ms = bucket;
    bar.close_time_ms = bucket + timeframe_ms_ - 1;
    bar.open = o;
    bar.high = h;
    bar.low = l;
    bar.close = c;
    bar.volume = v;
    bar.input_count = 1;
    forming_ = bar;
    return;
  }
  candle& bar = *forming_;
  bar.high = std::max(bar.high, h);
  bar.low = std::min(bar.low, l);
  bar.close = c;
  bar.volume += v;
  ++bar.input_count;
}

void candle_aggregator::on_trade(int64_t ts_ms, price px, quantity qty, std::vector<candle>& out) {
  on_trade(ts_ms, ts_ms, px, qty, out);
}

void candle_aggregator::on_trade(int64_t trade_ms, int64_t clock_ms, price px, quantity qty,
                                 std::vector<candle>& out) {
  // Counted in the bucket of its own time first: a message that moves the clock past the bar's
  // end still belongs to that bar when it printed inside it. Then the clock closes the bar.
  merge(bucket_of(trade_ms), px, px, px, px, qty, out);
  advance_to(clock_ms, out);
}

void candle_aggregator::on_kline(const kline& k, std::vector<candle>& out) {
  advance_to(k.open_time_ms, out);
  int64_t bucket = bucket_of(k.open_time_ms);
  merge(bucket, k.open, k.high, k.low, k.close, k.volume, out);
  // The kline ends at or after the bucket's last millisecond: the bar is complete now.
  if (k.close_time_ms >= bucket + timeframe_ms_ - 1 && forming_->open_time_ms == bucket)
    close_forming(out);
}

void candle_aggregator::on_event(const market_event& ev, std::vector<candle>& out) {
  if (auto t = std::get_if<trade>(&ev.data))
    on_trade(t->ts_trade_ms > 0 ? t->ts_trade_ms : ev.ts_event_ms, ev.ts_event_ms, t->px, t->qty, out);
  else if (auto k = std::get_if<kline>(&ev.data); k && k->is_closed)
    on_kline(*k, out);
  else if (!std::holds_alternative<book_depth>(ev.data))
    advance_to(ev.ts_event_ms, out); // a forming kline says nothing final about its bar
  // The book's top closes no bar: bars close on trades, quotes and klines alone, so they do not
  // depend on whether (or since when) a feed's depth book is in sync.
}

} // namespace pt
