#include "core/market/candle.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "tests/support/builders.hpp"
#include "tests/support/gz_csv.hpp"

namespace pt {
namespace {

using test::hour_aligned_ms;
using test::hour_ms;
using test::make_kline;
using test::minute_ms;
using test::px;
using test::qty;

// ---- timeframes ------------------------------------------------------------------------------

TEST(Timeframe, ParsesEveryUnit) {
  EXPECT_EQ(parse_timeframe_ms("1s"), 1'000);
  EXPECT_EQ(parse_timeframe_ms("15s"), 15'000);
  EXPECT_EQ(parse_timeframe_ms("1m"), 60'000);
  EXPECT_EQ(parse_timeframe_ms("5m"), 300'000);       // 5 × 60,000
  EXPECT_EQ(parse_timeframe_ms("1h"), 3'600'000);
  EXPECT_EQ(parse_timeframe_ms("4h"), 14'400'000);    // 4 × 3,600,000
  EXPECT_EQ(parse_timeframe_ms("1d"), 86'400'000);    // 24 × 3,600,000
  EXPECT_EQ(parse_timeframe_ms("1w"), 604'800'000);   // 7 × 86,400,000
}

TEST(Timeframe, RejectsInvalidText) {
  for (const char* bad : {"", "m", "1", "10", "0m", "-1m", "+1m", "1x", "1mm", "1m ", " 1m", "1.5m", "m1",
                          "1M", "1H", "abc"})
    EXPECT_FALSE(parse_timeframe_ms(bad).has_value()) << "text: '" << bad << "'";
}

TEST(Timeframe, FormatsTheShortestForm) {
  EXPECT_EQ(format_timeframe(1'000), "1s");
  EXPECT_EQ(format_timeframe(15'000), "15s");
  EXPECT_EQ(format_timeframe(90'000), "90s");       // 1.5 min has no whole-minute form
  EXPECT_EQ(format_timeframe(60'000), "1m");
  EXPECT_EQ(format_timeframe(120'000), "2m");
  EXPECT_EQ(format_timeframe(3'600'000), "1h");
  EXPECT_EQ(format_timeframe(7'200'000), "2h");
  EXPECT_EQ(format_timeframe(86'400'000), "1d");
  EXPECT_EQ(format_timeframe(604'800'000), "1w");
  EXPECT_EQ(format_timeframe(1'209'600'000), "2w");
}

TEST(Timeframe, ParseThenFormatRoundTrips) {
  for (const char* tf : {"1s", "15s", "1m", "5m", "15m", "1h", "4h", "1d", "1w"})
    EXPECT_EQ(format_timeframe(*parse_timeframe_ms(tf)), tf);
  EXPECT_EQ(format_timeframe(*parse_timeframe_ms("60s")), "1m"); // same duration, shorter text
  EXPECT_EQ(format_timeframe(*parse_timeframe_ms("24h")), "1d");
}

// ---- trades into bars ------------------------------------------------------------------------

constexpr int64_t t0 = hour_aligned_ms;

TEST(CandleAggregator, BuildsOhlcvFromTrades) {
  candle_aggregator agg(minute_ms);
  std::vector<candle> out;
  agg.on_trade(t0 + 1'000, px("100"), qty("1"), out);
  agg.on_trade(t0 + 20'000, px("105"), qty("0.5"), out);
  agg.on_trade(t0 + 30'000, px("98"), qty("2"), out);
  agg.on_trade(t0 + 59'999, px("101"), qty("0.25"), out);
  EXPECT_TRUE(out.empty()); // the minute is not over yet
  ASSERT_TRUE(agg.forming().has_value());
  EXPECT_EQ(agg.forming()->close, px("101"));

  agg.on_trade(t0 + 60'000, px("102"), qty("3"), out); // first trade of the next minute
  ASSERT_EQ(out.size(), 1u);
  const candle& bar = out[0];
  EXPECT_EQ(bar.open_time_ms, t0);
  EXPECT_EQ(bar.close_time_ms, t0 + 59'999);
  EXPECT_EQ(bar.open, px("100"));
  EXPECT_EQ(bar.high, px("105"));
  EXPECT_EQ(bar.low, px("98"));
  EXPECT_EQ(bar.close, px("101"));
  EXPECT_EQ(bar.volume, qty("3.75")); // 1 + 0.5 + 2 + 0.25
  EXPECT_EQ(bar.input_count, 4);

  ASSERT_TRUE(agg.forming().has_value());
  EXPECT_EQ(agg.forming()->open_time_ms, t0 + minute_ms);
  EXPECT_EQ(agg.forming()->open, px("102"));
}

TEST(CandleAggregator, AdvanceToClosesTheBarOnlyPastItsEnd) {
  candle_aggregator agg(minute_ms);
  std::vector<candle> out;
  agg.on_trade(t0 + 5'000, px("10"), qty("1"), out);
  agg.advance_to(t0 + 59'999, out); // the bar's last millisecond: still open
  EXPECT_TRUE(out.empty());
  agg.advance_to(t0 + 60'000, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].open_time_ms, t0);
  EXPECT_FALSE(agg.forming().has_value());
  agg.advance_to(t0 + 10 * minute_ms, out); // nothing is open: nothing more comes out
  EXPECT_EQ(out.size(), 1u);
}

TEST(CandleAggregator, ALateTradeCountsTowardTheNextBarAndNeverReopensAClosedOne) {
  candle_aggregator agg(minute_ms);
  std::vector<candle> out;
  agg.on_trade(t0 + 50'000, px("10"), qty("1"), out);
  agg.advance_to(t0 + 61'000, out); // a quote past the bar's end closes it
  ASSERT_EQ(out.size(), 1u);
  agg.on_trade(t0 + 59'500, px("11"), qty("2"), out); // stamped inside the closed bar
  EXPECT_EQ(out.size(), 1u);
  ASSERT_TRUE(agg.forming().has_value());
  EXPECT_EQ(agg.forming()->open_time_ms, t0 + minute_ms);
  agg.on_trade(t0 + 62'000, px("12"), qty("1"), out);
  agg.on_trade(t0 + 30'000, px("9"), qty("1"), out); // later still, while the next bar forms
  agg.advance_to(t0 + 2 * minute_ms, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].open_time_ms, t0);
  EXPECT_EQ(out[0].volume, qty("1"));
  EXPECT_EQ(out[0].close, px("10"));
  EXPECT_EQ(out[1].open_time_ms, t0 + minute_ms);
  EXPECT_EQ(out[1].open, px("11"));
  EXPECT_EQ(out[1].low, px("9"));
  EXPECT_EQ(out[1].close, px("9"));
  EXPECT_EQ(out[1].volume, qty("4"));
  EXPECT_EQ(out[1].input_count, 3);
}

TEST(CandleAggregator, ATradeCountsInTheBarItPrintedInAndItsMessageClosesIt) {
  candle_aggregator agg(minute_ms);
  std::vector<candle> out;
  agg.on_trade(t0 + 10'000, px("10"), qty("1"), out);
  // Printed at …59.990 (T), its message arrives with the clock at …00.020 (E): it is the last
  // trade of the first bar, and that message closes it.
  agg.on_trade(t0 + 59'990, t0 + 60'020, px("11"), qty("2"), out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].open_time_ms, t0);
  EXPECT_EQ(out[0].close, px("11"));
  EXPECT_EQ(out[0].volume, qty("3"));
  EXPECT_FALSE(agg.forming().has_value());
  // Through `on_event`, a trade's own time `T` picks its bar and the event's clock closes it.
  trade t;
  t.px = px("12");
  t.qty = qty("1");
  t.ts_trade_ms = t0 + 119'995;
  agg.on_event(market_event{t0 + 120'001, t}, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].open_time_ms, t0 + minute_ms);
  EXPECT_EQ(out[1].close, px("12"));
}

TEST(CandleAggregator, EmptyBucketsProduceNoBar) {
  candle_aggregator agg(minute_ms);
  std::vector<candle> out;
  agg.on_trade(t0 + 10'000, px("10"), qty("1"), out);
  agg.on_trade(t0 + 3 * minute_ms + 10'000, px("11"), qty("2"), out); // minutes 1 and 2 are empty
  agg.advance_to(t0 + 10 * minute_ms, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].open_time_ms, t0);
  EXPECT_EQ(out[1].open_time_ms, t0 + 3 * minute_ms);
  EXPECT_EQ(out[1].open, px("11"));
  EXPECT_EQ(out[1].volume, qty("2"));
}

TEST(CandleAggregator, SingleTradeBarIsFlat) {
  candle_aggregator agg(minute_ms);
  std::vector<candle> out;
  agg.on_trade(t0 + 1, px("42.5"), qty("0.1"), out);
  agg.advance_to(t0 + minute_ms, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].open, px("42.5"));
  EXPECT_EQ(out[0].high, px("42.5"));
  EXPECT_EQ(out[0].low, px("42.5"));
  EXPECT_EQ(out[0].close, px("42.5"));
  EXPECT_EQ(out[0].input_count, 1);
}

// ---- klines into bars ------------------------------------------------------------------------

TEST(CandleAggregator, OneMinuteKlinesGiveOneMinuteCandlesAtOnce) {
  candle_aggregator agg(minute_ms);
  std::vector<candle> out;
  agg.on_kline(make_kline(t0, minute_ms, "100", "110", "95", "105", "7.5"), out);
  ASSERT_EQ(out.size(), 1u); // no need to wait for the next kline
  EXPECT_EQ(out[0].open_time_ms, t0);
  EXPECT_EQ(out[0].close_time_ms, t0 + 59'999);
  EXPECT_EQ(out[0].open, px("100"));
  EXPECT_EQ(out[0].high, px("110"));
  EXPECT_EQ(out[0].low, px("95"));
  EXPECT_EQ(out[0].close, px("105"));
  EXPECT_EQ(out[0].volume, qty("7.5"));
  EXPECT_EQ(out[0].input_count, 1);
  EXPECT_FALSE(agg.forming().has_value());

  agg.on_kline(make_kline(t0 + minute_ms, minute_ms, "105", "106", "104", "104.5", "1"), out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].open_time_ms, t0 + minute_ms);
}

TEST(CandleAggregator, FiveMinuteCandlesFromOneMinuteKlines) {
  candle_aggregator agg(5 * minute_ms);
  std::vector<candle> out;
  auto k = [](int minute, const char* o, const char* h, const char* l, const char* c, const char* v) {
    return make_kline(t0 + minute * minute_ms, minute_ms, o, h, l, c, v);
  };
  // Start mid-bucket: minutes 2, 3, 4 make a partial first bar, closed by minute 4's kline.
  agg.on_kline(k(2, "10", "12", "9", "11", "1"), out);
  agg.on_kline(k(3, "11", "15", "10", "14", "2"), out);
  EXPECT_TRUE(out.empty());
  agg.on_kline(k(4, "14", "14", "8", "9", "3"), out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].open_time_ms, t0);
  EXPECT_EQ(out[0].close_time_ms, t0 + 5 * minute_ms - 1);
  EXPECT_EQ(out[0].open, px("10"));  // first kline's open
  EXPECT_EQ(out[0].high, px("15"));  // max(12, 15, 14)
  EXPECT_EQ(out[0].low, px("8"));    // min(9, 10, 8)
  EXPECT_EQ(out[0].close, px("9"));  // last kline's close
  EXPECT_EQ(out[0].volume, qty("6")); // 1 + 2 + 3
  EXPECT_EQ(out[0].input_count, 3);

  // A full bucket, minutes 5–9.
  agg.on_kline(k(5, "9", "9.5", "8.5", "9.25", "0.1"), out);
  agg.on_kline(k(6, "9.25", "20", "9", "19", "0.2"), out);
  agg.on_kline(k(7, "19", "19", "7", "7.5", "0.3"), out);
  agg.on_kline(k(8, "7.5", "8", "7.25", "8", "0.4"), out);
  EXPECT_EQ(out.size(), 1u);
  agg.on_kline(k(9, "8", "8.75", "7.75", "8.5", "0.5"), out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].open_time_ms, t0 + 5 * minute_ms);
  EXPECT_EQ(out[1].open, px("9"));
  EXPECT_EQ(out[1].high, px("20"));
  EXPECT_EQ(out[1].low, px("7"));
  EXPECT_EQ(out[1].close, px("8.5"));
  EXPECT_EQ(out[1].volume, qty("1.5")); // 0.1 + 0.2 + 0.3 + 0.4 + 0.5
  EXPECT_EQ(out[1].input_count, 5);

  // A gap: minute 10 alone, then minute 17. Minute 17's kline closes the 10–14 bar.
  agg.on_kline(k(10, "1", "2", "0.5", "1.5", "1"), out);
  EXPECT_EQ(out.size(), 2u);
  agg.on_kline(k(17, "3", "4", "2", "3.5", "1"), out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[2].open_time_ms, t0 + 10 * minute_ms);
  EXPECT_EQ(out[2].close, px("1.5"));
  EXPECT_EQ(out[2].input_count, 1);
  ASSERT_TRUE(agg.forming().has_value());
  EXPECT_EQ(agg.forming()->open_time_ms, t0 + 15 * minute_ms);
}

TEST(CandleAggregator, HourCandleFromSixtyMinuteKlines) {
  candle_aggregator agg(hour_ms);
  std::vector<candle> out;
  for (int m = 0; m < 60; ++m) {
    // open = 100 + m, high = open + 1, low = open − 1, close = open + 0.5, volume 0.01
    std::string o = std::to_string(100 + m);
    agg.on_kline(make_kline(t0 + m * minute_ms, minute_ms, o, std::to_string(101 + m), std::to_string(99 + m),
                            o + ".5", "0.01"),
                 out);
    EXPECT_EQ(out.size(), m == 59 ? 1u : 0u) << "minute " << m;
  }
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].open_time_ms, t0);
  EXPECT_EQ(out[0].close_time_ms, t0 + hour_ms - 1);
  EXPECT_EQ(out[0].open, px("100"));
  EXPECT_EQ(out[0].high, px("160"));   // 101 + 59
  EXPECT_EQ(out[0].low, px("99"));     // 99 + 0
  EXPECT_EQ(out[0].close, px("159.5")); // 100 + 59 + 0.5
  EXPECT_EQ(out[0].volume, qty("0.6")); // 60 × 0.01
  EXPECT_EQ(out[0].input_count, 60);
}

// ---- real data -------------------------------------------------------------------------------

// OHLCV of one bucket, computed independently of the aggregator.
struct reference_bar {
  price open, high, low, close;
  quantity volume;
  int64_t count = 0;
};

void check_against_independent_buckets(const std::vector<kline>& klines, int64_t timeframe_ms) {
  std::map<int64_t, reference_bar> expected;
  for (const kline& k : klines) {
    int64_t bucket = k.open_time_ms - k.open_time_ms % timeframe_ms; // times are positive
    auto [it, fresh] = expected.try_emplace(bucket);
    reference_bar& r = it->second;
    if (fresh) {
      r.open = k.open;
      r.high = k.high;
      r.low = k.low;
    }
    r.high = std::max(r.high, k.high);
    r.low = std::min(r.low, k.low);
    r.close = k.close;
    r.volume += k.volume;
    ++r.count;
  }

  candle_aggregator agg(timeframe_ms);
  std::vector<candle> got;
  for (const kline& k : klines)
    agg.on_kline(k, got);
  if (agg.forming())
    got.push_back(*agg.forming()); // the last, partial bucket

  ASSERT_EQ(got.size(), expected.size());
  size_t i = 0;
  for (auto& [bucket, r] : expected) {
    const candle& c = got[i++];
    SCOPED_TRACE("bucket " + std::to_string(bucket));
    EXPECT_EQ(c.open_time_ms, bucket);
    EXPECT_EQ(c.close_time_ms, bucket + timeframe_ms - 1);
    EXPECT_EQ(c.open, r.open);
    EXPECT_EQ(c.high, r.high);
    EXPECT_EQ(c.low, r.low);
    EXPECT_EQ(c.close, r.close);
    EXPECT_EQ(c.volume, r.volume);
    EXPECT_EQ(c.input_count, r.count);
  }
}

std::vector<kline> read_btc_1m_klines(size_t rows) {
  auto table = test::read_gz_csv(
      test::shared_data_path("klines/spot-1m-ohlcv/BTCUSDT-1m-ohlcv-2023-03-16_2023-05-01.csv.gz"), rows);
  std::vector<kline> out;
  for (auto& r : table) {
    if (r.size() != 6)
      throw std::runtime_error("expected 6 columns");
    out.push_back(make_kline(std::stoll(r[0]), minute_ms, r[1], r[2], r[3], r[4], r[5]));
  }
  return out;
}

TEST(CandleAggregator, RealMinuteKlinesIntoHoursMatchIndependentBuckets) {
  auto klines = read_btc_1m_klines(600);
  ASSERT_EQ(klines.size(), 600u);
  // The file starts at 22:15 UTC, so the first hour is partial (45 minutes), and 600 minutes
  // span 11 hours: 22 (partial), 23, 00 … 07, 08 (partial).
  EXPECT_EQ(klines.front().open_time_ms % hour_ms, 15 * minute_ms);
  check_against_independent_buckets(klines, hour_ms);
  candle_aggregator agg(hour_ms);
  std::vector<candle> closed;
  for (const kline& k : klines)
    agg.on_kline(k, closed);
  EXPECT_EQ(closed.size(), 10u); // hours 22 … 07 closed; 08:00–08:14 still forming
  ASSERT_TRUE(agg.forming().has_value());
  EXPECT_EQ(agg.forming()->input_count, 15);
}

TEST(CandleAggregator, RealMinuteKlinesIntoFiveMinutesMatchIndependentBuckets) {
  check_against_independent_buckets(read_btc_1m_klines(600), 5 * minute_ms);
}

TEST(CandleAggregator, WeeksOpenOnMondayLikeBinance) {
  // 2024-12-26 (a Thursday) 12:00 UTC belongs to the week opened Monday 2024-12-23 00:00 UTC.
  candle_aggregator weekly(7 * 86'400'000LL);
  std::vector<candle> out;
  weekly.on_trade(1'735'214'400'000, test::px("95000"), test::qty("1"), out);
  ASSERT_TRUE(weekly.forming());
  EXPECT_EQ(weekly.forming()->open_time_ms, 1'734'912'000'000); // 2024-12-23 00:00 UTC
  // Monday 2024-12-30 00:00 UTC opens the next one.
  weekly.on_trade(1'735'516'800'000, test::px("93000"), test::qty("1"), out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(weekly.forming()->open_time_ms, 1'735'516'800'000);
}

} // namespace
} // namespace pt
