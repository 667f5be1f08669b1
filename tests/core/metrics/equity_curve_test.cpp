#include "core/metrics/equity_curve.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <optional>
#include <stdexcept>

#include "tests/support/builders.hpp"

namespace pt {
namespace {

using test::make_fill;
using test::px;
using test::qty;
using test::usd;

// An account that spent all of its 100 USDT on 1 unit at 100 (no fee): equity = mark.
ledger all_in_at_100() {
  ledger l(usd("100"));
  if (l.apply(make_fill(side::buy, "100", "1", "0")) != reject_reason::none)
    throw std::logic_error("setup buy rejected");
  return l;
}

TEST(EquityCurve, FirstMarkIsAlwaysAPoint) {
  equity_curve curve(60'000);
  ledger l(usd("1000"));
  EXPECT_FALSE(curve.last().has_value());
  auto p = curve.on_mark(5, l, px("20000"));
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->ts_event_ms, 5);
  EXPECT_EQ(p->equity, usd("1000"));
  EXPECT_EQ(p->cash, usd("1000"));
  EXPECT_TRUE(p->position_qty.is_zero());
  EXPECT_EQ(p->mark, px("20000"));
}

TEST(EquityCurve, EmitsAtMostOnePointPerInterval) {
  equity_curve curve(60'000);
  ledger l(usd("1000"));
  EXPECT_TRUE(curve.on_mark(0, l, px("1")));
  EXPECT_FALSE(curve.on_mark(30'000, l, px("1")));
  EXPECT_FALSE(curve.on_mark(59'999, l, px("1")));
  EXPECT_TRUE(curve.on_mark(60'000, l, px("1")));         // 60,000 since the last point
  EXPECT_FALSE(curve.on_mark(90'000, l, px("1")));
  EXPECT_TRUE(curve.on_mark(100'000, l, px("1"), true));   // forced
  EXPECT_FALSE(curve.on_mark(150'000, l, px("1")));        // 50,000 since the forced point
  EXPECT_TRUE(curve.on_mark(160'000, l, px("1")));
}

TEST(EquityCurve, ZeroIntervalEmitsEveryMark) {
  equity_curve curve(0);
  ledger l(usd("1000"));
  for (int64_t ts : {0, 0, 1, 2})
    EXPECT_TRUE(curve.on_mark(ts, l, px("1"))) << ts;
}

TEST(EquityCurve, PointValuesThePositionAtTheMark) {
  equity_curve curve(0);
  ledger l(usd("1000"));
  ASSERT_EQ(l.apply(make_fill(side::buy, "200", "2", "0.4")), reject_reason::none); // 400 + 0.4 fee
  auto p = curve.on_mark(1, l, px("210.5"));
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->cash, usd("599.6"));       // 1000 − 400 − 0.4
  EXPECT_EQ(p->position_qty, qty("2"));
  EXPECT_EQ(p->equity, usd("1020.6"));    // 599.6 + 2 × 210.5
}

TEST(EquityCurve, TracksPeakAndMaxDrawdown) {
  equity_curve curve(0);
  ledger l = all_in_at_100();
  // equity = mark: 100, 120 (peak), 90 (dd 30/120 = 0.25), 110, 60 (dd 60/120 = 0.5), 130 (new peak)
  for (const char* m : {"100", "120", "90", "110", "60", "130"})
    ASSERT_TRUE(curve.on_mark(1, l, px(m)));
  EXPECT_EQ(curve.peak(), usd("130"));
  EXPECT_DOUBLE_EQ(curve.max_drawdown(), 0.5);
}

TEST(EquityCurve, DrawdownCountsMarksThatAreNotSampled) {
  equity_curve curve(3'600'000); // one point per hour
  ledger l = all_in_at_100();
  EXPECT_TRUE(curve.on_mark(0, l, px("100")));
  EXPECT_FALSE(curve.on_mark(1'000, l, px("80"))); // not emitted, still a 20 % drawdown
  EXPECT_FALSE(curve.on_mark(2'000, l, px("95")));
  EXPECT_DOUBLE_EQ(curve.max_drawdown(), 0.2); // (100 − 80) / 100
  ASSERT_TRUE(curve.last().has_value());
  EXPECT_EQ(curve.last()->equity, usd("95")); // the latest mark, sampled or not
  EXPECT_EQ(curve.last()->ts_event_ms, 2'000);
}

TEST(EquityCurve, NoDrawdownWhileEquityRises) {
  equity_curve curve(0);
  ledger l = all_in_at_100();
  for (const char* m : {"100", "101", "101", "150"})
    curve.on_mark(1, l, px(m));
  EXPECT_DOUBLE_EQ(curve.max_drawdown(), 0.0);
  EXPECT_EQ(curve.peak(), usd("150"));
}

TEST(EquityCurve, OverflowGivesNoPoint) {
  equity_curve curve(0);
  ledger l(usd("100"));
  ASSERT_EQ(l.apply(make_fill(side::buy, "50", "2", "0")), reject_reason::none);
  // 2 × the largest price (~9.2e10) does not fit in the fixed-point range
  EXPECT_FALSE(curve.on_mark(1, l, price::from_raw(std::numeric_limits<int64_t>::max())).has_value());
  EXPECT_FALSE(curve.last().has_value());
}

} // namespace
} // namespace pt
