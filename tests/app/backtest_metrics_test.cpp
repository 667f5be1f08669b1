// Performance metrics of a real backtest (3,000 hourly BTCUSDT bars, the EMA crossover strategy),
// checked against figures recomputed here from the fills with plain arithmetic.

#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/metrics/performance_metrics.hpp"
#include "tests/support/hourly_backtest.hpp"

namespace pt::test {
namespace {

constexpr int64_t hour = backtest_hour_ms;

// The run's fills, sampled curve and final mark (tests/support/hourly_backtest.hpp).
hourly_backtest run_backtest() {
  return run_hourly_backtest(3000, [](const std::vector<fill>&, const std::optional<equity_point>&,
                                      const hourly_backtest&) {});
}

TEST(BacktestMetrics, RealBacktestIsConsistentWithItsFills) {
  auto bt = run_backtest();
  ASSERT_GE(bt.fills.size(), 10u) << "the strategy should trade on 3000 hourly bars";
  metrics_input in;
  in.initial_cash = bt.cfg.initial_cash;
  in.equity = bt.equity;
  in.fills = bt.fills;
  in.period_ms = hour;
  in.slippage_bps = bt.cfg.execution.slippage_bps;
  in.end_ms = bt.last_ms;
  in.end_mark = bt.last_mark;
  std::string error;
  auto m = compute_performance(in, &error);
  ASSERT_TRUE(m) << error;

  // Round trips and fees recomputed from the fills: flat → long → flat, Σ sells − Σ buys − fees.
  int64_t pos = 0, trip_raw = 0, trip_fees = 0, fees = 0, wins = 0, trips = 0;
  int64_t gross_win = 0, gross_loss = 0, closed_net = 0, open_fees = 0;
  for (auto& f : bt.fills) {
    auto notional_value = notional(f.px, f.qty);
    ASSERT_TRUE(notional_value);
    int64_t value = notional_value->raw();
    trip_raw += f.fill_side == side::sell ? value : -value;
    trip_fees += f.fee.raw();
    fees += f.fee.raw();
    pos += f.fill_side == side::buy ? f.qty.raw() : -f.qty.raw();
    ASSERT_GE(pos, 0);
    if (pos == 0) {
      int64_t net = trip_raw - trip_fees;
      ++trips;
      closed_net += net;
      if (net > 0) {
        ++wins;
        gross_win += net;
      } else {
        gross_loss -= net;
      }
      trip_raw = trip_fees = 0;
    }
  }
  open_fees = trip_fees;
  ASSERT_GE(trips, 3);
  EXPECT_EQ(m->round_trips, trips);
  EXPECT_EQ(m->wins, wins);
  EXPECT_EQ(m->fees.raw(), fees);
  ASSERT_TRUE(m->win_rate);
  EXPECT_GE(*m->win_rate, 0.0);
  EXPECT_LE(*m->win_rate, 1.0);
  EXPECT_DOUBLE_EQ(*m->win_rate, static_cast<double>(wins) / static_cast<double>(trips));
  if (gross_loss > 0) {
    ASSERT_TRUE(m->profit_factor);
    EXPECT_NEAR(*m->profit_factor, static_cast<double>(gross_win) / static_cast<double>(gross_loss), 1e-12);
  }
  EXPECT_EQ(m->gross_profit.raw(), gross_win);
  EXPECT_EQ(m->gross_loss.raw(), gross_loss);

  // Σ closed-trip net P&L + the open trip (unrealized − its fees) = final equity − initial cash.
  ASSERT_TRUE(m->unrealized_pnl);
  int64_t open_part = pos > 0 ? m->unrealized_pnl->raw() - open_fees : 0;
  EXPECT_EQ(closed_net + open_part, (m->final_equity - in.initial_cash).raw());
  EXPECT_EQ(m->final_equity, in.initial_cash + m->realized_pnl + *m->unrealized_pnl - m->fees);

  // Every fill is a taker fill without a recorded reference, so the 3 bps estimate applies:
  // |px − px/(1 ± 0.0003)| · qty ≈ notional · 3/10003 (buys) or 3/9997 (sells).
  double expected_slippage = 0;
  for (auto& f : bt.fills)
    expected_slippage += notional(f.px, f.qty)->to_double() * (f.fill_side == side::buy ? 3.0 / 10003 : 3.0 / 9997);
  EXPECT_NEAR(m->slippage_cost.to_double(), expected_slippage, 1e-6 * static_cast<double>(bt.fills.size()));

  ASSERT_TRUE(m->exposure);
  EXPECT_GT(*m->exposure, 0.0);
  EXPECT_LE(*m->exposure, 1.0);
  ASSERT_TRUE(m->turnover);
  EXPECT_GT(*m->turnover, 0.0);
  // The curve's own max drawdown is measured on every mark; the metric's on the sampled points
  // (plus the final mark), so it can only be smaller or equal.
  EXPECT_GT(m->max_drawdown, 0.0);
  EXPECT_LE(m->max_drawdown, bt.curve_max_drawdown + 1e-12);
  EXPECT_GT(m->max_drawdown_duration_ms, 0);
  EXPECT_LE(m->max_drawdown_duration_ms, m->end_ms - m->start_ms);
  // ~3000 hourly returns: every ratio is defined and finite.
  EXPECT_GE(m->returns, 2990);
  ASSERT_TRUE(m->sharpe && m->sortino && m->calmar && m->annualized_volatility);
  EXPECT_TRUE(std::isfinite(*m->sharpe));
  EXPECT_DOUBLE_EQ(m->periods_per_year, 8760.0);
  ASSERT_TRUE(m->total_return);
  EXPECT_NEAR(*m->total_return, (m->final_equity - in.initial_cash).to_double() / in.initial_cash.to_double(), 1e-12);
}

} // namespace
} // namespace pt::test
