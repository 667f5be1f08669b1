// The series engine: bars of several timeframes, indicator outputs by name, tick evaluation,
// and no look-ahead into a forming higher-timeframe bar.

#include "core/indicators/series_engine.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "tests/support/builders.hpp"
#include "tests/support/strategy_builders.hpp"

namespace pt::test {
namespace {

strategy_spec base_spec(const std::string& entry, const std::string& exit = "close < 0") {
  strategy_spec s;
  s.name = "t";
  s.timeframe_ms = minute_ms;
  s.entry_rule = entry;
  s.exit_rule = exit;
  return s;
}


size_t column(const compiled_strategy& cs, const std::string& name) {
  for (size_t i = 0; i < cs.series.size(); ++i)
    if (cs.series[i].name == name)
      return i;
  throw std::runtime_error("no column " + name);
}

// 1m klines with closes 100, 101, 102, … starting at an hour boundary.
std::vector<market_event> rising_klines(int n) {
  std::vector<market_event> out;
  for (int i = 0; i < n; ++i) {
    std::string c = std::to_string(100 + i);
    out.push_back(kline_event(make_kline(hour_aligned_ms + i * minute_ms, minute_ms, c, c, c, c, "1")));
  }
  return out;
}

TEST(CompileStrategy, ResolvesFieldsOutputsAndTimeframesOnce) {
  auto spec = base_spec("close > sma_3 and close@1h > 0 and close > sma_3[1]", "close@1h < sma_3@1h");
  spec.indicators.push_back({"sma_3", "sma", {3}, price_source::close});
  auto cs = compile_or_fail(spec);
  // open high low close volume, sma_3, close@1h, sma_3@1h: each once.
  ASSERT_EQ(cs.series.size(), 8u);
  EXPECT_EQ(cs.series[3].name, "close");
  EXPECT_EQ(cs.series[column(cs, "close@1h")].timeframe_ms, hour_ms);
  EXPECT_EQ(cs.series[column(cs, "sma_3@1h")].indicator, 0);
}

TEST(CompileStrategy, RejectsLowerOrUnalignedTimeframesAndUnknownOutputs) {
  auto spec = base_spec("close@30s > 1 or close@90s > 1", "bb.middle > 1 or bb.nope > 1");
  spec.indicators.push_back({"bb", "bbands", {20, 2}, price_source::close});
  std::vector<strategy_rule_error> errors;
  EXPECT_FALSE(compile_strategy(spec, errors));
  // The compiler stops at the first problem of each rule.
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].rule, "entry");
  EXPECT_NE(errors[0].error.message.find("whole multiple"), std::string::npos);
  EXPECT_EQ(errors[1].rule, "exit");
  EXPECT_NE(errors[1].error.message.find("bb.upper"), std::string::npos) << errors[1].error.message;
  EXPECT_EQ(errors[1].error.offset, std::string("bb.middle > 1 or ").size());
}

TEST(CompileStrategy, RejectsTheStrategysOwnTimeframeAfterAt) {
  std::vector<strategy_rule_error> errors;
  EXPECT_FALSE(compile_strategy(base_spec("close@1m > 0"), errors));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].error.message.find("write 'close'"), std::string::npos) << errors[0].error.message;
}

TEST(SeriesEngine, OneRowPerClosedBarWithIndicatorValues) {
  auto spec = base_spec("close > sma_3");
  spec.indicators.push_back({"sma_3", "sma", {3}, price_source::close});
  auto cs = compile_or_fail(spec);
  series_engine engine(cs);
  std::vector<series_row> rows;
  for (auto& ev : rising_klines(4))
    engine.on_event(ev, rows);
  ASSERT_EQ(rows.size(), 4u);
  auto sma = column(cs, "sma_3");
  EXPECT_TRUE(std::isnan(rows[1].values[sma]));   // two bars: still warming up
  EXPECT_DOUBLE_EQ(rows[2].values[sma], 101.0);   // (100 + 101 + 102) / 3
  EXPECT_DOUBLE_EQ(rows[3].values[sma], 102.0);
  EXPECT_DOUBLE_EQ(rows[3].values[column(cs, "close")], 103.0);
  EXPECT_TRUE(rows[3].bar_closed);
  EXPECT_EQ(rows[3].bar.open_time_ms, hour_aligned_ms + 3 * minute_ms);
}

