#include "core/indicators/momentum.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "core/indicators/indicator_library.hpp"
#include "tests/support/talib_reference.hpp"

// atr, stoch and adx: hand-computed cases and agreement with real TA-Lib.

namespace pt {
namespace {

struct hlc {
  double high, low, close;
};

bar_input bar_of(const hlc& x) {
  bar_input bar;
  bar.open = x.close;
  bar.high = x.high;
  bar.low = x.low;
  bar.close = x.close;
  return bar;
}

// ---- atr -------------------------------------------------------------------------------------

TEST(TrueRange, TakesTheGapToThePreviousClose) {
  EXPECT_EQ(true_range(11, 9, 10), 2);   // inside: high − low
  EXPECT_EQ(true_range(15, 13, 11), 4);  // gap up: high − previous close
  EXPECT_EQ(true_range(14, 10, 18), 8);  // gap down: previous close − low
}

TEST(Atr, MatchesHandComputedValues) {
  // TR from bar 1: 2, 3, 4, 4. First ATR (bar 3) = (2 + 3 + 4) / 3 = 3; then (3 · 2 + 4) / 3.
  atr a(3);
  EXPECT_FALSE(a.update(10, 8, 9));
  EXPECT_FALSE(a.update(11, 9, 10));
  EXPECT_FALSE(a.update(12, 9, 11));
  EXPECT_EQ(a.update(15, 13, 14), 3.0);
  EXPECT_DOUBLE_EQ(*a.update(14, 10, 12), 10.0 / 3.0);
  EXPECT_EQ(make_indicator("atr", {3}, price_source::close)->warmup_bars(), 3u);
}

TEST(Atr, PeriodOneIsTheTrueRange) {
  atr a(1);
  EXPECT_FALSE(a.update(10, 8, 9));
  EXPECT_EQ(a.update(11, 9, 10), 2.0);
  EXPECT_EQ(a.update(15, 13, 14), 5.0);
}

TEST(Atr, MatchesTaLibOnRealKlines) {
  test::expect_matches_talib_on_real_klines({"atr_14", "atr", {14}});
  test::expect_matches_talib_on_real_klines({"atr_5", "atr", {5}});
}

// ---- stoch -----------------------------------------------------------------------------------

TEST(Stoch, MatchesHandComputedValues) {
  // k_period 3, k_smooth 2, d_period 2: fast %K from bar 2 = 20, 250/3, 100;
  // %K = 155/3 (bar 3), 275/3 (bar 4); %D (bar 4) = 215/3.
  stoch s(3, 2, 2);
  EXPECT_FALSE(s.update(10, 8, 9));
  EXPECT_FALSE(s.update(12, 9, 11));
  EXPECT_FALSE(s.update(11, 7, 8));   // fast %K = (8 − 7) / (12 − 7) · 100
  EXPECT_FALSE(s.update(13, 10, 12)); // fast %K = (12 − 7) / (13 − 7) · 100
  auto v = s.update(14, 11, 14);      // fast %K = (14 − 7) / (14 − 7) · 100
  ASSERT_TRUE(v);
  EXPECT_NEAR(v->k, 275.0 / 3.0, 1e-12);
  EXPECT_NEAR(v->d, 215.0 / 3.0, 1e-12);
  EXPECT_EQ(make_indicator("stoch", {3, 2, 2}, price_source::close)->warmup_bars(), 4u);
}

TEST(Stoch, FlatRangeGivesZeroAsTaLib) {
  stoch s(2, 1, 1);
  s.update(5, 5, 5);
  EXPECT_EQ(s.update(5, 5, 5)->k, 0.0);
}

TEST(Stoch, MatchesTaLibOnRealKlines) {
  // scale 1: TA-Lib's running SMA sums leave ~1e-13 where the exact %K is 0.
  test::expect_matches_talib_on_real_klines({"stoch_14_3_3.k", "stoch", {14, 3, 3}, price_source::close, 0, 1.0});
  test::expect_matches_talib_on_real_klines({"stoch_14_3_3.d", "stoch", {14, 3, 3}, price_source::close, 1, 1.0});
  test::expect_matches_talib_on_real_klines({"stoch_5_3_4.k", "stoch", {5, 3, 4}, price_source::close, 0, 1.0});
  test::expect_matches_talib_on_real_klines({"stoch_5_3_4.d", "stoch", {5, 3, 4}, price_source::close, 1, 1.0});
}

// ---- adx -------------------------------------------------------------------------------------

TEST(Adx, MatchesHandComputedValues) {
  // period 2. Bar 1: +DM 2, TR 3 (plain sums). Bar 2: +DM 2 − 1 + 1 = 2, TR 3 − 1.5 + 3 = 4.5:
  // +DI = 400/9, −DI = 0, DX = 100. Bar 3: +DM = 1, −DM = 2, TR = 6.25: +DI 16, −DI 32,
  // DX = 100/3; first ADX = (100 + 100/3) / 2. Bar 4: no movement, TR 3: +DM 0.5, −DM 1,
  // TR 6.125, DX = 100/3, ADX = (200/3 + 100/3) / 2 = 50.
  adx a(2);
  const std::vector<hlc> bars{{10, 8, 9}, {12, 9, 11}, {13, 10, 12}, {12, 8, 9}, {12, 9, 11}};
  EXPECT_FALSE(a.update(10, 8, 9).plus_di);
  EXPECT_FALSE(a.update(12, 9, 11).plus_di);
  const adx_value& v2 = a.update(13, 10, 12);
  EXPECT_FALSE(v2.adx);
  EXPECT_NEAR(*v2.plus_di, 400.0 / 9.0, 1e-12);
  EXPECT_EQ(*v2.minus_di, 0.0);
  const adx_value& v3 = a.update(12, 8, 9);
  EXPECT_NEAR(*v3.plus_di, 16.0, 1e-12);
  EXPECT_NEAR(*v3.minus_di, 32.0, 1e-12);
  EXPECT_NEAR(*v3.adx, 200.0 / 3.0, 1e-12);
  EXPECT_NEAR(*a.update(12, 9, 11).adx, 50.0, 1e-12);

  auto ind = make_indicator("adx", {2}, price_source::close);
  EXPECT_EQ(ind->warmup_bars(), 3u);
  for (const auto& x : bars)
    ind->update(bar_of(x));
  EXPECT_NEAR(*ind->value(0), 50.0, 1e-12);
  EXPECT_NEAR(*ind->value(1), 100.0 * 0.5 / 6.125, 1e-12);
  EXPECT_NEAR(*ind->value(2), 100.0 * 1.0 / 6.125, 1e-12);
}

TEST(Adx, DirectionalIndicatorsStartBeforeTheAdx) {
  auto ind = make_indicator("adx", {3}, price_source::close);
  const std::vector<hlc> bars{{10, 8, 9}, {12, 9, 11}, {13, 10, 12}, {12, 8, 9}, {12, 9, 11}, {14, 9, 13}};
  for (size_t i = 0; i < bars.size(); ++i) {
    ind->update(bar_of(bars[i]));
    EXPECT_EQ(ind->value(1).has_value(), i >= 3) << i; // TA_PLUS_DI lookback = period
    EXPECT_EQ(ind->value(0).has_value(), i >= 5) << i; // TA_ADX lookback = 2 · period − 1
  }
}

TEST(Adx, FlatMarketHasZeroIndicatorsAndKeepsTheAdx) {
  adx a(2);
  for (int i = 0; i < 6; ++i)
    a.update(7, 7, 7);
  EXPECT_EQ(a.value().plus_di, 0.0);
  EXPECT_EQ(a.value().minus_di, 0.0);
  EXPECT_EQ(a.value().adx, 0.0); // every DX undefined: the first ADX is 0 / n, as TA-Lib
}

TEST(Adx, MatchesTaLibOnRealKlines) {
  for (double period : {14.0, 7.0}) {
    const std::string p = std::to_string(static_cast<int>(period));
    test::expect_matches_talib_on_real_klines({"adx_" + p, "adx", {period}, price_source::close, 0});
    test::expect_matches_talib_on_real_klines({"plus_di_" + p, "adx", {period}, price_source::close, 1});
    test::expect_matches_talib_on_real_klines({"minus_di_" + p, "adx", {period}, price_source::close, 2});
  }
}

} // namespace
} // namespace pt
