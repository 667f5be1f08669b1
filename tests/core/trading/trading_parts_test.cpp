// The parts of a session's trading logic on their own: protection levels, risk limits, sizing.

#include <gtest/gtest.h>

#include "core/trading/protection.hpp"
#include "core/trading/risk_limits.hpp"
#include "core/trading/sizing.hpp"
#include "tests/support/builders.hpp"
#include "tests/support/strategy_builders.hpp"

namespace pt {
namespace {

using test::percent_stop;
using test::hour_aligned_ms;
using test::kline_event;
using test::make_kline;
using test::minute_ms;
using test::px;
using test::qty;
using test::trade_event;
using test::usd;

constexpr int64_t t0 = hour_aligned_ms;

TEST(Protection, TheHigherStopIsMetFirstAndTheTrailAnchorRises) {
  risk_spec r;
  r.stop_loss = percent_stop(500);     // 95
  r.trailing_stop = percent_stop(300); // 3 % below the highest price
  protection p(r);
  p.arm(px("100"), std::nullopt);
  EXPECT_EQ(p.stop_loss_price(), px("95"));
  EXPECT_EQ(p.trailing_stop_price(), px("97"));
  EXPECT_FALSE(p.check(trade_event(t0, "110")).has_value()); // anchor 110: trail 106.7
  EXPECT_EQ(p.trailing_stop_price(), px("106.7"));
  auto hit = p.check(trade_event(t0 + 1, "106"));
  ASSERT_TRUE(hit.has_value());
  EXPECT_STREQ(hit->rule, "trailing_stop");
  EXPECT_TRUE(hit->stop);
  EXPECT_EQ(hit->level, px("106.7"));
  p.disarm();
  EXPECT_EQ(p.stop_loss_price(), price{});
  EXPECT_EQ(p.trailing_stop_price(), price{});
}

TEST(Protection, OnABarTheStopIsTestedBeforeTheTarget) {
  risk_spec r;
  r.stop_loss = percent_stop(200);
  r.take_profit = percent_stop(200);
  protection p(r);
  p.arm(px("100"), std::nullopt);
  auto hit = p.check(kline_event(make_kline(t0, minute_ms, "100", "103", "97", "101", "1")));
  ASSERT_TRUE(hit.has_value());
  EXPECT_STREQ(hit->rule, "stop_loss");
  EXPECT_TRUE(hit->bar);
  EXPECT_EQ(hit->open, px("100"));
}

TEST(RiskLimits, PauseAndCooldownBlockEntries) {
  risk_spec r;
  r.cooldown_ms = 1'000;
  r.max_drawdown_bps = bps::from_units(1'000); // 10 %
  risk_limits limits(r, usd("1000"));
  ledger account(usd("1000"));
  EXPECT_FALSE(limits.entry_blocked(t0, std::nullopt, false).has_value());
  EXPECT_EQ(limits.entry_blocked(t0, std::nullopt, true), std::optional<std::string>("session paused"));
  limits.on_exit(t0);
  EXPECT_EQ(limits.entry_blocked(t0 + 999, std::nullopt, false),
            std::optional<std::string>("cooldown after the last exit until ts " + std::to_string(t0 + 1'000) + " ms"));
  EXPECT_FALSE(limits.entry_blocked(t0 + 1'000, std::nullopt, false).has_value());
  // Cash only: equity is the cash whatever the mark, so no drawdown.
  limits.track_equity(t0 + 2'000, px("50"), account);
  EXPECT_FALSE(limits.halted(t0 + 2'000));
}

TEST(Sizing, AFixedSizeIsSteppedAndCappedByTheBudget) {
  sizing_spec s;
  s.type = sizing_spec::kind::base;
  s.qty = qty("5.123456");
  sizing sz(s, risk_spec{}, qty("0.001"));
  ledger account(usd("1000"));
  EXPECT_EQ(sz.stepped(s.qty), qty("5.123"));
  // 1000 at 100 with no fee buys 10: the fixed size stands.
  EXPECT_EQ(sz.entry_quantity(px("100"), std::nullopt, bps{}, account, usd("1000")), qty("5.123"));
  // 300 of free cash buys 3.
  EXPECT_EQ(sz.entry_quantity(px("100"), std::nullopt, bps{}, account, usd("300")), qty("3"));
  EXPECT_EQ(sz.entry_budget(px("100"), account, usd("300")), usd("300"));
}

} // namespace
} // namespace pt
