#pragma once

// Moving-average and channel indicators over one price series (or highs and lows): the building
// blocks behind the library's wma, macd, bbands and donchian types. Each is O(1) (amortized) per
// update and has no value until its TA-Lib lookback has passed.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <utility>
#include <vector>

#include "core/indicators/indicators.hpp"

namespace pt {

/// Linearly weighted moving average; O(1) amortized per update.
///
/// WMA_t = Σ_{i=1..n} i · x_{t−n+i} / (n (n + 1) / 2): the newest input weighs n, the oldest 1,
/// as TA-Lib `TA_WMA`. No value until `period` inputs. The plain and weighted window sums are
/// updated in O(1) (W ← W − S + n x, S ← S − x_old + x) and re-summed exactly every `period`
/// updates, so rounding error cannot build up.
class wma {
public:
  /// `period` ≥ 1.
  explicit wma(int period);
  std::optional<double> update(double x);
  std::optional<double> value() const { return value_; }

private:
  int period_;
  std::vector<double> window_; // ring, oldest at next_ once full
  size_t next_ = 0;
  size_t count_ = 0;
  double sum_ = 0;
  double weighted_ = 0;
  std::optional<double> value_;
};

/// MACD line, signal and histogram of one update.
struct macd_value {
  double macd = 0;      ///< EMA(fast) − EMA(slow)
  double signal = 0;    ///< EMA(signal) of the MACD line
  double histogram = 0; ///< macd − signal
};

/// Moving average convergence/divergence, as TA-Lib `TA_MACD` (`TA_INT_MACD`) computes it; O(1).
///
/// α = 2 / (n + 1) for each EMA. The slow EMA is seeded with the SMA of the first `slow` inputs;
/// the fast EMA is aligned with it: seeded with the SMA of the `fast` inputs ending at that same
/// bar (index slow − 1), so it ignores the first slow − fast inputs, exactly as TA-Lib does. The
/// signal is the EMA(signal) of the MACD line, seeded with the SMA of its first `signal` values.
/// Like TA_MACD, the three outputs appear together, first at bar index slow + signal − 2, and a
/// slow period shorter than the fast one is swapped with it.
class macd {
public:
  /// Periods ≥ 1.
  macd(int fast, int slow, int signal);
  std::optional<macd_value> update(double x);
  std::optional<macd_value> value() const { return value_; }
  /// Index of the first bar with a value: slow + signal − 2 (TA_MACD_Lookback).
  size_t lookback() const;

private:
  int fast_period_;
  int slow_period_;
  int signal_period_;
  size_t count_ = 0;
  ema fast_;
  ema slow_;
  ema signal_;
  std::optional<macd_value> value_;
};

/// Bollinger Bands of one update.
struct bands_value {
  double middle = 0; ///< SMA(n)
  double upper = 0;  ///< middle + k σ
  double lower = 0;  ///< middle − k σ
};

/// Bollinger Bands with an SMA middle and the population standard deviation, as TA-Lib
/// `TA_BBANDS` with MA type SMA and nbDevUp = nbDevDn = k; O(1) amortized per update.
///
/// σ² = Σ(x − mean)² / n over the last n inputs. TA-Lib computes it as E[x²] − mean² from running
/// sums; here the sums are of x − r for a reference r re-chosen (window mean) with an exact
/// re-sum every n updates, which avoids the cancellation of E[x²] − mean² at large prices and
/// agrees with TA-Lib to ~1e-10 relative on real klines. A flat window (the last n
/// inputs equal) gives σ = 0 and middle = x exactly; a negative variance from rounding is 0.
/// (TA-Lib zeroes every variance below 1e-8, which misreads assets priced below ~0.01.)
/// No value until `period` inputs.
class bbands {
public:
  /// `period` ≥ 1, `k` the width in standard deviations.
  bbands(int period, double k);
  std::optional<bands_value> update(double x);
  std::optional<bands_value> value() const { return value_; }

private:
  void resum();

  int period_;
  double k_;
  std::vector<double> window_;
  size_t next_ = 0;
  size_t count_ = 0;
  double ref_ = 0;   // reference r of the shifted sums
  double sum1_ = 0;  // Σ (x − r)
  double sum2_ = 0;  // Σ (x − r)²
  size_t run_ = 0;   // how many of the latest inputs are equal to the newest
  std::optional<bands_value> value_;
};

/// Highest high and lowest low of the last `period` bars (including the newest), kept with two
/// monotonic deques: O(1) amortized per push. The values equal TA-Lib `TA_MAX` / `TA_MIN`.
class rolling_extremes {
public:
  /// `period` ≥ 1.
  explicit rolling_extremes(int period);
  void push(double high, double low);
  /// True once `period` bars have been pushed.
  bool full() const { return count_ >= static_cast<uint64_t>(period_); }
  double highest() const { return highs_.front().second; }
  double lowest() const { return lows_.front().second; }

private:
  int period_;
  uint64_t count_ = 0;
  std::deque<std::pair<uint64_t, double>> highs_; // (bar index, high), highs decreasing
  std::deque<std::pair<uint64_t, double>> lows_;  // (bar index, low), lows increasing
};

/// Donchian channel of one update.
struct channel_value {
  double upper = 0;  ///< highest high of the last n bars
  double lower = 0;  ///< lowest low of the last n bars
  double middle = 0; ///< (upper + lower) / 2
};

/// Donchian channel: highest high and lowest low of the last `period` bars, including the
/// current one, and their mean (Richard Donchian's price channel; upper/lower equal TA-Lib
/// `TA_MAX(high)` / `TA_MIN(low)`). O(1) amortized; no value until `period` bars.
class donchian {
public:
  /// `period` ≥ 1.
  explicit donchian(int period);
  std::optional<channel_value> update(double high, double low);
  std::optional<channel_value> value() const { return value_; }

private:
  rolling_extremes extremes_;
  std::optional<channel_value> value_;
};

} // namespace pt
