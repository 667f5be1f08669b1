#include "core/strategy/rule.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace pt {
namespace {

const std::vector<std::string> names{"close", "ema_fast", "ema_slow", "rsi", "volume"};
using row = std::vector<std::optional<double>>;
constexpr auto unknown = std::nullopt;

// Compiles `text` against `names`; fails the test on a compile error.
rule compiled(const std::string& text) {
  std::vector<rule_error> errors;
  auto r = rule::compile(text, names, errors);
  EXPECT_TRUE(r.has_value()) << text << ": " << (errors.empty() ? "" : errors[0].message);
  EXPECT_TRUE(errors.empty()) << text;
  if (!r)
    throw std::runtime_error("rule did not compile: " + text);
  return *r;
}

// Evaluates `text` on a table holding `rows` (oldest first).
bool eval(const std::string& text, const std::vector<row>& rows) {
  series_table table(names, 4);
  for (auto& r : rows)
    table.push(r);
  return compiled(text).evaluate(table);
}

// The errors of a rule that must not compile.
std::vector<rule_error> errors_of(const std::string& text) {
  std::vector<rule_error> errors;
  auto r = rule::compile(text, names, errors);
  EXPECT_FALSE(r.has_value()) << text;
  EXPECT_FALSE(errors.empty()) << text;
  for (auto& e : errors)
    EXPECT_FALSE(e.message.empty()) << text;
  return errors;
}

// The first error's offset, or a sentinel when there is none.
size_t first_offset(const std::string& text) {
  auto errors = errors_of(text);
  return errors.empty() ? std::string::npos : errors[0].offset;
}

// close = 100, ema_fast = 40, ema_slow = 10, rsi = 55, volume = 0
const row sample{100.0, 40.0, 10.0, 55.0, 0.0};

// ---- series_table ----------------------------------------------------------------------------

TEST(SeriesTable, KeepsNewestFirstUpToDepth) {
  series_table t({"a", "b"}, 2);
  EXPECT_FALSE(t.get(0, 0)); // empty
  t.push({1.0, unknown});
  t.push({2.0, 20.0});
  t.push({3.0, 30.0});
  EXPECT_EQ(t.get(0, 0), 3.0);
  EXPECT_EQ(t.get(0, 1), 2.0);
  EXPECT_FALSE(t.get(0, 2)); // beyond depth 2: forgotten
  EXPECT_EQ(t.get(1, 1), 20.0);
  EXPECT_FALSE(t.get(2, 0)); // no such column
  EXPECT_EQ(t.index_of("b"), 1u);
  EXPECT_FALSE(t.index_of("c"));
  EXPECT_EQ(t.depth(), 2u);
}

// ---- evaluation ------------------------------------------------------------------------------

TEST(Rule, Comparisons) {
  EXPECT_TRUE(eval("close > 99", {sample}));
  EXPECT_FALSE(eval("close > 100", {sample}));
  EXPECT_TRUE(eval("close >= 100", {sample}));
  EXPECT_FALSE(eval("close < 100", {sample}));
  EXPECT_TRUE(eval("close <= 100", {sample}));
  EXPECT_TRUE(eval("close == 100", {sample}));
  EXPECT_FALSE(eval("close != 100", {sample}));
  EXPECT_TRUE(eval("close != 99.5", {sample}));
  EXPECT_TRUE(eval("ema_fast < close", {sample}));
  EXPECT_TRUE(eval("close>.5", {sample})); // no spaces, leading-dot number
}

TEST(Rule, AndBindsTighterThanOr) {
  // a = close > 1 (true), b = close > 1000 (false), c = close < 0 (false)
  // a or (b and c) = true; (a or b) and c would be false.
  EXPECT_TRUE(eval("close > 1 or close > 1000 and close < 0", {sample}));
  EXPECT_FALSE(eval("(close > 1 or close > 1000) and close < 0", {sample}));
  // (b and c) or a, the other way round, is true too
  EXPECT_TRUE(eval("close > 1000 and close < 0 or close > 1", {sample}));
}

TEST(Rule, NotBindsTighterThanAndButLooserThanComparison) {
  EXPECT_TRUE(eval("not close > 1000", {sample}));  // not (100 > 1000)
  // (not close > 50) and close > 1000 = false and false = false;
  // not (close > 50 and close > 1000) would be true.
  EXPECT_FALSE(eval("not close > 50 and close > 1000", {sample}));
  EXPECT_TRUE(eval("not (close > 50 and close > 1000)", {sample}));
  EXPECT_TRUE(eval("not not close > 50", {sample}));
}

TEST(Rule, Arithmetic) {
  EXPECT_TRUE(eval("close == ema_fast * 2 + ema_slow * 2", {sample}));   // 80 + 20
  EXPECT_TRUE(eval("close - ema_fast - ema_slow == 50", {sample}));      // (100 − 40) − 10, left-assoc
  EXPECT_TRUE(eval("close / ema_fast / ema_slow == 0.25", {sample}));    // (100 / 40) / 10
  EXPECT_TRUE(eval("-ema_fast + close == 60", {sample}));                // −40 + 100
  EXPECT_TRUE(eval("2 + 3 * 4 == 14", {sample}));
  EXPECT_TRUE(eval("(2 + 3) * 4 == 20", {sample}));
  EXPECT_TRUE(eval("close - -ema_slow == 110", {sample}));
  EXPECT_FALSE(eval("close > ema_fast * 2.5", {sample}));                // 100 > 100
  EXPECT_TRUE(eval("close >= ema_fast * 2.5", {sample}));
}

TEST(Rule, BarOffsetsReadEarlierRows) {
  std::vector<row> rows{{1.0, 0.0, 0.0, 30.0, 0.0}, {2.0, 0.0, 0.0, 40.0, 0.0}, {3.0, 0.0, 0.0, 50.0, 0.0}};
  EXPECT_TRUE(eval("rsi == 50", rows));
  EXPECT_TRUE(eval("rsi[0] == 50", rows));
  EXPECT_TRUE(eval("rsi[1] == 40", rows));
  EXPECT_TRUE(eval("rsi[2] == 30", rows));
  EXPECT_TRUE(eval("rsi - rsi[1] == close[2] * 10", rows)); // 50 − 40 = 1 × 10
  // Only three bars were pushed: rsi[3] is unknown, so the rule (and its negation) is false.
  EXPECT_FALSE(eval("rsi[3] > 0", rows));
  EXPECT_FALSE(eval("not rsi[3] > 0", rows));
}

TEST(Rule, MaxOffsetCountsCrossesLookback) {
  EXPECT_EQ(compiled("close > 1").max_offset(), 0u);
  EXPECT_EQ(compiled("rsi[2] > rsi[1]").max_offset(), 2u);
  EXPECT_EQ(compiled("crosses_above(ema_fast, ema_slow)").max_offset(), 1u); // also reads bar 1
  EXPECT_EQ(compiled("crosses_above(rsi[2], 30)").max_offset(), 3u);        // 2 + 1
}

TEST(Rule, InputsListEachSeriesOnceInOrderOfUse) {
  auto r = compiled("close > ema_fast and close > rsi[1] or rsi < 10");
  EXPECT_EQ(r.inputs(), (std::vector<size_t>{0, 1, 3})); // close, ema_fast, rsi
  EXPECT_EQ(r.text(), "close > ema_fast and close > rsi[1] or rsi < 10");
}

TEST(Rule, CrossesAboveIsTrueOnlyOnTheCrossingBar) {
  // (fast, slow) per bar; crosses_above(a, b) = a > b now and a ≤ b on the previous bar.
  const std::vector<std::pair<double, double>> bars{{1, 2}, {2, 2}, {3, 2}, {4, 2}, {1, 2}, {3, 2}};
  // bar 0: no previous bar; 1: 2 > 2 no; 2: 3 > 2 and 2 ≤ 2 yes; 3: previous 3 > 2 no; 4: 1 < 2 no;
  // 5: 3 > 2 and 1 ≤ 2 yes
  const std::vector<bool> above{false, false, true, false, false, true};
  // crosses_below: only bar 4 (1 < 2 and previous 4 ≥ 2)
  const std::vector<bool> below{false, false, false, false, true, false};
  auto up = compiled("crosses_above(ema_fast, ema_slow)");
  auto down = compiled("crosses_below(ema_fast, ema_slow)");
  series_table table(names, 2);
  for (size_t i = 0; i < bars.size(); ++i) {
    table.push({100.0, bars[i].first, bars[i].second, 50.0, 1.0});
    EXPECT_EQ(up.evaluate(table), above[i]) << "bar " << i;
    EXPECT_EQ(down.evaluate(table), below[i]) << "bar " << i;
  }
}

TEST(Rule, CrossesBelowAfterTouching) {
  // 3 → 2 (touches 2, not below) → 1 (below, previous 2 ≥ 2): fires on the third bar only.
  auto down = compiled("crosses_below(ema_fast, 2)");
  series_table table(names, 2);
  std::vector<bool> fired;
  for (double fast : {3.0, 2.0, 1.0, 0.5}) {
    table.push({0.0, fast, 0.0, 0.0, 0.0});
    fired.push_back(down.evaluate(table));
  }
  EXPECT_EQ(fired, (std::vector<bool>{false, false, true, false}));
}

TEST(Rule, CrossesWithExpressions) {
  // crosses_above(close, ema_slow * 2): bar 0: 15 vs 20 (below); bar 1: 25 vs 20 (above) → true
  series_table table(names, 2);
  table.push({15.0, 0.0, 10.0, 0.0, 0.0});
  table.push({25.0, 0.0, 10.0, 0.0, 0.0});
  EXPECT_TRUE(compiled("crosses_above(close, ema_slow * 2)").evaluate(table));
  EXPECT_FALSE(compiled("crosses_above(close, ema_slow * 3)").evaluate(table)); // 25 < 30
}

TEST(Rule, UnknownValuesMakeTheRuleFalse) {
  const row warming{100.0, 40.0, unknown, unknown, 1.0}; // ema_slow and rsi still warming up
  EXPECT_FALSE(eval("rsi < 30", {warming}));
  EXPECT_FALSE(eval("rsi >= 30", {warming}));
  EXPECT_FALSE(eval("not rsi < 30", {warming}));
  EXPECT_FALSE(eval("close > 0 and rsi < 30", {warming}));
  EXPECT_FALSE(eval("rsi < 30 and close > 0", {warming}));
  EXPECT_FALSE(eval("crosses_above(ema_fast, ema_slow)", {warming, warming}));
  EXPECT_FALSE(eval("close > 0", {})); // nothing pushed yet
  EXPECT_TRUE(eval("close > 0", {warming})); // known inputs still work
}

TEST(Rule, DivisionByZeroMakesTheRuleFalse) {
  const row zero{100.0, 40.0, 0.0, 55.0, 0.0};
  EXPECT_FALSE(eval("close / ema_slow > 0", {zero}));
  EXPECT_FALSE(eval("close / ema_slow <= 0", {zero}));
  EXPECT_FALSE(eval("not close / ema_slow > 0", {zero}));
  EXPECT_FALSE(eval("close / (ema_fast - 40) != 1", {zero})); // 40 − 40 = 0
  EXPECT_TRUE(eval("close / ema_fast == 2.5", {zero}));
}

// ---- compile errors --------------------------------------------------------------------------

TEST(RuleCompile, UnknownName) {
  std::string text = "close > ema_fst";
  auto errors = errors_of(text);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].offset, text.find("ema_fst"));
  EXPECT_NE(errors[0].message.find("ema_fst"), std::string::npos);
}

