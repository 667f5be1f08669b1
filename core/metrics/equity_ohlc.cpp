#include "core/metrics/equity_ohlc.hpp"

#include <algorithm>

namespace pt {

int64_t drawdown_raw(int64_t peak_raw, int64_t equity_raw) {
  if (peak_raw <= 0 || equity_raw >= peak_raw)
    return 0;
  return mul_div_raw(peak_raw - equity_raw, fixed_scale, peak_raw).value_or(0);
}

int64_t equity_ohlc::start_of(int64_t ts_ms, int64_t bucket_ms) {
  int64_t q = ts_ms / bucket_ms;
  if (ts_ms % bucket_ms != 0 && ts_ms < 0)
    --q;
  return q * bucket_ms;
}

equity_ohlc equity_ohlc::of(const equity_point& p, int64_t bucket_ms) {
  equity_ohlc b;
  b.bucket_ms = bucket_ms;
  b.bucket_start_ms = start_of(p.ts_event_ms, bucket_ms);
  b.first_ms = b.last_ms = p.ts_event_ms;
  b.open = b.high = b.low = b.close = p.equity;
  b.cash = p.cash;
  b.position_qty = p.position_qty;
  b.mark = p.mark;
  b.points = 1;
  return b;
}

void equity_ohlc::add(const equity_point& p) {
  merge(of(p, bucket_ms));
}

void equity_ohlc::merge(const equity_ohlc& later) {
  // A point of `later` sees the running peak max(high, its own peak inside `later`).
  max_drawdown_raw = std::max({max_drawdown_raw, later.max_drawdown_raw, drawdown_raw(high.raw(), later.low.raw())});
  high = std::max(high, later.high);
  low = std::min(low, later.low);
  close = later.close;
  cash = later.cash;
  position_qty = later.position_qty;
  mark = later.mark;
  last_ms = later.last_ms;
  points += later.points;
}

void drawdown_fold::add(int64_t equity_raw) {
  peak_ = std::max(peak_, equity_raw);
  max_dd_ = std::max(max_dd_, drawdown_raw(peak_, equity_raw));
}

void drawdown_fold::add(const equity_ohlc& b) {
  max_dd_ = std::max({max_dd_, b.max_drawdown_raw, drawdown_raw(peak_, b.low.raw())});
  peak_ = std::max(peak_, b.high.raw());
}

} // namespace pt