TEST(SeriesEngine, HigherTimeframeShowsOnlyItsLastClosedBar) {
  auto cs = compile_or_fail(base_spec("close@1h > 0"));
  series_engine engine(cs);
  std::vector<series_row> rows;
  for (auto& ev : rising_klines(61)) // 10:00 … 11:00 (the 11:00 bar opens a new hour)
    engine.on_event(ev, rows);
  auto hourly = column(cs, "close@1h");
  // Until the first hour is complete there is no closed 1h bar.
  for (int i = 0; i < 59; ++i)
    EXPECT_TRUE(std::isnan(rows[static_cast<size_t>(i)].values[hourly])) << "minute " << i;
  // The minute that completes the hour sees it (close 159), and so does the next one.
  EXPECT_DOUBLE_EQ(rows[59].values[hourly], 159.0);
  EXPECT_DOUBLE_EQ(rows[60].values[hourly], 159.0);
}

TEST(SeriesEngine, TickEvaluationSamplesTheFormingBar) {
  auto spec = base_spec("close > 0");
  spec.evaluation = evaluate_on::tick;
  auto cs = compile_or_fail(spec);
  series_engine engine(cs);
  std::vector<series_row> rows;
  engine.on_event(trade_event(hour_aligned_ms + 1'000, "100"), rows);
  engine.on_event(book_event(hour_aligned_ms + 1'500, "99", "101"), rows); // not a tick for the rules
  engine.on_event(trade_event(hour_aligned_ms + 2'000, "105"), rows);
  engine.on_event(trade_event(hour_aligned_ms + minute_ms + 1, "90"), rows); // closes the first bar
  ASSERT_EQ(rows.size(), 3u);
  auto close = column(cs, "close");
  auto high = column(cs, "high");
  EXPECT_DOUBLE_EQ(rows[0].values[close], 100.0);
  EXPECT_DOUBLE_EQ(rows[1].values[close], 105.0);
  EXPECT_DOUBLE_EQ(rows[1].values[high], 105.0);
  EXPECT_FALSE(rows[1].bar_closed);
  EXPECT_TRUE(rows[2].bar_closed);
  EXPECT_DOUBLE_EQ(rows[2].bar.close.to_double(), 105.0);
  EXPECT_DOUBLE_EQ(rows[2].values[close], 90.0); // the new forming bar
}

TEST(SignalRules, ReportsTheValuesItsRulesRead) {
  auto spec = base_spec("crosses_above(close, sma_2)", "close < sma_2");
  spec.indicators.push_back({"sma_2", "sma", {2}, price_source::close});
  auto cs = compile_or_fail(spec);
  series_engine engine(cs);
  signal_rules rules(cs);
  std::vector<series_row> rows;
  std::vector<signal> signals;
  const char* closes[] = {"10", "9", "8", "12"};
  for (int i = 0; i < 4; ++i) {
    rows.clear();
    engine.on_event(kline_event(make_kline(hour_aligned_ms + i * minute_ms, minute_ms, closes[i], closes[i],
                                           closes[i], closes[i], "1")),
                    rows);
    for (auto& r : rows)
      if (auto s = rules.on_row(r.bar.close_time_ms, r.values))
        signals.push_back(*s);
  }
  // sma_2: -, 9.5, 8.5, 10 → close < sma at bar 2 and 3 (exit), crosses above at bar 4.
  ASSERT_EQ(signals.size(), 3u);
  EXPECT_TRUE(signals[0].exit);
  EXPECT_TRUE(signals[2].entry);
  EXPECT_FALSE(signals[2].exit);
  EXPECT_EQ(signals[2].inputs, "close=12, sma_2=10");
}

// Candles with wavy closes (so RSI sees gains and losses), one per `tf_ms` from `start_ms`.
std::vector<candle> wavy_candles(int64_t start_ms, int64_t tf_ms, int n) {
  std::vector<candle> out;
  for (int i = 0; i < n; ++i) {
    std::string c = std::to_string(100 + (i * 7) % 13) + "." + std::to_string(i % 10);
    auto k = make_kline(start_ms + i * tf_ms, tf_ms, c, c, c, c, "1");
    out.push_back({k.open_time_ms, k.close_time_ms, k.open, k.high, k.low, k.close, k.volume, 1});
  }
  return out;
}

market_event event_of(const candle& c) {
  kline k;
  k.open_time_ms = c.open_time_ms;
  k.close_time_ms = c.close_time_ms;
  k.open = c.open;
  k.high = c.high;
  k.low = c.low;
  k.close = c.close;
  k.volume = c.volume;
  return kline_event(k);
}

TEST(SeriesEngineWarmup, WarmedIndicatorsEqualTheNormalPathOnTheFirstLiveBar) {
  auto spec = base_spec("ema_10 > rsi_14");
  spec.indicators.push_back({"ema_10", "ema", {10}, price_source::close});
  spec.indicators.push_back({"rsi_14", "rsi", {14}, price_source::close});
  auto cs = compile_or_fail(spec);
  auto bars = wavy_candles(hour_aligned_ms, minute_ms, 61);
  std::vector<candle> history(bars.begin(), bars.end() - 1);

  series_engine reference(cs);
  std::vector<series_row> ref_rows;
  for (auto& b : bars)
    reference.on_event(event_of(b), ref_rows);

  series_engine warmed(cs);
  EXPECT_EQ(warmed.warm(minute_ms, history), 60u);
  std::vector<series_row> rows;
  warmed.on_event(event_of(bars.back()), rows);
  ASSERT_EQ(rows.size(), 1u); // warm-up made no row of its own
  for (auto name : {"ema_10", "rsi_14"}) {
    auto col = column(cs, name);
    ASSERT_FALSE(std::isnan(rows[0].values[col])) << name;
    EXPECT_DOUBLE_EQ(rows[0].values[col], ref_rows.back().values[col]) << name;
  }
}

TEST(SeriesEngineWarmup, HigherTimeframeIsKnownAtTheFirstEvaluation) {
  auto spec = base_spec("close@1h > ema_3@1h");
  spec.indicators.push_back({"ema_3", "ema", {3}, price_source::close});
  auto cs = compile_or_fail(spec);
  series_engine engine(cs);
  auto needs = engine.warmup_needs();
  ASSERT_EQ(needs.size(), 2u);
  EXPECT_EQ(needs[0], (std::pair<int64_t, size_t>{minute_ms, 1}));
  EXPECT_EQ(needs[1], (std::pair<int64_t, size_t>{hour_ms, 4 * 3})); // ema(3): lookback 2
  EXPECT_EQ(engine.warmup_needs(5)[1].second, 5u);                   // capped

  auto hours = wavy_candles(hour_aligned_ms - 12 * hour_ms, hour_ms, 12);
  EXPECT_EQ(engine.warm(hour_ms, hours), 12u);
  EXPECT_EQ(engine.warm(hour_ms, hours), 0u);          // nothing after the last closed bar
  EXPECT_EQ(engine.warm(15 * minute_ms, hours), 0u);   // a timeframe the strategy does not read
  std::vector<series_row> rows;
  engine.on_event(kline_event(make_kline(hour_aligned_ms, minute_ms, "90", "90", "90", "90", "1")), rows);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_DOUBLE_EQ(rows[0].values[column(cs, "close@1h")], hours.back().close.to_double());
  EXPECT_FALSE(std::isnan(rows[0].values[column(cs, "ema_3@1h")]));
}

TEST(SeriesEngineWarmup, ALiveBarAlreadyInTheHistoryIsNotTakenTwice) {
  auto spec = base_spec("close > sma_2");
  spec.indicators.push_back({"sma_2", "sma", {2}, price_source::close});
  auto cs = compile_or_fail(spec);
  series_engine engine(cs);
  auto bars = wavy_candles(hour_aligned_ms, minute_ms, 3);
  engine.warm(minute_ms, bars);
  std::vector<series_row> rows;
  engine.on_event(event_of(bars.back()), rows);
  EXPECT_TRUE(rows.empty());
}

} // namespace
} // namespace pt::test