TEST(RuleCompile, MissingClosingParen) {
  std::string text = "(close > 1 and rsi < 30";
  EXPECT_EQ(first_offset(text), text.size()); // the rule ends where ')' was expected
  std::string text2 = "(close > 1 rsi < 30";
  EXPECT_EQ(first_offset(text2), text2.find("rsi"));
}

TEST(RuleCompile, TrailingToken) {
  std::string text = "close > 1 2";
  EXPECT_EQ(first_offset(text), text.rfind('2'));
  std::string text2 = "close > 1)";
  EXPECT_EQ(first_offset(text2), text2.find(')'));
}

TEST(RuleCompile, NumberIsNotARule) {
  EXPECT_EQ(first_offset("close + 1"), 0u);
  EXPECT_EQ(first_offset("  42"), 2u);
  EXPECT_EQ(first_offset("rsi"), 0u);
}

TEST(RuleCompile, AndOrNotNeedConditions) {
  std::string text = "close > 1 and 5";
  EXPECT_EQ(first_offset(text), text.find('5'));
  std::string text2 = "ema_fast or close > 1";
  EXPECT_EQ(first_offset(text2), 0u);
  std::string text3 = "not close";
  EXPECT_EQ(first_offset(text3), text3.find("close"));
  EXPECT_EQ(first_offset("and close > 1"), 0u);
}

