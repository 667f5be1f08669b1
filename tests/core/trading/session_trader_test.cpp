#include "core/trading/session_trader.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "tests/support/builders.hpp"

namespace pt {
namespace {

using test::book_event;
using test::bp;
using test::hour_aligned_ms;
using test::kline_event;
using test::make_kline;
using test::minute_ms;
using test::px;
using test::qty;
using test::trade_event;
using test::usd;

constexpr int64_t t0 = hour_aligned_ms;

// 10 bps taker fee, no slippage, quantity step 0.00001 (the defaults).
execution_params default_params() {
  execution_params p;
  p.profile = fill_profile::optimistic; // no latency, no half spread: the fills these tests derive
  return p;
}

signal entry_at(int64_t ts) { return signal{ts, true, false, false, ""}; }
signal exit_at(int64_t ts) { return signal{ts, false, true, false, ""}; }

// Entries of `percent` of equity (10,000 bps = 100 %).
sizing_spec sized(bps percent) {
  sizing_spec s;
  s.percent_bps = percent;
  return s;
}

// What a buy of `q` at `p` costs with the exchange's fee: notional + fee, each rounded once.
money buy_cost(price p, quantity q, bps fee) {
  money value = *notional(p, q);
  return value + *apply_bps(value, fee);
}

TEST(SessionTrader, DefaultParams) {
  execution_params p;
  p.profile = fill_profile::optimistic; // pins zero-latency fills
  EXPECT_EQ(p.taker_fee_bps, bp("10"));
  EXPECT_EQ(p.slippage_bps, bp("0"));
  EXPECT_EQ(p.qty_step, qty("0.00001"));
}

TEST(SessionTrader, BuyFillsAtTheAskAndSellAtTheBid) {
  session_trader ex(usd("10000"), default_params(), sized(bp("10000")), risk_spec{});
  exchange_output out;
  ex.on_market(book_event(t0, "19999", "20001"), out);
  EXPECT_TRUE(out.orders.empty());

  ex.on_signal(entry_at(t0 + 5), std::nullopt, out);
  // Sent, then its fill (a budget-sized buy is partly filled until it is done), then done.
  ASSERT_EQ(out.orders.size(), 3u);
  EXPECT_EQ(out.orders[0].status, exec_status::pending_new);
  EXPECT_EQ(out.orders[1].status, exec_status::partially_filled);
  EXPECT_EQ(out.orders[1].ts_event_ms, out.orders[2].ts_event_ms);
  EXPECT_EQ(out.orders[2].status, exec_status::filled);
  EXPECT_EQ(out.orders[2].order_id, 1);
  ASSERT_EQ(out.fills.size(), 1u);
  const fill& buy = out.fills[0];
  EXPECT_EQ(buy.fill_side, side::buy);
  EXPECT_EQ(buy.px, px("20001"));
  // qty = ⌊10000 / (20001 × 1.001 = 20021.001)⌋ to 0.00001 = 0.49947
  //   (0.49947 × 20021.001 = 9999.889 ≤ 10000 < 10000.090 = 0.49948 × 20021.001)
  EXPECT_EQ(buy.qty, qty("0.49947"));
  EXPECT_EQ(buy.fee, usd("9.98989947"));  // 0.49947 × 20001 = 9989.89947; × 0.001
  EXPECT_EQ(buy.role, liquidity::taker);
  EXPECT_EQ(buy.fill_id, 1);
  EXPECT_EQ(buy.order_id, 1);
  EXPECT_EQ(buy.ts_event_ms, t0 + 5);
  EXPECT_EQ(ex.account().cash(), usd("0.11063053")); // 10000 − 9989.89947 − 9.98989947
  EXPECT_EQ(ex.account().position_qty(), qty("0.49947"));

  out = {};
  ex.on_signal(exit_at(t0 + 10), std::nullopt, out);
  ASSERT_EQ(out.fills.size(), 1u);
  const fill& sell = out.fills[0];
  EXPECT_EQ(sell.fill_side, side::sell);
  EXPECT_EQ(sell.px, px("19999"));
  EXPECT_EQ(sell.qty, qty("0.49947"));    // the whole position
  EXPECT_EQ(sell.fee, usd("9.98890053")); // 0.49947 × 19999 = 9988.90053; × 0.001
  EXPECT_EQ(sell.fill_id, 2);
  EXPECT_EQ(sell.order_id, 2);
  EXPECT_TRUE(ex.account().position_qty().is_zero());
  EXPECT_EQ(ex.account().realized_pnl(), usd("-0.99894")); // 9988.90053 − 9989.89947
  EXPECT_EQ(ex.account().cash(), usd("9979.02226"));       // 0.11063053 + 9988.90053 − 9.98890053
}

TEST(SessionTrader, SlippageMovesThePriceAgainstTheOrder) {
  execution_params params;
  params.profile = fill_profile::optimistic; // pins zero-latency fills
  params.slippage_bps = bp("5");
  session_trader ex(usd("10000"), params, sized(bp("10000")), risk_spec{});
  exchange_output out;
  ex.on_market(book_event(t0, "19999", "20001"), out);
  ex.on_signal(entry_at(t0), std::nullopt, out);
  ASSERT_EQ(out.fills.size(), 1u);
  EXPECT_EQ(out.fills[0].px, px("20011.0005")); // 20001 × 1.0005 = 20001 + 10.0005
  out = {};
  ex.on_signal(exit_at(t0), std::nullopt, out);
  ASSERT_EQ(out.fills.size(), 1u);
  EXPECT_EQ(out.fills[0].px, px("19989.0005")); // 19999 × 0.9995 = 19999 − 9.9995
}

TEST(SessionTrader, TradesOnlyFillsAtTheLastTrade) {
  session_trader ex(usd("10000"), default_params(), sized(bp("10000")), risk_spec{});
  exchange_output out;
  ex.on_market(trade_event(t0, "19000"), out);
  ex.on_market(trade_event(t0 + 1, "20000.5"), out);
  ex.on_signal(entry_at(t0 + 1), std::nullopt, out);
  ASSERT_EQ(out.fills.size(), 1u);
  EXPECT_EQ(out.fills[0].px, px("20000.5"));
  // ⌊10000 / 20020.5005⌋ = 0.49948 (0.49948 × 20020.5005 = 9999.8396; + one step = 10000.0398)
  EXPECT_EQ(out.fills[0].qty, qty("0.49948"));
  out = {};
  ex.on_market(trade_event(t0 + 2, "20100"), out);
  ex.on_signal(exit_at(t0 + 2), std::nullopt, out);
  ASSERT_EQ(out.fills.size(), 1u);
  EXPECT_EQ(out.fills[0].px, px("20100"));
}

TEST(SessionTrader, KlineFeedFillsAtTheNextKlinesOpen) {
  session_trader ex(usd("10000"), default_params(), sized(bp("10000")), risk_spec{});
  exchange_output out;
  kline signal_bar = make_kline(t0, minute_ms, "20000", "20200", "19900", "20100", "5");
  ex.on_market(kline_event(signal_bar), out);
  ex.on_signal(entry_at(signal_bar.close_time_ms), std::nullopt, out);
  ASSERT_EQ(out.orders.size(), 1u);
  EXPECT_EQ(out.orders[0].status, exec_status::pending_new);
  EXPECT_TRUE(out.fills.empty()); // nobody could trade at the signal bar's close
  EXPECT_EQ(ex.pending_orders(), 1u);
  EXPECT_TRUE(ex.account().position_qty().is_zero());

  // A second signal while the order waits is ignored.
  ex.on_signal(entry_at(signal_bar.close_time_ms), std::nullopt, out);
  EXPECT_EQ(out.orders.size(), 1u);

  out = {};
  kline next = make_kline(t0 + minute_ms, minute_ms, "20150", "20400", "20050", "20300", "4");
  ex.on_market(kline_event(next), out);
  ASSERT_EQ(out.fills.size(), 1u);
  EXPECT_EQ(out.fills[0].px, px("20150")); // next kline's open, not 20100 (signal close) or 20300
  // It traded at the open, and is stamped with the market clock when that kline arrived (its
  // close): the order went live after the open.
  EXPECT_EQ(out.fills[0].ts_event_ms, next.close_time_ms);
  // ⌊10000 / (20150 × 1.001 = 20170.15)⌋ = 0.49578 (× 20170.15 = 9999.957; + one step = 10000.159)
  EXPECT_EQ(out.fills[0].qty, qty("0.49578"));
  ASSERT_EQ(out.orders.size(), 2u); // its fill (budget-sized: partly filled until done), then done
  EXPECT_EQ(out.orders[1].status, exec_status::filled);
  EXPECT_EQ(ex.pending_orders(), 0u);

  // The exit waits the same way.
  out = {};
  ex.on_signal(exit_at(next.close_time_ms), std::nullopt, out);
  EXPECT_TRUE(out.fills.empty());
  ex.on_market(kline_event(make_kline(t0 + 2 * minute_ms, minute_ms, "20400", "20500", "20300", "20450", "1")),
               out);
  ASSERT_EQ(out.fills.size(), 1u);
  EXPECT_EQ(out.fills[0].fill_side, side::sell);
  EXPECT_EQ(out.fills[0].px, px("20400"));
  EXPECT_EQ(out.fills[0].qty, qty("0.49578"));
}

TEST(SessionTrader, QuantityIsRoundedDownToTheStep) {
  execution_params params;
  params.profile = fill_profile::optimistic; // pins zero-latency fills
  params.qty_step = qty("0.001");
  session_trader ex(usd("1000"), params, sized(bp("10000")), risk_spec{});
  exchange_output out;
  ex.on_market(trade_event(t0, "30000"), out);
  ex.on_signal(entry_at(t0), std::nullopt, out);
  ASSERT_EQ(out.fills.size(), 1u);
  // 1000 / (30000 × 1.001 = 30030) = 0.0333000… → 0.033 at step 0.001
  EXPECT_EQ(out.fills[0].qty, qty("0.033"));
  EXPECT_EQ(ex.account().cash(), usd("9.01")); // 1000 − 990 − 0.99
}

TEST(SessionTrader, FeeIsNotionalTimesFeeBps) {
  execution_params params;
  params.profile = fill_profile::optimistic; // pins zero-latency fills
  params.taker_fee_bps = bp("2.5");
  params.qty_step = qty("0.001");
  session_trader ex(usd("1000"), params, sized(bp("10000")), risk_spec{});
  exchange_output out;
  ex.on_market(trade_event(t0, "25000"), out);
  ex.on_signal(entry_at(t0), std::nullopt, out);
  ASSERT_EQ(out.fills.size(), 1u);
  // 1000 / (25000 × 1.00025 = 25006.25) = 0.03999… → 0.039; notional 975
  EXPECT_EQ(out.fills[0].qty, qty("0.039"));
  EXPECT_EQ(out.fills[0].fee, usd("0.24375")); // 975 × 2.5 / 10000
  EXPECT_EQ(ex.account().fees(), usd("0.24375"));
}

TEST(SessionTrader, PositionSizeIsAShareOfEquity) {
  session_trader ex(usd("10000"), default_params(), sized(bp("5000")), risk_spec{}); // 50 %
  exchange_output out;
  ex.on_market(book_event(t0, "19999", "20001"), out);
  ex.on_signal(entry_at(t0), std::nullopt, out);
  ASSERT_EQ(out.fills.size(), 1u);
  // budget 5000: ⌊5000 / 20021.001⌋ = 0.24973 (× 20021.001 = 4999.845; + one step = 5000.045)
  EXPECT_EQ(out.fills[0].qty, qty("0.24973"));
}

// Sizing rounds px · (1 + fee) once, and the fill then rounds its notional and its fee separately,
// so the sized quantity could cost a few 1e-8 more than the cash. The buy must still go through.
TEST(SessionTrader, FullSizeBuyIsAffordableDespiteRounding) {
  execution_params params;
  params.profile = fill_profile::optimistic; // pins zero-latency fills
  params.slippage_bps = bp("5");
  session_trader ex(usd("41083.36197603"), params, sized(bp("10000")), risk_spec{});
  exchange_output out;
  ex.on_market(trade_event(t0, "52217.17"), out);
  ex.on_signal(entry_at(t0), std::nullopt, out);
  // fill px = 52217.17 × 1.0005 = 52243.278585; gross = × 1.001 = 52295.521863585 → 52295.52186358
  // 0.7856 × gross = 41083.361976028 ≤ cash, but 0.7856 really costs
  //   round(0.7856 × 52243.278585 = 41042.319656376) = 41042.31965638
  //   + round(41.04231965638) = 41.04231966  → 41083.36197604 > 41083.36197603
  // so one step less: 0.78559 costs 41041.79722359 + 41.04179722 = 41082.83902081.
  ASSERT_EQ(out.fills.size(), 1u) << "rejected: " << to_string(out.orders.back().reason);
  EXPECT_EQ(out.fills[0].px, px("52243.278585"));
  EXPECT_EQ(out.fills[0].qty, qty("0.78559"));
  EXPECT_EQ(ex.account().cash(), usd("0.52295522")); // 41083.36197603 − 41082.83902081
}

TEST(SessionTrader, BuyNeverExceedsCashAcrossManyPrices) {
  // Deterministic sweep: prices with cents, 0 or 5 bps slippage, cash placed right at the edge of
  // a quantity step (where rounding matters most).
  uint64_t state = 2024;
  auto next = [&state] {
    state = state * 6'364'136'223'846'793'005ULL + 1'442'695'040'888'963'407ULL;
    return state >> 11;
  };
  for (int i = 0; i < 3000; ++i) {
    execution_params params;
    params.profile = fill_profile::optimistic; // pins zero-latency fills
    params.slippage_bps = bps::from_units(static_cast<int64_t>(next() % 2) * 5);
    price trade_px = price::from_raw(static_cast<int64_t>(1'000'000 + next() % 9'000'000) * 1'000'000);
    price fill_px = *adjust_price_bps(trade_px, params.slippage_bps);
    price gross = *adjust_price_bps(fill_px, params.taker_fee_bps);
    auto q = quantity::from_raw(1'000 * static_cast<int64_t>(1 + next() % 100'000));
    money cash = money::from_raw(*mul_div_raw(q.raw(), gross.raw(), fixed_scale, rounding::toward_zero) +
                                 static_cast<int64_t>(next() % 3));
    session_trader ex(cash, params, sized(bp("10000")), risk_spec{});
    exchange_output out;
    ex.on_market(market_event{t0, trade{1, trade_px, qty("1"), false}}, out);
    ex.on_signal(entry_at(t0), std::nullopt, out);
    SCOPED_TRACE("px " + trade_px.to_string() + " cash " + cash.to_string());
    ASSERT_EQ(out.fills.size(), 1u) << to_string(out.orders.back().reason);
    const fill& f = out.fills[0];
    EXPECT_LE(buy_cost(f.px, f.qty, params.taker_fee_bps), cash);
    EXPECT_FALSE(ex.account().cash().is_negative());
    EXPECT_EQ(f.qty.raw() % params.qty_step.raw(), 0);
    // Not undersized: two more steps would not be affordable.
    EXPECT_GT(buy_cost(f.px, f.qty + params.qty_step + params.qty_step, params.taker_fee_bps), cash);
  }
}

TEST(SessionTrader, ASizeThatRoundsToZeroIsDeniedNotRejected) {
  sizing_spec tiny;
  tiny.type = sizing_spec::kind::base;
  tiny.qty = qty("0.000001"); // below the 0.00001 step: sized to nothing
  session_trader ex(usd("10000"), default_params(), tiny, risk_spec{});
  exchange_output out;
  ex.on_market(book_event(t0, "19999", "20001"), out);
  ex.on_signal(entry_at(t0 + 5), std::nullopt, out);
  // The decision is logged and the order keeps its id (the venue saw it refused at submission),
  // but it is the session's sizing that refused it: DENIED, ZERO_QUANTITY, not the venue's LOT_SIZE.
  ASSERT_EQ(out.orders.size(), 1u);
  EXPECT_EQ(out.orders[0].status, exec_status::denied);
  EXPECT_EQ(out.orders[0].reason, reject_reason::zero_quantity);
  EXPECT_EQ(ex.executor().find(out.orders[0].order_id)->reason, reject_reason::lot_size);
  ASSERT_EQ(out.decisions.size(), 1u);
  EXPECT_EQ(out.decisions[0].order_id, out.orders[0].order_id);
  EXPECT_TRUE(out.fills.empty());
}

TEST(SessionTrader, NoPriceBeforeAnyEventIsDenied) {
  session_trader ex(usd("10000"), default_params(), sized(bp("10000")), risk_spec{});
  exchange_output out;
  ex.on_signal(entry_at(t0), std::nullopt, out);
  // Nothing to price it from: refused at submission, before the venue (no latency, no arrival
  // price): one update, denied, no pending one before it.
  ASSERT_EQ(out.orders.size(), 1u);
  EXPECT_EQ(out.orders[0].status, exec_status::denied);
  EXPECT_EQ(out.orders[0].reason, reject_reason::no_price);
  ASSERT_TRUE(out.orders[0].report.has_value());
  EXPECT_TRUE(out.fills.empty());
  EXPECT_EQ(ex.account().cash(), usd("10000"));
  EXPECT_EQ(ex.pending_orders(), 0u);
}

TEST(SessionTrader, EntryIgnoredWhenLongAndExitIgnoredWhenFlat) {
  session_trader ex(usd("10000"), default_params(), sized(bp("10000")), risk_spec{});
  exchange_output out;
  ex.on_market(book_event(t0, "19999", "20001"), out);
  ex.on_signal(exit_at(t0), std::nullopt, out); // flat: nothing to sell
  EXPECT_TRUE(out.orders.empty());
  EXPECT_TRUE(out.fills.empty());

  ex.on_signal(entry_at(t0), std::nullopt, out);
  ASSERT_EQ(out.fills.size(), 1u);
  auto held = ex.account().position_qty();
  auto cash = ex.account().cash();
  out = {};
  ex.on_signal(entry_at(t0 + 1), std::nullopt, out); // already long: no second entry
  EXPECT_TRUE(out.orders.empty());
  EXPECT_TRUE(out.fills.empty());
  EXPECT_EQ(ex.account().position_qty(), held);
  EXPECT_EQ(ex.account().cash(), cash);

  // Both rules firing while long means exit.
  ex.on_signal(signal{t0 + 2, true, true, false, ""}, std::nullopt, out);
  ASSERT_EQ(out.fills.size(), 1u);
  EXPECT_EQ(out.fills[0].fill_side, side::sell);
}

} // namespace
} // namespace pt
