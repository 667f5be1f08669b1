// Grid levels and fills, on their own and through the virtual exchange.

#include "core/strategy/grid.hpp"

#include <gtest/gtest.h>

#include "core/trading/session_trader.hpp"
#include "tests/support/builders.hpp"

namespace pt::test {
namespace {

grid_spec ladder(const char* lower, const char* upper, int levels, bool geometric = false) {
  grid_spec g;
  g.lower = px(lower);
  g.upper = px(upper);
  g.levels = levels;
  g.geometric = geometric;
  g.qty_per_level = qty("0.1");
  return g;
}

TEST(GridLevels, ArithmeticAndGeometric) {
  auto a = grid_levels(ladder("100", "200", 5));
  ASSERT_EQ(a.size(), 5u);
  EXPECT_EQ(a[1], px("125"));
  EXPECT_EQ(a[4], px("200"));
  auto g = grid_levels(ladder("100", "400", 3, true));
  EXPECT_EQ(g[1], px("200")); // 100 · 4^(1/2)
  EXPECT_EQ(g[2], px("400"));
}

TEST(GridBook, BuysOnlyBelowTheMarketAndSellsOneLevelUp) {
  grid_book book(ladder("100", "140", 5)); // 100 110 120 130 140
  // First price 125: nothing fills; levels below it are armed.
  EXPECT_TRUE(book.on_prices(px("125"), px("125"), true).empty());
  auto buys = book.on_prices(px("119"), px("119"), true);
  ASSERT_EQ(buys.size(), 1u);
  EXPECT_TRUE(buys[0].buy);
  EXPECT_EQ(buys[0].level, 2);
  EXPECT_EQ(buys[0].px, px("120")); // a trade through the level: the limit fills at its price
  book.filled(buys[0]);
  // 130 is the next level up: the lot bought at 120 sells there.
  auto sells = book.on_prices(px("130"), px("130"), true);
  ASSERT_EQ(sells.size(), 1u);
  EXPECT_FALSE(sells[0].buy);
  EXPECT_EQ(sells[0].level, 2);
  EXPECT_EQ(sells[0].px, px("130"));
  book.filled(sells[0]);
  EXPECT_FALSE(book.holding(2));
}

TEST(GridBook, AKlineSellsOldLotsFirstAndNeverSellsALotBoughtInTheSameBar) {
  grid_book book(ladder("100", "140", 5)); // 100 110 120 130 140
  book.on_prices(px("125"), px("125"), true); // arms 100, 110, 120
  for (auto& f : book.on_prices(px("126"), px("119"), true)) // buys at 120
    book.filled(f);
  ASSERT_TRUE(book.holding(2));
  // One bar from 126 down to 105 and up to 131: the lot from 120 sells at 130; the bar's buy at
  // 110 stays held (not sold at 120 in the same bar); 130 was never armed (never traded above).
  auto fills = book.on_prices(px("131"), px("105"), true);
  ASSERT_EQ(fills.size(), 2u);
  EXPECT_FALSE(fills[0].buy);
  EXPECT_EQ(fills[0].px, px("130"));
  EXPECT_TRUE(fills[1].buy);
  EXPECT_EQ(fills[1].level, 1);
  EXPECT_EQ(fills[1].px, px("110"));
}

TEST(GridBook, PausedGridSellsButDoesNotBuy) {
  grid_book book(ladder("100", "140", 5));
  book.on_prices(px("135"), px("135"), true);
  EXPECT_TRUE(book.on_prices(px("101"), px("101"), false).empty());
}

TEST(GridExchange, FillsAsMakerAtTheLevelAndReconciles) {
  execution_params params;
  params.profile = fill_profile::optimistic; // pins zero-latency fills
  params.maker_fee_bps = bp("2");
  session_trader ex(usd("1000"), params, {}, {}, ladder("100", "140", 5));
  exchange_output out;
  for (auto* p : {"125", "119", "131"}) // arm; a trade through 120 buys there; through 130 sells
    ex.on_market(trade_event(hour_aligned_ms, p), out);
  ASSERT_EQ(out.fills.size(), 2u);
  EXPECT_EQ(out.fills[0].role, liquidity::maker);
  EXPECT_EQ(out.fills[0].px, px("120"));
  EXPECT_EQ(out.fills[0].fee, usd("0.0024")); // 120 × 0.1 × 2 bps
  EXPECT_EQ(out.fills[1].px, px("130"));
  // 1000 − 12 − 0.0024 + 13 − 0.0026 = 1000.995
  EXPECT_EQ(ex.account().cash(), usd("1000.995"));
  // Each order was logged when the grid placed it (the armed buys below 125, then the sale of the
  // lot bought at 120), before it filled: the filled ones among them.
  auto decision_of = [&](int64_t order_id) {
    for (const auto& d : out.decisions)
      if (d.order_id == order_id)
        return d;
    return decision{};
  };
  EXPECT_EQ(decision_of(out.fills[0].order_id).rule, "grid_buy");
  EXPECT_EQ(decision_of(out.fills[0].order_id).action.find("buy 0.10000000 limit at 120.00000000 submitted"), 0u);
  EXPECT_EQ(decision_of(out.fills[1].order_id).rule, "grid_sell");
  EXPECT_LT(decision_of(out.fills[1].order_id).ts_event_ms, out.fills[1].ts_event_ms + 1);
}

TEST(GridExchange, AFilteredGridWaitsForItsFilterAndARefusedBuyIsNotRetried) {
  auto spec = ladder("100", "140", 5);
  spec.filter_rule = "rsi < 70";
  execution_params params;
  params.profile = fill_profile::optimistic; // no latency: orders rest the moment they are placed
  session_trader ex(usd("15"), params, {}, {}, spec); // cash for one lot (12) only
  exchange_output out;
  for (auto* p : {"125", "119"})
    ex.on_market(trade_event(hour_aligned_ms, p), out);
  EXPECT_TRUE(out.fills.empty()); // the filter has not said yes yet
  ex.on_signal(signal{hour_aligned_ms, true, false, true, "rsi=50"}, std::nullopt, out);
  for (auto* p : {"125", "119", "109", "108", "107"})
    ex.on_market(trade_event(hour_aligned_ms, p), out);
  // The levels rest as orders once armed, highest first: 120 locks 12.012 of the 15; the buys at
  // 110 (11.011) and 100 (10.01) are refused at placement, once each, and not retried (no sale
  // has added cash) while the price falls through them. The trade at 119 fills 120.
  ASSERT_EQ(out.fills.size(), 1u);
  EXPECT_EQ(out.fills[0].px, px("120"));
  size_t rejected = 0;
  for (auto& o : out.orders)
    rejected += o.status == exec_status::rejected; // the venue: INSUFFICIENT_BALANCE
  EXPECT_EQ(rejected, 2u);
}

} // namespace
} // namespace pt::test
