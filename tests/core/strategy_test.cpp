#include "core/strategy.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "tests/support/builders.hpp"

namespace pt {
namespace {

using test::hour_aligned_ms;
using test::minute_ms;
using test::px;
using test::qty;

// A one-minute candle whose open/high/low/close are all `close`.
candle flat_bar(int index, double close) {
  candle c;
  c.open_time_ms = hour_aligned_ms + index * minute_ms;
  c.close_time_ms = c.open_time_ms + minute_ms - 1;
  c.open = c.high = c.low = c.close = price::from_raw(static_cast<int64_t>(close * fixed_scale));
  c.volume = qty("1");
  c.input_count = 1;
  return c;
}

strategy_spec ema_cross_spec() {
  strategy_spec spec;
  spec.name = "ema-cross";
  spec.symbol = "BTCUSDT";
  spec.indicators = {{"ema_fast", indicator_kind::ema, 2, price_source::close},
                     {"ema_slow", indicator_kind::ema, 4, price_source::close}};
  spec.entry_rule = "crosses_above(ema_fast, ema_slow)";
  spec.exit_rule = "crosses_below(ema_fast, ema_slow)";
  return spec;
}

TEST(Strategy, NamesAndParsers) {
  EXPECT_EQ(builtin_series(), (std::vector<std::string>{"open", "high", "low", "close", "volume"}));
  EXPECT_EQ(parse_indicator_kind("ema"), indicator_kind::ema);
  EXPECT_EQ(parse_indicator_kind("sma"), indicator_kind::sma);
  EXPECT_EQ(parse_indicator_kind("rsi"), indicator_kind::rsi);
  EXPECT_FALSE(parse_indicator_kind("EMA").has_value());
  EXPECT_FALSE(parse_indicator_kind("macd").has_value());
  for (auto s : {price_source::open, price_source::high, price_source::low, price_source::close})
    EXPECT_EQ(parse_price_source(to_string(s)), s);
  EXPECT_FALSE(parse_price_source("hl2").has_value());
}

TEST(Strategy, SeriesNamesAreBuiltinsThenIndicators) {
  EXPECT_EQ(series_names(ema_cross_spec()),
            (std::vector<std::string>{"open", "high", "low", "close", "volume", "ema_fast", "ema_slow"}));
}

TEST(IndicatorSet, RowIsOhlcvThenIndicatorsInDeclarationOrder) {
  strategy_spec spec;
  spec.indicators = {{"hi1", indicator_kind::sma, 1, price_source::high},
                     {"lo1", indicator_kind::ema, 1, price_source::low},
                     {"open2", indicator_kind::sma, 2, price_source::open}};
  indicator_set set(spec);
  candle c;
  c.open = px("10");
  c.high = px("12");
  c.low = px("9");
  c.close = px("11");
  c.volume = qty("5.5");
  auto row = set.on_candle(c);
  ASSERT_EQ(row.size(), 8u); // 5 builtins + 3 indicators
  EXPECT_EQ(row[0], 10.0);   // open
  EXPECT_EQ(row[1], 12.0);   // high
  EXPECT_EQ(row[2], 9.0);    // low
  EXPECT_EQ(row[3], 11.0);   // close
  EXPECT_EQ(row[4], 5.5);    // volume
  EXPECT_EQ(row[5], 12.0);   // sma(1) of high
  EXPECT_EQ(row[6], 9.0);    // ema(1) of low
  EXPECT_FALSE(row[7]);      // sma(2) of open: still warming up

  c.open = px("20");
  row = set.on_candle(c);
  EXPECT_EQ(row[0], 20.0);
  EXPECT_EQ(row[7], 15.0); // (10 + 20) / 2
}

TEST(SignalRules, EntryFiresOnEmaCrossAndExitOnCrossBack) {
  auto spec = ema_cross_spec();
  std::vector<std::string> errors;
  auto rules = signal_rules::compile(spec, errors);
  ASSERT_TRUE(rules.has_value()) << (errors.empty() ? "" : errors[0]);
  indicator_set set(spec);

  // Six flat bars at 10 (both EMAs equal 10 once warm), then 12, 13, 8, 8.
  //  bar 6, close 12: fast (α = 2/3) = 10 + 2/3·2 = 11.33; slow (α = 0.4) = 10 + 0.4·2 = 10.8
  //     → fast > slow, and fast ≤ slow on bar 5 (10 = 10): crosses_above → entry
  //  bar 7, close 13: fast = 11.33 + 2/3·1.67 = 12.44; slow = 10.8 + 0.4·2.2 = 11.68 → still above
  //  bar 8, close 8:  fast = 12.44 − 2/3·4.44 = 9.48; slow = 11.68 − 0.4·3.68 = 10.21 → crosses_below → exit
  //  bar 9, close 8:  fast = 8.49, slow = 9.32 → still below
  const std::vector<double> closes{10, 10, 10, 10, 10, 10, 12, 13, 8, 8};
  std::vector<int> entries, exits;
  for (int i = 0; i < static_cast<int>(closes.size()); ++i) {
    candle bar = flat_bar(i, closes[static_cast<size_t>(i)]);
    auto sig = rules->on_row(bar.close_time_ms, set.on_candle(bar));
    if (!sig)
      continue;
    EXPECT_EQ(sig->ts_event_ms, bar.close_time_ms);
    if (sig->entry)
      entries.push_back(i);
    if (sig->exit)
      exits.push_back(i);
  }
  EXPECT_EQ(entries, std::vector<int>{6});
  EXPECT_EQ(exits, std::vector<int>{8});
}

TEST(SignalRules, NoSignalDuringWarmUp) {
  auto spec = ema_cross_spec();
  spec.entry_rule = "ema_slow > 0"; // true as soon as ema_slow(4) has a value
  spec.exit_rule = "ema_slow < 0";
  std::vector<std::string> errors;
  auto rules = signal_rules::compile(spec, errors);
  ASSERT_TRUE(rules.has_value());
  indicator_set set(spec);
  std::vector<bool> fired;
  for (int i = 0; i < 5; ++i) {
    candle bar = flat_bar(i, 100);
    fired.push_back(rules->on_row(bar.close_time_ms, set.on_candle(bar)).has_value());
  }
  EXPECT_EQ(fired, (std::vector<bool>{false, false, false, true, true})); // first value on bar 4 (index 3)
}

TEST(SignalRules, TableIsDeepEnoughForTheRules) {
  auto spec = ema_cross_spec();
  spec.entry_rule = "close > close[3]";
  spec.exit_rule = "crosses_below(ema_fast, ema_slow)";
  std::vector<std::string> errors;
  auto rules = signal_rules::compile(spec, errors);
  ASSERT_TRUE(rules.has_value());
  EXPECT_EQ(rules->table().depth(), 4u); // bars 0 … 3
  EXPECT_EQ(rules->table().names(), series_names(spec));
}

TEST(SignalRules, CompileErrorsNameTheRuleAndColumn) {
  auto spec = ema_cross_spec();
  spec.entry_rule = "close > nope";
  spec.exit_rule = "close <";
  std::vector<std::string> errors;
  std::vector<rule_error> entry_errors, exit_errors;
  auto rules = signal_rules::compile(spec, errors, &entry_errors, &exit_errors);
  EXPECT_FALSE(rules.has_value());
  ASSERT_EQ(entry_errors.size(), 1u);
  EXPECT_EQ(entry_errors[0].offset, 8u); // "close > " is 8 characters
  ASSERT_EQ(exit_errors.size(), 1u);
  EXPECT_EQ(exit_errors[0].offset, 7u);  // the rule ends after "close <"
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].rfind("entry rule, column 9: ", 0), 0u) << errors[0]; // columns are 1-based
  EXPECT_EQ(errors[1].rfind("exit rule, column 8: ", 0), 0u) << errors[1];
}

} // namespace
} // namespace pt
