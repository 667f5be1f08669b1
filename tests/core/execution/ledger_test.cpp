#include "core/execution/ledger.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/builders.hpp"

namespace pt {
namespace {

using test::make_fill;
using test::px;
using test::qty;
using test::usd;

// Every figure of the account, for "nothing changed" checks.
struct figures {
  money cash, cost_basis, realized, fees;
  quantity position;
  friend bool operator==(const figures& a, const figures& b) {
    return a.cash == b.cash && a.cost_basis == b.cost_basis && a.realized == b.realized && a.fees == b.fees &&
           a.position == b.position;
  }
};

figures figures_of(const ledger& l) {
  return {l.cash(), l.cost_basis(), l.realized_pnl(), l.fees(), l.position_qty()};
}

TEST(Ledger, StartsFlatWithInitialCash) {
  ledger l(usd("10000"));
  EXPECT_EQ(l.initial_cash(), usd("10000"));
  EXPECT_EQ(l.cash(), usd("10000"));
  EXPECT_TRUE(l.position_qty().is_zero());
  EXPECT_FALSE(l.avg_entry_price().has_value());
  EXPECT_EQ(l.equity(px("12345")), usd("10000"));
  EXPECT_EQ(l.unrealized_pnl(px("12345")), usd("0"));
}

TEST(Ledger, TakesUpStoredFiguresAndGoesOnAsTheLedgerThatMadeThem) {
  ledger original(usd("10000"));
  ASSERT_EQ(original.apply(make_fill(side::buy, "20000", "0.4", "8")), reject_reason::none);
  ledger taken_up(usd("10000"), original.figures());
  EXPECT_EQ(taken_up.initial_cash(), usd("10000"));
  EXPECT_EQ(taken_up.figures(), original.figures());
  EXPECT_EQ(figures_of(taken_up), figures_of(original));
  // Both go on alike: the same sale gives the same account.
  ASSERT_EQ(original.apply(make_fill(side::sell, "21000", "0.1", "2.1")), reject_reason::none);
  ASSERT_EQ(taken_up.apply(make_fill(side::sell, "21000", "0.1", "2.1")), reject_reason::none);
  EXPECT_EQ(taken_up.figures(), original.figures());
  EXPECT_EQ(taken_up.realized_pnl(), usd("100"));
  ledger_figures stored{usd("5"), qty("1"), usd("7"), usd("-2"), usd("0.5")};
  EXPECT_NE(ledger(usd("10000"), stored).figures(), original.figures());
  EXPECT_EQ(ledger(usd("10000"), stored).figures(), stored);
}

TEST(Ledger, BuyPaysNotionalAndFee) {
  ledger l(usd("10000"));
  // 0.4 × 20000 = 8000; fee 8 (10 bps)
  ASSERT_EQ(l.apply(make_fill(side::buy, "20000", "0.4", "8")), reject_reason::none);
  EXPECT_EQ(l.cash(), usd("1992"));          // 10000 − 8000 − 8
  EXPECT_EQ(l.position_qty(), qty("0.4"));
  EXPECT_EQ(l.cost_basis(), usd("8000"));    // fees are not part of the cost basis
  EXPECT_EQ(l.fees(), usd("8"));
  EXPECT_EQ(l.realized_pnl(), usd("0"));
  EXPECT_EQ(l.avg_entry_price(), px("20000"));
  EXPECT_EQ(l.unrealized_pnl(px("21000")), usd("400"));  // 0.4 × 21000 − 8000
  EXPECT_EQ(l.equity(px("21000")), usd("10392"));        // 1992 + 8400
}

TEST(Ledger, SellAfterBuyRealizesPnl) {
  ledger l(usd("10000"));
  ASSERT_EQ(l.apply(make_fill(side::buy, "20000", "0.4", "8")), reject_reason::none);
  // 0.4 × 21000 = 8400; fee 8.4
  ASSERT_EQ(l.apply(make_fill(side::sell, "21000", "0.4", "8.4")), reject_reason::none);
  EXPECT_EQ(l.realized_pnl(), usd("400"));      // 8400 − 8000, before fees
  EXPECT_EQ(l.cash(), usd("10383.6"));          // 1992 + 8400 − 8.4
  EXPECT_EQ(l.fees(), usd("16.4"));             // 8 + 8.4
  EXPECT_TRUE(l.position_qty().is_zero());
  EXPECT_TRUE(l.cost_basis().is_zero());
  EXPECT_FALSE(l.avg_entry_price().has_value());
  // flat: equity is cash at any mark = 10000 + 400 − 16.4
  EXPECT_EQ(l.equity(px("1")), usd("10383.6"));
  EXPECT_EQ(l.equity(px("99999")), usd("10383.6"));
}

TEST(Ledger, SellAtALossRealizesNegativePnl) {
  ledger l(usd("1000"));
  ASSERT_EQ(l.apply(make_fill(side::buy, "100", "5", "0")), reject_reason::none);
  ASSERT_EQ(l.apply(make_fill(side::sell, "90", "5", "0")), reject_reason::none);
  EXPECT_EQ(l.realized_pnl(), usd("-50")); // 450 − 500
  EXPECT_EQ(l.cash(), usd("950"));
}

TEST(Ledger, PartialSellRemovesCostBasisProRata) {
  ledger l(usd("10000"));
  ASSERT_EQ(l.apply(make_fill(side::buy, "20000", "0.3", "6")), reject_reason::none);   // 6000
  ASSERT_EQ(l.apply(make_fill(side::buy, "23000", "0.1", "2.3")), reject_reason::none); // 2300
  EXPECT_EQ(l.cost_basis(), usd("8300"));
  EXPECT_EQ(l.avg_entry_price(), px("20750")); // 8300 / 0.4
  ASSERT_EQ(l.apply(make_fill(side::sell, "22000", "0.1", "2.2")), reject_reason::none);
  // removed = 8300 × 0.1 / 0.4 = 2075; realized = 2200 − 2075 = 125
  EXPECT_EQ(l.realized_pnl(), usd("125"));
  EXPECT_EQ(l.cost_basis(), usd("6225"));      // 8300 − 2075
  EXPECT_EQ(l.position_qty(), qty("0.3"));
  EXPECT_EQ(l.avg_entry_price(), px("20750")); // unchanged by a pro-rata sale
  EXPECT_EQ(l.cash(), usd("3889.5"));          // 10000 − 6006 − 2302.3 + 2200 − 2.2
  EXPECT_EQ(l.fees(), usd("10.5"));            // 6 + 2.3 + 2.2
}

TEST(Ledger, ClosingTheRestRemovesTheWholeRoundedBasis) {
  ledger l(usd("100"));
  // 0.3 × 33.33333333 = 9.999999999 → 10.00000000 (half to even)
  ASSERT_EQ(l.apply(make_fill(side::buy, "33.33333333", "0.3", "0")), reject_reason::none);
  EXPECT_EQ(l.cost_basis(), usd("10"));
  ASSERT_EQ(l.apply(make_fill(side::sell, "40", "0.1", "0")), reject_reason::none);
  // removed = 10 × 0.1 / 0.3 = 3.333333333… → 3.33333333; realized = 4 − 3.33333333
  EXPECT_EQ(l.cost_basis(), usd("6.66666667"));
  EXPECT_EQ(l.realized_pnl(), usd("0.66666667"));
  ASSERT_EQ(l.apply(make_fill(side::sell, "40", "0.2", "0")), reject_reason::none);
  // the rest takes the whole 6.66666667, so no basis is left behind: realized = 8 − 6.66666667 more
  EXPECT_TRUE(l.cost_basis().is_zero());
  EXPECT_EQ(l.realized_pnl(), usd("2"));  // 12 proceeds − 10 basis, exactly
  EXPECT_EQ(l.cash(), usd("102"));        // 100 − 10 + 4 + 8
}

TEST(Ledger, RejectsBuyWhenFeeTipsOverCash) {
  ledger l(usd("10000"));
  auto before = figures_of(l);
  // 0.5 × 20000 = 10000 notional + 10 fee > 10000
  auto f = make_fill(side::buy, "20000", "0.5", "10");
  EXPECT_EQ(l.check(f), reject_reason::insufficient_balance);
  EXPECT_EQ(l.apply(f), reject_reason::insufficient_balance);
  EXPECT_TRUE(figures_of(l) == before);
  // Without the fee the same buy is affordable (exactly all the cash).
  EXPECT_EQ(l.check(make_fill(side::buy, "20000", "0.5", "0")), reject_reason::none);
}

TEST(Ledger, BuyMayUseExactlyAllCash) {
  ledger l(usd("10000"));
  // 0.4995 × 20000 = 9990, + 10 fee = 10000
  ASSERT_EQ(l.apply(make_fill(side::buy, "20000", "0.4995", "10")), reject_reason::none);
  EXPECT_TRUE(l.cash().is_zero());
  // one more satoshi of fee would not have fitted
  ledger l2(usd("10000"));
  EXPECT_EQ(l2.apply(make_fill(side::buy, "20000", "0.4995", "10.00000001")), reject_reason::insufficient_balance);
}

TEST(Ledger, RejectsSellingMoreThanHeld) {
  ledger l(usd("10000"));
  auto flat = figures_of(l);
  EXPECT_EQ(l.apply(make_fill(side::sell, "20000", "0.1", "0")), reject_reason::insufficient_balance);
  EXPECT_TRUE(figures_of(l) == flat);

  ASSERT_EQ(l.apply(make_fill(side::buy, "20000", "0.4", "8")), reject_reason::none);
  auto held = figures_of(l);
  EXPECT_EQ(l.check(make_fill(side::sell, "20000", "0.40000001", "0")), reject_reason::insufficient_balance);
  EXPECT_EQ(l.apply(make_fill(side::sell, "20000", "0.5", "1")), reject_reason::insufficient_balance);
  EXPECT_TRUE(figures_of(l) == held);
}

TEST(Ledger, RejectsZeroQuantity) {
  ledger l(usd("10000"));
  auto before = figures_of(l);
  EXPECT_EQ(l.apply(make_fill(side::buy, "20000", "0", "0")), reject_reason::zero_quantity);
  EXPECT_EQ(l.apply(make_fill(side::sell, "20000", "0", "0")), reject_reason::zero_quantity);
  EXPECT_EQ(l.apply(make_fill(side::buy, "20000", "0", "1")), reject_reason::zero_quantity);
  EXPECT_TRUE(figures_of(l) == before);
}

TEST(Ledger, ReconciliationIdentityHoldsAtEveryMark) {
  ledger l(usd("25000"));
  // Fills with awkward prices and quantities, so products and fees round.
  std::vector<fill> fills{
      make_fill(side::buy, "27123.45", "0.12345", "3.34838990"),
      make_fill(side::buy, "26999.99", "0.2", "5.39999800"),
      make_fill(side::sell, "27500.01", "0.13", "3.57500130"),
      make_fill(side::buy, "28111.11", "0.333", "9.36100000"),
      make_fill(side::sell, "26000.5", "0.1", "2.60005000"),
      make_fill(side::sell, "29000", "0.01", "0.29"),
  };
  const std::vector<price> marks{px("0.01"), px("25999.99999999"), px("27123.45"), px("31000.12345678")};
  for (size_t i = 0; i < fills.size(); ++i) {
    ASSERT_EQ(l.apply(fills[i]), reject_reason::none) << "fill " << i;
    for (price m : marks) {
      SCOPED_TRACE("after fill " + std::to_string(i) + " at mark " + m.to_string());
      auto equity = l.equity(m);
      auto unrealized = l.unrealized_pnl(m);
      ASSERT_TRUE(equity && unrealized);
      // equity = initial + realized + unrealized − fees, exactly
      EXPECT_EQ(*equity, l.initial_cash() + l.realized_pnl() + *unrealized - l.fees());
      // equity = cash + position · mark
      EXPECT_EQ(*equity, l.cash() + *notional(m, l.position_qty()));
    }
  }
  // Position: 0.12345 + 0.2 − 0.13 + 0.333 − 0.1 − 0.01 = 0.41645
  EXPECT_EQ(l.position_qty(), qty("0.41645"));
  // Fees: 3.3483899 + 5.399998 + 3.5750013 + 9.361 + 2.60005 + 0.29 = 24.5744392
  EXPECT_EQ(l.fees(), usd("24.5744392"));
}

TEST(Ledger, EquityOverflowIsReported) {
  ledger l(usd("1000"));
  ASSERT_EQ(l.apply(make_fill(side::buy, "100", "5", "0")), reject_reason::none);
  // 5 × 90,000,000,000 = 4.5e11 does not fit
  EXPECT_FALSE(l.equity(px("90000000000")).has_value());
  EXPECT_FALSE(l.unrealized_pnl(px("90000000000")).has_value());
}

TEST(Ledger, OrderStatusNamesAreBinancesPlusDenied) {
  for (auto st : {exec_status::pending_new, exec_status::new_order, exec_status::triggered,
                  exec_status::partially_filled, exec_status::filled, exec_status::canceled, exec_status::rejected,
                  exec_status::expired, exec_status::denied})
    EXPECT_EQ(parse_exec_status(to_string(st)), st) << to_string(st);
  EXPECT_STREQ(to_string(exec_status::new_order), "NEW");
  EXPECT_STREQ(to_string(exec_status::denied), "DENIED");
  EXPECT_FALSE(parse_exec_status("filled")); // the old lower-case names are gone
  EXPECT_FALSE(parse_exec_status("accepted"));
  EXPECT_FALSE(parse_exec_status("partial"));
  EXPECT_TRUE(is_terminal(exec_status::denied));
  EXPECT_TRUE(is_terminal(exec_status::expired));
  EXPECT_FALSE(is_terminal(exec_status::partially_filled));
  EXPECT_FALSE(is_terminal(exec_status::triggered));
}

TEST(Ledger, RejectReasonNames) {
  EXPECT_STREQ(to_string(reject_reason::none), "NONE");
  EXPECT_STREQ(to_string(reject_reason::insufficient_balance), "INSUFFICIENT_BALANCE");
  EXPECT_STREQ(to_string(reject_reason::lot_size), "LOT_SIZE");
  EXPECT_STREQ(to_string(reject_reason::zero_quantity), "ZERO_QUANTITY");
  EXPECT_STREQ(to_string(reject_reason::no_price), "NO_PRICE");
  EXPECT_EQ(parse_side("buy"), side::buy);
  EXPECT_EQ(parse_side("sell"), side::sell);
  EXPECT_FALSE(parse_side("BUY").has_value());
}

} // namespace
} // namespace pt
