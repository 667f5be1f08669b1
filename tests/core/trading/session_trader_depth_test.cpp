// A session's market orders on a feed with an L2 book go through the fill model: they walk the
// book level by level and remember what they took (docs/execution.md).

#include "core/trading/session_trader.hpp"

#include <gtest/gtest.h>

#include "tests/support/builders.hpp"

namespace pt {
namespace {

// The realistic profile with its latencies set to 0: the fills happen against the book the
// order was sized from, which is what these tests derive.
execution_params no_latency() {
  execution_params p;
  p.overrides.submit_latency = latency_range{0, 0};
  p.overrides.ack_latency = latency_range{0, 0};
  p.overrides.cancel_latency = latency_range{0, 0};
  return p;
}


using test::px;
using test::qty;
using test::usd;

constexpr int64_t t0 = test::hour_aligned_ms;

market_event depth(int64_t ts, std::vector<book_level> bids, std::vector<book_level> asks, int64_t id) {
  book_depth d;
  d.update_id = id;
  d.bids = std::move(bids);
  d.asks = std::move(asks);
  return market_event{ts, d};
}

sizing_spec one_btc() {
  sizing_spec s;
  s.type = sizing_spec::kind::base;
  s.qty = qty("1");
  return s;
}

TEST(SessionTraderDepth, MarketOrdersWalkTheBookAndSellTheWholePosition) {
  session_trader ex(usd("1000"), no_latency(), one_btc(), risk_spec{});
  exchange_output out;
  ex.on_market(depth(t0, {{px("99.90"), qty("0.4")}, {px("99.80"), qty("2")}},
                     {{px("100.00"), qty("0.25")}, {px("100.10"), qty("0.5")}, {px("100.20"), qty("3")}}, 1),
               out);
  ex.on_signal(signal{t0, true, false, false, ""}, std::nullopt, out);
  ASSERT_EQ(out.fills.size(), 3u);
  EXPECT_EQ(out.fills[0].px, px("100.00"));
  EXPECT_EQ(out.fills[0].qty, qty("0.25"));
  EXPECT_EQ(out.fills[1].px, px("100.10"));
  EXPECT_EQ(out.fills[1].qty, qty("0.5"));
  EXPECT_EQ(out.fills[2].px, px("100.20"));
  EXPECT_EQ(out.fills[2].qty, qty("0.25"));
  EXPECT_EQ(ex.account().position_qty(), qty("1"));
  money paid;
  for (const auto& f : out.fills)
    paid += *notional(f.px, f.qty) + f.fee;
  EXPECT_EQ(ex.account().cash(), usd("1000") - paid);
  EXPECT_EQ(out.orders.back().qty, qty("1"));
  // The decision says what was sent; how it filled is the order's own report.
  EXPECT_EQ(out.decisions.back().action, "buy 1.00000000 market submitted (order 1)");
  ASSERT_TRUE(out.orders.back().report && out.orders.back().report->avg_px);
  EXPECT_EQ(*out.orders.back().report->avg_px, px("100.10"));
  // The exit sells the whole position into the bids: 0.4 at 99.90, the rest at 99.80.
  out = {};
  ex.on_signal(signal{t0 + 1, false, true, false, ""}, std::nullopt, out);
  ASSERT_EQ(out.fills.size(), 2u);
  EXPECT_EQ(out.fills[0].qty, qty("0.4"));
  EXPECT_EQ(out.fills[1].px, px("99.80"));
  EXPECT_EQ(out.fills[1].qty, qty("0.6"));
  EXPECT_EQ(ex.account().position_qty(), quantity{});
}

TEST(SessionTraderDepth, TheNextOrderDoesNotTakeTheSameLiquidityTwice) {
  session_trader ex(usd("1000"), no_latency(), one_btc(), risk_spec{});
  exchange_output out;
  ex.on_market(depth(t0, {{px("99.90"), qty("5")}}, {{px("100.00"), qty("1.5")}, {px("100.10"), qty("5")}}, 1), out);
  ex.on_signal(signal{t0, true, false, false, ""}, std::nullopt, out);
  ex.on_signal(signal{t0 + 1, false, true, false, ""}, std::nullopt, out);
  out = {};
  ex.on_signal(signal{t0 + 2, true, false, false, ""}, std::nullopt, out); // 0.5 left at 100.00
  ASSERT_EQ(out.fills.size(), 2u);
  EXPECT_EQ(out.fills[0].qty, qty("0.5"));
  EXPECT_EQ(out.fills[1].px, px("100.10"));
}

TEST(SessionTraderDepth, ProfileSlippageAddsToTheConfiguredOne) {
  execution_params p;
  p.slippage_bps = bps::from_units(1);
  p.profile = fill_profile::pessimistic;
  EXPECT_EQ(session_fill_params(p).slippage_bps, bps::from_units(3));
  EXPECT_EQ(session_fill_params(p).taker_fee_bps, p.taker_fee_bps);
  p.profile = fill_profile::realistic;
  EXPECT_EQ(session_fill_params(p).slippage_bps, bps::from_units(1));
}

} // namespace
} // namespace pt
