// Risk rules and sizing in the virtual exchange: stops, targets, trailing stops, cooldown,
// halts, and the four sizing modes.

#include <gtest/gtest.h>

#include "core/trading/session_trader.hpp"
#include "tests/support/builders.hpp"

namespace pt::test {
namespace {

signal entry_at(int64_t ts) { return signal{ts, true, false, false, "test"}; }
signal exit_at(int64_t ts) { return signal{ts, false, true, false, "test"}; }

stop_distance pct(const char* percent) {
  stop_distance d;
  d.type = stop_distance::kind::percent;
  d.percent_bps = bps::from_raw(bp(percent).raw() * 100);
  return d;
}

stop_distance atr_times(double k) {
  stop_distance d;
  d.type = stop_distance::kind::atr;
  d.atr_multiple = k;
  return d;
}

execution_params no_fees() {
  execution_params p;
  p.profile = fill_profile::optimistic; // pins zero-latency fills
  p.taker_fee_bps = bp("0");
  p.maker_fee_bps = bp("0");
  p.qty_step = qty("0.001");
  return p;
}

sizing_spec all_in() { return sizing_spec{}; }

// Trades at `prices`, one second apart from t0; an entry signal right after the first.
exchange_output trade_path(session_trader& ex, std::initializer_list<const char*> prices) {
  exchange_output out;
  int64_t t = hour_aligned_ms;
  bool first = true;
  for (auto* p : prices) {
    ex.on_market(trade_event(t, p), out);
    if (first)
      ex.on_signal(entry_at(t), std::nullopt, out);
    first = false;
    t += 1'000;
  }
  return out;
}

TEST(Risk, StopLossSellsAtMarketOnceTouched) {
  risk_spec r;
  r.stop_loss = pct("2");
  session_trader ex(usd("1000"), no_fees(), all_in(), r);
  auto out = trade_path(ex, {"100", "98.5", "97.9", "97"});
  ASSERT_EQ(out.fills.size(), 2u);
  EXPECT_EQ(out.fills[0].px, px("100"));
  EXPECT_EQ(ex.stop_loss_price(), price{}); // disarmed once flat
  EXPECT_EQ(out.fills[1].fill_side, side::sell);
  EXPECT_EQ(out.fills[1].px, px("97.9")); // the trade that went through 98
  EXPECT_EQ(out.decisions.back().rule, "stop_loss");
  EXPECT_NE(out.decisions.back().inputs.find("level=98.00000000"), std::string::npos) << out.decisions.back().inputs;
}

TEST(Risk, TrailingStopFollowsTheHighestPrice) {
  risk_spec r;
  r.trailing_stop = pct("10");
  session_trader ex(usd("1000"), no_fees(), all_in(), r);
  exchange_output out;
  ex.on_market(trade_event(hour_aligned_ms, "100"), out);
  ex.on_signal(entry_at(hour_aligned_ms), std::nullopt, out);
  EXPECT_EQ(ex.trailing_stop_price(), px("90"));
  ex.on_market(trade_event(hour_aligned_ms + 1'000, "120"), out);
  EXPECT_EQ(ex.trailing_stop_price(), px("108"));
  ex.on_market(trade_event(hour_aligned_ms + 2'000, "109"), out);
  EXPECT_EQ(out.fills.size(), 1u); // still above 108
  ex.on_market(trade_event(hour_aligned_ms + 3'000, "107.9"), out);
  ASSERT_EQ(out.fills.size(), 2u);
  EXPECT_EQ(out.fills[1].px, px("107.9"));
  EXPECT_EQ(out.decisions.back().rule, "trailing_stop");
}

TEST(Risk, OnKlinesTheStopWinsWhenBothAreInOneBarAndGapsFillAtTheOpen) {
  risk_spec r;
  r.stop_loss = pct("2");
  r.take_profit = pct("5");
  session_trader ex(usd("1000"), no_fees(), all_in(), r);
  exchange_output out;
  int64_t t = hour_aligned_ms;
  ex.on_market(kline_event(make_kline(t, minute_ms, "100", "100", "100", "100", "1")), out);
  ex.on_signal(entry_at(t + minute_ms - 1), std::nullopt, out);
  EXPECT_TRUE(out.fills.empty()); // waits for the next bar's open
  ex.on_market(kline_event(make_kline(t + minute_ms, minute_ms, "100", "101", "99", "100", "1")), out);
  ASSERT_EQ(out.fills.size(), 1u);
  EXPECT_EQ(ex.stop_loss_price(), px("98"));
  EXPECT_EQ(ex.take_profit_price(), px("105"));
  // Both 98 and 105 inside one bar: the stop is assumed first.
  ex.on_market(kline_event(make_kline(t + 2 * minute_ms, minute_ms, "100", "106", "97", "104", "1")), out);
  ASSERT_EQ(out.fills.size(), 2u);
  EXPECT_EQ(out.fills[1].px, px("98"));
  EXPECT_EQ(out.decisions.back().rule, "stop_loss");

  // A new entry, then a bar that opens below the stop: the stop fills at that open.
  ex.on_signal(entry_at(t + 3 * minute_ms - 1), std::nullopt, out);
  ex.on_market(kline_event(make_kline(t + 3 * minute_ms, minute_ms, "100", "100", "100", "100", "1")), out);
  ASSERT_EQ(out.fills.size(), 3u);
  ex.on_market(kline_event(make_kline(t + 4 * minute_ms, minute_ms, "95", "96", "94", "95", "1")), out);
  ASSERT_EQ(out.fills.size(), 4u);
  EXPECT_EQ(out.fills[3].px, px("95"));
}

TEST(Risk, TakeProfitFillsAtItsTarget) {
  risk_spec r;
  r.take_profit = pct("5");
  session_trader ex(usd("1000"), no_fees(), all_in(), r);
  exchange_output out;
  int64_t t = hour_aligned_ms;
  ex.on_market(kline_event(make_kline(t, minute_ms, "100", "100", "100", "100", "1")), out);
  ex.on_signal(entry_at(t + minute_ms - 1), std::nullopt, out);
  ex.on_market(kline_event(make_kline(t + minute_ms, minute_ms, "100", "104", "99", "103", "1")), out);
  ex.on_market(kline_event(make_kline(t + 2 * minute_ms, minute_ms, "103", "107", "102", "106", "1")), out);
  ASSERT_EQ(out.fills.size(), 2u);
  EXPECT_EQ(out.fills[1].px, px("105"));
  EXPECT_EQ(out.decisions.back().rule, "take_profit");
}

TEST(Risk, AtrStopIsMeasuredFromTheEntry) {
  risk_spec r;
  r.stop_loss = atr_times(3);
  session_trader ex(usd("1000"), no_fees(), all_in(), r);
  exchange_output out;
  ex.on_market(trade_event(hour_aligned_ms, "100"), out);
  ex.on_signal(entry_at(hour_aligned_ms), 2.0, out);
  EXPECT_EQ(ex.stop_loss_price(), px("94")); // 100 − 3 × 2
}

TEST(Risk, NoEntryWhileTheAtrItsStopNeedsIsUnknown) {
  risk_spec r;
  r.stop_loss = atr_times(3);
  session_trader ex(usd("1000"), no_fees(), all_in(), r);
  exchange_output out;
  ex.on_market(trade_event(hour_aligned_ms, "100"), out);
  ex.on_signal(entry_at(hour_aligned_ms), std::nullopt, out);
  EXPECT_TRUE(out.fills.empty()); // never a position without the stop the strategy asks for
  ASSERT_EQ(out.decisions.size(), 1u);
  EXPECT_NE(out.decisions[0].action.find("ATR not known"), std::string::npos);
  ex.on_signal(entry_at(hour_aligned_ms + 1), 2.0, out);
  ASSERT_EQ(out.fills.size(), 1u);
  EXPECT_EQ(ex.stop_loss_price(), px("94"));
}

TEST(Risk, CooldownBlocksEntriesAndSaysUntilWhen) {
  risk_spec r;
  r.cooldown_ms = 5 * minute_ms;
  session_trader ex(usd("1000"), no_fees(), all_in(), r);
  exchange_output out;
  int64_t t = hour_aligned_ms;
  ex.on_market(trade_event(t, "100"), out);
  ex.on_signal(entry_at(t), std::nullopt, out);
  ex.on_signal(exit_at(t + 1'000), std::nullopt, out);
  ASSERT_EQ(out.fills.size(), 2u);
  ex.on_signal(entry_at(t + minute_ms), std::nullopt, out);
  EXPECT_EQ(out.fills.size(), 2u);
  EXPECT_EQ(out.decisions.back().rule, "entry");
  EXPECT_EQ(out.decisions.back().action.rfind("blocked: cooldown", 0), 0u) << out.decisions.back().action;
  // The same block is logged once, not on every evaluation while it holds.
  size_t logged = out.decisions.size();
  ex.on_signal(entry_at(t + 2 * minute_ms), std::nullopt, out);
  EXPECT_EQ(out.decisions.size(), logged);
  ex.on_signal(entry_at(t + 1'000 + 5 * minute_ms), std::nullopt, out);
  EXPECT_EQ(out.fills.size(), 3u);
}

TEST(Risk, MaxDrawdownHaltsNewEntriesButNotExits) {
  risk_spec r;
  r.max_drawdown_bps = bps::from_units(1'000); // 10 %
  session_trader ex(usd("1000"), no_fees(), all_in(), r);
  auto out = trade_path(ex, {"100", "89"}); // all in at 100, now −11 %
  ex.on_signal(exit_at(hour_aligned_ms + 5'000), std::nullopt, out);
  ASSERT_EQ(out.fills.size(), 2u); // the exit still happens
  ex.on_signal(entry_at(hour_aligned_ms + 6'000), std::nullopt, out);
  EXPECT_EQ(out.fills.size(), 2u);
  EXPECT_NE(out.decisions.back().action.find("max drawdown"), std::string::npos);
}

TEST(Risk, MaxDailyLossHaltsUntilTheNextUtcDay) {
  risk_spec r;
  r.max_daily_loss_bps = bps::from_units(300); // 3 %
  session_trader ex(usd("1000"), no_fees(), all_in(), r);
  auto out = trade_path(ex, {"100", "96"});
  ex.on_signal(exit_at(hour_aligned_ms + 3'000), std::nullopt, out);
  ex.on_signal(entry_at(hour_aligned_ms + 4'000), std::nullopt, out);
  EXPECT_EQ(out.fills.size(), 2u);
  EXPECT_NE(out.decisions.back().action.find("max daily loss"), std::string::npos);
  int64_t next_day = hour_aligned_ms - hour_aligned_ms % 86'400'000 + 86'400'000;
  ex.on_market(trade_event(next_day, "96"), out);
  ex.on_signal(entry_at(next_day), std::nullopt, out);
  EXPECT_EQ(out.fills.size(), 3u);
}

TEST(Sizing, QuoteBaseAndRiskPercent) {
  auto run = [](sizing_spec s, risk_spec r) {
    session_trader ex(usd("10000"), no_fees(), s, r);
    exchange_output out;
    ex.on_market(trade_event(hour_aligned_ms, "100"), out);
    ex.on_signal(entry_at(hour_aligned_ms), std::nullopt, out);
    return out.fills.empty() ? quantity{} : out.fills[0].qty;
  };
  sizing_spec quote;
  quote.type = sizing_spec::kind::quote;
  quote.amount = usd("1234.5");
  EXPECT_EQ(run(quote, {}), qty("12.345"));
  sizing_spec base;
  base.type = sizing_spec::kind::base;
  base.qty = qty("3.0004"); // rounded down to the 0.001 step
  EXPECT_EQ(run(base, {}), qty("3"));
  sizing_spec risk;
  risk.type = sizing_spec::kind::risk_percent;
  risk.percent_bps = bps::from_units(100); // 1 % of 10,000 = 100 at risk
  risk_spec stop;
  stop.stop_loss = pct("2"); // 2 per unit below 100
  EXPECT_EQ(run(risk, stop), qty("50"));
  risk_spec capped = stop;
  capped.max_position_quote = usd("2000");
  EXPECT_EQ(run(risk, capped), qty("20"));
}

} // namespace
} // namespace pt::test
