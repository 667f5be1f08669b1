#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/execution/ledger.hpp"
#include "core/execution/order.hpp"
#include "core/fixed_point.hpp"
#include "core/metrics/equity_curve.hpp"
#include "core/metrics/performance_metrics.hpp"

namespace pt {

/// A session's `performance_metrics`, kept up to date one fill and one equity point at a time in
/// O(1) memory: what a session keeps instead of its whole equity curve, so a run of months holds
/// no more than a run of minutes. `compute_performance` is this object fed a whole history, so the
/// two cannot disagree; every formula and convention is `performance_metrics`'.
///
/// Feed it in event-time order (fills and points merged; at equal times either first):
/// `on_fill`, `on_equity`. `result` closes the curve at a stated end without changing anything, so
/// it can be asked at any moment. What it keeps: the ledger replayed from the fills, the open trip,
/// trip statistics, exposure, notional and slippage sums, the drawdown's running peak, the last
/// point, the return grid's position, and the returns' count, sum, Welford mean and M2 (Welford,
/// "Note on a method for calculating corrected sums of squares", 1962) and downside sum — the
/// sample standard deviation is therefore computed in one pass, equal to the two-pass figure to
/// rounding (relative 1e-12 on real curves; tests/core/metrics/running_performance_test.cpp).
/// The closed trips themselves are kept up to `keep_trips`, the latest ones (their counts and sums
/// cover every trip).
///
/// Errors are sticky: the first inconsistency (a point out of time order, a fill the ledger rejects,
/// a sell beyond the position, more than `max_return_periods` periods) is kept, later input is
/// ignored, and `result` returns nullopt with that error.
class running_performance {
public:
  /// No trip limit: every closed trip is kept (`compute_performance`).
  static constexpr size_t all_trips = static_cast<size_t>(-1);

  /// Starts from `initial_cash` (no position). `period_ms`: the return period (> 0, else every
  /// `result` is an error); `slippage`: the session's setting, for fills without a reference price.
  running_performance(money initial_cash = money{}, int64_t period_ms = 60'000, bps slippage = bps{},
                      size_t keep_trips = all_trips);

  /// Takes one fill (in the order applied). Ignored once an error is kept.
  void on_fill(const fill& f);
  /// Takes one equity point (time order). Ignored once an error is kept.
  void on_equity(const equity_point& p);

  /// The metrics as of now: the curve closed at `end_ms` valued at `end_mark` when given and later
  /// than the last point (a backtest's final mark), as `metrics_input::end_ms`/`end_mark` say.
  /// nullopt with `error` set when an error was kept or the window has too many periods.
  std::optional<performance_metrics> result(std::optional<int64_t> end_ms = std::nullopt,
                                            std::optional<price> end_mark = std::nullopt,
                                            std::string* error = nullptr) const;

  /// Fills taken so far.
  int64_t fills() const { return fills_; }
  /// The error kept, empty when none.
  const std::string& error() const { return error_; }

  /// Serialisation for CAF messages (defined in actors/messages.hpp: core does not include CAF).
  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, running_performance& x);

private:
  // Advances the start of the window to `ts` when nothing came before; false (error kept) when
  // `ts` is too many periods past the start.
  bool touch(int64_t ts);
  // Closes every return period that ends before `ts` with the curve's current value.
  void close_periods_before(int64_t ts);
  // Closes the periods up to `end` (inclusive) with the current value: the end of the window.
  void close_periods_through(int64_t end);
  void add_return(money e);
  void fail(std::string text);

  money initial_cash_;
  int64_t period_ms_ = 60'000;
  bps slippage_;
  uint64_t keep_trips_ = all_trips;
  std::string error_;

  // The window.
  bool started_ = false;
  int64_t start_ms_ = 0;
  int64_t last_ms_ = 0; ///< latest time of a point or a fill

  // The account replayed, trips, exposure, turnover and slippage.
  ledger_figures account_;
  int64_t fills_ = 0;
  bool trip_open_ = false;
  round_trip trip_;
  int64_t round_trips_ = 0, wins_ = 0, losses_ = 0;
  money gross_profit_, gross_loss_;
  std::vector<round_trip> trips_; ///< the latest closed trips, at most keep_trips_
  bool holding_ = false;
  int64_t holding_since_ms_ = 0, held_ms_ = 0;
  money traded_notional_, slippage_cost_;

  // The curve.
  int64_t points_ = 0;
  equity_point first_, last_;
  money peak_;
  int64_t peak_ms_ = 0;
  bool under_ = false;
  double max_drawdown_ = 0;
  money max_drawdown_money_;
  int64_t max_drawdown_duration_ms_ = 0;
  int64_t weighted_hi_ = 0;  ///< Σ equity_raw · Δt as a 128-bit integer: high 64 bits
  uint64_t weighted_lo_ = 0; ///< low 64 bits

  // The returns on the grid start + k·period.
  int64_t next_period_ = 1;   ///< k of the next grid time to close
  money prev_value_;          ///< equity at the last closed grid time
  bool returns_undefined_ = false; ///< an equity on the grid was not positive
  int64_t returns_ = 0;
  double sum_ = 0, mean_ = 0, m2_ = 0, downside_ = 0;
};

} // namespace pt
