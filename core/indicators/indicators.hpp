#pragma once

#include <cstddef>
#include <optional>
#include <vector>

namespace pt {

/// Simple moving average of the last `period` inputs; O(1) per update.
///
/// SMA_t = (x_t + … + x_{t−n+1}) / n, as TA-Lib `TA_SMA`. No value until `period` inputs.
/// The running sum is kept in a ring buffer and re-summed exactly every `period` updates, so
/// floating-point drift cannot build up over long runs.
class sma {
public:
  /// `period` ≥ 1.
  explicit sma(int period);
  /// Adds one input; returns the new value once warm.
  std::optional<double> update(double x);
  std::optional<double> value() const { return value_; }
  int period() const { return period_; }

private:
  int period_;
  std::vector<double> window_;
  size_t next_ = 0;
  size_t count_ = 0;
  double sum_ = 0;
  std::optional<double> value_;
};

/// Exponential moving average; O(1) per update.
///
/// α = 2 / (n + 1); EMA_t = EMA_{t−1} + α (x_t − EMA_{t−1}), seeded with the SMA of the first n
/// inputs — the TA-Lib `TA_EMA` default (classic seeding). No value until `period` inputs.
class ema {
public:
  /// `period` ≥ 1.
  explicit ema(int period);
  std::optional<double> update(double x);
  std::optional<double> value() const { return value_; }
  int period() const { return period_; }

private:
  int period_;
  double alpha_;
  int count_ = 0;
  double seed_sum_ = 0;
  std::optional<double> value_;
};

/// Relative strength index with Wilder's smoothing; O(1) per update.
///
/// Wilder's RSI as TA-Lib `TA_RSI` computes it: the first average gain/loss is the simple mean of
/// the first n changes; after that avg_t = (avg_{t−1} (n − 1) + change_t) / n.
/// RSI = 100 · avg_gain / (avg_gain + avg_loss), and 0 when both are 0 (as TA-Lib).
/// The first value appears after n + 1 inputs (n changes).
class rsi {
public:
  /// `period` ≥ 1.
  explicit rsi(int period);
  std::optional<double> update(double x);
  std::optional<double> value() const { return value_; }
  int period() const { return period_; }

private:
  int period_;
  std::optional<double> prev_;
  int changes_ = 0;
  double avg_gain_ = 0;
  double avg_loss_ = 0;
  std::optional<double> value_;
};

} // namespace pt
