#include "core/indicators/trend.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <vector>

#include "core/indicators/indicator_library.hpp"
#include "tests/support/talib_reference.hpp"

// macd, bbands and donchian: hand-computed cases and agreement with real TA-Lib.

namespace pt {
namespace {

bar_input hl(double high, double low) {
  bar_input bar;
  bar.high = high;
  bar.low = low;
  bar.open = bar.close = (high + low) / 2;
  return bar;
}

// ---- macd ------------------------------------------------------------------------------------

TEST(Macd, MatchesHandComputedValues) {
  // fast 2, slow 3, signal 2 on 1, 2, 4, 8, 16.
  macd m(2, 3, 2);
  EXPECT_EQ(m.lookback(), 3u);
  EXPECT_FALSE(m.update(1));
  EXPECT_FALSE(m.update(2));
  // Bar 2: slow = SMA(1, 2, 4) = 7/3; fast = SMA(2, 4) = 3 (aligned with the slow seed, as TA-Lib);
  // MACD = 2/3, but the signal needs a second MACD value.
  EXPECT_FALSE(m.update(4));
  // Bar 3: slow = 7/3 + ½ (8 − 7/3) = 31/6; fast = 3 + ⅔ (8 − 3) = 19/3; MACD = 7/6;
  // signal = SMA(2/3, 7/6) = 11/12; histogram = 1/4.
  auto v = m.update(8);
  ASSERT_TRUE(v);
  EXPECT_NEAR(v->macd, 7.0 / 6.0, 1e-12);
  EXPECT_NEAR(v->signal, 11.0 / 12.0, 1e-12);
  EXPECT_NEAR(v->histogram, 0.25, 1e-12);
  // Bar 4: slow = 31/6 + ½ (16 − 31/6) = 127/12; fast = 19/3 + ⅔ (16 − 19/3) = 115/9;
  // MACD = 115/9 − 127/12 = 79/36; signal = 11/12 + ⅔ (79/36 − 11/12) = 191/108.
  v = m.update(16);
  EXPECT_NEAR(v->macd, 79.0 / 36.0, 1e-12);
  EXPECT_NEAR(v->signal, 191.0 / 108.0, 1e-12);
  EXPECT_NEAR(v->histogram, 79.0 / 36.0 - 191.0 / 108.0, 1e-12);
}

TEST(Macd, SwapsASlowPeriodShorterThanTheFastOne) {
  macd a(2, 3, 2), b(3, 2, 2);
  for (double x : {5.0, 3.0, 8.0, 1.0, 9.0, 4.0}) {
    auto va = a.update(x), vb = b.update(x);
    ASSERT_EQ(va.has_value(), vb.has_value());
    if (va) {
      EXPECT_EQ(va->macd, vb->macd);
    }
  }
}

TEST(Macd, LibraryExposesLineSignalAndHistogram) {
  auto ind = make_indicator("macd", {2, 3, 2}, price_source::close);
  EXPECT_EQ(ind->warmup_bars(), 3u);
  for (double x : {1.0, 2.0, 4.0, 8.0}) {
    bar_input bar;
    bar.close = x;
    ind->update(bar);
  }
  EXPECT_NEAR(*ind->value(0), 7.0 / 6.0, 1e-12);
  EXPECT_NEAR(*ind->value(1), 11.0 / 12.0, 1e-12);
  EXPECT_NEAR(*ind->value(2), 0.25, 1e-12);
}

TEST(Macd, MatchesTaLibOnRealKlines) {
  for (size_t out = 0; out < 3; ++out) {
    const char* names[] = {"macd", "signal", "histogram"};
    test::expect_matches_talib_on_real_klines({std::string("macd_12_26_9.") + names[out], "macd", {12, 26, 9}, price_source::close, out});
    test::expect_matches_talib_on_real_klines({std::string("macd_5_13_4.") + names[out], "macd", {5, 13, 4}, price_source::close, out});
  }
}

// ---- bbands ----------------------------------------------------------------------------------

TEST(Bbands, MatchesHandComputedValues) {
  bbands b(3, 2);
  EXPECT_FALSE(b.update(1));
  EXPECT_FALSE(b.update(2));
  auto v = b.update(3); // mean 2, population variance (1 + 0 + 1) / 3
  ASSERT_TRUE(v);
  EXPECT_DOUBLE_EQ(v->middle, 2.0);
  EXPECT_NEAR(v->upper, 2.0 + 2 * std::sqrt(2.0 / 3.0), 1e-12);
  EXPECT_NEAR(v->lower, 2.0 - 2 * std::sqrt(2.0 / 3.0), 1e-12);
  v = b.update(8); // 2, 3, 8: mean 13/3, variance (49 + 16 + 121) / 27
  EXPECT_NEAR(v->middle, 13.0 / 3.0, 1e-12);
  EXPECT_NEAR(v->upper - v->middle, 2 * std::sqrt(186.0 / 27.0), 1e-12);
}

TEST(Bbands, FlatWindowHasZeroWidthEvenAtLargePrices) {
  bbands b(4, 2);
  for (double x : {98'765.43, 12.5, 98'765.43, 98'765.43, 98'765.43, 98'765.43, 98'765.43})
    b.update(x);
  EXPECT_EQ(b.value()->upper, 98'765.43);
  EXPECT_EQ(b.value()->lower, 98'765.43);
}

TEST(Bbands, MatchesTaLibOnRealKlines) {
  const char* names[] = {"middle", "upper", "lower"};
  for (size_t out = 0; out < 3; ++out) {
    test::expect_matches_talib_on_real_klines({std::string("bbands_20_2.") + names[out], "bbands", {20, 2}, price_source::close, out});
    test::expect_matches_talib_on_real_klines({std::string("bbands_10_1.5.") + names[out], "bbands", {10, 1.5}, price_source::close, out});
  }
}

// ---- donchian --------------------------------------------------------------------------------

TEST(Donchian, MatchesHandComputedValues) {
  donchian d(3);
  EXPECT_FALSE(d.update(10, 8));
  EXPECT_FALSE(d.update(12, 9));
  auto v = d.update(11, 7);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->upper, 12);
  EXPECT_EQ(v->lower, 7);
  EXPECT_EQ(v->middle, 9.5);
  v = d.update(9, 8.5); // window 12/9, 11/7, 9/8.5
  EXPECT_EQ(v->upper, 12);
  v = d.update(9, 8.5); // 11/7, 9/8.5, 9/8.5: the 12 high left
  EXPECT_EQ(v->upper, 11);
  EXPECT_EQ(v->lower, 7);
  v = d.update(9, 8.5); // the 7 low left
  EXPECT_EQ(v->upper, 9);
  EXPECT_EQ(v->lower, 8.5);
}

TEST(Donchian, LibraryOutputsUpperLowerMiddle) {
  auto ind = make_indicator("donchian", {2}, price_source::close);
  EXPECT_EQ(ind->warmup_bars(), 1u);
  ind->update(hl(5, 1));
  EXPECT_FALSE(ind->value(0));
  ind->update(hl(4, 2));
  EXPECT_EQ(ind->value(0), 5.0);
  EXPECT_EQ(ind->value(1), 1.0);
  EXPECT_EQ(ind->value(2), 3.0);
}

TEST(Donchian, MatchesTaLibMaxAndMinOnRealKlines) {
  test::expect_matches_talib_on_real_klines({"max_20_high", "donchian", {20}, price_source::close, 0});
  test::expect_matches_talib_on_real_klines({"min_20_low", "donchian", {20}, price_source::close, 1});
  test::expect_matches_talib_on_real_klines({"max_5_high", "donchian", {5}, price_source::close, 0});
  test::expect_matches_talib_on_real_klines({"min_5_low", "donchian", {5}, price_source::close, 1});
}

} // namespace
} // namespace pt
