#include "core/strategy/strategy.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "core/indicators/series_engine.hpp"
#include "tests/support/builders.hpp"
#include "tests/support/strategy_builders.hpp"

namespace pt {
namespace {

using test::hour_aligned_ms;
using test::kline_event;
using test::make_kline;
using test::minute_ms;

// A one-minute kline whose open/high/low/close are all `close`.
market_event flat_bar(int index, double close) {
  std::string c = std::to_string(close);
  return kline_event(make_kline(hour_aligned_ms + index * minute_ms, minute_ms, c, c, c, c, "1"));
}

strategy_spec ema_cross_spec() {
  strategy_spec spec;
  spec.name = "ema-cross";
  spec.symbol = "BTCUSDT";
  spec.indicators = {{"ema_fast", "ema", {2}, price_source::close}, {"ema_slow", "ema", {4}, price_source::close}};
  spec.entry_rule = "crosses_above(ema_fast, ema_slow)";
  spec.exit_rule = "crosses_below(ema_fast, ema_slow)";
  return spec;
}


// Feeds `closes` as flat 1m klines; returns the signal (if any) of each bar.
std::vector<std::optional<signal>> run(const strategy_spec& spec, const std::vector<double>& closes) {
  auto cs = test::compile_or_fail(spec);
  series_engine engine(cs);
  signal_rules rules(cs);
  std::vector<std::optional<signal>> out;
  std::vector<series_row> rows;
  for (int i = 0; i < static_cast<int>(closes.size()); ++i) {
    rows.clear();
    auto ev = flat_bar(i, closes[static_cast<size_t>(i)]);
    engine.on_event(ev, rows);
    EXPECT_EQ(rows.size(), 1u);
    out.push_back(rules.on_row(ev.ts_event_ms, rows.at(0).values));
  }
  return out;
}

TEST(Strategy, BuiltinSeries) {
  EXPECT_EQ(builtin_series(), (std::vector<std::string>{"open", "high", "low", "close", "volume"}));
}

TEST(Strategy, SeriesAreBarFieldsThenWhatTheRulesRead) {
  auto cs = test::compile_or_fail(ema_cross_spec());
  std::vector<std::string> names;
  for (auto& s : cs.series)
    names.push_back(s.name);
  EXPECT_EQ(names, (std::vector<std::string>{"open", "high", "low", "close", "volume", "ema_fast", "ema_slow"}));
}

TEST(SeriesEngine, RowIsOhlcvThenIndicatorsWithTheirSources) {
  strategy_spec spec;
  spec.indicators = {{"hi1", "sma", {1}, price_source::high},
                     {"lo1", "ema", {1}, price_source::low},
                     {"open2", "sma", {2}, price_source::open}};
  spec.entry_rule = "hi1 > lo1 and open2 > 0";
  spec.exit_rule = "close < 0";
  auto cs = test::compile_or_fail(spec);
  series_engine engine(cs);
  std::vector<series_row> rows;
  engine.on_event(kline_event(make_kline(hour_aligned_ms, minute_ms, "10", "12", "9", "11", "5.5")), rows);
  ASSERT_EQ(rows.size(), 1u);
  const auto& row = rows[0].values;
  ASSERT_EQ(row.size(), 8u); // 5 builtins + 3 indicators
  EXPECT_EQ(row[0], 10.0);   // open
  EXPECT_EQ(row[1], 12.0);   // high
  EXPECT_EQ(row[2], 9.0);    // low
  EXPECT_EQ(row[3], 11.0);   // close
  EXPECT_EQ(row[4], 5.5);    // volume
  EXPECT_EQ(row[5], 12.0);   // sma(1) of high
  EXPECT_EQ(row[6], 9.0);    // ema(1) of low
  EXPECT_TRUE(std::isnan(row[7])); // sma(2) of open: still warming up
  engine.on_event(kline_event(make_kline(hour_aligned_ms + minute_ms, minute_ms, "20", "21", "19", "20", "1")), rows);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].values[7], 15.0); // (10 + 20) / 2
}

TEST(SignalRules, EntryFiresOnEmaCrossAndExitOnCrossBack) {
  // Six flat bars at 10 (both EMAs equal 10 once warm), then 12, 13, 8, 8.
  //  bar 6, close 12: fast (α = 2/3) = 10 + 2/3·2 = 11.33; slow (α = 0.4) = 10 + 0.4·2 = 10.8
  //     → fast > slow, and fast ≤ slow on bar 5 (10 = 10): crosses_above → entry
  //  bar 7, close 13: fast = 11.33 + 2/3·1.67 = 12.44; slow = 10.8 + 0.4·2.2 = 11.68 → still above
  //  bar 8, close 8:  fast = 12.44 − 2/3·4.44 = 9.48; slow = 11.68 − 0.4·3.68 = 10.21 → crosses_below → exit
  //  bar 9, close 8:  fast = 8.49, slow = 9.32 → still below
  auto signals = run(ema_cross_spec(), {10, 10, 10, 10, 10, 10, 12, 13, 8, 8});
  std::vector<int> entries, exits;
  for (int i = 0; i < static_cast<int>(signals.size()); ++i) {
    auto& sig = signals[static_cast<size_t>(i)];
    if (!sig)
      continue;
    EXPECT_EQ(sig->ts_event_ms, hour_aligned_ms + (i + 1) * minute_ms - 1);
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
  std::vector<bool> fired;
  for (auto& s : run(spec, {100, 100, 100, 100, 100}))
    fired.push_back(s.has_value());
  EXPECT_EQ(fired, (std::vector<bool>{false, false, false, true, true})); // first value on bar 4 (index 3)
}

TEST(SignalRules, TableIsDeepEnoughForTheRules) {
  auto spec = ema_cross_spec();
  spec.entry_rule = "close > close[3]";
  spec.exit_rule = "crosses_below(ema_fast, ema_slow)";
  signal_rules rules(test::compile_or_fail(spec));
  EXPECT_EQ(rules.table().depth(), 4u); // bars 0 … 3
}

TEST(CompileStrategy, ErrorsNameTheRuleAndOffset) {
  auto spec = ema_cross_spec();
  spec.entry_rule = "close > nope";
  spec.exit_rule = "close <";
  std::vector<strategy_rule_error> errors;
  EXPECT_FALSE(compile_strategy(spec, errors));
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].rule, "entry");
  EXPECT_EQ(errors[0].error.offset, 8u); // "close > " is 8 characters
  EXPECT_NE(errors[0].error.message.find("unknown name 'nope'"), std::string::npos);
  EXPECT_EQ(errors[1].rule, "exit");
  EXPECT_EQ(errors[1].error.offset, 7u); // the rule ends after "close <"
}

} // namespace
} // namespace pt