TEST(RuleCompile, ComparisonNeedsNumbers) {
  std::string text = "(close > 1) > 2";
  EXPECT_EQ(first_offset(text), 0u); // the parenthesised condition on the left
  std::string text2 = "close + (rsi < 3) > 1";
  EXPECT_EQ(first_offset(text2), text2.find('('));
}

TEST(RuleCompile, BadBarOffset) {
  for (std::string text : {"rsi[x] > 1", "rsi[1.5] > 1", "rsi[-1] > 1", "rsi[] > 1", "rsi[501] > 1"})
    EXPECT_EQ(first_offset(text), 4u) << text; // just after '['
  std::string text = "rsi[1 > 2";
  EXPECT_EQ(first_offset(text), text.find('>')); // ']' expected
  EXPECT_EQ(compiled("rsi[500] > 1").max_offset(), 500u);
}

TEST(RuleCompile, UnexpectedCharacter) {
  std::string text = "close # 1";
  auto errors = errors_of(text);
  EXPECT_EQ(errors[0].offset, text.find('#'));
  EXPECT_NE(errors[0].message.find('#'), std::string::npos);
  std::string text2 = "close = 100";
  EXPECT_EQ(first_offset(text2), text2.find('='));
  std::string text3 = "close > 1 && rsi < 2";
  EXPECT_EQ(first_offset(text3), text3.find('&'));
}

