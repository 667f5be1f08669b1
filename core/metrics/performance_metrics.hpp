#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/metrics/equity_curve.hpp"
#include "core/fixed_point.hpp"
#include "core/execution/order.hpp"

namespace pt {

/// One closed trade of a spot, long-only account: from flat, through one or more buys (and partial
/// sells), back to flat. Money is exact; `gross_pnl` = Σ sell notional − Σ buy notional, which is
/// also the ledger's realized P&L over the trip (the last sell removes the whole cost basis).
struct round_trip {
  int64_t entry_ms = 0;  ///< event time of the first buy
  int64_t exit_ms = 0;   ///< event time of the sell that made the account flat
  quantity bought_qty;   ///< Σ buy quantity (= Σ sell quantity)
  money cost;            ///< Σ buy notional (price · quantity), fees excluded
  money proceeds;        ///< Σ sell notional, fees excluded
  money fees;            ///< Σ fees of the trip's fills, buys and sells
  money gross_pnl;       ///< proceeds − cost
  money net_pnl;         ///< gross_pnl − fees: what the trip added to equity
  int64_t fills = 0;     ///< fills in the trip
};

/// What the metrics are computed from: the account's start, its equity curve and its fills.
struct metrics_input {
  money initial_cash;               ///< the account's cash at the start (no position)
  std::vector<equity_point> equity; ///< the equity curve, in event-time order (may be empty)
  std::vector<fill> fills;          ///< every fill, in the order applied
  /// Length of one return period, ms of event time: the curve is resampled on a grid of this step
  /// (see `performance_metrics`). Normally the session's `equity_interval_ms`. Must be > 0.
  int64_t period_ms = 60'000;
  /// Used to estimate a taker fill's slippage when the fill carries no `reference_px`.
  bps slippage_bps;
  /// The last event seen, when it is later than the last equity point: the account is valued at
  /// `end_mark` at `end_ms` and that value closes the curve (a backtest's final mark).
  std::optional<int64_t> end_ms;
  std::optional<price> end_mark;
};

/// A session's performance, computed by `compute_performance`. Ratios are plain fractions
/// (0.05 = 5 %) unless the name says otherwise. A figure that is not defined for the input (no
/// trades, fewer than two returns, zero variance, zero drawdown, an empty window) is `nullopt` —
/// never NaN or infinity.
///
/// Conventions (docs/execution.md, "## Metrics"):
/// - Returns: the equity curve as a step function (each point holds until the next), sampled at
///   t₀ + k·period_ms, k = 0…⌊(t_end − t₀)/period_ms⌋; r_k = E_k / E_{k−1} − 1.
/// - Annualisation: crypto trades every day, so periods_per_year = 365 · 86,400,000 / period_ms.
///   Risk-free rate 0.
/// - Sharpe = mean(r) / sd(r) · √periods_per_year, sd the sample standard deviation (n − 1).
/// - Sortino = mean(r) / dd · √periods_per_year, dd = √(Σ min(r_k, 0)² / n), the downside
///   deviation below 0 over all n returns (as empyrical's `downside_risk`).
/// - Annualised return (CAGR) = (E_end / initial_cash)^(year_ms / (t_end − t₀)) − 1, E_end the
///   curve's last value (the final valuation when `end_ms` is given);
///   Calmar = annualised return / max_drawdown.
/// - Drawdown on the curve's points, from a running peak that starts at initial_cash:
///   depth = max (peak − E) as a fraction of peak and in money (each maximised on its own);
///   duration = the longest span from the last time equity stood at its peak to the first time it
///   got back to it, or to t_end if it has not.
struct performance_metrics {
  int64_t start_ms = 0;          ///< t₀: the first equity point or fill
  int64_t end_ms = 0;            ///< t_end: the last equity point, fill or `end_ms`
  int64_t period_ms = 0;         ///< return period used
  double periods_per_year = 0;   ///< 365 · 86,400,000 / period_ms
  int64_t returns = 0;           ///< number of period returns n

