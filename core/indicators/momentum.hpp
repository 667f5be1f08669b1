#pragma once

// Indicators over a bar's high, low and close: the building blocks behind the library's atr,
// stoch and adx types, each following the TA-Lib function it names step by step (same seeding,
// same first output bar), O(1) (amortized) per update.

#include <cstddef>
#include <optional>

#include "core/indicators/indicators.hpp"
#include "core/indicators/trend.hpp"

namespace pt {

/// True range of a bar given the previous close: max(high − low, |high − prev_close|,
/// |low − prev_close|), as TA-Lib `TA_TRANGE`.
double true_range(double high, double low, double prev_close);

/// Average true range with Wilder's smoothing, as TA-Lib `TA_ATR` computes it; O(1).
///
/// The first true range needs a previous close, so TR exists from bar index 1. The first ATR is
/// the SMA of the first n true ranges (bar index n); after that ATR_t = (ATR_{t−1} (n − 1) +
/// TR_t) / n. No value until n + 1 bars.
class atr {
public:
  /// `period` ≥ 1.
  explicit atr(int period);
  std::optional<double> update(double high, double low, double close);
  std::optional<double> value() const { return value_; }

private:
  int period_;
  std::optional<double> prev_close_;
  int ranges_ = 0;
  double sum_ = 0;
  std::optional<double> value_;
};

/// Slow stochastic of one update.
struct stoch_value {
  double k = 0; ///< SMA(k_smooth) of fast %K
  double d = 0; ///< SMA(d_period) of slow %K
};

/// Slow stochastic oscillator, as TA-Lib `TA_STOCH` with SMA smoothing; O(1) amortized.
///
/// fast %K = 100 (close − LL) / (HH − LL) over the last k_period bars (0 when HH = LL, as
/// TA-Lib); %K = SMA(k_smooth) of fast %K; %D = SMA(d_period) of %K. Both lines appear together,
/// first at bar index (k_period − 1) + (k_smooth − 1) + (d_period − 1), as TA_STOCH outputs them.
class stoch {
public:
  /// Periods ≥ 1.
  stoch(int k_period, int k_smooth, int d_period);
  std::optional<stoch_value> update(double high, double low, double close);
  std::optional<stoch_value> value() const { return value_; }

private:
  rolling_extremes extremes_;
  sma k_;
  sma d_;
  std::optional<stoch_value> value_;
};

/// Directional movement of one update.
struct adx_value {
  std::optional<double> adx;      ///< average directional index
  std::optional<double> plus_di;  ///< +DI
  std::optional<double> minus_di; ///< −DI
};

/// Wilder's directional movement system: ADX, +DI and −DI, as TA-Lib `TA_ADX`, `TA_PLUS_DI` and
/// `TA_MINUS_DI` compute them (same seeding of the smoothed sums); O(1).
///
/// From bar 1: +DM = up move when it is positive and larger than the down move (else 0), −DM
/// likewise; TR = true range. Bars 1 … n−1 are summed; from bar n on each smoothed sum S is
/// updated Wilder's way, S ← S − S/n + today's value (TA-Lib's seeding: the first step smooths a
/// sum of n − 1 values). ±DI = 100 · S(±DM) / S(TR) (0 when S(TR) = 0), from bar n.
/// DX = 100 · |−DI − +DI| / (−DI + +DI). The first ADX is the sum of the n DX of bars n … 2n−1
/// divided by n (bar index 2n − 1); after that ADX = (ADX (n − 1) + DX) / n. A DX that is
/// undefined (S(TR) = 0 or +DI + −DI = 0) adds nothing and leaves ADX unchanged, as in TA-Lib.
/// Differs from TA-Lib only in its zero tests: exact 0 here, |x| < 1e-8 in TA-Lib 0.4 (which
/// misreads assets priced below a cent). `period` ≥ 2, as TA_ADX requires.
class adx {
public:
  explicit adx(int period);
  const adx_value& update(double high, double low, double close);
  const adx_value& value() const { return value_; }

private:
  int period_;
  size_t count_ = 0;
  double prev_high_ = 0, prev_low_ = 0, prev_close_ = 0;
  double plus_dm_ = 0, minus_dm_ = 0, tr_ = 0;
  double sum_dx_ = 0;
  adx_value value_;
};

} // namespace pt
