#include "core/indicators/volume.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>

namespace pt {

double typical_price(double high, double low, double close) { return (high + low + close) / 3.0; }

// ---- vwap ------------------------------------------------------------------------------------

std::optional<double> vwap::update(int64_t open_time_ms, double high, double low, double close, double volume) {
  constexpr int64_t day_ms = 86'400'000;
  // Floor division, so bars before 1970 still anchor at their own midnight.
  const int64_t day = open_time_ms / day_ms - (open_time_ms % day_ms < 0 ? 1 : 0);
  if (day_ != day) {
    day_ = day;
    price_volume_ = 0;
    volume_ = 0;
    value_.reset();
  }
  price_volume_ += typical_price(high, low, close) * volume;
  volume_ += volume;
  if (volume_ > 0)
    value_ = price_volume_ / volume_;
  return value_;
}

// ---- obv -------------------------------------------------------------------------------------

std::optional<double> obv::update(double price, double volume) {
  if (!value_)
    value_ = volume;
  else if (price > prev_price_)
    *value_ += volume;
  else if (price < prev_price_)
    *value_ -= volume;
  prev_price_ = price;
  return value_;
}

// ---- volume_profile --------------------------------------------------------------------------

volume_profile::volume_profile(int period, double row_size, int value_area_pct)
    : period_(std::max(period, 1)), row_size_(row_size > 0 ? row_size : 1.0),
      value_area_pct_(std::clamp(value_area_pct, 1, 100)), window_(static_cast<size_t>(period_)) {}

void volume_profile::add(int64_t row, units volume) {
  if (volume == 0)
    return;
  auto it = rows_.find(row);
  units before = it == rows_.end() ? 0 : it->second;
  if (before != 0)
    ranked_.erase({before, row});
  units after = before + volume;
  total_ += volume;
  if (after == 0) {
    rows_.erase(it);
    return;
  }
  rows_[row] = after;
  ranked_.insert({after, row});
}

std::optional<profile_value> volume_profile::update(double high, double low, double close, double volume) {
  entry bar;
  bar.row = static_cast<int64_t>(std::floor(typical_price(high, low, close) / row_size_));
  bar.volume = volume > 0 ? static_cast<units>(std::nearbyint(volume * 1e8)) : 0;
  if (count_ == window_.size()) {
    const entry& old = window_[next_];
    add(old.row, -old.volume);
  } else {
    ++count_;
  }
  window_[next_] = bar;
  next_ = (next_ + 1) % window_.size();
  add(bar.row, bar.volume);
  if (count_ == window_.size())
    compute();
  return value_;
}

void volume_profile::compute() {
  if (total_ == 0) {
    value_.reset();
    return;
  }
  const int64_t poc_row = ranked_.begin()->second;
  auto lo = rows_.find(poc_row);
  auto hi = lo;
  units area = lo->second;
  const units target = total_ * value_area_pct_; // compare area · 100 ≥ total · pct exactly
  while (area * 100 < target) {
    const bool has_above = std::next(hi) != rows_.end();
    const bool has_below = lo != rows_.begin();
    if (!has_above && !has_below)
      break; // unreachable: all rows together hold the total
    const bool take_above =
        has_above && (!has_below || std::next(hi)->second > std::prev(lo)->second);
    if (take_above) {
      ++hi;
      area += hi->second;
    } else {
      --lo;
      area += lo->second;
    }
  }
  value_ = profile_value{(static_cast<double>(poc_row) + 0.5) * row_size_,
                         static_cast<double>(hi->first + 1) * row_size_, static_cast<double>(lo->first) * row_size_};
}

} // namespace pt
