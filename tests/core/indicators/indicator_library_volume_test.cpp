#include "core/indicators/volume.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <optional>
#include <vector>

#include "core/indicators/indicator_library.hpp"
#include "tests/support/talib_reference.hpp"

// vwap, obv and volume_profile: hand-computed cases, TA-Lib for OBV, and straightforward
// recompute-from-scratch references on real klines for the two TA-Lib does not have.

namespace pt {
namespace {

constexpr int64_t hour_ms = 3'600'000;
constexpr int64_t day_ms = 24 * hour_ms;

size_t halt_index(const std::vector<bar_input>& bars) {
  for (size_t i = 0; i < bars.size(); ++i)
    if (bars[i].open_time_ms == test::btc_halt_open_ms)
      return i;
  return bars.size();
}

// ---- vwap ------------------------------------------------------------------------------------

TEST(Vwap, MatchesHandComputedValuesAndResetsAtUtcMidnight) {
  const int64_t day = 19'440 * day_ms; // 2023-03-24 00:00 UTC
  vwap v;
  // Typical prices 10 and 20 with volumes 1 and 3: (10 + 60) / 4.
  EXPECT_EQ(v.update(day + 22 * hour_ms, 11, 9, 10, 1), 10.0);
  EXPECT_EQ(v.update(day + 23 * hour_ms, 21, 18, 21, 3), 17.5);
  // A new UTC day starts from its own first bar.
  EXPECT_EQ(v.update(day + day_ms, 31, 29, 30, 2), 30.0);
}

TEST(Vwap, IsUndefinedUntilTheDayHasVolumeAndIgnoresZeroVolumeBars) {
  const int64_t day = 19'440 * day_ms;
  vwap v;
  EXPECT_FALSE(v.update(day, 11, 9, 10, 0));
  EXPECT_EQ(v.update(day + hour_ms, 21, 18, 21, 2), 20.0);
  EXPECT_EQ(v.update(day + 2 * hour_ms, 50, 50, 50, 0), 20.0); // a halt hour changes nothing
  EXPECT_EQ(make_indicator("vwap", {}, price_source::close)->warmup_bars(), 0u);
}

TEST(Vwap, AnchorsBarsBeforeTheEpochAtTheirOwnMidnight) {
  vwap v;
  v.update(-day_ms - hour_ms, 11, 9, 10, 1); // 1969-12-30 23:00
  EXPECT_EQ(v.update(-day_ms, 21, 19, 20, 1), 20.0);
}

TEST(Vwap, MatchesARecomputationFromScratchOnRealKlines) {
  const auto& bars = test::cached_klines(test::btc_1h_klines, test::btc_1h_first_ms, test::btc_1h_count);
  ASSERT_EQ(bars.size(), test::btc_1h_count);
  auto ours = test::run_indicator("vwap", {}, price_source::close, bars, 0);
  for (size_t i = 0; i < bars.size(); ++i) {
    const int64_t day = bars[i].open_time_ms / day_ms;
    double pv = 0, v = 0;
    for (size_t j = i + 1; j-- > 0 && bars[j].open_time_ms / day_ms == day;) {
      pv += (bars[j].high + bars[j].low + bars[j].close) / 3.0 * bars[j].volume;
      v += bars[j].volume;
    }
    ASSERT_TRUE(ours[i]) << i;
    ASSERT_NEAR(*ours[i], pv / v, 1e-9 * std::fabs(pv / v)) << i;
  }
  const size_t halt = halt_index(bars);
  ASSERT_LT(halt, bars.size());
  EXPECT_EQ(bars[halt].volume, 0.0);
  EXPECT_EQ(ours[halt], ours[halt - 1]);
}

// ---- obv -------------------------------------------------------------------------------------

TEST(Obv, StartsAtTheFirstVolumeAsTaLib) {
  obv o;
  EXPECT_EQ(o.update(10, 5), 5.0);  // TA_OBV starts from the first bar's volume
  EXPECT_EQ(o.update(11, 3), 8.0);  // up: + volume
  EXPECT_EQ(o.update(9, 4), 4.0);   // down: − volume
  EXPECT_EQ(o.update(9, 7), 4.0);   // unchanged
  EXPECT_EQ(o.update(12, 0), 4.0);  // no volume
  auto ind = make_indicator("obv", {}, price_source::open);
  EXPECT_EQ(ind->warmup_bars(), 0u);
  ind->update(bar_input{0, 0, 1, 9, 0, 5, 2});
  ind->update(bar_input{0, 0, 2, 9, 0, 4, 3}); // open rose (close fell): the source decides
  EXPECT_EQ(ind->value(0), 5.0);
}

TEST(Obv, MatchesTaLibOnRealKlines) {
  test::expect_matches_talib_on_real_klines({"obv", "obv", {}});
  const auto& bars = test::cached_klines(test::btc_1h_klines, test::btc_1h_first_ms, test::btc_1h_count);
  auto ours = test::run_indicator("obv", {}, price_source::close, bars, 0);
  const size_t halt = halt_index(bars);
  ASSERT_LT(halt, bars.size());
  EXPECT_EQ(ours[halt], ours[halt - 1]);
}

// ---- volume_profile --------------------------------------------------------------------------

// Bars whose typical price is exactly `typical`.
bar_input at_price(double typical, double volume) { return bar_input{0, 0, typical, typical, typical, typical, volume}; }

TEST(VolumeProfile, MatchesHandComputedValues) {
  // Rows of 10. Volumes: row 10 (100–110): 5, row 11: 2, row 12: 1, row 13: 4, row 9: 3.
  // Total 15, 70 % = 10.5. From the POC (row 10, 5): above row 11 (2) vs below row 9 (3) → 9
  // (area 8); then row 11 (2) vs nothing below → 11 (area 10); then row 12 (1) → 11 ≥ 10.5.
  volume_profile vp(5, 10, 70);
  for (auto [price, volume] : {std::pair{105.0, 5.0}, std::pair{112.0, 2.0}, std::pair{125.0, 1.0}, std::pair{131.0, 4.0}})
    EXPECT_FALSE(vp.update(price, price, price, volume));
  auto v = vp.update(95, 95, 95, 3);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->poc, 105.0);
  EXPECT_EQ(v->val, 90.0);
  EXPECT_EQ(v->vah, 130.0);
}

TEST(VolumeProfile, TiesGoToTheLowerRow) {
  volume_profile vp(2, 10, 50);
  vp.update(25, 25, 25, 4);
  auto v = vp.update(15, 15, 15, 4);
  EXPECT_EQ(v->poc, 15.0);
  EXPECT_EQ(v->val, 10.0);
  EXPECT_EQ(v->vah, 20.0);
}

TEST(VolumeProfile, SpansEmptyRowsAndForgetsBarsThatLeaveTheWindow) {
  volume_profile vp(3, 1, 100);
  vp.update(10.5, 10.5, 10.5, 9); // row 10
  vp.update(2.5, 2.5, 2.5, 1);    // row 2
  auto v = vp.update(10.2, 10.2, 10.2, 1);
  EXPECT_EQ(v->poc, 10.5);
  EXPECT_EQ(v->val, 2.0); // the value area reaches row 2 across the empty rows 3 … 9
  EXPECT_EQ(v->vah, 11.0);
  v = vp.update(20.5, 20.5, 20.5, 5); // row 10 loses its 9: rows 2 (1), 10 (1), 20 (5)
  EXPECT_EQ(v->poc, 20.5);
  EXPECT_EQ(v->val, 2.0);
  EXPECT_EQ(v->vah, 21.0);
}

TEST(VolumeProfile, HasNoValueWithoutVolume) {
  auto ind = make_indicator("volume_profile", {2, 10, 70}, price_source::close);
  EXPECT_EQ(ind->warmup_bars(), 1u);
  ind->update(at_price(100, 0));
  ind->update(at_price(100, 0));
  EXPECT_FALSE(ind->value(0));
  ind->update(at_price(100, 1));
  EXPECT_EQ(ind->value(0), 105.0);
  ind->update(at_price(100, 0));
  EXPECT_EQ(ind->value(1), 110.0);
  ind->update(at_price(100, 0)); // the volume left the window
  EXPECT_FALSE(ind->value(2));
}

// The profile of bars[end − period, end) computed from scratch, by the catalog's definition.
std::optional<profile_value> profile_from_scratch(const std::vector<bar_input>& bars, size_t end, size_t period,
                                                  double row_size, int pct) {
  std::map<int64_t, __int128> rows;
  __int128 total = 0;
  for (size_t i = end - period; i < end; ++i) {
    const auto& b = bars[i];
    const auto units = static_cast<__int128>(std::nearbyint(b.volume * 1e8));
    if (units > 0) {
      rows[static_cast<int64_t>(std::floor((b.high + b.low + b.close) / 3.0 / row_size))] += units;
      total += units;
    }
  }
  if (total == 0)
    return std::nullopt;
  std::vector<std::pair<int64_t, __int128>> sorted(rows.begin(), rows.end());
  size_t poc = 0;
  for (size_t i = 1; i < sorted.size(); ++i)
    if (sorted[i].second > sorted[poc].second)
      poc = i;
  size_t lo = poc, hi = poc;
  __int128 area = sorted[poc].second;
  while (area * 100 < total * pct) {
    const bool up = hi + 1 < sorted.size() && (lo == 0 || sorted[hi + 1].second > sorted[lo - 1].second);
    area += up ? sorted[++hi].second : sorted[--lo].second;
  }
  return profile_value{(sorted[poc].first + 0.5) * row_size, (sorted[hi].first + 1) * row_size,
                       sorted[lo].first * row_size};
}

void expect_profile_matches_scratch(const std::vector<bar_input>& bars, size_t period, double row_size, int pct) {
  auto ind = make_indicator("volume_profile", {static_cast<double>(period), row_size, static_cast<double>(pct)},
                            price_source::close);
  for (size_t i = 0; i < bars.size(); ++i) {
    ind->update(bars[i]);
    auto expected = i + 1 >= period ? profile_from_scratch(bars, i + 1, period, row_size, pct) : std::nullopt;
    ASSERT_EQ(ind->value(0).has_value(), expected.has_value()) << i;
    if (!expected)
      continue;
    ASSERT_EQ(*ind->value(0), expected->poc) << i;
    ASSERT_EQ(*ind->value(1), expected->vah) << i;
    ASSERT_EQ(*ind->value(2), expected->val) << i;
    ASSERT_LE(*ind->value(2), *ind->value(0));
    ASSERT_LE(*ind->value(0), *ind->value(1));
  }
}

TEST(VolumeProfile, MatchesARecomputationFromScratchOnRealKlines) {
  const auto& btc = test::cached_klines(test::btc_1h_klines, test::btc_1h_first_ms, test::btc_1h_count);
  ASSERT_EQ(btc.size(), test::btc_1h_count);
  ASSERT_LT(halt_index(btc), btc.size());
  {
    SCOPED_TRACE("BTCUSDT 1h, 100 bars, rows of 50");
    expect_profile_matches_scratch(btc, 100, 50, 70);
  }
  {
    SCOPED_TRACE("BTCUSDT 1h, 24 bars, rows of 10, 68 %");
    expect_profile_matches_scratch(btc, 24, 10, 68);
  }
  const auto& doge = test::cached_klines(test::doge_1m_klines, test::doge_1m_first_ms, test::doge_1m_count);
  ASSERT_EQ(doge.size(), test::doge_1m_count);
  SCOPED_TRACE("DOGEUSDT 1m, 60 bars, rows of 0.0001");
  expect_profile_matches_scratch(doge, 60, 0.0001, 70);
}

} // namespace
} // namespace pt