  money initial_equity;          ///< = initial_cash
  money final_equity;            ///< cash + position · final mark (from the fills replayed)
  money net_pnl;                 ///< final_equity − initial_equity
  std::optional<double> total_return;          ///< net_pnl / initial_equity
  std::optional<double> annualized_return;     ///< CAGR, see above
  std::optional<double> annualized_volatility; ///< sd(r) · √periods_per_year
  std::optional<double> sharpe;
  std::optional<double> sortino;
  std::optional<double> calmar;

  double max_drawdown = 0;           ///< fraction of the peak
  money max_drawdown_money;          ///< largest peak − equity
  int64_t max_drawdown_duration_ms = 0;
  bool drawdown_recovered = true;    ///< false when the curve ends below its peak

  int64_t round_trips = 0;           ///< closed trips
  int64_t wins = 0;                  ///< trips with net_pnl > 0
  int64_t losses = 0;                ///< trips with net_pnl ≤ 0
  money gross_profit;                ///< Σ net_pnl of wins
  money gross_loss;                  ///< Σ |net_pnl| of losses (≥ 0)
  std::optional<double> win_rate;    ///< wins / round_trips
  std::optional<double> profit_factor; ///< gross_profit / gross_loss (nullopt if no loss)
  std::optional<money> expectancy;   ///< Σ net_pnl / round_trips, per trip
  std::optional<money> average_win;  ///< gross_profit / wins
  std::optional<money> average_loss; ///< −gross_loss / losses (negative or zero)

  std::optional<double> exposure;    ///< time with a position > 0 / (t_end − t₀)
  money traded_notional;             ///< Σ price · quantity over every fill
  money average_equity;              ///< time-weighted mean of the curve (last value if no span)
  std::optional<double> turnover;    ///< traded_notional / average_equity
  money fees;                        ///< Σ fill fees
  money slippage_cost;               ///< Σ |notional(px) − notional(reference)|, see `compute_performance`
  int64_t fills = 0;

  money cash;                        ///< after the last fill
  quantity position_qty;
  money cost_basis;                  ///< what the open position cost, fees excluded
  std::optional<price> avg_entry_price; ///< cost_basis / position_qty; nullopt when flat
  price mark;                        ///< the final mark (0 if none known)
  money realized_pnl;                ///< before fees, as the ledger keeps it
  std::optional<money> unrealized_pnl; ///< position · mark − cost_basis; nullopt without a mark
  std::optional<round_trip> open_trip; ///< the trip still open at the end (its fees so far; pnl unset)
  std::vector<round_trip> trips;     ///< the closed trips, in order
};

/// The most return periods `compute_performance` samples ((t_end − t₀) / period_ms): a bound on
/// its work, since period_ms can come from a request.
constexpr int64_t max_return_periods = 10'000'000;

/// Computes every metric of `performance_metrics` from `in` (a pure function): a
/// `running_performance` (core/metrics/running_performance.hpp) fed the fills and points merged
/// in event-time order, so a session's running figures and this batch figure are one computation.
///
/// The fills are replayed through a `ledger` from `in.initial_cash`, so cash, position, cost basis
/// and realized P&L are the ledger's own. Slippage cost per fill: |notional(px, qty) −
/// notional(reference, qty)|, with reference = `fill.reference_px` when it is set (> 0); otherwise,
/// for a taker fill, the reference implied by `in.slippage_bps` (buy: px · 10⁴ / (10⁴ + s), sell:
/// px · 10⁴ / (10⁴ − s), as the exchange applied it); a maker fill without a reference costs 0.
///
/// Returns nullopt with `error` set when the input is inconsistent: `period_ms` ≤ 0, a fill the
/// ledger rejects (cash or position short), equity points out of time order, more than
/// `max_return_periods` periods in the window.
std::optional<performance_metrics> compute_performance(const metrics_input& in, std::string* error = nullptr);

} // namespace pt
