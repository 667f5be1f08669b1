#include "core/metrics/performance_metrics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "tests/support/builders.hpp"

namespace pt {
namespace {

using test::bp;
using test::make_fill;
using test::px;
using test::qty;
using test::usd;

constexpr int64_t day_ms = 86'400'000;

equity_point point(int64_t ts_ms, const char* equity) {
  equity_point p;
  p.ts_event_ms = ts_ms;
  p.equity = usd(equity);
  p.cash = p.equity;
  return p;
}

fill timed_fill(int64_t id, int64_t ts_ms, side s, const char* price_text, const char* qty_text, const char* fee) {
  fill f = make_fill(s, price_text, qty_text, fee);
  f.fill_id = id;
  f.order_id = id;
  f.ts_event_ms = ts_ms;
  return f;
}

// Equity 100 → 110 → 99 → 108.9 → 121, one point a day, daily returns (periods_per_year = 365):
//   r = 0.1, −0.1, 0.1, 0.1111111;  mean = 0.2111111 / 4 = 0.0527778
//   deviations² = 0.0022299, 0.0233410, 0.0022299, 0.0034028; Σ = 0.0312037
//   sd = √(0.0312037 / 3) = 0.1019864;  Sharpe = 0.0527778 / 0.1019864 · √365 = 9.8867849
//   downside: Σ min(r,0)² = 0.01, dd = √(0.01 / 4) = 0.05;  Sortino = 0.0527778 / 0.05 · √365 = 20.1663606
//   volatility = 0.1019864 · √365 = 1.9484483
//   max drawdown: peak 110 (day 1) → 99 (day 2): 11 money, 10 %; back above 110 on day 4 → 3 days
//   CAGR = 1.21^(365/4) − 1 = 3.5823254e7;  Calmar = CAGR / 0.1
TEST(PerformanceMetrics, HandComputedDailyCurve) {
  metrics_input in;
  in.initial_cash = usd("100");
  in.period_ms = day_ms;
  for (auto [d, e] : std::vector<std::pair<int, const char*>>{{0, "100"}, {1, "110"}, {2, "99"}, {3, "108.9"}, {4, "121"}})
    in.equity.push_back(point(d * day_ms, e));
  std::string error;
  auto m = compute_performance(in, &error);
  ASSERT_TRUE(m) << error;
  EXPECT_EQ(m->returns, 4);
  EXPECT_DOUBLE_EQ(m->periods_per_year, 365.0);
  ASSERT_TRUE(m->sharpe && m->sortino && m->annualized_volatility && m->calmar && m->annualized_return);
  EXPECT_NEAR(*m->sharpe, 9.886784933459154, 1e-9);
  EXPECT_NEAR(*m->sortino, 20.16636057312854, 1e-9);
  EXPECT_NEAR(*m->annualized_volatility, 1.9484482588162182, 1e-9);
  EXPECT_NEAR(*m->annualized_return / 35823253.742043555, 1.0, 1e-9);
  EXPECT_NEAR(*m->calmar / 358232537.42043555, 1.0, 1e-9);
  EXPECT_NEAR(m->max_drawdown, 0.1, 1e-12);
  EXPECT_EQ(m->max_drawdown_money, usd("11"));
  EXPECT_EQ(m->max_drawdown_duration_ms, 3 * day_ms);
  EXPECT_TRUE(m->drawdown_recovered);
  EXPECT_EQ(m->final_equity, usd("100")); // no fills: the account is its cash, whatever the points say
  EXPECT_EQ(m->start_ms, 0);
  EXPECT_EQ(m->end_ms, 4 * day_ms);
}

// The step function is sampled on the grid, not at the points: points at 0, 1.5 d and 2 d with a
// 1-day period give grid values E(0) = 100, E(1 d) = 100 (the 1.5 d point is later), E(2 d) = 90.
// Returns 0 and −0.1: mean −0.05, sd = √((0.05² + 0.05²)/1) = 0.0707107, Sharpe = −0.7071068 · √365.
// Drawdown never recovers: from the peak at 0 (the last time equity stood at 100) to the end, 2 d.
TEST(PerformanceMetrics, ResamplesOnTheGridAndReportsAnOpenDrawdown) {
  metrics_input in;
  in.initial_cash = usd("100");
  in.period_ms = day_ms;
  in.equity = {point(0, "100"), point(day_ms * 3 / 2, "95"), point(2 * day_ms, "90")};
  auto m = compute_performance(in);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->returns, 2);
  ASSERT_TRUE(m->sharpe);
  EXPECT_NEAR(*m->sharpe, -0.7071067811865476 * std::sqrt(365.0), 1e-9);
  ASSERT_TRUE(m->sortino); // dd = √(0.01 / 2) = 0.0707107 → the same as Sharpe here
  EXPECT_NEAR(*m->sortino, -0.7071067811865476 * std::sqrt(365.0), 1e-9);
  EXPECT_FALSE(m->drawdown_recovered);
  EXPECT_EQ(m->max_drawdown_duration_ms, 2 * day_ms);
  EXPECT_EQ(m->max_drawdown_money, usd("10"));
}

// Two round trips on 1000 of cash, points at t = 0 and t = 40:
//   1. buy 1 @ 100 (fee 0.1) at t=0, sell 1 @ 110 (fee 0.11) at t=10: gross 10, net 9.79 — a win
//   2. buy 2 @ 100 (fee 0.2) at t=20, sell 1 @ 95 (0.095) at t=25, sell 1 @ 90 (0.09) at t=30:
//      gross 185 − 200 = −15, fees 0.385, net −15.385 — a loss
//   win rate 1/2; profit factor 9.79 / 15.385 = 0.6363341; expectancy (9.79 − 15.385)/2 = −2.7975
//   exposure: held 0→10 and 20→30 of 0→40 = 0.5; notional 100+110+200+95+90 = 595; fees 0.595
//   cash = 1000 + 9.79 − 15.385 = 994.405 = final equity (flat)
TEST(PerformanceMetrics, RoundTripsWinRateProfitFactorExposure) {
  metrics_input in;
  in.initial_cash = usd("1000");
  in.period_ms = 10;
  in.equity = {point(0, "1000"), point(40, "994.405")};
  in.fills = {timed_fill(1, 0, side::buy, "100", "1", "0.1"), timed_fill(2, 10, side::sell, "110", "1", "0.11"),
              timed_fill(3, 20, side::buy, "100", "2", "0.2"), timed_fill(4, 25, side::sell, "95", "1", "0.095"),
              timed_fill(5, 30, side::sell, "90", "1", "0.09")};
  std::string error;
  auto m = compute_performance(in, &error);
  ASSERT_TRUE(m) << error;
  ASSERT_EQ(m->trips.size(), 2u);
  EXPECT_EQ(m->trips[0].net_pnl, usd("9.79"));
  EXPECT_EQ(m->trips[1].gross_pnl, usd("-15"));
  EXPECT_EQ(m->trips[1].net_pnl, usd("-15.385"));
  EXPECT_EQ(m->trips[1].fills, 3);
  EXPECT_EQ(m->trips[1].entry_ms, 20);
  EXPECT_EQ(m->trips[1].exit_ms, 30);
  EXPECT_EQ(m->round_trips, 2);
  EXPECT_EQ(m->wins, 1);
  EXPECT_EQ(m->losses, 1);
  ASSERT_TRUE(m->win_rate && m->profit_factor && m->expectancy && m->average_win && m->average_loss);
  EXPECT_DOUBLE_EQ(*m->win_rate, 0.5);
  EXPECT_NEAR(*m->profit_factor, 0.6363340916477087, 1e-12);
  EXPECT_EQ(*m->expectancy, usd("-2.7975"));
  EXPECT_EQ(*m->average_win, usd("9.79"));
  EXPECT_EQ(*m->average_loss, usd("-15.385"));
  ASSERT_TRUE(m->exposure);
  EXPECT_DOUBLE_EQ(*m->exposure, 0.5);
  EXPECT_EQ(m->traded_notional, usd("595"));
  EXPECT_EQ(m->fees, usd("0.595"));
  EXPECT_EQ(m->cash, usd("994.405"));
  EXPECT_EQ(m->final_equity, usd("994.405"));
  EXPECT_EQ(m->net_pnl, m->trips[0].net_pnl + m->trips[1].net_pnl);
  EXPECT_EQ(m->realized_pnl, usd("-5")); // before fees, as the ledger keeps it
  EXPECT_FALSE(m->open_trip);
  // Average equity 1000 held over [0, 40): turnover 595 / 1000.
  EXPECT_EQ(m->average_equity, usd("1000"));
  ASSERT_TRUE(m->turnover);
  EXPECT_DOUBLE_EQ(*m->turnover, 0.595);
}

// Slippage: a buy at 100 with reference 99.9 costs 0.1 per unit (× 2 = 0.2); a taker sell at 99.9
// without a reference under 10 bps implies 99.9 · 10⁴ / 9990 = 100 → 0.1 × 2 = 0.2; a maker fill
// without a reference costs nothing. Total 0.4.
TEST(PerformanceMetrics, SlippageFromTheReferenceOrTheBpsSetting) {
  metrics_input in;
  in.initial_cash = usd("1000");
  in.slippage_bps = bp("10");
  auto buy = timed_fill(1, 0, side::buy, "100", "2", "0");
  buy.reference_px = px("99.9");
  auto sell = timed_fill(2, 1, side::sell, "99.9", "2", "0");
  auto maker_buy = timed_fill(3, 2, side::buy, "50", "1", "0");
  maker_buy.role = liquidity::maker;
  in.fills = {buy, sell, maker_buy};
  auto m = compute_performance(in);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->slippage_cost, usd("0.4"));
}

