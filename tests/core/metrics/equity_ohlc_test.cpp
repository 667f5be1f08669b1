// Downsampled equity (core/metrics/equity_ohlc.hpp): buckets keep open/high/low/close and the
// drawdown inside them, and the max drawdown folded over buckets equals, to the raw unit, the one
// folded over the points they replaced: on a real hourly backtest and on random curves, whatever
// the bucket width and however a bucket was built up (point by point or merged from pieces).

#include <cstdint>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "core/metrics/equity_ohlc.hpp"
#include "tests/support/hourly_backtest.hpp"

namespace pt::test {
namespace {

equity_point point(int64_t ts, int64_t equity_raw) {
  return {ts, money::from_raw(equity_raw), money::from_raw(equity_raw / 2), quantity::from_raw(ts), price::from_raw(7)};
}

int64_t points_drawdown(int64_t initial, const std::vector<equity_point>& curve) {
  drawdown_fold f(initial);
  for (const auto& p : curve)
    f.add(p.equity.raw());
  return f.max_drawdown_raw();
}

// Buckets of `width` over `curve` (in time order); each bucket is built from pieces of random
// length merged together when `rng` is given, so `merge` is exercised as a later pass would.
std::vector<equity_ohlc> buckets_of(const std::vector<equity_point>& curve, int64_t width, std::mt19937_64* rng) {
  std::vector<equity_ohlc> out;
  std::optional<equity_ohlc> piece;
  auto flush = [&] {
    if (!piece)
      return;
    if (!out.empty() && out.back().bucket_start_ms == piece->bucket_start_ms)
      out.back().merge(*piece);
    else
      out.push_back(*piece);
    piece.reset();
  };
  for (const auto& p : curve) {
    if (piece && piece->bucket_start_ms != equity_ohlc::start_of(p.ts_event_ms, width))
      flush();
    if (piece)
      piece->add(p);
    else
      piece = equity_ohlc::of(p, width);
    if (rng && (*rng)() % 3 == 0)
      flush();
  }
  flush();
  return out;
}

int64_t buckets_drawdown(int64_t initial, const std::vector<equity_ohlc>& buckets) {
  drawdown_fold f(initial);
  for (const auto& b : buckets)
    f.add(b);
  return f.max_drawdown_raw();
}

TEST(EquityOhlc, BucketStartsAreFloorsOfTheWidth) {
  EXPECT_EQ(equity_ohlc::start_of(3'599'999, 3'600'000), 0);
  EXPECT_EQ(equity_ohlc::start_of(3'600'000, 3'600'000), 3'600'000);
  EXPECT_EQ(equity_ohlc::start_of(-1, 1'000), -1'000);
  EXPECT_EQ(equity_ohlc::start_of(-1'000, 1'000), -1'000);
}

TEST(EquityOhlc, ABucketKeepsOpenHighLowCloseTheAccountAtTheCloseAndItsInnerDrawdown) {
  auto b = equity_ohlc::of(point(1'000, 100), 10'000);
  for (auto [ts, e] : {std::pair{2'000, 120}, {3'000, 90}, {4'000, 150}, {5'000, 140}})
    b.add(point(ts, e));
  EXPECT_EQ(b.bucket_start_ms, 0);
  EXPECT_EQ(b.first_ms, 1'000);
  EXPECT_EQ(b.last_ms, 5'000);
  EXPECT_EQ(b.open.raw(), 100);
  EXPECT_EQ(b.high.raw(), 150);
  EXPECT_EQ(b.low.raw(), 90);
  EXPECT_EQ(b.close.raw(), 140);
  EXPECT_EQ(b.cash.raw(), 70);
  EXPECT_EQ(b.position_qty.raw(), 5'000);
  EXPECT_EQ(b.points, 5);
  // From 120 to 90: 25 %, larger than 150 → 140.
  EXPECT_EQ(b.max_drawdown_raw, drawdown_raw(120, 90));
  EXPECT_EQ(b.max_drawdown_raw, 25'000'000);
}

// The low before the high: the bucket's range would say (150 − 90) / 150 = 40 %, but the curve
// never fell from 150; the exact figure is the fall from the peak before the bucket.
TEST(EquityOhlc, ALowBeforeTheHighIsNotCountedAsAFallFromThatHigh) {
  std::vector<equity_point> curve{point(1'000, 100), point(11'000, 90), point(12'000, 150), point(13'000, 149)};
  auto buckets = buckets_of(curve, 10'000, nullptr);
  ASSERT_EQ(buckets.size(), 2u);
  EXPECT_EQ(buckets_drawdown(100, buckets), points_drawdown(100, curve));
  EXPECT_EQ(buckets_drawdown(100, buckets), 10'000'000);
}

TEST(EquityOhlc, MaxDrawdownOverBucketsEqualsThePointsOfARealBacktest) {
  auto run = run_hourly_backtest(6'000, [](auto&&...) {});
  ASSERT_GT(run.equity.size(), 5'000u);
  ASSERT_FALSE(run.fills.empty());
  int64_t initial = run.cfg.initial_cash.raw();
  int64_t expected = points_drawdown(initial, run.equity);
  ASSERT_GT(expected, 0);
  std::mt19937_64 rng(17);
  for (int64_t width : {backtest_hour_ms, 6 * backtest_hour_ms, 24 * backtest_hour_ms, 7 * 24 * backtest_hour_ms}) {
    auto whole = buckets_of(run.equity, width, nullptr);
    auto pieces = buckets_of(run.equity, width, &rng);
    EXPECT_EQ(buckets_drawdown(initial, whole), expected) << width;
    EXPECT_EQ(buckets_drawdown(initial, pieces), expected) << width;
    ASSERT_EQ(whole.size(), pieces.size());
    int64_t points = 0;
    for (size_t i = 0; i < whole.size(); ++i) {
      EXPECT_EQ(whole[i].max_drawdown_raw, pieces[i].max_drawdown_raw);
      EXPECT_EQ(whole[i].high, pieces[i].high);
      EXPECT_EQ(whole[i].low, pieces[i].low);
      EXPECT_EQ(whole[i].close, pieces[i].close);
      points += whole[i].points;
    }
    EXPECT_EQ(points, static_cast<int64_t>(run.equity.size()));
    // Buckets, then the rest as points (what the metrics route folds).
    size_t half = whole.size() / 2;
    drawdown_fold mixed(initial);
    int64_t cut = whole[half].bucket_start_ms;
    for (size_t i = 0; i < half; ++i)
      mixed.add(whole[i]);
    for (const auto& p : run.equity)
      if (p.ts_event_ms >= cut)
        mixed.add(p.equity.raw());
    EXPECT_EQ(mixed.max_drawdown_raw(), expected) << width;
  }
}

TEST(EquityOhlc, MaxDrawdownOverBucketsEqualsThePointsOfRandomCurves) {
  std::mt19937_64 rng(2026);
  for (int curve_no = 0; curve_no < 200; ++curve_no) {
    std::vector<equity_point> curve;
    int64_t e = 1'000'000'000'000; // 10,000.00000000
    int64_t ts = static_cast<int64_t>(rng() % 100'000) - 50'000;
    int n = 1 + static_cast<int>(rng() % 400);
    for (int i = 0; i < n; ++i) {
      ts += 1 + static_cast<int64_t>(rng() % 5'000);
      e += static_cast<int64_t>(rng() % 40'000'000'001) - 20'000'000'000; // ±200 a step, losses below 0 too
      curve.push_back(point(ts, e));
    }
    int64_t initial = curve_no % 2 ? 1'000'000'000'000 : curve.front().equity.raw();
    int64_t width = 1 + static_cast<int64_t>(rng() % 30'000);
    EXPECT_EQ(buckets_drawdown(initial, buckets_of(curve, width, &rng)), points_drawdown(initial, curve))
      << "curve " << curve_no << ", width " << width;
  }
}

} // namespace
} // namespace pt::test
