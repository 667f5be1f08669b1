#include "core/indicators/indicators.hpp"

#include <numeric>

namespace pt {

sma::sma(int period) : period_(period < 1 ? 1 : period), window_(static_cast<size_t>(period_), 0.0) {}

std::optional<double> sma::update(double x) {
  if (count_ >= window_.size())
    sum_ -= window_[next_];
  window_[next_] = x;
  sum_ += x;
  next_ = (next_ + 1) % window_.size();
  if (count_ < window_.size())
    ++count_;
  if (next_ == 0) // once per full turn, drop accumulated rounding error
    sum_ = std::accumulate(window_.begin(), window_.end(), 0.0);
  if (count_ == window_.size())
    value_ = sum_ / static_cast<double>(period_);
  return value_;
}

ema::ema(int period) : period_(period < 1 ? 1 : period), alpha_(2.0 / (period_ + 1.0)) {}

std::optional<double> ema::update(double x) {
  if (count_ < period_) {
    seed_sum_ += x;
    if (++count_ == period_)
      value_ = seed_sum_ / period_;
    return value_;
  }
  value_ = *value_ + alpha_ * (x - *value_);
  return value_;
}

rsi::rsi(int period) : period_(period < 1 ? 1 : period) {}

std::optional<double> rsi::update(double x) {
  if (!prev_) {
    prev_ = x;
    return value_;
  }
  double change = x - *prev_;
  prev_ = x;
  double gain = change > 0 ? change : 0.0;
  double loss = change < 0 ? -change : 0.0;
  if (changes_ < period_) {
    avg_gain_ += gain;
    avg_loss_ += loss;
    if (++changes_ < period_)
      return value_;
    avg_gain_ /= period_;
    avg_loss_ /= period_;
  } else {
    avg_gain_ = (avg_gain_ * (period_ - 1) + gain) / period_;
    avg_loss_ = (avg_loss_ * (period_ - 1) + loss) / period_;
  }
  double total = avg_gain_ + avg_loss_;
  value_ = total == 0 ? 0.0 : 100.0 * avg_gain_ / total;
  return value_;
}

} // namespace pt