// Open at the end: bought 2 @ 100 and 1 @ 130 = cost 330, avg entry 110; sold 1 → cost basis
// 330 · 2/3 = 220 left for 2 units; marked at 120: unrealized 240 − 220 = 20.
TEST(PerformanceMetrics, OpenPositionAtTheEnd) {
  metrics_input in;
  in.initial_cash = usd("1000");
  in.fills = {timed_fill(1, 0, side::buy, "100", "2", "0"), timed_fill(2, 5, side::buy, "130", "1", "0"),
              timed_fill(3, 10, side::sell, "125", "1", "1")};
  in.end_ms = 20;
  in.end_mark = px("120");
  auto m = compute_performance(in);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->position_qty, qty("2"));
  EXPECT_EQ(m->cost_basis, usd("220"));
  ASSERT_TRUE(m->avg_entry_price && m->unrealized_pnl);
  EXPECT_EQ(*m->avg_entry_price, px("110"));
  EXPECT_EQ(*m->unrealized_pnl, usd("20"));
  EXPECT_EQ(m->realized_pnl, usd("15"));
  EXPECT_EQ(m->round_trips, 0);
  ASSERT_TRUE(m->open_trip);
  EXPECT_EQ(m->open_trip->fees, usd("1"));
  EXPECT_FALSE(m->win_rate);
  // final = cash + 2 · 120 = (1000 − 330 + 125 − 1) + 240 = 1034 = initial + realized + unrealized − fees
  EXPECT_EQ(m->final_equity, usd("1034"));
  EXPECT_EQ(m->final_equity, in.initial_cash + m->realized_pnl + *m->unrealized_pnl - m->fees);
  ASSERT_TRUE(m->exposure);
  EXPECT_DOUBLE_EQ(*m->exposure, 1.0);
}

