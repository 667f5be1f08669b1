#include "core/indicators/momentum.hpp"

#include <algorithm>
#include <cmath>

namespace pt {

double true_range(double high, double low, double prev_close) {
  double range = high - low;
  range = std::max(range, std::fabs(high - prev_close));
  return std::max(range, std::fabs(low - prev_close));
}

// ---- atr -------------------------------------------------------------------------------------

atr::atr(int period) : period_(std::max(period, 1)) {}

std::optional<double> atr::update(double high, double low, double close) {
  if (!prev_close_) {
    prev_close_ = close;
    return value_;
  }
  const double tr = true_range(high, low, *prev_close_);
  prev_close_ = close;
  if (ranges_ < period_) {
    sum_ += tr;
    if (++ranges_ == period_)
      value_ = sum_ / period_;
    return value_;
  }
  value_ = (*value_ * (period_ - 1) + tr) / period_;
  return value_;
}

// ---- stoch -----------------------------------------------------------------------------------

stoch::stoch(int k_period, int k_smooth, int d_period) : extremes_(k_period), k_(k_smooth), d_(d_period) {}

std::optional<stoch_value> stoch::update(double high, double low, double close) {
  extremes_.push(high, low);
  if (!extremes_.full())
    return value_;
  const double lowest = extremes_.lowest();
  // TA_STOCH divides by (HH − LL) / 100 rather than multiplying by 100: same rounding here.
  const double diff = (extremes_.highest() - lowest) / 100.0;
  const double fast_k = diff != 0.0 ? (close - lowest) / diff : 0.0;
  auto k = k_.update(fast_k);
  if (!k)
    return value_;
  auto d = d_.update(*k);
  if (d)
    value_ = stoch_value{*k, *d};
  return value_;
}

// ---- adx -------------------------------------------------------------------------------------

adx::adx(int period) : period_(std::max(period, 2)) {}

const adx_value& adx::update(double high, double low, double close) {
  const size_t index = count_++;
  const auto n = static_cast<size_t>(period_);
  if (index == 0) {
    prev_high_ = high;
    prev_low_ = low;
    prev_close_ = close;
    return value_;
  }
  const double diff_plus = high - prev_high_;
  const double diff_minus = prev_low_ - low;
  const double plus_dm = diff_plus > 0 && diff_plus > diff_minus ? diff_plus : 0.0;
  const double minus_dm = diff_minus > 0 && diff_plus < diff_minus ? diff_minus : 0.0;
  const double tr = true_range(high, low, prev_close_);
  prev_high_ = high;
  prev_low_ = low;
  prev_close_ = close;

  if (index < n) { // bars 1 … n−1: plain sums
    plus_dm_ += plus_dm;
    minus_dm_ += minus_dm;
    tr_ += tr;
    return value_;
  }
  const double p = period_;
  plus_dm_ = plus_dm_ - plus_dm_ / p + plus_dm;
  minus_dm_ = minus_dm_ - minus_dm_ / p + minus_dm;
  tr_ = tr_ - tr_ / p + tr;

  std::optional<double> dx;
  if (tr_ != 0.0) {
    const double plus_di = 100.0 * (plus_dm_ / tr_);
    const double minus_di = 100.0 * (minus_dm_ / tr_);
    value_.plus_di = plus_di;
    value_.minus_di = minus_di;
    const double sum_di = minus_di + plus_di;
    if (sum_di != 0.0)
      dx = 100.0 * (std::fabs(minus_di - plus_di) / sum_di);
  } else {
    value_.plus_di = 0.0;
    value_.minus_di = 0.0;
  }

  if (index < 2 * n) { // bars n … 2n−1: the DX that seed the first ADX
    if (dx)
      sum_dx_ += *dx;
    if (index == 2 * n - 1)
      value_.adx = sum_dx_ / p;
  } else if (dx) {
    value_.adx = (*value_.adx * (p - 1) + *dx) / p;
  }
  return value_;
}

} // namespace pt
