// The application config: config/papertrader.yaml loads as written, replay speeds parse, and every
// mistake in a config (and in the strategies it names) is reported with its position.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "app/app_config.hpp"
#include "app/yaml_errors.hpp"
#include "tests/support/temp_dir_test.hpp"

namespace pt {
namespace {

namespace fs = std::filesystem;

const std::string strategy_text = "name: cfg-test\n"
                                  "symbol: ETHUSDT\n"
                                  "timeframe: 1m\n"
                                  "indicators:\n"
                                  "  fast: {type: ema, period: 3}\n"
                                  "entry: close > fast\n"
                                  "exit: close < fast\n";

class AppConfigTemp : public pt::test::temp_dir_test {
protected:
  void SetUp() override {
    temp_dir_test::SetUp();
    fs::create_directories(fs::path(dir_) / "strategies");
    write("strategies/good.yaml", strategy_text);
    // Line 3 of this one has a bad timeframe.
    write("strategies/broken.yaml", "name: broken\nsymbol: ETHUSDT\ntimeframe: 7x\nentry: close > 1\nexit: close < 1\n");
    write("strategies/no_symbol.yaml", "name: no-symbol\ntimeframe: 1m\nentry: close > 1\nexit: close < 1\n");
  }
  std::vector<std::string> problems_of(const std::string& config_text) {
    auto path = write("config.yaml", config_text);
    try {
      load_app_config(path);
    } catch (const config_error& e) {
      return e.problems();
    }
    ADD_FAILURE() << "loaded without problems:\n" << config_text;
    return {};
  }

  struct expected_problem {
    std::string position; ///< "12:5", after "<config path>:"
    std::string fragment;
  };