TEST(PerformanceMetrics, DegenerateInputsAreNotDefinedRatherThanNaN) {
  metrics_input one;
  one.initial_cash = usd("100");
  one.equity = {point(0, "100")};
  auto m = compute_performance(one);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->returns, 0);
  EXPECT_FALSE(m->sharpe);
  EXPECT_FALSE(m->sortino);
  EXPECT_FALSE(m->calmar);
  EXPECT_FALSE(m->annualized_return);
  EXPECT_FALSE(m->win_rate);
  EXPECT_FALSE(m->profit_factor);
  EXPECT_FALSE(m->expectancy);
  EXPECT_FALSE(m->exposure);
  ASSERT_TRUE(m->total_return);
  EXPECT_EQ(*m->total_return, 0.0);

  metrics_input flat = one;
  flat.period_ms = 10;
  flat.equity = {point(0, "100"), point(10, "100"), point(20, "100"), point(30, "100")};
  auto f = compute_performance(flat);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->returns, 3);
  EXPECT_FALSE(f->sharpe);  // zero variance
  EXPECT_FALSE(f->sortino); // no downside
  EXPECT_FALSE(f->calmar);  // no drawdown
  ASSERT_TRUE(f->annualized_volatility);
  EXPECT_EQ(*f->annualized_volatility, 0.0);
  EXPECT_EQ(f->max_drawdown_duration_ms, 0);

  metrics_input empty;
  auto e = compute_performance(empty);
  ASSERT_TRUE(e);
  EXPECT_FALSE(e->total_return); // no initial cash to divide by
  EXPECT_FALSE(e->turnover);
}

TEST(PerformanceMetrics, InconsistentInputIsAnError) {
  metrics_input in;
  in.initial_cash = usd("100");
  in.period_ms = 0;
  std::string error;
  EXPECT_FALSE(compute_performance(in, &error));
  EXPECT_NE(error.find("period_ms"), std::string::npos);

  in.period_ms = 1000;
  in.fills = {timed_fill(7, 0, side::sell, "10", "1", "0")};
  error.clear();
  EXPECT_FALSE(compute_performance(in, &error));
  EXPECT_NE(error.find("fill 7"), std::string::npos) << error;

  in.fills.clear();
  in.equity = {point(10, "100"), point(5, "100")};
  error.clear();
  EXPECT_FALSE(compute_performance(in, &error));
  EXPECT_NE(error.find("time order"), std::string::npos) << error;
}

} // namespace
} // namespace pt
