#include "core/fixed_point.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <string>

#include "tests/support/builders.hpp"

namespace pt {
namespace {

using test::bp;
using test::px;
using test::qty;
using test::usd;

constexpr int64_t i64_max = std::numeric_limits<int64_t>::max();
constexpr int64_t i64_min = std::numeric_limits<int64_t>::min();

// Parses `text`, expecting success; returns the raw units.
int64_t raw_of(const std::string& text) {
  int64_t raw = -777;
  EXPECT_EQ(parse_decimal_raw(text, raw), parse_errc::ok) << "text: '" << text << "'";
  return raw;
}

parse_errc errc_of(const std::string& text) {
  int64_t raw = 0;
  return parse_decimal_raw(text, raw);
}

// ---- parsing ---------------------------------------------------------------------------------

TEST(FixedPoint, ParsesBinanceStrings) {
  EXPECT_EQ(raw_of("61837.63000000"), 6'183'763'000'000); // 61837.63 × 1e8
  EXPECT_EQ(raw_of("24934.2"), 2'493'420'000'000);        // 24934.2 × 1e8
  EXPECT_EQ(raw_of("0.00100000"), 100'000);               // 0.001 × 1e8
  EXPECT_EQ(raw_of("0.00000001"), 1);
  EXPECT_EQ(raw_of("-0.5"), -50'000'000);
  EXPECT_EQ(raw_of("0"), 0);
  EXPECT_EQ(raw_of("-0"), 0);
  EXPECT_EQ(raw_of("1."), 100'000'000);
  EXPECT_EQ(raw_of(".5"), 50'000'000);
  EXPECT_EQ(raw_of("-.5"), -50'000'000);
  EXPECT_EQ(raw_of("+1.5"), 150'000'000); // an optional leading sign may be '+'
  EXPECT_EQ(raw_of("007.25"), 725'000'000);
}

TEST(FixedPoint, ParseIgnoresLeadingAndTrailingZeros) {
  EXPECT_EQ(raw_of(std::string(300, '0') + "1.5"), 150'000'000);
  EXPECT_EQ(raw_of("0.1" + std::string(300, '0')), 10'000'000);
}

TEST(FixedPoint, RejectsMalformedText) {
  EXPECT_EQ(errc_of(""), parse_errc::empty);
  for (const char* bad : {"-", "+", ".", "-.", "1e5", "1E5", "1,000", "1.2.3", " 1", "1 ", "--1", "0x10",
                          "1-", "12a", "nan", "inf", "1_000"})
    EXPECT_EQ(errc_of(bad), parse_errc::bad_char) << "text: '" << bad << "'";
}

TEST(FixedPoint, ParseFailureGivesNullopt) {
  EXPECT_FALSE(price::parse("1e5").has_value());
  EXPECT_FALSE(quantity::parse("").has_value());
  EXPECT_FALSE(money::parse("100000000000").has_value());
  ASSERT_TRUE(money::parse("12.5").has_value());
  EXPECT_EQ(money::parse("12.5")->raw(), 1'250'000'000);
}

TEST(FixedPoint, ParseErrorNames) {
  EXPECT_STREQ(to_string(parse_errc::empty), "empty");
  EXPECT_STREQ(to_string(parse_errc::bad_char), "bad character");
  EXPECT_STREQ(to_string(parse_errc::overflow), "overflow");
}

// ---- rounding past the 8th decimal (half to even) --------------------------------------------

TEST(FixedPoint, ParseRoundsExactHalfToEven) {
  EXPECT_EQ(raw_of("0.000000005"), 0);  // 0.5 raw → 0 (even)
  EXPECT_EQ(raw_of("0.000000015"), 2);  // 1.5 raw → 2 (even)
  EXPECT_EQ(raw_of("0.000000025"), 2);  // 2.5 raw → 2 (even)
  EXPECT_EQ(raw_of("0.000000035"), 4);  // 3.5 raw → 4 (even)
  EXPECT_EQ(raw_of("0.0000000250"), 2); // trailing zero keeps it an exact tie
  // 1.999999995 = 199999999.5 raw; 199999999 is odd → 200000000, carrying into the units.
  EXPECT_EQ(raw_of("1.999999995"), 200'000'000);
}

TEST(FixedPoint, ParseRoundsAboveHalfUpAndBelowHalfDown) {
  EXPECT_EQ(raw_of("0.0000000251"), 3);                   // 2.51 raw → 3
  EXPECT_EQ(raw_of("0.00000002500000000001"), 3);        // 2.5000…01 raw → 3 (not a tie)
  EXPECT_EQ(raw_of("0.000000024999"), 2);                 // 2.4999 raw → 2
  EXPECT_EQ(raw_of("0.000000019"), 2);                    // 1.9 raw → 2
  EXPECT_EQ(raw_of("0.000000011"), 1);                    // 1.1 raw → 1
}

TEST(FixedPoint, ParseRoundsNegativeValuesSymmetrically) {
  EXPECT_EQ(raw_of("-0.000000005"), 0);    // −0.5 raw → 0 (even)
  EXPECT_EQ(raw_of("-0.000000015"), -2);   // −1.5 raw → −2
  EXPECT_EQ(raw_of("-0.000000025"), -2);   // −2.5 raw → −2
  EXPECT_EQ(raw_of("-0.000000035"), -4);   // −3.5 raw → −4
  EXPECT_EQ(raw_of("-0.0000000251"), -3);  // −2.51 raw → −3
  EXPECT_EQ(raw_of("-0.000000024999"), -2);
}

// ---- overflow --------------------------------------------------------------------------------

TEST(FixedPoint, ParsesTheInt64Extremes) {
  EXPECT_EQ(raw_of("92233720368.54775807"), i64_max);  // INT64_MAX = 9223372036854775807
  EXPECT_EQ(raw_of("-92233720368.54775808"), i64_min); // INT64_MIN = −9223372036854775808
  // 9223372036854775807.4 raw rounds down to INT64_MAX.
  EXPECT_EQ(raw_of("92233720368.547758074"), i64_max);
}

TEST(FixedPoint, ParseReportsOverflow) {
  EXPECT_EQ(errc_of("92233720368.54775808"), parse_errc::overflow);  // INT64_MAX + 1
  EXPECT_EQ(errc_of("-92233720368.54775809"), parse_errc::overflow); // INT64_MIN − 1
  // …807.5 is a tie on an odd digit: rounds up to …808, one past INT64_MAX.
  EXPECT_EQ(errc_of("92233720368.547758075"), parse_errc::overflow);
  EXPECT_EQ(errc_of("92233720369"), parse_errc::overflow);
  EXPECT_EQ(errc_of("100000000000"), parse_errc::overflow);
  EXPECT_EQ(errc_of("-100000000000"), parse_errc::overflow);
  EXPECT_EQ(errc_of(std::string(1000, '9')), parse_errc::overflow);
  EXPECT_EQ(errc_of("-" + std::string(1000, '9') + ".5"), parse_errc::overflow);
}

// ---- formatting ------------------------------------------------------------------------------

TEST(FixedPoint, FormatsWithEightDecimals) {
  EXPECT_EQ(format_decimal_raw(6'183'763'000'000), "61837.63000000");
  EXPECT_EQ(format_decimal_raw(0), "0.00000000");
  EXPECT_EQ(format_decimal_raw(1), "0.00000001");
  EXPECT_EQ(format_decimal_raw(-1), "-0.00000001");
  EXPECT_EQ(format_decimal_raw(-50'000'000), "-0.50000000");
  EXPECT_EQ(format_decimal_raw(-250'000'000), "-2.50000000");
  EXPECT_EQ(format_decimal_raw(i64_max), "92233720368.54775807");
  EXPECT_EQ(format_decimal_raw(i64_min), "-92233720368.54775808");
  EXPECT_EQ(qty("0.001").to_string(), "0.00100000");
}

TEST(FixedPoint, FormatParseRoundTrips) {
  for (int64_t raw : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{99'999'999}, int64_t{-100'000'000},
                      int64_t{12'345'678'901'234}, i64_max, i64_min, i64_min + 1})
    EXPECT_EQ(raw_of(format_decimal_raw(raw)), raw) << raw;
  // A deterministic spread over the whole int64 range (64-bit LCG, Knuth's MMIX constants).
  uint64_t state = 42;
  for (int i = 0; i < 20'000; ++i) {
    state = state * 6'364'136'223'846'793'005ULL + 1'442'695'040'888'963'407ULL;
    auto raw = static_cast<int64_t>(state);
    ASSERT_EQ(raw_of(format_decimal_raw(raw)), raw) << raw;
  }
}

// ---- mul_div_raw -----------------------------------------------------------------------------

TEST(FixedPoint, MulDivRoundsHalfToEven) {
  EXPECT_EQ(mul_div_raw(5, 1, 2), 2);    // 2.5 → 2
  EXPECT_EQ(mul_div_raw(7, 1, 2), 4);    // 3.5 → 4
  EXPECT_EQ(mul_div_raw(-5, 1, 2), -2);  // −2.5 → −2
  EXPECT_EQ(mul_div_raw(-7, 1, 2), -4);  // −3.5 → −4
  EXPECT_EQ(mul_div_raw(5, 1, -2), -2);  // negative divisor: −2.5 → −2
  EXPECT_EQ(mul_div_raw(-7, 1, -2), 4);  // 3.5 → 4
  EXPECT_EQ(mul_div_raw(5, 3, 4), 4);    // 3.75 → 4
  EXPECT_EQ(mul_div_raw(-5, 3, 4), -4);  // −3.75 → −4
  EXPECT_EQ(mul_div_raw(13, 1, 4), 3);   // 3.25 → 3
  EXPECT_EQ(mul_div_raw(6, 7, 3), 14);   // exact
}

TEST(FixedPoint, MulDivTowardZeroTruncates) {
  EXPECT_EQ(mul_div_raw(7, 1, 2, rounding::toward_zero), 3);     // 3.5 → 3
  EXPECT_EQ(mul_div_raw(-7, 1, 2, rounding::toward_zero), -3);   // −3.5 → −3
  EXPECT_EQ(mul_div_raw(199, 1, 100, rounding::toward_zero), 1); // 1.99 → 1
  EXPECT_EQ(mul_div_raw(-199, 1, 100, rounding::toward_zero), -1);
  EXPECT_EQ(mul_div_raw(199, 1, -100, rounding::toward_zero), -1);
}

TEST(FixedPoint, MulDivRejectsZeroDivisorAndOverflow) {
  EXPECT_FALSE(mul_div_raw(1, 1, 0).has_value());
  EXPECT_FALSE(mul_div_raw(0, 0, 0).has_value());
  EXPECT_FALSE(mul_div_raw(i64_max, 2, 1).has_value());
  EXPECT_FALSE(mul_div_raw(i64_min, -1, 1).has_value()); // 2^63 does not fit
  EXPECT_FALSE(mul_div_raw(i64_min, 1, -1).has_value());
  EXPECT_EQ(mul_div_raw(i64_min, 1, 1), i64_min);
}

TEST(FixedPoint, MulDivKeepsTheFullIntermediateProduct) {
  // The products below need ~126 bits; only the final quotient must fit in int64.
  EXPECT_EQ(mul_div_raw(i64_max, i64_max, i64_max), i64_max);
  EXPECT_EQ(mul_div_raw(i64_min, i64_min, i64_min), i64_min);
  // 3e18 × 3e18 / 1e18 = 9e18 < 9.22e18
  EXPECT_EQ(mul_div_raw(3'000'000'000'000'000'000, 3'000'000'000'000'000'000, 1'000'000'000'000'000'000),
            9'000'000'000'000'000'000);
}

TEST(FixedPoint, MulDivGivesTheSameAnswerWhetherTheProductFitsSixtyFourBitsOrNot) {
  // mul_div_raw divides in 64 bits when a·b fits and in 128 bits otherwise: both must round alike.
  // Reference: the exact quotient in 128 bits, rounded half to even (or truncated) by hand.
  using i128 = __int128;
  auto reference = [](int64_t a, int64_t b, int64_t c, rounding mode) -> std::optional<int64_t> {
    i128 n = static_cast<i128>(a) * b, d = c;
    if (d < 0) {
      n = -n;
      d = -d;
    }
    i128 q = n / d, r = n % d;
    if (mode == rounding::half_even && r != 0) {
      i128 twice = (r < 0 ? -r : r) * 2;
      if (twice > d || (twice == d && q % 2 != 0))
        q += n < 0 ? -1 : 1;
    }
    if (q > i64_max || q < i64_min)
      return std::nullopt;
    return static_cast<int64_t>(q);
  };
  std::mt19937_64 gen(20261202);
  // Magnitudes around where the product leaves 64 bits (prices ~1e12 raw × quantities ~1e7 raw).
  std::uniform_int_distribution<int> bits(0, 62);
  auto draw = [&] {
    int64_t v = static_cast<int64_t>(gen() >> (63 - bits(gen)));
    return gen() % 2 ? -v : v;
  };
  int checked = 0;
  for (int i = 0; i < 200'000; ++i) {
    int64_t a = draw(), b = draw(), c = draw();
    if (c == 0)
      continue;
    for (auto mode : {rounding::half_even, rounding::toward_zero}) {
      ASSERT_EQ(mul_div_raw(a, b, c, mode), reference(a, b, c, mode)) << a << " * " << b << " / " << c;
      ++checked;
    }
  }
  // Ties of both parities on the 64-bit path.
  for (int64_t n = -9; n <= 9; ++n)
    ASSERT_EQ(mul_div_raw(n, 5, 10), reference(n, 5, 10, rounding::half_even)) << n;
  EXPECT_GT(checked, 390'000);
}

// ---- domain helpers --------------------------------------------------------------------------

TEST(FixedPoint, NotionalIsPriceTimesQuantity) {
  // 61837.63 × 0.00123 = 61.83763 + 14.2226549 = 76.0602849
  ASSERT_TRUE(notional(px("61837.63"), qty("0.00123")).has_value());
  EXPECT_EQ(*notional(px("61837.63"), qty("0.00123")), usd("76.0602849"));
  // 3e-8 × 0.5 = 1.5e-8 → 2e-8 (tie to even); 1e-8 × 0.5 = 0.5e-8 → 0
  EXPECT_EQ(notional(price::from_raw(3), qty("0.5"))->raw(), 2);
  EXPECT_EQ(notional(price::from_raw(1), qty("0.5"))->raw(), 0);
  // 90,000,000,000 × 2 = 1.8e11 > 9.2e10
  EXPECT_FALSE(notional(px("90000000000"), qty("2")).has_value());
  EXPECT_EQ(mark_value(qty("2"), px("1.25")), usd("2.5"));
}

TEST(FixedPoint, ApplyBpsTakesAFee) {
  EXPECT_EQ(apply_bps(usd("1000"), bp("10")), usd("1"));     // 1000 × 10 / 10000
  EXPECT_EQ(apply_bps(usd("1000"), bp("2.5")), usd("0.25")); // 1000 × 2.5 / 10000
  // 76.0602849 × 0.001 = 0.0760602849 → 0.07606028|49 → 0.07606028
  EXPECT_EQ(apply_bps(usd("76.0602849"), bp("10")), usd("0.07606028"));
  // 5000 raw × 1 bps = 0.5 raw → 0 (even); 15000 raw × 1 bps = 1.5 raw → 2
  EXPECT_EQ(apply_bps(money::from_raw(5'000), bp("1"))->raw(), 0);
  EXPECT_EQ(apply_bps(money::from_raw(15'000), bp("1"))->raw(), 2);
  EXPECT_EQ(apply_bps(usd("1000"), bp("0")), usd("0"));
}

TEST(FixedPoint, AdjustPriceBpsMovesBothWays) {
  EXPECT_EQ(adjust_price_bps(px("20000"), bp("5")), px("20010"));  // 20000 × 1.0005
  EXPECT_EQ(adjust_price_bps(px("20000"), bp("-5")), px("19990")); // 20000 × 0.9995
  // 61837.63 × 0.00025 = 15.4594075 → 61837.63 ± 15.4594075
  EXPECT_EQ(adjust_price_bps(px("61837.63"), bp("2.5")), px("61853.0894075"));
  EXPECT_EQ(adjust_price_bps(px("61837.63"), bp("-2.5")), px("61822.1705925"));
  EXPECT_EQ(adjust_price_bps(px("123.45"), bp("0")), px("123.45"));
  // 1 raw × 1.5 = 1.5 → 2; 3 raw × 0.5 = 1.5 → 2; 1 raw × 0.5 = 0.5 → 0 (ties to even)
  EXPECT_EQ(adjust_price_bps(price::from_raw(1), bp("5000"))->raw(), 2);
  EXPECT_EQ(adjust_price_bps(price::from_raw(3), bp("-5000"))->raw(), 2);
  EXPECT_EQ(adjust_price_bps(price::from_raw(1), bp("-5000"))->raw(), 0);
}

TEST(FixedPoint, QuantityForRoundsDownToTheStep) {
  // 1000 / 30000 = 0.0333333… → 0.03333 at step 0.00001 (costs 999.9 ≤ 1000)
  EXPECT_EQ(quantity_for(usd("1000"), px("30000"), qty("0.00001")), qty("0.03333"));
  // 100 / 20000 = 0.005 exactly: an exact multiple stays
  EXPECT_EQ(quantity_for(usd("100"), px("20000"), qty("0.001")), qty("0.005"));
  // 99.99999999 / 20000 = 0.00499999… → 0.004
  EXPECT_EQ(quantity_for(usd("99.99999999"), px("20000"), qty("0.001")), qty("0.004"));
  // 2 / 3 = 0.666666666… at step 1e-8 → 0.66666666 (truncated, where half-even would give …67)
  EXPECT_EQ(quantity_for(usd("2"), px("3"), quantity::from_raw(1)), qty("0.66666666"));
  // less than one step → 0
  EXPECT_EQ(quantity_for(usd("1"), px("30000"), qty("0.001")), qty("0"));
}

TEST(FixedPoint, QuantityForRejectsNonPositivePriceOrStep) {
  EXPECT_FALSE(quantity_for(usd("1000"), px("0"), qty("0.001")).has_value());
  EXPECT_FALSE(quantity_for(usd("1000"), px("-1"), qty("0.001")).has_value());
  EXPECT_FALSE(quantity_for(usd("1000"), px("100"), qty("0")).has_value());
  EXPECT_FALSE(quantity_for(usd("1000"), px("100"), qty("-0.001")).has_value());
}

TEST(FixedPoint, ProRataSharesCostBasis) {
  EXPECT_EQ(pro_rata(usd("1000"), qty("0.3"), qty("1")), usd("300"));             // 1000 × 0.3 / 1
  EXPECT_EQ(pro_rata(usd("100"), qty("1"), qty("3")), usd("33.33333333"));        // 33.333333333…
  EXPECT_EQ(pro_rata(usd("200"), qty("2"), qty("3")), usd("133.33333333"));       // 133.333333333…
  EXPECT_EQ(pro_rata(usd("200"), qty("1"), qty("3")), usd("66.66666667"));        // 66.666666666… ↑
  EXPECT_EQ(pro_rata(money::from_raw(1), qty("1"), qty("2"))->raw(), 0);          // 0.5 raw → 0
  EXPECT_EQ(pro_rata(money::from_raw(3), qty("1"), qty("2"))->raw(), 2);          // 1.5 raw → 2
  EXPECT_FALSE(pro_rata(usd("100"), qty("1"), qty("0")).has_value());
  EXPECT_FALSE(pro_rata(usd("100"), qty("1"), qty("-1")).has_value());
}

TEST(FixedPoint, AveragePriceDividesCostByQuantity) {
  EXPECT_EQ(average_price(usd("30918.815"), qty("0.5")), px("61837.63")); // 30918.815 / 0.5
  EXPECT_EQ(average_price(usd("100"), qty("3")), px("33.33333333"));      // 33.333333333…
  EXPECT_EQ(average_price(usd("200"), qty("3")), px("66.66666667"));      // 66.666666666… rounds up
  EXPECT_FALSE(average_price(usd("100"), qty("0")).has_value());
  EXPECT_FALSE(average_price(usd("100"), qty("-1")).has_value());
}

TEST(FixedPoint, ArithmeticAndComparisonsUseRawUnits) {
  auto a = usd("1.25"), b = usd("0.75");
  EXPECT_EQ(a + b, usd("2"));
  EXPECT_EQ(a - b, usd("0.5"));
  EXPECT_EQ(-a, usd("-1.25"));
  EXPECT_TRUE(b < a);
  EXPECT_TRUE(a >= a);
  EXPECT_FALSE(a == b);
  EXPECT_EQ(money::from_units(10'000).raw(), 1'000'000'000'000);
  EXPECT_DOUBLE_EQ(usd("0.5").to_double(), 0.5);
  EXPECT_TRUE(usd("-0.00000001").is_negative());
  EXPECT_TRUE(usd("0").is_zero());
}

} // namespace
} // namespace pt
