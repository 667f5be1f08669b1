#include "core/indicators/indicator_library.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "tests/support/talib_reference.hpp"

// The catalog, make_indicator, and the moving averages and RSI through the library interface.
// Families: indicator_library_trend_test (macd, bbands, donchian), indicator_library_momentum_test
// (atr, stoch, adx), indicator_library_volume_test (vwap, obv, volume_profile).

namespace pt {
namespace {

// Close-only bars.
std::vector<bar_input> closes(const std::vector<double>& xs) {
  std::vector<bar_input> bars;
  for (double x : xs) {
    bar_input bar;
    bar.open = bar.high = bar.low = bar.close = x;
    bars.push_back(bar);
  }
  return bars;
}

std::vector<double> defaults_of(const indicator_type_info& info) {
  std::vector<double> params;
  for (const auto& p : info.params)
    params.push_back(p.default_value);
  return params;
}

// ---- catalog ---------------------------------------------------------------------------------

TEST(IndicatorLibrary, CatalogListsEveryTypeOnceInOrder) {
  std::vector<std::string> names;
  for (const auto& info : indicator_types())
    names.push_back(info.type);
  EXPECT_EQ(names, (std::vector<std::string>{"sma", "ema", "wma", "rsi", "macd", "bbands", "atr", "stoch", "adx",
                                             "vwap", "obv", "donchian", "volume_profile"}));
}

TEST(IndicatorLibrary, CatalogEntriesAreComplete) {
  for (const auto& info : indicator_types()) {
    SCOPED_TRACE(info.type);
    EXPECT_FALSE(info.description.empty());
    EXPECT_FALSE(info.source_note.empty());
    ASSERT_FALSE(info.outputs.empty());
    EXPECT_EQ(std::set<std::string>(info.outputs.begin(), info.outputs.end()).size(), info.outputs.size());
    for (const auto& p : info.params) {
      SCOPED_TRACE(p.name);
      EXPECT_FALSE(p.description.empty());
      EXPECT_LE(p.min, p.default_value);
      EXPECT_LE(p.default_value, p.max);
      if (p.integer) {
        EXPECT_EQ(p.default_value, std::round(p.default_value));
      }
    }
  }
}

TEST(IndicatorLibrary, CatalogKnowsParametersOutputsAndSources) {
  const auto* macd = find_indicator_type("macd");
  ASSERT_NE(macd, nullptr);
  ASSERT_EQ(macd->params.size(), 3u);
  EXPECT_EQ(macd->params[0].name, "fast");
  EXPECT_EQ(macd->params[1].default_value, 26);
  EXPECT_EQ(macd->params[2].name, "signal");
  EXPECT_EQ(macd->outputs, (std::vector<std::string>{"macd", "signal", "histogram"}));
  EXPECT_TRUE(macd->uses_source);
  EXPECT_EQ(find_indicator_type("rsi")->params[0].default_value, 14);
  EXPECT_EQ(find_indicator_type("bbands")->outputs, (std::vector<std::string>{"middle", "upper", "lower"}));
  EXPECT_FALSE(find_indicator_type("bbands")->params[1].integer);
  EXPECT_EQ(find_indicator_type("adx")->outputs, (std::vector<std::string>{"adx", "plus_di", "minus_di"}));
  EXPECT_EQ(find_indicator_type("donchian")->outputs, (std::vector<std::string>{"upper", "lower", "middle"}));
  EXPECT_EQ(find_indicator_type("volume_profile")->outputs, (std::vector<std::string>{"poc", "vah", "val"}));
  EXPECT_TRUE(find_indicator_type("vwap")->params.empty());
  EXPECT_FALSE(find_indicator_type("atr")->uses_source);
  EXPECT_FALSE(find_indicator_type("vwap")->uses_source);
  EXPECT_EQ(find_indicator_type("SMA"), nullptr);
  EXPECT_EQ(find_indicator_type("kama"), nullptr);
}

TEST(IndicatorLibrary, PriceSourceRoundTrips) {
  for (auto s : {price_source::open, price_source::high, price_source::low, price_source::close})
    EXPECT_EQ(parse_price_source(to_string(s)), s);
  EXPECT_FALSE(parse_price_source("Close"));
  EXPECT_FALSE(parse_price_source("hl2"));
  bar_input bar{0, 0, 1, 4, 0.5, 2, 9};
  EXPECT_EQ(price_of(bar, price_source::open), 1);
  EXPECT_EQ(price_of(bar, price_source::high), 4);
  EXPECT_EQ(price_of(bar, price_source::low), 0.5);
  EXPECT_EQ(price_of(bar, price_source::close), 2);
}

// ---- make_indicator --------------------------------------------------------------------------

TEST(IndicatorLibrary, MakeIndicatorRejectsUnknownTypesAndWrongParameterCounts) {
  EXPECT_EQ(make_indicator("kama", {10}, price_source::close), nullptr);
  EXPECT_EQ(make_indicator("sma", {}, price_source::close), nullptr);
  EXPECT_EQ(make_indicator("macd", {12, 26}, price_source::close), nullptr);
  EXPECT_EQ(make_indicator("vwap", {1}, price_source::close), nullptr);
  EXPECT_NE(make_indicator("vwap", {}, price_source::close), nullptr);
}

// Every type, with its defaults, on real bars: the first bar with a main value is bar
// warmup_bars(), every output has a value from then on (vwap/volume_profile aside: they have
// none without volume), and an output index past the outputs never has one.
TEST(IndicatorLibrary, WarmupBarsIsTheFirstBarWithEveryOutput) {
  const auto& bars = test::cached_klines(test::btc_1h_klines, test::btc_1h_first_ms, test::btc_1h_count);
  ASSERT_EQ(bars.size(), test::btc_1h_count);
  for (const auto& info : indicator_types()) {
    SCOPED_TRACE(info.type);
    auto ind = make_indicator(info.type, defaults_of(info), price_source::close);
    ASSERT_NE(ind, nullptr);
    std::optional<size_t> first;
    for (size_t i = 0; i < bars.size(); ++i) {
      ind->update(bars[i]);
      if (!first && ind->value(0))
        first = i;
      for (size_t out = 0; first && out < info.outputs.size(); ++out)
        ASSERT_TRUE(ind->value(out)) << "bar " << i << " output " << info.outputs[out];
      ASSERT_FALSE(ind->value(info.outputs.size()));
    }
    ASSERT_TRUE(first);
    EXPECT_EQ(*first, ind->warmup_bars());
  }
}

// ---- sma, ema, wma, rsi ----------------------------------------------------------------------

std::vector<std::optional<double>> run(const std::string& type, const std::vector<double>& params,
                                       const std::vector<double>& xs) {
  return test::run_indicator(type, params, price_source::close, closes(xs), 0);
}

TEST(Sma, LibraryWrapsTheIncrementalSma) {
  auto out = run("sma", {3}, {1, 2, 3, 4, 10});
  EXPECT_FALSE(out[1]);
  EXPECT_DOUBLE_EQ(*out[2], 2.0);
  EXPECT_DOUBLE_EQ(*out[4], 17.0 / 3.0); // (3 + 4 + 10) / 3
  EXPECT_EQ(make_indicator("sma", {3}, price_source::close)->warmup_bars(), 2u);
}

TEST(Sma, ReadsTheConfiguredSource) {
  bar_input bar{0, 0, 1, 4, 0.5, 2, 9};
  for (auto [source, expected] : {std::pair{price_source::open, 1.0}, std::pair{price_source::high, 4.0},
                                  std::pair{price_source::low, 0.5}, std::pair{price_source::close, 2.0}}) {
    auto ind = make_indicator("sma", {1}, source);
    ind->update(bar);
    EXPECT_EQ(ind->value(0), expected) << to_string(source);
  }
}

TEST(Ema, SeedsWithTheSmaThenSmooths) {
  auto out = run("ema", {3}, {2, 4, 6, 10});
  EXPECT_FALSE(out[1]);
  EXPECT_DOUBLE_EQ(*out[2], 4.0);            // SMA of 2, 4, 6
  EXPECT_DOUBLE_EQ(*out[3], 4.0 + 0.5 * 6);  // α = 2 / (3 + 1)
}

TEST(Wma, MatchesHandComputedValues) {
  auto out = run("wma", {3}, {1, 2, 3, 4, 10});
  EXPECT_FALSE(out[0]);
  EXPECT_FALSE(out[1]);
  EXPECT_DOUBLE_EQ(*out[2], (1 * 1 + 2 * 2 + 3 * 3) / 6.0);
  EXPECT_DOUBLE_EQ(*out[3], (1 * 2 + 2 * 3 + 3 * 4) / 6.0);
  EXPECT_DOUBLE_EQ(*out[4], (1 * 3 + 2 * 4 + 3 * 10) / 6.0);
  EXPECT_EQ(run("wma", {1}, {5, 7})[1], 7.0);
}

TEST(Wma, StaysExactOverLongRuns) {
  // Inputs of very different sizes would leave rounding residue in running sums; the periodic
  // exact re-sum removes it.
  std::vector<double> xs;
  for (int i = 0; i < 10'000; ++i)
    xs.push_back(i % 7 == 0 ? 1e9 : 0.25 * (i % 5));
  xs.insert(xs.end(), {1, 2, 3, 4});
  auto out = run("wma", {4}, xs);
  EXPECT_EQ(*out.back(), (1 * 1 + 2 * 2 + 3 * 3 + 4 * 4) / 10.0);
}

TEST(Rsi, MatchesHandComputedValues) {
  // Changes +2, −1, +3: average gain 5/3, loss 1/3 → RSI = 100 · 5 / 6.
  auto out = run("rsi", {3}, {10, 12, 11, 14});
  EXPECT_FALSE(out[2]);
  EXPECT_DOUBLE_EQ(*out[3], 100.0 * 5.0 / 6.0);
  EXPECT_EQ(make_indicator("rsi", {3}, price_source::close)->warmup_bars(), 3u);
}

TEST(Sma, MatchesTaLibOnRealKlines) {
  test::expect_matches_talib_on_real_klines({"sma_20", "sma", {20}});
  test::expect_matches_talib_on_real_klines({"sma_7_high", "sma", {7}, price_source::high});
}

TEST(Ema, MatchesTaLibOnRealKlines) {
  test::expect_matches_talib_on_real_klines({"ema_20", "ema", {20}});
  test::expect_matches_talib_on_real_klines({"ema_9_open", "ema", {9}, price_source::open});
}

TEST(Wma, MatchesTaLibOnRealKlines) {
  test::expect_matches_talib_on_real_klines({"wma_20", "wma", {20}});
  test::expect_matches_talib_on_real_klines({"wma_5_low", "wma", {5}, price_source::low});
}

TEST(Rsi, MatchesTaLibOnRealKlines) {
  test::expect_matches_talib_on_real_klines({"rsi_14", "rsi", {14}});
  test::expect_matches_talib_on_real_klines({"rsi_5", "rsi", {5}});
}

} // namespace
} // namespace pt
