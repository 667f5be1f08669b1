// Indicator warm-up from REST klines, end to end on 127.0.0.1: `papertrader replay-server`
// serves the real BTCUSDT recording plus the real BTCUSDT 1h klines; the REST client reads
// them, and a live run warms a 15m strategy's `ema_50@1h` before its first evaluation.

#include <chrono>
#include <fstream>
#include <regex>
#include <string>

#include <gtest/gtest.h>

#include "tests/support/child_process.hpp"
#include "tests/support/process.hpp"
#include "feeds/binance/rest_client.hpp"

namespace pt::test {
namespace {

using namespace std::chrono_literals;

const std::string stream = "streams/binance-spot-BTCUSDT-2024-08-08T2354Z_2024-08-09T0005Z.txt.gz";
const std::string hourly = "klines/spot-1h/BTCUSDT-1h-2022-01-01_2026-04-30.csv.gz";

std::string port_of(const std::string& output) {
  std::smatch m;
  if (std::regex_search(output, m, std::regex("listening on 127\\.0\\.0\\.1:([0-9]+)")))
    return m[1];
  return "";
}

class WarmupE2E : public ::testing::Test {
protected:
  void SetUp() override {
    server_ = std::make_unique<child_process>(std::vector<std::string>{
      binary(), "replay-server", "--data", shared_data(stream), "--klines", shared_data(hourly), "--speed", "max",
      "--port", "0"});
    ASSERT_TRUE(server_->wait_for_output("listening on", 60s)) << server_->output();
    port_ = port_of(server_->output());
    ASSERT_FALSE(port_.empty()) << server_->output();
  }

  std::string write_config(const std::string& dir) {
    std::string path = dir + "/papertrader.yaml";
    std::ofstream(path) << "database: " << dir << "/pt.db\n"
                        << "defaults: {initial_cash: 10000, taker_fee_bps: 10, slippage_bps: 0}\n"
                        << "sessions:\n"
                        << "  - {name: macd, strategy: "
                        << source_file("config/strategies/macd_trend_1h_filter.yaml") << "}\n";
    return path;
  }

  std::unique_ptr<child_process> server_;
  std::string port_;
};

TEST_F(WarmupE2E, RestClientReadsTheRecordingClockAndClosedKlines) {
  binance_rest_client rest("http://127.0.0.1:" + port_);
  auto now = rest.server_time_ms();
  EXPECT_EQ(now, 1'723'161'253'937); // the recording's first message
  auto bars = rest.klines("BTCUSDT", "1h", 200, now - 1);
  ASSERT_EQ(bars.size(), 200u);
  EXPECT_EQ(bars.back().open_time_ms, 1'723'154'400'000); // 22:00; 23:00 is still forming
  EXPECT_EQ(bars.back().close.to_string(), "62332.00000000");
  EXPECT_EQ(bars.front().open_time_ms, 1'723'154'400'000 - 199 * 3'600'000LL);
  EXPECT_TRUE(rest.klines("BTCUSDT", "15m", 10, now - 1).empty()); // no 15m file: nothing served
  try {
    rest.klines("ETHUSDT", "1h", 10, now - 1);
    ADD_FAILURE() << "an unknown symbol must fail";
  } catch (const rest_error& e) {
    EXPECT_FALSE(e.unreachable);
    EXPECT_NE(std::string(e.what()).find("-1121"), std::string::npos) << e.what();
  }
  EXPECT_THROW(rest.klines("BTCUSDT", "7m", 10, now), rest_error);
  EXPECT_THROW(rest.klines("BTCUSDT", "1h", 1001, now), std::invalid_argument);
}

TEST_F(WarmupE2E, ALiveSessionKnowsItsHourlyEmaAtItsFirstEvaluation) {
  auto dir = make_temp_dir("warmup");
  auto config = write_config(dir);
  auto run = run_command(binary() + " run --listen 127.0.0.1:0 --config " + config + " --live-url ws://127.0.0.1:" + port_ +
                           " --rest-url http://127.0.0.1:" + port_ + " --exit-at-end",
                         dir);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("warmed 200 × 1h bars for macd-trend-1h-filter, 2024-07-31 15:00 → 2024-08-08 22:59"),
            std::string::npos)
    << run.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(run.err, m, std::regex("first evaluation at [0-9]+: ([^\\n]*)"))) << run.err;
  std::string values = m[1];
  EXPECT_TRUE(std::regex_search(values, std::regex("ema_50@1h=[0-9]"))) << values;
  EXPECT_TRUE(std::regex_search(values, std::regex("close@1h=[0-9]"))) << values;

  // The same run cold: the hourly EMA is not known yet.
  auto cold = run_command(binary() + " run --listen 127.0.0.1:0 --config " + config + " --db " + dir + "/cold.db --live-url ws://127.0.0.1:" +
                            port_ + " --rest-url http://127.0.0.1:" + port_ + " --exit-at-end --no-warmup",
                          dir);
  ASSERT_EQ(cold.exit_code, 0) << cold.err;
  EXPECT_EQ(cold.err.find("warmed"), std::string::npos) << cold.err;
  EXPECT_NE(cold.err.find("ema_50@1h=unknown"), std::string::npos) << cold.err;
}

TEST(WarmupE2ENoServer, AnUnreachableExchangeIsARestErrorNotACrash) {
  binance_rest_client rest("http://127.0.0.1:1", 2'000);
  try {
    rest.server_time_ms();
    ADD_FAILURE() << "nothing listens on port 1";
  } catch (const rest_error& e) {
    EXPECT_TRUE(e.unreachable);
  }
}

} // namespace
} // namespace pt::test
