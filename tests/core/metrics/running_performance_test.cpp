// running_performance against the batch computation as it stood before it (two passes over the
// whole curve, its code kept below as the oracle): the same figures on a real backtest's fills and
// curve, on random curves, and at every moment of a run fed batch by batch.

#include "core/metrics/running_performance.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "tests/support/builders.hpp"
#include "tests/support/hourly_backtest.hpp"

namespace pt::test {
namespace oracle {

// ---- The two-pass batch computation, verbatim from before running_performance. ----


constexpr int64_t year_ms = 365LL * 86'400'000LL;
constexpr int64_t ten_thousand_bps_raw = 10'000LL * fixed_scale; // 100 % in raw bps

void set_error(std::string* error, std::string text) {
  if (error)
    *error = std::move(text);
}

std::optional<double> finite(double x) {
  if (std::isfinite(x))
    return x;
  return std::nullopt;
}

// a / b as a fraction; nullopt when b is not positive.
std::optional<double> ratio(money a, money b) {
  if (!b.is_positive())
    return std::nullopt;
  return finite(a.to_double() / b.to_double());
}

// sum / n, half to even; nullopt when n is 0.
std::optional<money> mean_money(money sum, int64_t n) {
  if (n <= 0)
    return std::nullopt;
  auto raw = mul_div_raw(sum.raw(), 1, n);
  if (!raw)
    return std::nullopt;
  return money::from_raw(*raw);
}

// The price a fill would have had without slippage: its own reference when set, else the one
// `slippage` implies for a taker fill; nullopt when neither (a maker fill, no reference).
std::optional<price> reference_of(const fill& f, bps slippage) {
  if (f.reference_px.is_positive())
    return f.reference_px;
  if (f.role != liquidity::taker || !slippage.is_positive())
    return std::nullopt;
  int64_t den = f.fill_side == side::buy ? ten_thousand_bps_raw + slippage.raw() : ten_thousand_bps_raw - slippage.raw();
  if (den <= 0)
    return std::nullopt;
  auto raw = mul_div_raw(f.px.raw(), ten_thousand_bps_raw, den);
  if (!raw)
    return std::nullopt;
  return price::from_raw(*raw);
}

// Drawdown depth and duration over the points, from a peak that starts at `initial` at `start_ms`.
void measure_drawdown(const std::vector<equity_point>& pts, money initial, int64_t start_ms, int64_t end_ms,
                      performance_metrics& m) {
  money peak = initial;
  int64_t peak_ms = start_ms;
  bool under = false;
  for (auto& p : pts) {
    if (p.equity >= peak) {
      if (under)
        m.max_drawdown_duration_ms = std::max(m.max_drawdown_duration_ms, p.ts_event_ms - peak_ms);
      under = false;
      peak = p.equity;
      peak_ms = p.ts_event_ms;
      continue;
    }
    under = true;
    m.max_drawdown_money = std::max(m.max_drawdown_money, peak - p.equity);
    if (peak.is_positive())
      m.max_drawdown = std::max(m.max_drawdown, (peak - p.equity).to_double() / peak.to_double());
  }
  if (under) {
    m.drawdown_recovered = false;
    m.max_drawdown_duration_ms = std::max(m.max_drawdown_duration_ms, end_ms - peak_ms);
  }
}

// Per-period returns of the step-function curve sampled at start + k·period; nullopt when an
// equity on the grid is not positive (a return is then not defined).
std::optional<std::vector<double>> period_returns(const std::vector<equity_point>& pts, int64_t start_ms,
                                                  int64_t end_ms, int64_t period_ms) {
  std::vector<double> out;
  if (pts.empty() || end_ms <= start_ms)
    return out;
  size_t i = 0;
  // Before the first point the account held its first value (start_ms is at or before it).
  money prev = pts.front().equity;
  for (int64_t t = start_ms + period_ms; t <= end_ms; t += period_ms) {
    while (i + 1 < pts.size() && pts[i + 1].ts_event_ms <= t)
      ++i;
    money e = pts[i].ts_event_ms <= t ? pts[i].equity : pts.front().equity;
    if (!prev.is_positive())
      return std::nullopt;
    out.push_back(e.to_double() / prev.to_double() - 1.0);
    prev = e;
    if (end_ms - t < period_ms)
      break; // the next grid time is past the end; also keeps t from overflowing
  }
  return out;
}

void ratios_from_returns(const std::vector<double>& r, performance_metrics& m) {
  m.returns = static_cast<int64_t>(r.size());
  if (r.size() < 2)
    return;
  double n = static_cast<double>(r.size());
  double sum = 0;
  for (double x : r)
    sum += x;
  double mean = sum / n;
  double ss = 0, downside = 0;
  for (double x : r) {
    ss += (x - mean) * (x - mean);
    if (x < 0)
      downside += x * x;
  }
  double sd = std::sqrt(ss / (n - 1));
  double dd = std::sqrt(downside / n);
  double scale = std::sqrt(m.periods_per_year);
  // A constant series can leave rounding dust in sd; treat it as zero variance.
  constexpr double tiny = 1e-15;
  if (sd > tiny) {
    m.annualized_volatility = finite(sd * scale);
    m.sharpe = finite(mean / sd * scale);
  } else {
    m.annualized_volatility = 0.0;
  }
  if (dd > tiny)
    m.sortino = finite(mean / dd * scale);
}

std::optional<std::vector<round_trip>> round_trips_of(const std::vector<fill>& fills, std::optional<round_trip>* open, std::string* error) {
  std::vector<round_trip> out;
  std::optional<round_trip> cur;
  quantity pos;
  for (auto& f : fills) {
    auto value = notional(f.px, f.qty);
    if (!value) {
      set_error(error, "fill " + std::to_string(f.fill_id) + ": notional overflows");
      return std::nullopt;
    }
    if (f.fill_side == side::buy) {
      if (!cur) {
        cur = round_trip{};
        cur->entry_ms = f.ts_event_ms;
      }
      cur->bought_qty += f.qty;
      cur->cost += *value;
      pos += f.qty;
    } else {
      if (!cur || f.qty > pos) {
        set_error(error, "fill " + std::to_string(f.fill_id) + ": sells " + f.qty.to_string() + " holding " +
                           pos.to_string());
        return std::nullopt;
      }
      cur->proceeds += *value;
      pos -= f.qty;
    }
    cur->fees += f.fee;
    ++cur->fills;
    if (pos.is_zero()) {
      cur->exit_ms = f.ts_event_ms;
      cur->gross_pnl = cur->proceeds - cur->cost;
      cur->net_pnl = cur->gross_pnl - cur->fees;
      out.push_back(*cur);
      cur.reset();
    }
  }
  if (open)
    *open = cur;
  return out;
}

std::optional<performance_metrics> two_pass_performance(const metrics_input& in, std::string* error) {
  if (in.period_ms <= 0) {
    set_error(error, "period_ms must be positive");
    return std::nullopt;
  }
  for (size_t i = 1; i < in.equity.size(); ++i)
    if (in.equity[i].ts_event_ms < in.equity[i - 1].ts_event_ms) {
      set_error(error, "equity points out of time order at index " + std::to_string(i));
      return std::nullopt;
    }
  performance_metrics m;
  m.period_ms = in.period_ms;
  m.periods_per_year = static_cast<double>(year_ms) / static_cast<double>(in.period_ms);
  m.initial_equity = in.initial_cash;

  // The account, replayed with the ledger's own arithmetic.
  ledger account(in.initial_cash);
  for (auto& f : in.fills) {
    auto why = account.apply(f);
    if (why != reject_reason::none) {
      set_error(error, "fill " + std::to_string(f.fill_id) + " rejected by the ledger: " + to_string(why));
      return std::nullopt;
    }
  }
  auto trips = round_trips_of(in.fills, &m.open_trip, error);
  if (!trips)
    return std::nullopt;
  m.trips = std::move(*trips);

  // The window: from the first point or fill to the last point, fill or stated end.
  std::vector<int64_t> starts, ends;
  if (!in.equity.empty()) {
    starts.push_back(in.equity.front().ts_event_ms);
    ends.push_back(in.equity.back().ts_event_ms);
  }
  if (!in.fills.empty()) {
    starts.push_back(in.fills.front().ts_event_ms);
    ends.push_back(in.fills.back().ts_event_ms);
  }
  if (in.end_ms)
    ends.push_back(*in.end_ms);
  m.start_ms = starts.empty() ? in.end_ms.value_or(0) : *std::min_element(starts.begin(), starts.end());
  m.end_ms = ends.empty() ? m.start_ms : std::max(m.start_ms, *std::max_element(ends.begin(), ends.end()));

  // Final account and mark.
  m.cash = account.cash();
  m.position_qty = account.position_qty();
  m.cost_basis = account.cost_basis();
  m.avg_entry_price = account.avg_entry_price();
  m.realized_pnl = account.realized_pnl();
  m.fees = account.fees();
  m.fills = static_cast<int64_t>(in.fills.size());
  std::optional<price> mark = in.end_mark;
  if (!mark && !in.equity.empty() && in.equity.back().mark.is_positive())
    mark = in.equity.back().mark;
  m.mark = mark.value_or(price{});
  if (mark) {
    m.unrealized_pnl = account.unrealized_pnl(*mark);
    m.final_equity = account.equity(*mark).value_or(m.cash);
  } else if (m.position_qty.is_zero()) {
    m.unrealized_pnl = money{};
    m.final_equity = m.cash;
  } else {
    m.final_equity = in.equity.empty() ? m.cash + m.cost_basis : in.equity.back().equity;
  }
  m.net_pnl = m.final_equity - m.initial_equity;
  m.total_return = ratio(m.net_pnl, m.initial_equity);

  // The curve, closed by the final valuation when it is later than the last point.
  std::vector<equity_point> pts = in.equity;
  if (in.end_ms && (pts.empty() || *in.end_ms > pts.back().ts_event_ms))
    pts.push_back(equity_point{*in.end_ms, m.final_equity, m.cash, m.position_qty, m.mark});

  if ((m.end_ms - m.start_ms) / in.period_ms > max_return_periods) {
    set_error(error, "period_ms " + std::to_string(in.period_ms) + " splits the window into more than " +
                       std::to_string(max_return_periods) + " periods");
    return std::nullopt;
  }
  measure_drawdown(pts, m.initial_equity, m.start_ms, m.end_ms, m);
  if (auto r = period_returns(pts, m.start_ms, m.end_ms, in.period_ms))
    ratios_from_returns(*r, m);

  int64_t span_ms = m.end_ms - m.start_ms;
  // CAGR from the curve, like the returns (its last value is the final valuation when end_ms is given).
  money last_equity = pts.empty() ? m.final_equity : pts.back().equity;
  if (span_ms > 0 && m.initial_equity.is_positive() && last_equity.is_positive()) {
    double growth = last_equity.to_double() / m.initial_equity.to_double();
    m.annualized_return = finite(std::pow(growth, static_cast<double>(year_ms) / static_cast<double>(span_ms)) - 1.0);
  }
  if (m.annualized_return && m.max_drawdown > 0)
    m.calmar = finite(*m.annualized_return / m.max_drawdown);

  // Trades.
  m.round_trips = static_cast<int64_t>(m.trips.size());
  for (auto& t : m.trips) {
    if (t.net_pnl.is_positive()) {
      ++m.wins;
      m.gross_profit += t.net_pnl;
    } else {
      ++m.losses;
      m.gross_loss -= t.net_pnl;
    }
  }
  if (m.round_trips > 0) {
    m.win_rate = static_cast<double>(m.wins) / static_cast<double>(m.round_trips);
    m.expectancy = mean_money(m.gross_profit - m.gross_loss, m.round_trips);
  }
  m.profit_factor = ratio(m.gross_profit, m.gross_loss);
  m.average_win = mean_money(m.gross_profit, m.wins);
  m.average_loss = mean_money(-m.gross_loss, m.losses);

  // Exposure: time between a fill that opens a position and the one that closes it.
  if (span_ms > 0) {
    int64_t held_ms = 0, since_ms = 0;
    bool holding = false;
    quantity pos;
    for (auto& f : in.fills) {
      pos += f.fill_side == side::buy ? f.qty : -f.qty;
      if (pos.is_positive() && !holding) {
        holding = true;
        since_ms = f.ts_event_ms;
      } else if (pos.is_zero() && holding) {
        held_ms += f.ts_event_ms - since_ms;
        holding = false;
      }
    }
    if (holding)
      held_ms += m.end_ms - since_ms;
    m.exposure = static_cast<double>(held_ms) / static_cast<double>(span_ms);
  }

  // Turnover and slippage.
  for (auto& f : in.fills) {
    auto value = notional(f.px, f.qty);
    m.traded_notional += value.value_or(money{});
    if (auto ref = reference_of(f, in.slippage_bps)) {
      auto at_ref = notional(*ref, f.qty);
      if (value && at_ref)
        m.slippage_cost += *value > *at_ref ? *value - *at_ref : *at_ref - *value;
    }
  }
  if (!pts.empty()) {
    int64_t span = pts.back().ts_event_ms - pts.front().ts_event_ms;
    if (span > 0) {
      __int128 weighted = 0;
      for (size_t i = 0; i + 1 < pts.size(); ++i)
        weighted += static_cast<__int128>(pts[i].equity.raw()) * (pts[i + 1].ts_event_ms - pts[i].ts_event_ms);
      m.average_equity = money::from_raw(static_cast<int64_t>(weighted / span));
    } else {
      m.average_equity = pts.back().equity;
    }
  } else {
    m.average_equity = m.final_equity;
  }
  m.turnover = ratio(m.traded_notional, m.average_equity);
  return m;
}


} // namespace oracle

namespace {

constexpr int64_t hour = backtest_hour_ms;

// Every figure equal: money, counts and the one-pass sums exactly; the standard deviation (Welford
// against two passes) and what is derived from it to a relative 1e-9.
void expect_same(const performance_metrics& got, const performance_metrics& want, const std::string& what) {
  auto near = [&](const std::optional<double>& a, const std::optional<double>& b, const char* name) {
    ASSERT_EQ(a.has_value(), b.has_value()) << what << ": " << name;
    if (a) {
      EXPECT_NEAR(*a, *b, 1e-9 * std::max(1.0, std::fabs(*b))) << what << ": " << name;
    }
  };
  EXPECT_EQ(got.start_ms, want.start_ms) << what;
  EXPECT_EQ(got.end_ms, want.end_ms) << what;
  EXPECT_EQ(got.period_ms, want.period_ms) << what;
  EXPECT_EQ(got.periods_per_year, want.periods_per_year) << what;
  EXPECT_EQ(got.returns, want.returns) << what;
  EXPECT_EQ(got.initial_equity, want.initial_equity) << what;
  EXPECT_EQ(got.final_equity, want.final_equity) << what;
  EXPECT_EQ(got.net_pnl, want.net_pnl) << what;
  EXPECT_EQ(got.total_return, want.total_return) << what;
  EXPECT_EQ(got.annualized_return, want.annualized_return) << what;
  near(got.annualized_volatility, want.annualized_volatility, "volatility");
  near(got.sharpe, want.sharpe, "sharpe");
  EXPECT_EQ(got.sortino, want.sortino) << what;
  EXPECT_EQ(got.calmar, want.calmar) << what;
  EXPECT_EQ(got.max_drawdown, want.max_drawdown) << what;
  EXPECT_EQ(got.max_drawdown_money, want.max_drawdown_money) << what;
  EXPECT_EQ(got.max_drawdown_duration_ms, want.max_drawdown_duration_ms) << what;
  EXPECT_EQ(got.drawdown_recovered, want.drawdown_recovered) << what;
  EXPECT_EQ(got.round_trips, want.round_trips) << what;
  EXPECT_EQ(got.wins, want.wins) << what;
  EXPECT_EQ(got.losses, want.losses) << what;
  EXPECT_EQ(got.gross_profit, want.gross_profit) << what;
  EXPECT_EQ(got.gross_loss, want.gross_loss) << what;
  EXPECT_EQ(got.win_rate, want.win_rate) << what;
  EXPECT_EQ(got.profit_factor, want.profit_factor) << what;
  EXPECT_EQ(got.expectancy, want.expectancy) << what;
  EXPECT_EQ(got.average_win, want.average_win) << what;
  EXPECT_EQ(got.average_loss, want.average_loss) << what;
  EXPECT_EQ(got.exposure, want.exposure) << what;
  EXPECT_EQ(got.traded_notional, want.traded_notional) << what;
  EXPECT_EQ(got.average_equity, want.average_equity) << what;
  EXPECT_EQ(got.turnover, want.turnover) << what;
  EXPECT_EQ(got.fees, want.fees) << what;
  EXPECT_EQ(got.slippage_cost, want.slippage_cost) << what;
  EXPECT_EQ(got.fills, want.fills) << what;
  EXPECT_EQ(got.cash, want.cash) << what;
  EXPECT_EQ(got.position_qty, want.position_qty) << what;
  EXPECT_EQ(got.cost_basis, want.cost_basis) << what;
  EXPECT_EQ(got.avg_entry_price, want.avg_entry_price) << what;
  EXPECT_EQ(got.mark, want.mark) << what;
  EXPECT_EQ(got.realized_pnl, want.realized_pnl) << what;
  EXPECT_EQ(got.unrealized_pnl, want.unrealized_pnl) << what;
  ASSERT_EQ(got.open_trip.has_value(), want.open_trip.has_value()) << what;
  if (got.open_trip) {
    EXPECT_EQ(got.open_trip->fees, want.open_trip->fees) << what;
    EXPECT_EQ(got.open_trip->cost, want.open_trip->cost) << what;
  }
  // Trips: the latest `got.trips.size()` of the oracle's (all of them unless bounded).
  ASSERT_LE(got.trips.size(), want.trips.size()) << what;
  size_t skip = want.trips.size() - got.trips.size();
  for (size_t i = 0; i < got.trips.size(); ++i) {
    auto& a = got.trips[i];
    auto& b = want.trips[skip + i];
    EXPECT_EQ(a.entry_ms, b.entry_ms) << what << " trip " << i;
    EXPECT_EQ(a.exit_ms, b.exit_ms) << what << " trip " << i;
    EXPECT_EQ(a.net_pnl, b.net_pnl) << what << " trip " << i;
    EXPECT_EQ(a.fills, b.fills) << what << " trip " << i;
  }
}

metrics_input input_of(const hourly_backtest& run) {
  metrics_input in;
  in.initial_cash = run.cfg.initial_cash;
  in.equity = run.equity;
  in.fills = run.fills;
  in.period_ms = hour;
  in.slippage_bps = run.cfg.execution.slippage_bps;
  in.end_ms = run.last_ms;
  in.end_mark = run.last_mark;
  return in;
}

TEST(RunningPerformance, RealBacktestEqualsTheTwoPassComputationAtEveryMoment) {
  std::optional<running_performance> running;
  int steps = 0, compared = 0;
  auto run = run_hourly_backtest(3000, [&](const std::vector<fill>& fills, const std::optional<equity_point>& point,
                                const hourly_backtest& so_far) {
    if (!running)
      running.emplace(so_far.cfg.initial_cash, hour, so_far.cfg.execution.slippage_bps);
    for (auto& f : fills)
      running->on_fill(f);
    if (point)
      running->on_equity(*point);
    // Asked mid-run, as a session's summary is: equal to the batch over what came so far.
    if (++steps % 97 == 0 || !fills.empty()) {
      std::string e1, e2;
      auto got = running->result(so_far.last_ms, so_far.last_mark, &e1);
      auto want = oracle::two_pass_performance(input_of(so_far), &e2);
      ASSERT_TRUE(got) << e1;
      ASSERT_TRUE(want) << e2;
      expect_same(*got, *want, "after " + std::to_string(steps) + " bars");
      ++compared;
    }
  });
  ASSERT_GE(run.fills.size(), 10u) << "the strategy should trade on 3000 hourly bars";
  EXPECT_GE(compared, 40);
  std::string e1, e2;
  auto in = input_of(run);
  auto batch = compute_performance(in, &e1);
  auto want = oracle::two_pass_performance(in, &e2);
  ASSERT_TRUE(batch) << e1;
  ASSERT_TRUE(want) << e2;
  expect_same(*batch, *want, "compute_performance");
  EXPECT_GT(want->returns, 2000);
  EXPECT_TRUE(want->sharpe.has_value());
  // Without a stated end, too (the curve closes at its last point or fill).
  in.end_ms.reset();
  in.end_mark.reset();
  expect_same(*compute_performance(in), *oracle::two_pass_performance(in, nullptr), "no stated end");
}

// Random curves with irregular times, long gaps and round trips, on several return periods.
TEST(RunningPerformance, RandomCurvesEqualTheTwoPassComputation) {
  std::mt19937_64 rng(20261207);
  int compared = 0;
  for (int trial = 0; trial < 60; ++trial) {
    metrics_input in;
    in.initial_cash = usd("10000");
    in.period_ms = std::vector<int64_t>{1, 7, 1000, 60'000, hour}[trial % 5];
    in.slippage_bps = bps::from_units(trial % 3);
    int64_t t = static_cast<int64_t>(rng() % 1000);
    double e = 10000;
    quantity pos;
    int64_t id = 0;
    for (int i = 0; i < 400; ++i) {
      t += static_cast<int64_t>(rng() % (i % 50 == 0 ? 200'000 : 3'000));
      e *= 1.0 + (static_cast<double>(rng() % 2001) - 1000.0) / 50'000.0;
      if (rng() % 5 == 0) { // a fill at this time: buy when flat, else sell half or all
        fill f = pos.is_zero() ? make_fill(side::buy, "100", "1", "0.1") : make_fill(side::sell, "101", "1", "0.1");
        if (!pos.is_zero() && rng() % 2 == 0)
          f.qty = qty("0.5");
        if (f.fill_side == side::sell && f.qty > pos)
          f.qty = pos;
        f.px = price::from_raw(f.px.raw() + static_cast<int64_t>(rng() % 500) * fixed_scale / 100);
        f.role = rng() % 2 ? liquidity::taker : liquidity::maker;
        f.fill_id = f.order_id = ++id;
        f.ts_event_ms = t;
        pos += f.fill_side == side::buy ? f.qty : -f.qty;
        in.fills.push_back(f);
      }
      if (rng() % 3 != 0) {
        equity_point p;
        p.ts_event_ms = t;
        p.equity = money::from_raw(static_cast<int64_t>(e * 1e8));
        p.cash = p.equity;
        p.mark = px("100");
        in.equity.push_back(p);
      }
    }
    if (trial % 2 == 0) {
      in.end_ms = t + static_cast<int64_t>(rng() % 100'000);
      in.end_mark = px("102");
    }
    std::string e1, e2;
    auto got = compute_performance(in, &e1);
    auto want = oracle::two_pass_performance(in, &e2);
    ASSERT_EQ(got.has_value(), want.has_value()) << "trial " << trial << ": " << e1 << " / " << e2;
    if (!got) {
      EXPECT_EQ(e1, e2);
      continue;
    }
    expect_same(*got, *want, "trial " + std::to_string(trial));
    compared += want->returns >= 2 && want->sharpe ? 1 : 0;
  }
  EXPECT_GE(compared, 40) << "most trials should have a defined Sharpe ratio to compare";
}

TEST(RunningPerformance, KeepsOnlyTheLatestTripsButCountsThemAll) {
  running_performance bounded(usd("1000"), 1000, bps{}, 3);
  metrics_input in;
  in.initial_cash = usd("1000");
  in.period_ms = 1000;
  for (int64_t i = 0; i < 20; ++i) {
    fill buy = make_fill(side::buy, "10", "1", "0.01");
    buy.fill_id = 2 * i + 1;
    buy.ts_event_ms = 100 * i;
    fill sell = make_fill(side::sell, i % 2 ? "11" : "9", "1", "0.01");
    sell.fill_id = 2 * i + 2;
    sell.ts_event_ms = 100 * i + 50;
    for (auto& f : {buy, sell}) {
      bounded.on_fill(f);
      in.fills.push_back(f);
    }
  }
  auto got = bounded.result();
  auto want = oracle::two_pass_performance(in, nullptr);
  ASSERT_TRUE(got && want);
  EXPECT_EQ(got->trips.size(), 3u);
  EXPECT_EQ(want->trips.size(), 20u);
  EXPECT_EQ(got->round_trips, 20);
  expect_same(*got, *want, "bounded trips");
}

TEST(RunningPerformance, TheFirstErrorIsKeptAndLaterInputIgnored) {
  running_performance run(usd("100"), 10);
  equity_point a, b;
  a.ts_event_ms = 20;
  a.equity = usd("100");
  b.ts_event_ms = 10;
  b.equity = usd("100");
  run.on_equity(a);
  run.on_equity(b);
  fill f = make_fill(side::sell, "1", "1", "0");
  f.fill_id = 9;
  run.on_fill(f); // would be an error of its own
  std::string error;
  EXPECT_FALSE(run.result(std::nullopt, std::nullopt, &error));
  EXPECT_EQ(error, "equity points out of time order at index 1");
  EXPECT_EQ(run.fills(), 0);

  running_performance bad_period(usd("100"), 0);
  EXPECT_FALSE(bad_period.result(std::nullopt, std::nullopt, &error));
  EXPECT_EQ(error, "period_ms must be positive");

  running_performance fine_grid(usd("100"), 1);
  a.ts_event_ms = 0;
  b.ts_event_ms = max_return_periods + 5;
  fine_grid.on_equity(a);
  fine_grid.on_equity(b);
  EXPECT_FALSE(fine_grid.result(std::nullopt, std::nullopt, &error));
  EXPECT_EQ(error, "period_ms 1 splits the window into more than 10000000 periods");
}

} // namespace
} // namespace pt::test
