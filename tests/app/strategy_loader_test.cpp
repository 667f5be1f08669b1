// Strategy files: every example in config/strategies/ loads, and each kind of mistake is reported
// as "label:line:column: message" at the exact place in the text.

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "app/strategy_loader.hpp"
#include "app/yaml_errors.hpp"
#include "tests/support/temp_dir_test.hpp"

namespace pt {
namespace {

namespace fs = std::filesystem;

// A valid strategy; the mistakes below change one line of it. Line numbers:
//  1 name   2 symbol   3 timeframe   4 indicators   5 ema_fast   6 ema_slow   7 entry   8 exit
//  9 sizing   10 percent_of_equity
const std::vector<std::string> base_lines{
    "name: test",
    "symbol: BTCUSDT",
    "timeframe: 1m",
    "indicators:",
    "  ema_fast: {type: ema, period: 9}",
    "  ema_slow: {type: ema, period: 21}",
    "entry: crosses_above(ema_fast, ema_slow)",
    "exit: crosses_below(ema_fast, ema_slow)",
    "sizing:",
    "  percent_of_equity: 95",
};

std::string text_of(const std::vector<std::string>& lines) {
  std::string out;
  for (auto& l : lines)
    out += l + "\n";
  return out;
}

// The base text with 1-based line `n` replaced.
std::string with_line(int n, const std::string& line) {
  auto lines = base_lines;
  lines.at(n - 1) = line;
  return text_of(lines);
}

std::string without_line(int n) {
  auto lines = base_lines;
  lines.erase(lines.begin() + (n - 1));
  return text_of(lines);
}

// The base text with `line` inserted after 1-based line `n`.
std::string inserted_after(int n, const std::string& line) {
  auto lines = base_lines;
  lines.insert(lines.begin() + n, line);
  return text_of(lines);
}

std::vector<std::string> problems_of(const std::string& text, const std::string& label = "bad.yaml") {
  try {
    load_strategy_text(text, label);
  } catch (const config_error& e) {
    return e.problems();
  }
  ADD_FAILURE() << "loaded without problems:\n" << text;
  return {};
}

struct expected_problem {
  std::string position; ///< "bad.yaml:3:12"
  std::string fragment; ///< part of the message
};

// Exactly the expected problems, in any order: each at its position, with its fragment.
void expect_problems(const std::string& text, const std::vector<expected_problem>& expected) {
  SCOPED_TRACE(text);
  auto problems = problems_of(text);
  std::string all;
  for (auto& p : problems)
    all += "\n  " + p;
  EXPECT_EQ(problems.size(), expected.size()) << all;
  for (auto& e : expected) {
    bool found = false;
    for (auto& p : problems)
      found = found || (p.rfind(e.position + ": ", 0) == 0 && p.find(e.fragment) != std::string::npos);
    EXPECT_TRUE(found) << "no problem at " << e.position << " with '" << e.fragment << "' among:" << all;
  }
}

// The timeframe text of a strategy file ("10s", "1m", …) in ms, computed here on its own.
int64_t timeframe_ms_of(const std::string& text) {
  int64_t n = std::stoll(text.substr(0, text.size() - 1));
  switch (text.back()) {
    case 's': return n * 1'000;
    case 'm': return n * 60'000;
    case 'h': return n * 3'600'000;
    case 'd': return n * 86'400'000;
    default: return -1;
  }
}

TEST(StrategyLoader, EveryExampleStrategyLoads) {
  int files = 0;
  for (auto& entry : fs::directory_iterator(fs::path(PAPERTRADER_SOURCE_DIR) / "config" / "strategies")) {
    if (entry.path().extension() != ".yaml")
      continue;
    ++files;
    const auto path = entry.path().string();
    SCOPED_TRACE(path);
    loaded_strategy s;
    try {
      s = load_strategy_file(path);
    } catch (const config_error& e) {
      ADD_FAILURE() << e.what();
      continue;
    }
    // Compare with the file as yaml-cpp reads it, independently of the loader.
    auto yaml = YAML::LoadFile(path);
    EXPECT_EQ(s.file, path);
    EXPECT_FALSE(s.text.empty());
    EXPECT_EQ(s.spec.name, yaml["name"].as<std::string>());
    EXPECT_EQ(s.spec.symbol, yaml["symbol"].as<std::string>());
    EXPECT_EQ(s.spec.timeframe_ms, timeframe_ms_of(yaml["timeframe"].as<std::string>()));
    if (yaml["grid"]) {
      EXPECT_TRUE(s.spec.grid.has_value()) << path;
      EXPECT_EQ(s.spec.entry_rule, yaml["grid"]["filter"].as<std::string>(""));
    } else {
      EXPECT_EQ(s.spec.entry_rule, yaml["entry"].as<std::string>());
      EXPECT_EQ(s.spec.exit_rule, yaml["exit"].as<std::string>());
    }
    ASSERT_EQ(s.spec.indicators.size(), yaml["indicators"].size());
    for (const auto& ind : s.spec.indicators) {
      auto node = yaml["indicators"][ind.name];
      ASSERT_TRUE(node) << ind.name;
      EXPECT_EQ(ind.type, node["type"].as<std::string>());
      if (node["period"]) {
        EXPECT_EQ(ind.params.at(0), node["period"].as<double>());
      }
    }
    if (yaml["sizing"]["percent_of_equity"]) {
      EXPECT_EQ(s.spec.sizing.percent_bps, bps::from_units(yaml["sizing"]["percent_of_equity"].as<int64_t>() * 100));
    }
  }
  EXPECT_GE(files, 8); // every example in config/strategies
}

TEST(StrategyLoader, BaseStrategyValues) {
  auto s = load_strategy_text(text_of(base_lines), "base.yaml");
  EXPECT_EQ(s.file, "base.yaml");
  EXPECT_EQ(s.spec.name, "test");
  EXPECT_EQ(s.spec.symbol, "BTCUSDT");
  EXPECT_EQ(s.spec.timeframe_ms, 60'000);
  ASSERT_EQ(s.spec.indicators.size(), 2u);
  EXPECT_EQ(s.spec.indicators[0].name, "ema_fast");
  EXPECT_EQ(s.spec.indicators[0].type, "ema");
  EXPECT_EQ(s.spec.indicators[0].params, std::vector<double>{9});
  EXPECT_EQ(s.spec.indicators[0].source, price_source::close);
  EXPECT_EQ(s.spec.indicators[1].params, std::vector<double>{21});
  EXPECT_EQ(s.spec.entry_rule, "crosses_above(ema_fast, ema_slow)");
  EXPECT_EQ(s.spec.sizing.type, sizing_spec::kind::percent_of_equity);
  EXPECT_EQ(s.spec.sizing.percent_bps, bps::from_units(9'500));
}

TEST(StrategyLoader, ALoadAnsweredFromTheCacheEqualsAFreshParse) {
  auto text = text_of(base_lines);
  auto first = load_strategy_text(text, "cached.yaml");
  auto again = load_strategy_text(text, "cached.yaml");
  auto fresh = load_strategy_text_uncached(text, "cached.yaml");
  for (auto* s : {&again, &fresh}) {
    EXPECT_EQ(s->file, first.file);
    EXPECT_EQ(s->text, first.text);
    EXPECT_EQ(s->spec.name, first.spec.name);
    EXPECT_EQ(s->spec.timeframe_ms, first.spec.timeframe_ms);
    EXPECT_EQ(s->spec.entry_rule, first.spec.entry_rule);
    ASSERT_EQ(s->spec.indicators.size(), first.spec.indicators.size());
    EXPECT_EQ(s->spec.indicators[1].params, first.spec.indicators[1].params);
  }
  // The label is part of the key: the same text under another name says that name.
  EXPECT_EQ(load_strategy_text(text, "other.yaml").file, "other.yaml");
  // An error is not kept: it is thrown (with its position) on every call.
  auto bad = with_line(2, "  bad: 1");
  for (int i = 0; i < 2; ++i)
    EXPECT_THROW(load_strategy_text(bad, "bad.yaml"), config_error);
}

TEST(StrategyLoader, OptionalPartsTakeTheirDefaults) {
  auto s = load_strategy_text("name: bare\ntimeframe: 15s\nentry: close > open\nexit: close < open\n", "bare.yaml");
  EXPECT_TRUE(s.spec.symbol.empty());
  EXPECT_EQ(s.spec.timeframe_ms, 15'000);
  EXPECT_TRUE(s.spec.indicators.empty());
  EXPECT_EQ(s.spec.sizing.percent_bps, bps::from_units(10'000)); // 100 %
  EXPECT_EQ(s.spec.evaluation, evaluate_on::bar_close);
  EXPECT_FALSE(s.spec.risk.stop_loss.active());
  auto with_source = load_strategy_text(with_line(5, "  ema_fast: {type: sma, period: 9, source: high}"), "s.yaml");
  EXPECT_EQ(with_source.spec.indicators[0].type, "sma");
  EXPECT_EQ(with_source.spec.indicators[0].source, price_source::high);
}

TEST(StrategyLoader, YamlSyntaxError) {
  // "name: test\n  bad: 1": the second ':' cannot start a value here (column 6).
  expect_problems(with_line(2, "  bad: 1"), {{"bad.yaml:2:6", "YAML syntax error"}});
}

TEST(StrategyLoader, UnknownTopLevelKey) {
  expect_problems(inserted_after(10, "colour: red"), {{"bad.yaml:11:1", "unknown key 'colour' in the strategy"}});
}

TEST(StrategyLoader, AnOrderBlockAndExchangeProtectionLoad) {
  auto text = text_of(base_lines) +
              "order: {type: limit_maker, offset_bps: 2.5, expire_ms: 60000}\n"
              "risk:\n"
              "  protection: exchange\n"
              "  take_profit: {percent: 1}\n"
              "  trailing_stop: {percent: 0.5}\n"
              "  trailing_activation: {percent: 0.2}\n";
  auto s = load_strategy_text(text, "ok.yaml");
  EXPECT_EQ(s.spec.order.type, order_type::limit_maker);
  EXPECT_EQ(s.spec.order.offset_bps, bps::parse("2.5").value());
  EXPECT_EQ(s.spec.order.tif, time_in_force::gtc);
  EXPECT_EQ(s.spec.order.expire_ms, 60'000);
  EXPECT_EQ(s.spec.risk.protection, protection_mode::exchange);
  EXPECT_EQ(s.spec.risk.trailing_activation.percent_bps, bps::from_units(20));
  // Without them: market entries, protection watched by the session.
  auto plain = load_strategy_text(text_of(base_lines), "plain.yaml");
  EXPECT_EQ(plain.spec.order.type, order_type::market);
  EXPECT_EQ(plain.spec.risk.protection, protection_mode::session);
}

TEST(StrategyLoader, OrderAndProtectionMistakesAreReportedWhereTheyAre) {
  expect_problems(inserted_after(10, "order: {type: stop_loss}"),
                  {{"bad.yaml:11:15", "order.type must be market, limit or limit_maker, not 'stop_loss'"}});
  expect_problems(inserted_after(10, "order: {type: market, offset_bps: 5}"),
                  {{"bad.yaml:11:35", "order.offset_bps prices a limit entry"}});
  expect_problems(inserted_after(10, "order: {type: limit, time_in_force: day}"),
                  {{"bad.yaml:11:37", "order.time_in_force must be gtc, ioc or fok, not 'day'"}});
  expect_problems(inserted_after(10, "order: {type: limit_maker, time_in_force: ioc}"),
                  {{"bad.yaml:11:43", "a limit_maker entry rests (gtc)"}});
  expect_problems(inserted_after(10, "order: {type: limit, expire_ms: -5}"),
                  {{"bad.yaml:11:33", "order.expire_ms must be a whole number of ms"}});
  expect_problems(inserted_after(10, "order: {type: limit, colour: red}"),
                  {{"bad.yaml:11:22", "unknown key 'colour' in order"}});
  expect_problems(inserted_after(10, "risk: {protection: broker}"),
                  {{"bad.yaml:11:20", "protection must be session"}});
  expect_problems(inserted_after(10, "risk: {trailing_stop: {percent: 1}, trailing_activation: {percent: 1}}"),
                  {{"bad.yaml:11:58", "trailing_activation is the exchange trailing stop's activation price"}});
  expect_problems(inserted_after(10, "risk: {protection: exchange, stop_loss: {percent: 1}, take_profit: {percent: 2}, "
                                     "trailing_stop: {percent: 1}}"),
                  {{"bad.yaml:11:7", "one OCO of two orders"}});
}

TEST(StrategyLoader, MissingNameIsReportedAtTheDocumentStart) {
  expect_problems(without_line(1), {{"bad.yaml:1:1", "missing 'name'"}});
}

TEST(StrategyLoader, MissingTimeframe) {
  expect_problems(without_line(3), {{"bad.yaml:1:1", "missing 'timeframe'"}});
}

TEST(StrategyLoader, MissingEntryAndExit) {
  auto lines = base_lines;
  lines.erase(lines.begin() + 6, lines.begin() + 8);
  expect_problems(text_of(lines), {{"bad.yaml:1:1", "missing 'entry'"}, {"bad.yaml:1:1", "missing 'exit'"}});
}

TEST(StrategyLoader, BadTimeframe) {
  expect_problems(with_line(3, "timeframe: 7x"), {{"bad.yaml:3:12", "timeframe must look like"}});
  expect_problems(with_line(3, "timeframe: 0m"), {{"bad.yaml:3:12", "not '0m'"}});
}

TEST(StrategyLoader, LowerCaseSymbol) {
  expect_problems(with_line(2, "symbol: btcusdt"), {{"bad.yaml:2:9", "not 'btcusdt'"}});
}

TEST(StrategyLoader, UnknownIndicatorTypeAlsoLeavesItsNameUnknownInRules) {
  // "  ema_fast: {type: " is 19 characters; in the rules ema_fast starts after "crosses_above(".
  expect_problems(with_line(5, "  ema_fast: {type: emma, period: 9}"),
                  {{"bad.yaml:5:20", "unknown indicator type 'emma'"},
                   {"bad.yaml:7:22", "entry rule: unknown name 'ema_fast'"},
                   {"bad.yaml:8:21", "exit rule: unknown name 'ema_fast'"}});
}

TEST(StrategyLoader, BadPeriods) {
  // "  ema_slow: {type: ema, period: " is 32 characters; ema_slow is at offset 24 of the rules.
  for (std::string period : {"0", "abc", "2.5", "-3", "100001"}) {
    expect_problems(with_line(6, "  ema_slow: {type: ema, period: " + period + "}"),
                    {{"bad.yaml:6:33", "period of ema must be a whole number from 1 to 100000, not '" + period + "'"},
                     {"bad.yaml:7:32", "entry rule: unknown name 'ema_slow'"},
                     {"bad.yaml:8:31", "exit rule: unknown name 'ema_slow'"}});
  }
}

TEST(StrategyLoader, IndicatorWithoutTypeOrPeriodOrWithUnknownKey) {
  expect_problems(with_line(5, "  ema_fast: {period: 9}"),
                  {{"bad.yaml:5:13", "indicator 'ema_fast' needs a type"},
                   {"bad.yaml:7:22", "unknown name 'ema_fast'"},
                   {"bad.yaml:8:21", "unknown name 'ema_fast'"}});
  // A parameter left out takes its default; a misspelt one is reported (never silently ignored).
  expect_problems(with_line(5, "  ema_fast: {type: ema, perid: 9}"),
                  {{"bad.yaml:5:25", "unknown key 'perid' in indicator 'ema_fast'"}});
  // A bad source is reported, the indicator itself still loads.
  expect_problems(with_line(5, "  ema_fast: {type: ema, period: 9, source: vwap}"),
                  {{"bad.yaml:5:44", "source must be open, high, low or close, not 'vwap'"}});
}

TEST(StrategyLoader, DuplicateIndicatorName) {
  // yaml-cpp keeps both keys of a mapping; the loader reports the second one.
  expect_problems(inserted_after(6, "  ema_fast: {type: sma, period: 5}"),
                  {{"bad.yaml:7:3", "indicator 'ema_fast' is defined twice"}});
}

TEST(StrategyLoader, ReservedIndicatorNames) {
  expect_problems(inserted_after(6, "  close: {type: sma, period: 5}"),
                  {{"bad.yaml:7:3", "indicator name 'close' is reserved"}});
  expect_problems(inserted_after(6, "  crosses_above: {type: sma, period: 5}"),
                  {{"bad.yaml:7:3", "indicator name 'crosses_above' is reserved"}});
  expect_problems(inserted_after(6, "  9lives: {type: sma, period: 5}"),
                  {{"bad.yaml:7:3", "indicator name '9lives' must be letters, digits and '_'"}});
}

TEST(StrategyLoader, UnknownNameInRulePointsAtTheName) {
  // "entry: " is 7 characters and the name is at offset 8 of "close > ema_fats".
  expect_problems(with_line(7, "entry: close > ema_fats"), {{"bad.yaml:7:16", "entry rule: unknown name 'ema_fats'"}});
  // A quoted rule starts one column further, after its quote.
  expect_problems(with_line(7, "entry: \"close > ema_fats\""),
                  {{"bad.yaml:7:17", "entry rule: unknown name 'ema_fats'"}});
  expect_problems(with_line(7, "entry: 'close > ema_fats'"),
                  {{"bad.yaml:7:17", "entry rule: unknown name 'ema_fats'"}});
  // "exit: " is 6 characters; ema_slwo is at offset 24.
  expect_problems(with_line(8, "exit: crosses_below(ema_fast, ema_slwo)"),
                  {{"bad.yaml:8:31", "exit rule: unknown name 'ema_slwo'"}});
}

TEST(StrategyLoader, RuleOverSeveralLinesIsReportedAtItsStart) {
  // YAML folds these lines into "close > 1 and ema_fats > 2": offsets into the folded text are
  // not columns of any one line, so the problem is reported where the rule starts.
  auto lines = base_lines;
  lines[6] = "entry: close > 1 and";
  lines.insert(lines.begin() + 7, "  ema_fats > 2");
  expect_problems(text_of(lines), {{"bad.yaml:7:8", "entry rule: unknown name 'ema_fats'"}});
  lines[6] = "entry: \"close > 1 and";
  lines[7] = "  ema_fats > 2\"";
  expect_problems(text_of(lines), {{"bad.yaml:7:8", "entry rule: unknown name 'ema_fats'"}});
  lines[6] = "entry: >-";
  lines[7] = "  close > 1 and ema_fats > 2";
  expect_problems(text_of(lines), {{"bad.yaml:7:8", "entry rule: unknown name 'ema_fats'"}});
}

TEST(StrategyLoader, RuleSyntaxErrorPointsAtTheEnd) {
  // "close >" ends where a value should be: offset 7, column 8 + 7.
  expect_problems(with_line(7, "entry: close >"), {{"bad.yaml:7:15", "entry rule: "}});
}

TEST(StrategyLoader, RuleThatIsANumber) {
  expect_problems(with_line(7, "entry: 42"), {{"bad.yaml:7:8", "entry rule: a rule must be a condition"}});
  expect_problems(with_line(8, "exit: ema_fast - ema_slow"), {{"bad.yaml:8:7", "exit rule: a rule must be a condition"}});
}

TEST(StrategyLoader, RuleThatIsNotAScalar) {
  expect_problems(with_line(7, "entry: [close > 1]"), {{"bad.yaml:7:8", "entry must be a single value"}});
}

TEST(StrategyLoader, BadSizingPercent) {
  // "  percent_of_equity: " is 21 characters.
  for (std::string pct : {"0", "150", "-5", "lots", "100.5"})
    expect_problems(with_line(10, "  percent_of_equity: " + pct),
                    {{"bad.yaml:10:22", "percent_of_equity must be a number above 0 and at most 100, not '" + pct + "'"}});
  expect_problems(with_line(10, "  percent: 50"), {{"bad.yaml:10:3", "unknown key 'percent' in sizing"}});
  auto lines = base_lines;
  lines.pop_back();
  lines.back() = "sizing: 95";
  expect_problems(text_of(lines), {{"bad.yaml:9:9", "sizing must be a mapping"}});
}

TEST(StrategyLoader, EdgePercentagesLoad) {
  EXPECT_EQ(load_strategy_text(with_line(10, "  percent_of_equity: 100"), "s.yaml").spec.sizing.percent_bps,
            bps::from_units(10'000));
  EXPECT_EQ(load_strategy_text(with_line(10, "  percent_of_equity: 0.5"), "s.yaml").spec.sizing.percent_bps,
            bps::from_units(50));
}

TEST(StrategyLoader, GridMistakes) {
  const std::string head = "name: g\ntimeframe: 15m\nindicators:\n  rsi: {type: rsi}\n";
  // A grid that is not a mapping is a positioned problem, never a crash.
  expect_problems(head + "grid: 5\n", {{"bad.yaml:5:7", "grid must be a mapping"}});
  // Risk keys a grid does not use, sizing, a non-rule filter and a constant filter.
  expect_problems(head + "grid: {lower: 100, upper: 200, levels: 5, qty_per_level: 1, filter: [rsi]}\n"
                         "risk: {stop_loss: {percent: 2}, max_drawdown: {percent: 20}}\nsizing: {quote: 100}\n",
                  {{"bad.yaml:5:69", "filter must be a rule"},
                   {"bad.yaml:6:19", "stop_loss is not used by a grid"},
                   {"bad.yaml:7:9", "sizing is not used by a grid"}});
  expect_problems(head + "grid: {lower: 100, upper: 200, levels: 5, qty_per_level: 1, filter: 1 < 2}\n",
                  {{"bad.yaml:5:69", "filter rule: the filter reads no market value"}});
  // Levels closer than the price precision would buy and sell at the same price.
  expect_problems(head + "grid: {lower: 100, upper: 100.00000001, levels: 5, qty_per_level: 1}\n",
                  {{"bad.yaml:5:49", "levels are closer than the price precision"}});
  // A grid has no entry or exit rule.
  expect_problems(head + "grid: {lower: 100, upper: 200, levels: 5, qty_per_level: 1}\nentry: rsi < 30\n",
                  {{"bad.yaml:6:8", "a grid strategy has no entry rule"}});
}

TEST(StrategyLoader, NotAMapping) {
  expect_problems("- name: test\n- timeframe: 1m\n", {{"bad.yaml:1:1", "a strategy is a YAML mapping"}});
  expect_problems("", {{"bad.yaml:1:1", "a strategy is a YAML mapping"}});
  auto lines = base_lines;
  lines.erase(lines.begin() + 4, lines.begin() + 6); // lines 7 and 8 move up to 5 and 6
  lines[3] = "indicators: [ema_fast, ema_slow]";
  expect_problems(text_of(lines),
                  {{"bad.yaml:4:13", "indicators must be a mapping"},
                   // the rule compiler stops at the first unknown name of each rule
                   {"bad.yaml:5:22", "entry rule: unknown name 'ema_fast'"},
                   {"bad.yaml:6:21", "exit rule: unknown name 'ema_fast'"}});
}

TEST(StrategyLoader, SeveralMistakesAreReportedTogether) {
  const std::string text = text_of({
      "symbol: BTCUSDT",                          // 1: no name anywhere
      "timeframe: 7x",                            // 2
      "indicators:",                              // 3
      "  ema_fast: {type: ema, period: 9}",       // 4
      "  ema_slow: {type: ema, period: 0}",       // 5
      "entry: crosses_above(ema_fast, ema_slow)", // 6
      "exit: crosses_below(ema_fast, ema_slow)",  // 7
      "sizing:",                                  // 8
      "  percent_of_equity: 150",                 // 9
      "colour: red",                              // 10
  });
  expect_problems(text, {{"bad.yaml:1:1", "missing 'name'"},
                         {"bad.yaml:2:12", "timeframe must look like"},
                         {"bad.yaml:5:33", "period of ema must be a whole number"},
                         {"bad.yaml:6:32", "entry rule: unknown name 'ema_slow'"},
                         {"bad.yaml:7:31", "exit rule: unknown name 'ema_slow'"},
                         {"bad.yaml:9:22", "percent_of_equity must be"},
                         {"bad.yaml:10:1", "unknown key 'colour'"}});
  // what() lists every problem, one per line.
  try {
    load_strategy_text(text, "bad.yaml");
    ADD_FAILURE() << "loaded";
  } catch (const config_error& e) {
    std::string what = e.what();
    for (auto& p : e.problems())
      EXPECT_NE(what.find(p), std::string::npos) << p;
    EXPECT_EQ(std::count(what.begin(), what.end(), '\n'), static_cast<long>(e.problems().size()) - 1);
  }
}

class StrategyLoaderFiles : public pt::test::temp_dir_test {};

TEST_F(StrategyLoaderFiles, ProblemsNameTheFile) {
  auto path = (fs::path(dir_) / "broken.yaml").string();
  std::ofstream(path) << with_line(3, "timeframe: 7x");
  try {
    load_strategy_file(path);
    ADD_FAILURE() << "loaded";
  } catch (const config_error& e) {
    ASSERT_EQ(e.problems().size(), 1u);
    EXPECT_EQ(e.problems()[0].rfind(path + ":3:12: timeframe must look like", 0), 0u) << e.problems()[0];
  }
}

TEST_F(StrategyLoaderFiles, MissingFile) {
  auto path = (fs::path(dir_) / "missing.yaml").string();
  try {
    load_strategy_file(path);
    ADD_FAILURE() << "loaded";
  } catch (const config_error& e) {
    ASSERT_EQ(e.problems().size(), 1u);
    EXPECT_EQ(e.problems()[0], path + ": cannot read the file");
  }
}

} // namespace
} // namespace pt