  // Exactly the expected problems, in any order.
  void expect_problems(const std::string& config_text, const std::vector<expected_problem>& expected) {
    SCOPED_TRACE(config_text);
    auto problems = problems_of(config_text);
    const std::string file = in_dir("config.yaml");
    std::string all;
    for (auto& p : problems)
      all += "\n  " + p;
    EXPECT_EQ(problems.size(), expected.size()) << all;
    for (auto& e : expected) {
      bool found = false;
      for (auto& p : problems)
        found = found || (p.rfind(file + ":" + e.position + ": ", 0) == 0 && p.find(e.fragment) != std::string::npos);
      EXPECT_TRUE(found) << "no problem at " << e.position << " with '" << e.fragment << "' among:" << all;
    }
  }
};

TEST(AppConfig, ParseSpeed) {
  EXPECT_EQ(parse_speed("max"), 0.0);
  EXPECT_EQ(parse_speed("10"), 10.0);
  EXPECT_EQ(parse_speed("1"), 1.0);
  EXPECT_EQ(parse_speed("0.5"), 0.5);
  EXPECT_EQ(parse_speed("0"), std::nullopt);
  EXPECT_EQ(parse_speed("-1"), std::nullopt);
  EXPECT_EQ(parse_speed("x"), std::nullopt);
  EXPECT_EQ(parse_speed(""), std::nullopt);
  EXPECT_EQ(parse_speed("10x"), std::nullopt);
  EXPECT_EQ(parse_speed("MAX"), std::nullopt);
  EXPECT_EQ(parse_speed("nan"), std::nullopt);
}

TEST(AppConfig, ShippedConfigLoads) {
  const auto path = std::string(PAPERTRADER_SOURCE_DIR) + "/config/papertrader.yaml";
  app_config cfg;
  try {
    cfg = load_app_config(path);
  } catch (const config_error& e) {
    FAIL() << e.what();
  }
  // Compare with the file as yaml-cpp reads it, independently of the loader.
  auto yaml = YAML::LoadFile(path);
  EXPECT_EQ(cfg.file, path);
  EXPECT_EQ(cfg.database, yaml["database"].as<std::string>());

  // The shipped config trades the live market: no replay, Binance's own endpoints.
  EXPECT_FALSE(cfg.replay_file.has_value());
  EXPECT_FALSE(yaml["feed"]["replay"]);
  EXPECT_EQ(cfg.live_url, "wss://stream.binance.com:9443");
  EXPECT_EQ(cfg.rest_url, "https://api.binance.com");
  EXPECT_EQ(cfg.live_url, yaml["feed"]["live_url"].as<std::string>());
  EXPECT_EQ(cfg.rest_url, yaml["feed"]["rest_url"].as<std::string>());

  const auto defaults = yaml["defaults"];
  EXPECT_EQ(cfg.defaults.initial_cash, money::parse(defaults["initial_cash"].as<std::string>()).value());
  EXPECT_EQ(cfg.defaults.execution.taker_fee_bps, bps::parse(defaults["taker_fee_bps"].as<std::string>()).value());
  EXPECT_EQ(cfg.defaults.execution.slippage_bps, bps::parse(defaults["slippage_bps"].as<std::string>()).value());
  EXPECT_EQ(cfg.defaults.execution.qty_step, quantity::parse(defaults["qty_step"].as<std::string>()).value());

  const auto sessions = yaml["sessions"];
  ASSERT_EQ(cfg.sessions.size(), sessions.size());
  for (size_t i = 0; i < cfg.sessions.size(); ++i) {
    const auto& sc = cfg.sessions[i];
    const auto node = sessions[i];
    SCOPED_TRACE(sc.name);
    EXPECT_EQ(sc.name, node["name"].as<std::string>());
    EXPECT_EQ(sc.symbol, node["symbol"].as<std::string>());
    const auto strategy_path = fs::path(path).parent_path() / node["strategy"].as<std::string>();
    EXPECT_TRUE(fs::equivalent(sc.strategy_file, strategy_path));
    EXPECT_EQ(sc.strategy.name, YAML::LoadFile(strategy_path.string())["name"].as<std::string>());
    EXPECT_FALSE(sc.strategy_text.empty());
    const auto cash = node["initial_cash"] ? node["initial_cash"] : defaults["initial_cash"];
    EXPECT_EQ(sc.initial_cash, money::parse(cash.as<std::string>()).value());
    EXPECT_EQ(sc.execution.taker_fee_bps, cfg.defaults.execution.taker_fee_bps);
    EXPECT_EQ(sc.equity_interval_ms, cfg.defaults.equity_interval_ms);
  }
}

TEST_F(AppConfigTemp, ValidConfigWithOverrides) {
  auto path = write("config.yaml", "database: " + in_dir("pt.db") +
                                       "\n"
                                       "feed:\n"
                                       "  replay: data/../rec.txt.gz\n"
                                       "  speed: max\n"
                                       "defaults: {initial_cash: 2500.5, taker_fee_bps: 7.5, equity_interval: 5m}\n"
                                       "sessions:\n"
                                       "  - {name: one, strategy: strategies/good.yaml}\n"
                                       "  - {name: two, strategy: strategies/good.yaml, symbol: BTCUSDT, slippage_bps: 2,"
                                       " fill_profile: pessimistic}\n");
  auto cfg = load_app_config(path);
  EXPECT_EQ(cfg.database, in_dir("pt.db"));
  EXPECT_EQ(cfg.replay_file, in_dir("rec.txt.gz")); // relative to the config's folder, normalised
  EXPECT_EQ(cfg.replay_speed, 0.0);
  EXPECT_EQ(cfg.defaults.initial_cash, money::from_raw(250'050'000'000));
  EXPECT_EQ(cfg.defaults.execution.taker_fee_bps, bps::from_raw(750'000'000));
  EXPECT_EQ(cfg.defaults.equity_interval_ms, 300'000);
  ASSERT_EQ(cfg.sessions.size(), 2u);
  EXPECT_EQ(cfg.sessions[0].symbol, "ETHUSDT"); // from the strategy
  EXPECT_EQ(cfg.sessions[1].symbol, "BTCUSDT"); // the session's own
  EXPECT_EQ(cfg.sessions[0].initial_cash, money::from_raw(250'050'000'000));
  EXPECT_EQ(cfg.sessions[1].execution.slippage_bps, bps::from_units(2));
  EXPECT_EQ(cfg.sessions[0].execution.slippage_bps, cfg.defaults.execution.slippage_bps);
  EXPECT_EQ(cfg.sessions[1].execution.profile, fill_profile::pessimistic);
  EXPECT_EQ(cfg.sessions[0].execution.profile, fill_profile::realistic); // the default
  EXPECT_EQ(cfg.sessions[1].equity_interval_ms, 300'000);
  EXPECT_EQ(cfg.sessions[0].strategy.name, "cfg-test");
  EXPECT_EQ(cfg.sessions[0].strategy_text, strategy_text);
  EXPECT_EQ(cfg.sessions[0].strategy_file, in_dir("strategies/good.yaml"));
}

TEST_F(AppConfigTemp, AbsoluteReplayPathIsKeptAndNoFeedMeansLive) {
  auto cfg = load_app_config(write("config.yaml", "feed: {replay: /data/x.txt.gz}\n"));
  EXPECT_EQ(cfg.replay_file, "/data/x.txt.gz");
  EXPECT_FALSE(cfg.replay_speed.has_value());
  auto live = load_app_config(write("config.yaml", "database: a.db\n"));
  EXPECT_FALSE(live.replay_file.has_value());
  EXPECT_TRUE(live.sessions.empty());
}

TEST_F(AppConfigTemp, RetentionIsForeverUnlessGiven) {
  auto none = load_app_config(write("config.yaml", "database: a.db\n"));
  EXPECT_EQ(none.retain_equity_points_ms, 0);
  EXPECT_EQ(none.retain_decisions_ms, 0);
  auto some = load_app_config(write("config.yaml", "retention: {equity_points: 30d, decisions: 2w}\n"));
  EXPECT_EQ(some.retain_equity_points_ms, 30LL * 86'400'000);
  EXPECT_EQ(some.retain_decisions_ms, 14LL * 86'400'000);
  EXPECT_EQ(load_app_config(write("config.yaml", "retention: {equity_points: forever}\n")).retain_equity_points_ms, 0);
  expect_problems("retention:\n  equity_points: soon\n",
                  {{"2:18", "retention.equity_points must look like 12h, 30d or 8w, or be forever"}});
}

TEST_F(AppConfigTemp, EquityPointsPastAWeekAreDownsampledHourlyUnlessGiven) {
  auto none = load_app_config(write("config.yaml", "database: a.db\n"));
  EXPECT_EQ(none.equity_full_resolution_ms, 7LL * 86'400'000);
  EXPECT_EQ(none.equity_bucket_ms, 3'600'000);
  EXPECT_EQ(none.retention().equity_full_ms, 7LL * 86'400'000);
  auto some = load_app_config(write("config.yaml", "retention: {equity_full_resolution: 2d, equity_bucket: 15m}\n"));
  EXPECT_EQ(some.retention().equity_full_ms, 2LL * 86'400'000);
  EXPECT_EQ(some.retention().equity_bucket_ms, 900'000);
  EXPECT_EQ(load_app_config(write("config.yaml", "retention: {equity_full_resolution: forever}\n")).retention().equity_full_ms,
            0);
  expect_problems("retention:\n  equity_bucket: forever\n",
                  {{"2:18", "retention.equity_bucket must look like 1m, 15m or 1h"}});
  expect_problems("retention:\n  equity_full_resolution: 1h\n  equity_bucket: 1d\n",
                  {{"2:3", "retention.equity_bucket must not be longer than retention.equity_full_resolution"}});
}

TEST_F(AppConfigTemp, WarmupIsOnUnlessTheFeedSaysNo) {
  EXPECT_TRUE(load_app_config(write("config.yaml", "database: a.db\n")).warmup);
  EXPECT_FALSE(load_app_config(write("config.yaml", "feed: {warmup: false}\n")).warmup);
  expect_problems("feed:\n  warmup: maybe\n", {{"2:11", "feed.warmup must be true or false"}});
}

TEST_F(AppConfigTemp, TheFeedJournalIsAPlainFile) {
  EXPECT_EQ(load_app_config(write("config.yaml", "database: a.db\n")).journal, "");
  EXPECT_EQ(load_app_config(write("config.yaml", "feed: {journal: data/j.txt}\n")).journal, "data/j.txt");
  expect_problems("feed:\n  journal: j.txt.gz\n",
                  {{"2:12", "feed.journal must be a plain file, not .gz (a crash would cut a gzip stream)"}});
}

TEST_F(AppConfigTemp, EveryMistakeIsReportedWithItsPosition) {
  const std::string text = "database: pt.db\n"                       // 1
                           "feed:\n"                                 // 2
                           "  replay: rec.txt.gz\n"                  // 3
                           "  speed: 10\n"                           // 4
                           "colour: red\n"                           // 5
                           "defaults:\n"                             // 6
                           "  initial_cash: lots\n"                  // 7
                           "sessions:\n"                             // 8
                           "  - name: a\n"                           // 9
                           "    strategy: strategies/good.yaml\n"    // 10
                           "  - name: a\n"                           // 11
                           "    strategy: strategies/good.yaml\n"    // 12
                           "  - name: c\n"                           // 13
                           "    strategy: strategies/missing.yaml\n" // 14
                           "  - name: d\n"                           // 15
                           "    strategy: strategies/broken.yaml\n"  // 16
                           "  - name: e\n"                           // 17
                           "    strategy: strategies/good.yaml\n"    // 18
                           "    initial_cash: -5\n";                 // 19
  expect_problems(text,
                  {{"5:1", "unknown key 'colour' in the config"},
                   {"7:17", "initial_cash must be a positive decimal number, not 'lots'"},
                   {"11:11", "session name 'a' is used twice"},
                   {"14:15", "in strategy: " + in_dir("strategies/missing.yaml") + ": cannot read the file"},
                   // the strategy's own problem, with its own file, line and column
                   {"16:15", "in strategy: " + in_dir("strategies/broken.yaml") + ":3:12: timeframe must look like"},
                   {"19:19", "initial_cash must be a positive decimal number, not '-5'"}});
}

TEST_F(AppConfigTemp, BadFeedAndDefaults) {
  expect_problems("feed:\n"
                  "  speed: fast\n"
                  "  replay_file: x\n"
                  "defaults:\n"
                  "  initial_cash: 0\n"
                  "  taker_fee_bps: -1\n"
                  "  qty_step: 0\n"
                  "  equity_interval: 7x\n"
                  "  fee: 3\n",
                  {{"2:10", "feed.speed must be 'max' or a positive number"},
                   {"3:3", "unknown key 'replay_file' in feed"},
                   {"5:17", "initial_cash must be a positive decimal number, not '0'"},
                   {"6:18", "taker_fee_bps must be a non-negative decimal number, not '-1'"},
                   {"7:13", "qty_step must be a positive decimal number, not '0'"},
                   {"8:20", "equity_interval must look like"},
                   {"9:3", "unknown key 'fee' in defaults"}});
}

TEST_F(AppConfigTemp, SessionShapes) {
  expect_problems("sessions: {name: a}\n", {{"1:11", "sessions must be a list"}});
  expect_problems("sessions:\n"
                  "  - strategy: strategies/good.yaml\n"
                  "  - name: b\n"
                  "  - name: c\n"
                  "    strategy: strategies/no_symbol.yaml\n"
                  "  - name: d\n"
                  "    strategy: strategies/good.yaml\n"
                  "    strategy_file: x.yaml\n",
                  {{"2:5", "a session needs a name"},
                   {"3:5", "a session needs a strategy file"},
                   {"4:5", "session 'c' needs a symbol"},
                   {"8:5", "unknown key 'strategy_file' in a session"}});
}

TEST_F(AppConfigTemp, NotAMappingOrMissing) {
  expect_problems("- a\n- b\n", {{"1:1", "the config is a YAML mapping"}});
  expect_problems("feed: {speed: 1\n", {{"2:1", "YAML syntax error"}});
  try {
    load_app_config(in_dir("nope.yaml"));
    ADD_FAILURE() << "loaded a missing file";
  } catch (const config_error& e) {
    ASSERT_EQ(e.problems().size(), 1u);
    EXPECT_EQ(e.problems()[0], in_dir("nope.yaml") + ": cannot read the file");
  }
}

TEST_F(AppConfigTemp, RestartPolicyFromDefaultsAndPerSessionOffUnlessGiven) {
  auto none = load_app_config(write("config.yaml", "sessions:\n  - {name: one, strategy: strategies/good.yaml}\n"));
  ASSERT_EQ(none.sessions.size(), 1u);
  EXPECT_EQ(none.sessions[0].restart.max_restarts, 0);
  auto cfg = load_app_config(write("config.yaml",
                                   "defaults: {restart: {max_restarts: 3, backoff_ms: 200, max_backoff_ms: 1000}}\n"
                                   "sessions:\n"
                                   "  - {name: one, strategy: strategies/good.yaml}\n"
                                   "  - {name: two, strategy: strategies/good.yaml, restart: {max_restarts: 0}}\n"));
  ASSERT_EQ(cfg.sessions.size(), 2u);
  EXPECT_EQ(cfg.sessions[0].restart.max_restarts, 3);
  EXPECT_EQ(cfg.sessions[0].restart.backoff_ms, 200);
  EXPECT_EQ(cfg.sessions[0].restart.max_backoff_ms, 1000);
  EXPECT_EQ(cfg.sessions[1].restart.max_restarts, 0);     // its own
  EXPECT_EQ(cfg.sessions[1].restart.backoff_ms, 200);     // the rest from the defaults
  expect_problems("defaults: {restart: {max_restarts: -1}}\n", {{"1:21", "max_restarts"}});
  expect_problems("defaults: {restart: {backoff_ms: 500, max_backoff_ms: 100}}\n", {{"1:21", "max_backoff_ms"}});
  expect_problems("defaults: {restart: {max_restarts: lots}}\n", {{"1:36", "whole number"}});
  expect_problems("defaults: {restart: {tries: 2}}\n", {{"1:22", "tries"}});
}


} // namespace
} // namespace pt

namespace pt {
namespace {

TEST_F(AppConfigTemp, FillOverridesFromDefaultsAndEachSession) {
  auto path = write("config.yaml", "defaults:\n"
                                   "  fill_profile: optimistic\n"
                                   "  fill: {submit_latency_ms: [20, 80], queue_factor_pct: 120, seed: 7,\n"
                                   "         half_spread_bps: 0.5}\n"
                                   "sessions:\n"
                                   "  - {name: one, strategy: strategies/good.yaml}\n"
                                   "  - name: two\n"
                                   "    strategy: strategies/good.yaml\n"
                                   "    fill: {seed: 9, walk_book: false, beyond_book_bps: 3, remember_liquidity: no,\n"
                                   "           fill_on_touch: true, trade_share_pct: 50, ack_latency_ms: 5,\n"
                                   "           cancel_latency_ms: [1, 2]}\n");
  auto cfg = load_app_config(path);
  ASSERT_EQ(cfg.sessions.size(), 2u);
  const auto& one = cfg.sessions[0].execution;
  EXPECT_EQ(one.profile, fill_profile::optimistic);
  ASSERT_TRUE(one.overrides.submit_latency);
  EXPECT_EQ(one.overrides.submit_latency->min_ms, 20);
  EXPECT_EQ(one.overrides.submit_latency->max_ms, 80);
  EXPECT_EQ(one.overrides.queue_factor_pct, 120);
  EXPECT_EQ(one.overrides.seed, 7u);
  EXPECT_EQ(one.overrides.half_spread_bps, bps::parse("0.5"));
  EXPECT_FALSE(one.overrides.walk_book);
  // The session's `fill:` goes over the defaults' field by field.
  const auto& two = cfg.sessions[1].execution.overrides;
  EXPECT_EQ(two.seed, 9u);
  EXPECT_EQ(two.queue_factor_pct, 120);
  EXPECT_EQ(two.walk_book, false);
  EXPECT_EQ(two.remember_liquidity, false);
  EXPECT_EQ(two.fill_on_touch, true);
  EXPECT_EQ(two.beyond_book_bps, bps::from_units(3));
  EXPECT_EQ(two.trade_share_pct, 50);
  EXPECT_EQ(two.ack_latency->min_ms, 5);
  EXPECT_EQ(two.ack_latency->max_ms, 5);
  EXPECT_EQ(two.cancel_latency->max_ms, 2);
  auto f = session_fill_params(cfg.sessions[1].execution);
  EXPECT_EQ(f.queue_factor_pct, 120);
  EXPECT_EQ(f.submit_latency.max_ms, 80);
}

TEST_F(AppConfigTemp, BadFillValuesAreReportedWithTheirPosition) {
  expect_problems("defaults:\n"
                  "  fill:\n"
                  "    half_spread_bps: -2\n"
                  "    walk_book: maybe\n"
                  "    queue_factor_pct: 1.5\n"
                  "    trade_share_pct: 101\n"
                  "    submit_latency_ms: [80, 20]\n"
                  "    ack_latency_ms: [1, 2, 3]\n"
                  "    cancel_latency_ms: soon\n"
                  "    seed: -1\n"
                  "    latency: 3\n"
                  "sessions:\n"
                  "  - {name: a, strategy: strategies/good.yaml, fill: [1, 2]}\n"
                  "  - {name: b, strategy: strategies/good.yaml, fill: {beyond_book_bps: 20000}}\n",
                  {{"3:22", "fill.half_spread_bps must be bps from 0 to 10000, not '-2'"},
                   {"4:16", "fill.walk_book must be true or false, not 'maybe'"},
                   {"5:23", "fill.queue_factor_pct must be an integer from 0 to 10000, not '1.5'"},
                   {"6:22", "fill.trade_share_pct must be an integer from 0 to 100, not '101'"},
                   {"7:24", "fill.submit_latency_ms: min 80 is above max 20"},
                   {"8:21", "fill.ack_latency_ms must be ms from 0 to 3600000"},
                   {"9:24", "fill.cancel_latency_ms must be ms"},
                   {"10:11", "fill.seed must be a non-negative integer, not '-1'"},
                   {"11:5", "unknown key 'latency' in fill"},
                   {"13:53", "fill must be a mapping"},
                   {"14:71", "fill.beyond_book_bps must be bps from 0 to 10000, not '20000'"}});
}

} // namespace
} // namespace pt
