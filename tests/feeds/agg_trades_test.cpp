// Paging and merging of `GET /api/v3/aggTrades` (feeds/binance/agg_trades.hpp) against a scripted exchange.

#include "feeds/binance/agg_trades.hpp"

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace pt::test {
namespace {

// One aggregate trade row in Binance's shape.
std::string row(int64_t a, int64_t f, int64_t l, int64_t ts, const char* px = "61000.10000000") {
  return "{\"a\":" + std::to_string(a) + ",\"p\":\"" + px + "\",\"q\":\"0.00100000\",\"f\":" + std::to_string(f) +
         ",\"l\":" + std::to_string(l) + ",\"T\":" + std::to_string(ts) + ",\"m\":true,\"M\":true}";
}

std::string page(int64_t first_a, int n, int64_t ts0, int64_t step_ms) {
  std::string body = "[";
  for (int i = 0; i < n; ++i)
    body += (i ? "," : "") + row(first_a + i, 10 * (first_a + i), 10 * (first_a + i) + 1, ts0 + i * step_ms);
  return body + "]";
}

TEST(AggTrades, ParsesBinanceRows) {
  auto rows = parse_agg_trades("[" + row(26129, 27781, 27783, 1498793709153, "0.01633102") + "]");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].id, 26129);
  EXPECT_EQ(rows[0].first_trade_id, 27781);
  EXPECT_EQ(rows[0].last_trade_id, 27783);
  EXPECT_EQ(rows[0].ts_ms, 1498793709153);
  EXPECT_EQ(rows[0].px.raw(), 1633102);
  EXPECT_EQ(rows[0].qty.raw(), 100000);
  EXPECT_TRUE(rows[0].buyer_is_maker);
  EXPECT_EQ(rows[0].price_text, "0.01633102");
}

TEST(AggTrades, RejectsWhatIsNotAnArrayOfRows) {
  EXPECT_THROW(parse_agg_trades("{\"code\":-1121,\"msg\":\"Invalid symbol.\"}"), std::runtime_error);
  EXPECT_THROW(parse_agg_trades("[{\"a\":1}]"), std::runtime_error);
  EXPECT_THROW(parse_agg_trades("[" + row(1, 5, 4, 1) + "]"), std::runtime_error); // l before f
  EXPECT_THROW(parse_agg_trades("[{\"a\":1,\"p\":\"x\",\"q\":\"1\",\"f\":1,\"l\":1,\"T\":1,\"m\":true}]"),
               std::runtime_error);
}

TEST(AggTrades, AFullPageContinuesByIdAndOverlapsAreKeptOnce) {
  std::vector<std::string> asked;
  // 2500 trades one ms apart from t=1000; the exchange answers 1000 rows a page; the id pages
  // repeat the last row of the page before (as a careless server or an off-by-one might).
  auto get = [&](const std::string& target) -> std::string {
    asked.push_back(target);
    if (asked.size() == 1)
      return page(1, 1000, 1000, 1);
    if (asked.size() == 2)
      return page(1000, 1000, 1999, 1); // repeats a=1000
    return page(1999, 502, 2998, 1);    // repeats a=1999; 1000..3499 ms
  };
  agg_trade_request req;
  req.symbol = "BTCUSDT";
  req.start_ms = 1000;
  req.end_ms = 3499;
  auto got = fetch_agg_trades(req, get);
  ASSERT_EQ(asked.size(), 3u);
  EXPECT_EQ(asked[0], "/api/v3/aggTrades?symbol=BTCUSDT&startTime=1000&endTime=3499&limit=1000");
  EXPECT_EQ(asked[1], "/api/v3/aggTrades?symbol=BTCUSDT&fromId=1001&limit=1000");
  EXPECT_EQ(asked[2], "/api/v3/aggTrades?symbol=BTCUSDT&fromId=2000&limit=1000");
  EXPECT_EQ(got.duplicates, 2);
  ASSERT_EQ(got.trades.size(), 2500u);
  for (size_t i = 0; i < got.trades.size(); ++i)
    ASSERT_EQ(got.trades[i].id, static_cast<int64_t>(i) + 1);
  EXPECT_TRUE(got.complete);
  EXPECT_EQ(got.pages, 3);
}

TEST(AggTrades, TradesAlreadyFedAndTradesPastTheEndAreDropped) {
  // Rows 1..10 at t = 100..109; trades 10..101 (f = 10a) were fed over the stream already.
  auto get = [&](const std::string&) { return page(1, 10, 100, 1); };
  agg_trade_request req;
  req.symbol = "BTCUSDT";
  req.start_ms = 100;
  req.end_ms = 107;
  req.seen_trade_id = 40; // rows a=1..4 have f = 10..40
  auto got = fetch_agg_trades(req, get);
  EXPECT_EQ(got.already_seen, 4);
  ASSERT_EQ(got.trades.size(), 4u); // a = 5..8 (t = 104..107)
  EXPECT_EQ(got.trades.front().id, 5);
  EXPECT_EQ(got.trades.back().id, 8);
  EXPECT_EQ(got.pages, 1);
}

TEST(AggTrades, AGapLongerThanAnHourIsAskedForAnHourAtATime) {
  std::vector<std::string> asked;
  auto get = [&](const std::string& target) -> std::string {
    asked.push_back(target);
    return asked.size() == 2 ? "[" + row(7, 70, 70, 3'600'000 + 500) + "]" : "[]";
  };
  agg_trade_request req;
  req.symbol = "ETHUSDT";
  req.start_ms = 0;
  req.end_ms = 2 * 3'600'000 + 10;
  auto got = fetch_agg_trades(req, get);
  ASSERT_EQ(asked.size(), 3u);
  EXPECT_EQ(asked[0], "/api/v3/aggTrades?symbol=ETHUSDT&startTime=0&endTime=3599999&limit=1000");
  EXPECT_EQ(asked[1], "/api/v3/aggTrades?symbol=ETHUSDT&startTime=3600000&endTime=7199999&limit=1000");
  EXPECT_EQ(asked[2], "/api/v3/aggTrades?symbol=ETHUSDT&startTime=7200000&endTime=7200010&limit=1000");
  ASSERT_EQ(got.trades.size(), 1u);
  EXPECT_EQ(got.trades[0].id, 7);
}

TEST(AggTrades, ThePageBudgetStopsThePagingAndSaysSo) {
  int calls = 0;
  auto get = [&](const std::string&) { return page(1 + 1000 * calls++, 1000, 0, 0); };
  agg_trade_request req;
  req.symbol = "BTCUSDT";
  req.start_ms = 0;
  req.end_ms = 10;
  req.max_pages = 2;
  auto got = fetch_agg_trades(req, get);
  EXPECT_EQ(calls, 2);
  EXPECT_FALSE(got.complete);
  EXPECT_EQ(got.trades.size(), 2000u);
}

TEST(AggTrades, AnErrorOfTheExchangePropagates) {
  agg_trade_request req;
  req.symbol = "BTCUSDT";
  req.end_ms = 10;
  EXPECT_THROW(fetch_agg_trades(req, [](const std::string&) -> std::string { throw std::runtime_error("HTTP 429"); }),
               std::runtime_error);
}

} // namespace
} // namespace pt::test
