// Every example strategy in config/strategies/ validates, trades on real 1m and 15m klines, and
// its decision log explains each of its fills.

#include <filesystem>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "tests/support/ledger_replay.hpp"
#include "tests/support/process.hpp"

namespace pt::test {
namespace {

const std::vector<std::string> examples{"ema_crossover.yaml",       "rsi_mean_reversion.yaml",
                                        "bollinger_breakout.yaml",  "macd_trend_1h_filter.yaml",
                                        "volume_profile_breakout.yaml", "grid.yaml",
                                        "ema_pullback_limit.yaml"};

const std::vector<std::string> kline_files{"klines/spot-1m-ohlcv/BTCUSDT-1m-ohlcv-2023-03-16_2023-05-01.csv.gz",
                                           "klines/spot-15m/BTCUSDT-15m-2024-12-30_2026-04-30.csv.gz"};

TEST(Examples, EveryExampleValidates) {
  auto dir = make_temp_dir("validate");
  std::string cmd = binary() + " validate";
  for (auto& entry : std::filesystem::directory_iterator(source_file("config/strategies")))
    cmd += " " + entry.path().string();
  auto r = run_command(cmd, dir);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (auto& e : examples)
    EXPECT_NE(r.out.find(e + ": ok"), std::string::npos) << r.out;
}

class ExampleOnKlines : public testing::TestWithParam<std::string> {};

TEST_P(ExampleOnKlines, TradesAndExplainsEveryFill) {
  auto dir = make_temp_dir("example");
  std::string cmd = binary() + " backtest --data " + shared_data(GetParam()) + " --json " + dir + "/out.json";
  for (auto& e : examples)
    cmd += " --strategy " + source_file("config/strategies/" + e);
  auto r = run_command(cmd, dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  rapidjson::Document json;
  json.Parse(slurp(dir + "/out.json").c_str());
  ASSERT_TRUE(json.IsArray());
  ASSERT_EQ(json.Size(), examples.size());
  for (const auto& session : json.GetArray()) {
    std::string name = str(session, "strategy");
    EXPECT_EQ(str(session, "status"), "finished") << name;
    const auto& fills = session["fills"];
    EXPECT_GE(fills.Size(), 2u) << name << " hardly traded on " << GetParam();
    // Each fill's order has a decision saying which rule sent it and what it saw (logged when the
    // order was sent, before it filled).
    std::set<int64_t> explained;
    for (const auto& d : session["decisions"].GetArray()) {
      EXPECT_FALSE(str(d, "rule").empty());
      if (d["order_id"].GetInt64() > 0) {
        EXPECT_FALSE(str(d, "inputs").empty()) << name;
        EXPECT_NE(str(d, "action").find("submitted"), std::string::npos) << name << ": " << str(d, "action");
        explained.insert(d["order_id"].GetInt64());
      }
    }
    for (const auto& f : fills.GetArray())
      EXPECT_TRUE(explained.count(f["order_id"].GetInt64())) << name << ": fill " << f["fill_id"].GetInt64()
                                                              << " has no decision";
    // And the account reconciles to the last 1e-8 (10 bps fees, maker and taker alike).
    check_session_reconciles(session, 10);
  }
}

INSTANTIATE_TEST_SUITE_P(RealKlines, ExampleOnKlines, testing::ValuesIn(kline_files));

} // namespace
} // namespace pt::test
