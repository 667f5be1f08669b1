#include "core/indicators/trend.hpp"

#include <algorithm>
#include <cmath>

namespace pt {

// ---- wma -------------------------------------------------------------------------------------

wma::wma(int period) : period_(std::max(period, 1)), window_(static_cast<size_t>(period_), 0.0) {}

std::optional<double> wma::update(double x) {
  const auto n = window_.size();
  if (count_ < n) {
    ++count_;
    sum_ += x;
    weighted_ += static_cast<double>(count_) * x; // the i-th input weighs i
  } else {
    // Shifting the window lowers every weight by one (− S) and the newest input weighs n.
    weighted_ += static_cast<double>(n) * x - sum_;
    sum_ += x - window_[next_];
  }
  window_[next_] = x;
  next_ = (next_ + 1) % n;
  if (count_ < n)
    return value_;
  if (next_ == 0) { // once per full turn, drop accumulated rounding error
    sum_ = 0;
    weighted_ = 0;
    for (size_t i = 0; i < n; ++i) {
      sum_ += window_[i];
      weighted_ += static_cast<double>(i + 1) * window_[i];
    }
  }
  value_ = weighted_ / (static_cast<double>(n) * static_cast<double>(n + 1) / 2.0);
  return value_;
}

// ---- macd ------------------------------------------------------------------------------------

macd::macd(int fast, int slow, int signal)
    : fast_period_(std::max(std::min(fast, slow), 1)), slow_period_(std::max(std::max(fast, slow), 1)),
      signal_period_(std::max(signal, 1)), fast_(fast_period_), slow_(slow_period_), signal_(signal_period_) {}

size_t macd::lookback() const { return static_cast<size_t>(slow_period_ + signal_period_ - 2); }

std::optional<macd_value> macd::update(double x) {
  const size_t index = count_++;
  auto slow = slow_.update(x);
  // TA_INT_MACD starts the fast EMA at bar slow − fast so that both are seeded at bar slow − 1.
  if (index + static_cast<size_t>(fast_period_) < static_cast<size_t>(slow_period_))
    return value_;
  auto fast = fast_.update(x);
  if (!slow || !fast)
    return value_;
  const double line = *fast - *slow;
  auto signal = signal_.update(line);
  if (signal)
    value_ = macd_value{line, *signal, line - *signal};
  return value_;
}

// ---- bbands ----------------------------------------------------------------------------------

bbands::bbands(int period, double k)
    : period_(std::max(period, 1)), k_(k), window_(static_cast<size_t>(period_), 0.0) {}

void bbands::resum() {
  double total = 0;
  for (double x : window_)
    total += x;
  ref_ = total / static_cast<double>(window_.size());
  sum1_ = 0;
  sum2_ = 0;
  for (double x : window_) {
    sum1_ += x - ref_;
    sum2_ += (x - ref_) * (x - ref_);
  }
}

std::optional<bands_value> bbands::update(double x) {
  const auto n = window_.size();
  if (count_ == 0)
    ref_ = x; // keeps the shifted sums small from the first input on
  run_ = count_ > 0 && x == window_[(next_ + n - 1) % n] ? run_ + 1 : 1;
  if (count_ >= n) {
    const double old = window_[next_] - ref_;
    sum1_ -= old;
    sum2_ -= old * old;
  } else {
    ++count_;
  }
  window_[next_] = x;
  sum1_ += x - ref_;
  sum2_ += (x - ref_) * (x - ref_);
  next_ = (next_ + 1) % n;
  if (count_ < n)
    return value_;
  if (next_ == 0) // once per full turn: exact sums around the current mean
    resum();
  if (run_ >= n) { // flat: no rounding residue of earlier inputs may widen the bands
    value_ = bands_value{x, x, x};
    return value_;
  }
  const double mean_shift = sum1_ / static_cast<double>(n);
  const double variance = sum2_ / static_cast<double>(n) - mean_shift * mean_shift;
  const double sigma = variance > 0 ? std::sqrt(variance) : 0.0;
  const double middle = ref_ + mean_shift;
  value_ = bands_value{middle, middle + k_ * sigma, middle - k_ * sigma};
  return value_;
}

// ---- rolling_extremes / donchian -------------------------------------------------------------

rolling_extremes::rolling_extremes(int period) : period_(std::max(period, 1)) {}

void rolling_extremes::push(double high, double low) {
  const uint64_t index = count_++;
  while (!highs_.empty() && highs_.back().second <= high)
    highs_.pop_back();
  highs_.emplace_back(index, high);
  while (!lows_.empty() && lows_.back().second >= low)
    lows_.pop_back();
  lows_.emplace_back(index, low);
  // Drop what left the window: bars older than index − period + 1.
  const uint64_t n = static_cast<uint64_t>(period_);
  while (index >= n && highs_.front().first <= index - n)
    highs_.pop_front();
  while (index >= n && lows_.front().first <= index - n)
    lows_.pop_front();
}

donchian::donchian(int period) : extremes_(period) {}

std::optional<channel_value> donchian::update(double high, double low) {
  extremes_.push(high, low);
  if (!extremes_.full())
    return value_;
  const double upper = extremes_.highest();
  const double lower = extremes_.lowest();
  value_ = channel_value{upper, lower, (upper + lower) / 2.0};
  return value_;
}

} // namespace pt
