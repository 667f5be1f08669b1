// The virtual exchange's side of a session's lifecycle: paused entries, protective exits while
// paused, cancelling and flattening on a stop.

#include <algorithm>

#include <gtest/gtest.h>

#include "core/trading/session_trader.hpp"
#include "tests/support/builders.hpp"

namespace pt::test {
namespace {

signal entry_at(int64_t ts) { return signal{ts, true, false, false, "test"}; }

execution_params no_fees() {
  execution_params p;
  p.profile = fill_profile::optimistic; // pins zero-latency fills
  p.taker_fee_bps = bp("0");
  p.maker_fee_bps = bp("0");
  p.qty_step = qty("0.001");
  return p;
}

risk_spec stop_at(const char* percent) {
  risk_spec r;
  r.stop_loss.type = stop_distance::kind::percent;
  r.stop_loss.percent_bps = bps::from_raw(bp(percent).raw() * 100);
  return r;
}

size_t count_buys(const exchange_output& out) {
  return static_cast<size_t>(
    std::count_if(out.fills.begin(), out.fills.end(), [](const fill& f) { return f.fill_side == side::buy; }));
}

TEST(SessionTraderLifecycle, PausedBlocksEntriesOnceAndLogsIt) {
  session_trader ex(usd("1000"), no_fees(), sizing_spec{}, risk_spec{});
  exchange_output out;
  ex.set_paused(true);
  EXPECT_TRUE(ex.paused());
  for (int64_t t = 0; t < 5; ++t) {
    ex.on_market(trade_event(hour_aligned_ms + t * 1'000, "100"), out);
    ex.on_signal(entry_at(hour_aligned_ms + t * 1'000), std::nullopt, out);
  }
  EXPECT_TRUE(out.fills.empty());
  EXPECT_TRUE(out.orders.empty());
  ASSERT_EQ(out.decisions.size(), 1u); // logged once while it holds
  EXPECT_EQ(out.decisions[0].action, "blocked: session paused");
  ex.set_paused(false);
  ex.on_signal(entry_at(hour_aligned_ms + 6'000), std::nullopt, out);
  ASSERT_EQ(out.fills.size(), 1u);
  EXPECT_EQ(out.fills[0].fill_side, side::buy);
}

TEST(SessionTraderLifecycle, StopLossStillSellsWhilePaused) {
  session_trader ex(usd("1000"), no_fees(), sizing_spec{}, stop_at("2"));
  exchange_output out;
  ex.on_market(trade_event(hour_aligned_ms, "100"), out);
  ex.on_signal(entry_at(hour_aligned_ms), std::nullopt, out);
  ASSERT_EQ(out.fills.size(), 1u);
  ex.set_paused(true);
  ex.on_market(trade_event(hour_aligned_ms + 1'000, "99"), out);
  ex.on_market(trade_event(hour_aligned_ms + 2'000, "97.5"), out);
  ASSERT_EQ(out.fills.size(), 2u);
  EXPECT_EQ(out.fills[1].fill_side, side::sell);
  EXPECT_EQ(out.fills[1].px, px("97.5"));
  EXPECT_EQ(out.decisions.back().rule, "stop_loss");
  EXPECT_EQ(ex.account().position_qty(), quantity{});
  // Flat and paused: the next entry signal is blocked, not bought.
  ex.on_signal(entry_at(hour_aligned_ms + 3'000), std::nullopt, out);
  EXPECT_EQ(count_buys(out), 1u);
  EXPECT_EQ(out.decisions.back().action, "blocked: session paused");
}

TEST(SessionTraderLifecycle, PausedGridPlacesNoNewBuys) {
  grid_spec g;
  g.lower = px("90");
  g.upper = px("110");
  g.levels = 5;
  g.qty_per_level = qty("1");
  session_trader paused(usd("10000"), no_fees(), sizing_spec{}, risk_spec{}, g);
  session_trader running(usd("10000"), no_fees(), sizing_spec{}, risk_spec{}, g);
  exchange_output paused_out, running_out;
  paused.set_paused(true);
  for (const char* p : {"100", "96", "91", "89"}) {
    paused.on_market(trade_event(hour_aligned_ms, p), paused_out);
    running.on_market(trade_event(hour_aligned_ms, p), running_out);
  }
  EXPECT_EQ(count_buys(paused_out), 0u);
  EXPECT_GT(count_buys(running_out), 0u); // the same path buys when not paused
}

TEST(SessionTraderLifecycle, FlattenSellsAtTheBidLessSlippage) {
  auto params = no_fees();
  params.slippage_bps = bp("10");
  session_trader ex(usd("1000"), params, sizing_spec{}, risk_spec{});
  exchange_output out;
  ex.on_market(book_event(hour_aligned_ms, "100", "100.2"), out);
  ex.on_signal(entry_at(hour_aligned_ms), std::nullopt, out);
  ASSERT_EQ(out.fills.size(), 1u);
  ex.on_market(book_event(hour_aligned_ms + 1'000, "101", "101.2"), out);
  ex.flatten(hour_aligned_ms + 1'000, out);
  ASSERT_EQ(out.fills.size(), 2u);
  EXPECT_EQ(out.fills[1].fill_side, side::sell);
  EXPECT_EQ(out.fills[1].px, px("100.899")); // 101 less 10 bps
  EXPECT_EQ(out.fills[1].qty, out.fills[0].qty);
  EXPECT_EQ(out.decisions.back().rule, "flatten");
  EXPECT_EQ(out.decisions.back().order_id, out.fills[1].order_id);
  EXPECT_EQ(ex.account().position_qty(), quantity{});
  // Flat: flattening again does nothing.
  ex.flatten(hour_aligned_ms + 2'000, out);
  EXPECT_EQ(out.fills.size(), 2u);
}

TEST(SessionTraderLifecycle, CancelPendingCancelsTheOrderWaitingForTheNextKline) {
  session_trader ex(usd("1000"), no_fees(), sizing_spec{}, risk_spec{});
  exchange_output out;
  auto k = make_kline(hour_aligned_ms, hour_ms, "100", "101", "99", "100", "5");
  ex.on_market(kline_event(k), out);
  ex.on_signal(entry_at(k.close_time_ms), std::nullopt, out);
  ASSERT_EQ(ex.pending_orders(), 1u);
  ex.cancel_pending(k.close_time_ms + 5, out);
  EXPECT_EQ(ex.pending_orders(), 0u);
  ASSERT_EQ(out.orders.size(), 2u);
  EXPECT_EQ(out.orders[1].status, exec_status::canceled);
  EXPECT_EQ(out.orders[1].order_id, out.orders[0].order_id);
  ex.on_market(kline_event(make_kline(hour_aligned_ms + hour_ms, hour_ms, "100", "101", "99", "100", "5")), out);
  EXPECT_TRUE(out.fills.empty());
}

TEST(SessionTraderLifecycle, FlattenOnKlinesSellsAtTheLastClose) {
  session_trader ex(usd("1000"), no_fees(), sizing_spec{}, risk_spec{});
  exchange_output out;
  auto k1 = make_kline(hour_aligned_ms, hour_ms, "100", "101", "99", "100", "5");
  auto k2 = make_kline(hour_aligned_ms + hour_ms, hour_ms, "100", "103", "99", "102", "5");
  ex.on_market(kline_event(k1), out);
  ex.on_signal(entry_at(k1.close_time_ms), std::nullopt, out);
  ex.on_market(kline_event(k2), out); // fills at k2's open
  ASSERT_EQ(out.fills.size(), 1u);
  ex.flatten(k2.close_time_ms, out);
  ASSERT_EQ(out.fills.size(), 2u);
  EXPECT_EQ(out.fills[1].px, px("102"));
  EXPECT_EQ(ex.account().position_qty(), quantity{});
}

} // namespace
} // namespace pt::test
