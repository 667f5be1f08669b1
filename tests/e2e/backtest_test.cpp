// Drives the built `papertrader backtest` on the real recorded data in ../shared/data and checks
// its report against the fills it reports, recomputed by hand.

#include <map>
#include <string>

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <zlib.h>

#include "core/fixed_point.hpp"
#include "tests/support/ledger_replay.hpp"
#include "tests/support/process.hpp"

namespace pt::test {
namespace {

const std::string klines_1m = "klines/spot-1m-ohlcv/BTCUSDT-1m-ohlcv-2023-03-16_2023-05-01.csv.gz";
const std::string trades_csv = "trades/BTCUSDT-trades-2024-08-08T235415Z_2024-08-09T000505Z.csv";
const std::string stream = "streams/binance-spot-BTCUSDT-2024-08-08T2354Z_2024-08-09T0005Z.txt.gz";

struct backtest_run {
  command_result result;
  rapidjson::Document json;
};

backtest_run backtest(const std::vector<std::string>& strategies, const std::string& data,
                      const std::string& extra = "") {
  auto dir = make_temp_dir("backtest");
  std::string cmd = binary() + " backtest --data " + shared_data(data) + " --json " + dir + "/out.json " + extra;
  for (auto& s : strategies)
    cmd += " --strategy " + source_file("config/strategies/" + s);
  backtest_run run;
  run.result = run_command(cmd, dir);
  run.json.Parse(slurp(dir + "/out.json").c_str());
  return run;
}

// open time (ms) → open price (raw 1e-8) of every kline in a 6-column klines file.
std::map<int64_t, int64_t> kline_opens(const std::string& path) {
  std::map<int64_t, int64_t> opens;
  gzFile f = gzopen(path.c_str(), "rb");
  EXPECT_NE(f, nullptr);
  char line[512];
  while (f && gzgets(f, line, sizeof line)) {
    std::string s(line);
    auto c1 = s.find(','), c2 = s.find(',', c1 + 1);
    opens[std::stoll(s.substr(0, c1))] = decimal_raw(s.substr(c1 + 1, c2 - c1 - 1));
  }
  if (f)
    gzclose(f);
  return opens;
}

// The report's `performance` object against the session's own fills and final account:
// fees, final equity, round trips and gross profit/loss recomputed by hand, ratios in range.
void check_performance(const rapidjson::Value& session) {
  ASSERT_TRUE(session.HasMember("performance") && session["performance"].IsObject())
    << (session.HasMember("performance_error") ? str(session, "performance_error") : std::string("missing"));
  const auto& p = session["performance"];
  const auto& fin = session["final"];
  EXPECT_EQ(str(p, "fees"), str(fin, "fees"));
  EXPECT_EQ(str(p, "final_equity"), str(fin, "equity"));
  EXPECT_EQ(str(p, "realized_pnl"), str(fin, "realized_pnl"));
  EXPECT_EQ(str(p, "cost_basis"), str(fin, "cost_basis"));
  int64_t pos = 0, trip = 0, trips = 0, wins = 0, gross_win = 0, gross_loss = 0, open_fees = 0;
  for (const auto& f : session["fills"].GetArray()) {
    int64_t q = decimal_raw(str(f, "qty"));
    int64_t value = mul_div_half_even(decimal_raw(str(f, "price")), q, 100'000'000);
    int64_t fee = decimal_raw(str(f, "fee"));
    bool buy = str(f, "side") == "buy";
    trip += (buy ? -value : value) - fee;
    open_fees += fee;
    pos += buy ? q : -q;
    if (pos == 0) {
      ++trips;
      if (trip > 0) {
        ++wins;
        gross_win += trip;
      } else {
        gross_loss -= trip;
      }
      trip = open_fees = 0;
    }
  }
  EXPECT_EQ(p["round_trips"].GetInt64(), trips);
  EXPECT_EQ(p["wins"].GetInt64(), wins);
  EXPECT_EQ(decimal_raw(str(p, "gross_profit")), gross_win);
  EXPECT_EQ(decimal_raw(str(p, "gross_loss")), gross_loss);
  // Σ closed trips + the open one (unrealized − its fees so far) = final equity − initial cash.
  int64_t unrealized = p["unrealized_pnl"].IsNull() ? 0 : decimal_raw(str(p, "unrealized_pnl"));
  int64_t open_part = pos > 0 ? unrealized - open_fees : 0;
  EXPECT_EQ(gross_win - gross_loss + open_part, decimal_raw(str(fin, "equity")) - decimal_raw(str(session, "initial_cash")));
  if (trips > 0) {
    EXPECT_DOUBLE_EQ(p["win_rate"].GetDouble(), static_cast<double>(wins) / static_cast<double>(trips));
    if (gross_loss > 0) {
      EXPECT_NEAR(p["profit_factor"].GetDouble(), static_cast<double>(gross_win) / static_cast<double>(gross_loss),
                  1e-12);
    }
  }
  for (const char* ratio : {"exposure", "win_rate"})
    if (!p[ratio].IsNull()) {
      EXPECT_GE(p[ratio].GetDouble(), 0.0) << ratio;
      EXPECT_LE(p[ratio].GetDouble(), 1.0) << ratio;
    }
  EXPECT_GE(p["max_drawdown"].GetDouble(), 0.0);
  EXPECT_LT(p["max_drawdown"].GetDouble(), 1.0);
  EXPECT_GT(p["returns"].GetInt64(), 1000); // 6 weeks of minutes
  EXPECT_TRUE(p["sharpe"].IsNumber());
}

TEST(BacktestE2E, KlineBacktestTradesAndReconcilesByHand) {
  auto run = backtest({"ema_crossover.yaml", "rsi_mean_reversion.yaml"}, klines_1m);
  ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
  ASSERT_TRUE(run.json.IsArray()) << "no JSON report; stderr: " << run.result.err;
  ASSERT_EQ(run.json.Size(), 2u);
  EXPECT_NE(run.result.out.find("ema-crossover"), std::string::npos) << run.result.out;
  auto opens = kline_opens(shared_data(klines_1m));
  for (const auto& session : run.json.GetArray()) {
    EXPECT_EQ(str(session, "status"), "finished");
    EXPECT_EQ(str(session, "symbol"), "BTCUSDT");
    EXPECT_EQ(session["events"].GetInt64(), 66087);
    size_t fills = check_session_reconciles(session, 10);
    EXPECT_GT(fills, 10u) << str(session, "strategy") << " made almost no trades on 6 weeks of 1m data";
    // Kline-only data: every order from an entry or exit rule fills at the open of the bar after
    // the signal, stamped with the market clock when that kline arrived (its close time, open +
    // 59,999 ms: the order went live after the open, so never the open time), moved by the default
    // (realistic) profile's half spread of 1 bps against it: a buy pays open × 1.0001, a sell
    // gets open × 0.9999 (docs/execution.md, the intrabar rule). (Stops fill at their level.)
    std::map<int64_t, std::string> rule_of;
    for (const auto& d : session["decisions"].GetArray())
      rule_of[d["order_id"].GetInt64()] = str(d, "rule");
    size_t by_rule = 0;
    for (const auto& f : session["fills"].GetArray()) {
      auto rule = rule_of[f["order_id"].GetInt64()];
      ASSERT_FALSE(rule.empty()) << "fill " << f["fill_id"].GetInt64() << " has no decision";
      if (rule != "entry" && rule != "exit")
        continue;
      ++by_rule;
      int64_t open_time = f["ts_ms"].GetInt64() - 59'999;
      ASSERT_TRUE(opens.count(open_time)) << "fill at " << f["ts_ms"].GetInt64() << " is not at a kline open";
      bool buy = str(f, "side") == "buy";
      auto expected = pt::adjust_price_bps(pt::price::from_raw(opens[open_time]), pt::bps::from_units(buy ? 1 : -1));
      ASSERT_TRUE(expected.has_value());
      EXPECT_EQ(decimal_raw(str(f, "price")), expected->raw()) << (buy ? "buy" : "sell") << " at " << open_time;
    }
    EXPECT_GT(by_rule, 10u);
    check_performance(session);
  }
  EXPECT_NE(run.result.out.find("Sharpe"), std::string::npos) << run.result.out;
}

TEST(BacktestE2E, TradesCsvRunsAndReconciles) {
  auto run = backtest({"ema_crossover_10s.yaml", "rsi_scalper_5s.yaml"}, trades_csv);
  ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
  ASSERT_TRUE(run.json.IsArray()) << run.result.err;
  EXPECT_NE(run.result.err.find("19904 events"), std::string::npos) << run.result.err;
  EXPECT_NE(run.result.err.find("0 malformed"), std::string::npos) << run.result.err;
  for (const auto& session : run.json.GetArray())
    check_session_reconciles(session, 10);
}

TEST(BacktestE2E, RecordedStreamRunsAndReconciles) {
  auto run = backtest({"ema_crossover_10s.yaml", "rsi_scalper_5s.yaml", "ema_crossover.yaml"}, stream,
                      "--fee-bps 7.5 --slippage-bps 2");
  ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
  ASSERT_TRUE(run.json.IsArray()) << run.result.err;
  // 19,904 trades + 73,174 best bid/ask updates + 6,493 tops of the local book (the snapshot and
  // every diff after it; the 3 diffs before it are buffered).
  EXPECT_NE(run.result.err.find("99571 events"), std::string::npos) << run.result.err;
  size_t total = 0;
  for (const auto& session : run.json.GetArray()) {
    EXPECT_EQ(session["events"].GetInt64(), 99571);
    // 7.5 bps is not a whole number of bps: the fee check runs in tenths of a bps.
    const auto& fills = session["fills"];
    for (const auto& f : fills.GetArray()) {
      int64_t notional = mul_div_half_even(decimal_raw(str(f, "price")), decimal_raw(str(f, "qty")), 100'000'000);
      EXPECT_EQ(decimal_raw(str(f, "fee")), mul_div_half_even(notional, 75, 100'000));
    }
    total += fills.Size();
  }
  EXPECT_GT(total, 0u) << "no strategy traded on the tick recording";
}

TEST(BacktestE2E, BadStrategyIsRejectedWithPosition) {
  auto dir = make_temp_dir("badstrategy");
  std::string file = dir + "/bad.yaml";
  std::ofstream(file) << "name: broken\ntimeframe: 1m\nindicators:\n  fast: {type: ema, period: 9}\n"
                         "entry: crosses_above(fast, slow)\nexit: fast < close\n";
  auto r = run_command(binary() + " backtest --strategy " + file + " --data " + shared_data(klines_1m), dir);
  EXPECT_EQ(r.exit_code, 2);
  // 'slow' is at column 28 of line 5: "entry: " is 7 characters, then 20 more.
  EXPECT_NE(r.err.find(file + ":5:28: entry rule: unknown name 'slow'"), std::string::npos) << r.err;
}

TEST(BacktestE2E, MissingDataFileIsAUsageError) {
  auto dir = make_temp_dir("nodata");
  auto r = run_command(binary() + " backtest --strategy " + source_file("config/strategies/ema_crossover.yaml") +
                         " --data " + dir + "/nope.csv",
                       dir);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("nope.csv"), std::string::npos) << r.err;
}

} // namespace
} // namespace pt::test
