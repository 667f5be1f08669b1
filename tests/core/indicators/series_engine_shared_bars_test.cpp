// The series engine fed bars built outside it (as the broadcaster builds them, once per symbol and
// timeframe) gives the same rows, bit for bit, as the engine building them itself.

#include "core/indicators/series_engine.hpp"

#include <cstring>

#include <gtest/gtest.h>

#include "feeds/market_file.hpp"
#include "tests/support/process.hpp"
#include "tests/support/strategy_builders.hpp"
#include "tests/support/recorded_events.hpp"

namespace pt::test {
namespace {

compiled_strategy two_timeframes(evaluate_on evaluation) {
  strategy_spec s;
  s.name = "t";
  s.timeframe_ms = 60'000;
  s.evaluation = evaluation;
  s.entry_rule = "close > sma_3 and close@5m > sma_2@5m";
  s.exit_rule = "close < sma_3";
  s.indicators.push_back({"sma_3", "sma", {3}, price_source::close});
  s.indicators.push_back({"sma_2", "sma", {2}, price_source::close});
  return compile_or_fail(s);
}

void expect_same_rows(const std::vector<series_row>& a, const std::vector<series_row>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i].bar_closed, b[i].bar_closed) << "row " << i;
    EXPECT_EQ(a[i].bar.open_time_ms, b[i].bar.open_time_ms) << "row " << i;
    EXPECT_EQ(a[i].bar.close, b[i].bar.close) << "row " << i;
    EXPECT_EQ(a[i].bar.volume, b[i].bar.volume) << "row " << i;
    ASSERT_EQ(a[i].values.size(), b[i].values.size());
    // Bit for bit, NaN included.
    EXPECT_EQ(std::memcmp(a[i].values.data(), b[i].values.data(), a[i].values.size() * sizeof(double)), 0)
      << "row " << i;
  }
}

// Runs the engine on `events` in batches of `batch` events, its shared timeframes built outside.
std::vector<series_row> rows_with_outside_bars(const compiled_strategy& cs, const std::vector<market_event>& events,
                                               size_t batch) {
  series_engine engine(cs);
  std::vector<candle_aggregator> aggregators;
  batch_candles bars;
  for (auto tf : series_engine::shared_timeframes(cs)) {
    aggregators.emplace_back(tf);
    bars.timeframes_ms.push_back(tf);
  }
  std::vector<series_row> rows;
  std::vector<candle> closed;
  for (size_t pos = 0; pos < events.size(); pos += batch) {
    size_t n = std::min(batch, events.size() - pos);
    bars.closed.clear();
    for (size_t i = 0; i < n; ++i)
      for (auto& agg : aggregators) {
        closed.clear();
        agg.on_event(events[pos + i], closed);
        for (auto& c : closed)
          bars.closed.push_back({static_cast<uint32_t>(i), agg.timeframe_ms(), c});
      }
    auto next = bars.closed.data(), end = next + bars.closed.size();
    for (size_t i = 0; i < n; ++i) {
      auto first = next;
      while (next != end && next->event_index <= i)
        ++next;
      engine.on_event(events[pos + i], bars, first, next, rows);
    }
  }
  return rows;
}

TEST(SeriesEngineSharedBars, SharedTimeframesLeaveTheFormingBarOfTickStrategiesToTheEngine) {
  EXPECT_EQ(series_engine::shared_timeframes(two_timeframes(evaluate_on::bar_close)),
            (std::vector<int64_t>{60'000, 300'000}));
  EXPECT_EQ(series_engine::shared_timeframes(two_timeframes(evaluate_on::tick)), (std::vector<int64_t>{300'000}));
}

TEST(SeriesEngineSharedBars, OutsideBarsGiveTheSameRowsOnRealTradesWhateverTheBatching) {
  auto events = btc_trades();
  ASSERT_GT(events.size(), 19'000u);
  for (auto evaluation : {evaluate_on::bar_close, evaluate_on::tick}) {
    auto cs = two_timeframes(evaluation);
    series_engine plain(cs);
    std::vector<series_row> expected;
    for (auto& ev : events)
      plain.on_event(ev, expected);
    ASSERT_FALSE(expected.empty());
    for (size_t batch : {size_t{1}, size_t{37}, size_t{512}, events.size()})
      expect_same_rows(rows_with_outside_bars(cs, events, batch), expected);
  }
}

TEST(SeriesEngineSharedBars, ATimeframeNoLongerCoveredIsBuiltAgainFromAFreshBar) {
  auto cs = two_timeframes(evaluate_on::bar_close);
  series_engine engine(cs);
  batch_candles none_closed;
  none_closed.timeframes_ms = {60'000, 300'000};
  std::vector<series_row> rows;
  auto events = btc_trades();
  // The outside aggregator closes nothing: no rows, and the engine's own aggregator stays empty.
  for (size_t i = 0; i < 100; ++i)
    engine.on_event(events[i], none_closed, nullptr, nullptr, rows);
  EXPECT_TRUE(rows.empty());
  // Back to building its own bars: the first bar is built from here on, not from stale input.
  size_t i = 100;
  while (rows.empty() && i < events.size())
    engine.on_event(events[i++], rows);
  ASSERT_FALSE(rows.empty());
  candle_aggregator fresh(60'000);
  std::vector<candle> closed;
  for (size_t j = 100; j < i; ++j)
    fresh.on_event(events[j], closed);
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(rows[0].bar.open_time_ms, closed[0].open_time_ms);
  EXPECT_EQ(rows[0].bar.input_count, closed[0].input_count);
  EXPECT_EQ(rows[0].bar.open, closed[0].open);
}

} // namespace
} // namespace pt::test
