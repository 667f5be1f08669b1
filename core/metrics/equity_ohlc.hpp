#pragma once

#include <cstdint>

#include "core/fixed_point.hpp"
#include "core/metrics/equity_curve.hpp"

namespace pt {

/// A drawdown as a fraction of the peak in raw units of 1e-8 (5 % = 5,000,000):
/// (peak − equity) · 1e8 / peak, rounded half to even (`mul_div_raw`); 0 when the peak is not
/// positive or the equity is at or above it. The one formula the stored max drawdown is computed with.
int64_t drawdown_raw(int64_t peak_raw, int64_t equity_raw);

/// The equity points of one time bucket, downsampled: open, high, low and close of equity, the
/// account at the close, and the largest drawdown inside the bucket (from a peak inside it). With
/// these, the max drawdown of a curve stored as buckets then points equals, to the raw unit, the
/// max drawdown of the points the buckets replaced (`drawdown_fold` says why).
///
/// Buckets are `[bucket_start_ms, bucket_start_ms + bucket_ms)` of event time, aligned to
/// multiples of `bucket_ms` from the epoch. Points are added in time order.
struct equity_ohlc {
  int64_t bucket_start_ms = 0; ///< the bucket's start, ms of event time (a multiple of `bucket_ms`)
  int64_t bucket_ms = 0;       ///< the bucket's width, ms
  int64_t first_ms = 0; ///< event time of the first point in the bucket
  int64_t last_ms = 0;  ///< event time of the last point (the close)
  money open, high, low, close; ///< equity at the first point, highest, lowest, at the last point
  money cash;            ///< at the close
  quantity position_qty; ///< at the close
  price mark;            ///< at the close
  int64_t max_drawdown_raw = 0; ///< largest `drawdown_raw` from a peak inside the bucket
  int64_t points = 0;           ///< how many points the bucket stands for

  /// The start of the bucket of width `bucket_ms` (> 0) that holds `ts_ms` (floor, negative times too).
  static int64_t start_of(int64_t ts_ms, int64_t bucket_ms);
  /// A bucket holding only `p`.
  static equity_ohlc of(const equity_point& p, int64_t bucket_ms);
  /// Adds a point at or after `last_ms` (the caller keeps time order).
  void add(const equity_point& p);
  /// Appends a bucket covering later points of the same bucket (`later.first_ms >= last_ms`):
  /// the result is what adding those points one by one would have given.
  void merge(const equity_ohlc& later);
  /// The close as a point (the bucket's stand-in on an equity curve).
  equity_point close_point() const { return {last_ms, close, cash, position_qty, mark}; }
};

/// The max drawdown of an equity curve fed in time order, as buckets and/or points, starting from a
/// peak of the initial equity (`drawdown_raw` of the running peak at every point).
///
/// Exact for buckets: inside a bucket the running peak at a point is either the peak before the
/// bucket (then the drawdown there is at most that peak's drawdown at the bucket's low) or a peak
/// inside the bucket (then it is at most the bucket's own max drawdown); both bounds are reached by
/// some point, and rounding is monotone, so the max over {peak-before at low, inner max} equals the
/// max over the points.
class drawdown_fold {
public:
  explicit drawdown_fold(int64_t initial_peak_raw) : peak_(initial_peak_raw) {}
  /// One point.
  void add(int64_t equity_raw);
  /// One downsampled bucket (its points, in order, before every later one fed).
  void add(const equity_ohlc& b);
  /// Largest drawdown so far, raw units of 1e-8 of a fraction.
  int64_t max_drawdown_raw() const { return max_dd_; }
  /// The running peak of equity so far (raw), the initial peak included.
  int64_t peak_raw() const { return peak_; }

private:
  int64_t peak_;
  int64_t max_dd_ = 0;
};

} // namespace pt