TEST(RuleCompile, EmptyRule) {
  EXPECT_EQ(first_offset(""), 0u);
  EXPECT_EQ(first_offset("close >"), 7u); // the rule ends where a value was expected
}

TEST(RuleCompile, CrossesNeedsTwoArguments) {
  std::string text = "crosses_above(ema_fast)";
  EXPECT_EQ(first_offset(text), text.find(')'));
  std::string text2 = "crosses_below ema_fast";
  EXPECT_EQ(first_offset(text2), text2.find("ema_fast")); // '(' expected
  std::string text3 = "crosses_above(ema_fast, ema_slow, rsi)";
  EXPECT_EQ(first_offset(text3), text3.rfind(',')); // ')' expected
  std::string text4 = "crosses_above(ema_fast > 1, ema_slow)";
  EXPECT_EQ(first_offset(text4), text4.find('>')); // a value, then ',' was expected
}

TEST(RuleCompile, MalformedNumber) {
  std::string text = "close > 1.2.3";
  EXPECT_EQ(first_offset(text), text.find('1'));
}

TEST(RuleCompile, AppendsToExistingErrors) {
  std::vector<rule_error> errors{{99, "earlier"}};
  EXPECT_FALSE(rule::compile("close > nope", names, errors).has_value());
  ASSERT_GE(errors.size(), 2u);
  EXPECT_EQ(errors[0].message, "earlier");
  EXPECT_EQ(errors[1].offset, 8u); // "close > " is 8 characters
}

} // namespace
} // namespace pt
