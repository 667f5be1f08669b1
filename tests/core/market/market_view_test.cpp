#include "core/market/market_view.hpp"

#include <gtest/gtest.h>

#include <cstdint>

#include "tests/support/builders.hpp"

namespace pt {
namespace {

using test::book_event;
using test::hour_aligned_ms;
using test::kline_event;
using test::make_kline;
using test::minute_ms;
using test::px;
using test::qty;
using test::trade_event;

constexpr int64_t t0 = hour_aligned_ms;

book_depth top_of(int64_t update_id) {
  book_depth top;
  top.update_id = update_id;
  top.bids = {{px("99"), qty("1")}, {px("98"), qty("2")}};
  top.asks = {{px("101"), qty("3")}};
  return top;
}

TEST(MarketView, MarkPrefersMidThenTradeThenKlineClose) {
  market_view m;
  EXPECT_FALSE(m.mark().has_value());
  m.apply(kline_event(make_kline(t0, minute_ms, "1", "3", "0.5", "2", "1")));
  EXPECT_EQ(m.mark(), px("2"));
  m.apply(trade_event(t0 + minute_ms, "2.5"));
  EXPECT_EQ(m.mark(), px("2.5"));
  m.apply(book_event(t0 + minute_ms + 1, "19999", "20001"));
  EXPECT_EQ(m.mark(), px("20000")); // (19999 + 20001) / 2
  EXPECT_EQ(m.ts_event_ms, t0 + minute_ms + 1);
}

TEST(MarketView, FillReferenceUsesTheQuoteThenTheLastTrade) {
  market_view m;
  EXPECT_FALSE(market_fill_reference(side::buy, m).has_value());
  m.apply(kline_event(make_kline(t0, minute_ms, "1", "3", "0.5", "2", "1")));
  EXPECT_FALSE(market_fill_reference(side::buy, m).has_value()); // a kline close is not tradable now
  m.apply(trade_event(t0 + minute_ms, "2.5"));
  EXPECT_EQ(market_fill_reference(side::buy, m), px("2.5"));
  EXPECT_EQ(market_fill_reference(side::sell, m), px("2.5"));
  m.apply(book_event(t0 + minute_ms, "2.4", "2.6"));
  EXPECT_EQ(market_fill_reference(side::buy, m), px("2.6"));
  EXPECT_EQ(market_fill_reference(side::sell, m), px("2.4"));
}

TEST(MarketView, TheDepthTopGivesBidAndAskToAFeedWithoutBookTicker) {
  market_view m;
  m.apply(market_event{t0, top_of(7)});
  EXPECT_EQ(m.best_bid(), px("99"));
  EXPECT_EQ(m.best_ask(), px("101"));
  ASSERT_TRUE(m.depth.has_value());
  EXPECT_EQ(m.depth->bids.size(), 2u);
  EXPECT_EQ(m.qty_at(side::buy, px("98")), qty("2"));
  EXPECT_EQ(m.mark(), px("100"));
}

TEST(MarketView, ABookTickerAfterTheDepthTopSetsBidAndAsk) {
  market_view m;
  m.apply(market_event{t0, top_of(7)});
  m.apply(book_event(t0 + 1, "99.5", "100.5"));
  EXPECT_EQ(m.best_bid(), px("99.5"));
  EXPECT_EQ(m.best_ask(), px("100.5"));
  ASSERT_TRUE(m.depth.has_value()); // still the book takers walk
  EXPECT_EQ(m.qty_at(side::sell, px("101")), qty("3"));
}

TEST(MarketView, ADepthTopAfterABookTickerIsKeptButLeavesBidAndAsk) {
  market_view m;
  m.apply(book_event(t0, "99.5", "100.5"));
  m.apply(market_event{t0 + 1, top_of(7)});
  EXPECT_EQ(m.best_bid(), px("99.5")); // L1 stays the bookTicker's
  EXPECT_EQ(m.best_ask(), px("100.5"));
  ASSERT_TRUE(m.depth.has_value());
  EXPECT_EQ(m.depth->update_id, 7);
  EXPECT_EQ(m.ts_event_ms, t0 + 1);
}

TEST(MarketView, AZeroPriceOnABookTickerSideIsNotAPrice) {
  market_view m;
  m.apply(book_event(t0, "0", "100.5"));
  EXPECT_FALSE(m.best_bid().has_value());
  EXPECT_EQ(m.best_ask(), px("100.5"));
  EXPECT_FALSE(m.mark().has_value()); // no trade, no bar: one side is not a mark
  m.apply(trade_event(t0 + 1, "100"));
  EXPECT_EQ(m.mark(), px("100"));
  EXPECT_EQ(market_fill_reference(side::sell, m), px("100")); // the last trade stands in
  // With a depth top, its side stands in for the unpriced one.
  m.apply(market_event{t0 + 2, top_of(7)});
  EXPECT_EQ(m.best_bid(), px("99"));
  EXPECT_EQ(m.best_ask(), px("100.5"));
  EXPECT_EQ(m.mark(), px("99.75"));
}

TEST(MarketView, AnEmptyDepthTopIsForgotten) {
  market_view m;
  m.apply(market_event{t0, top_of(7)});
  book_depth empty;
  empty.update_id = 8;
  m.apply(market_event{t0 + 1, empty});
  EXPECT_FALSE(m.depth.has_value());
  EXPECT_FALSE(m.best_bid().has_value()); // the out-of-sync book's old prices are not kept
  EXPECT_FALSE(m.best_ask().has_value());
  EXPECT_TRUE(m.seen_tick_data);
  // With a bookTicker, the quote is the L1 and the qty it shows is its own.
  m.apply(book_event(t0 + 2, "99.5", "100.5"));
  m.apply(market_event{t0 + 3, empty});
  EXPECT_EQ(m.best_bid(), px("99.5"));
  EXPECT_EQ(m.qty_at(side::buy, px("99.5")), qty("1"));
}

} // namespace
} // namespace pt
