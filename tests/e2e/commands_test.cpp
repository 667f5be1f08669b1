// `papertrader validate` and `papertrader indicators`, driven as a user would.

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <zlib.h>

#include "tests/support/process.hpp"

namespace pt::test {
namespace {

const std::string klines_1h = "klines/spot-1h/BTCUSDT-1h-2022-01-01_2026-04-30.csv.gz";

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string part;
  while (std::getline(in, part, sep))
    out.push_back(part);
  if (!s.empty() && s.back() == sep)
    out.emplace_back();
  return out;
}

// (open time, close) of every kline in a 12-column .csv.gz.
std::vector<std::pair<int64_t, double>> closes_of(const std::string& path) {
  std::vector<std::pair<int64_t, double>> out;
  gzFile f = gzopen(path.c_str(), "rb");
  char line[512];
  while (f && gzgets(f, line, sizeof line)) {
    auto fields = split(line, ',');
    out.emplace_back(std::stoll(fields[0]), std::stod(fields[4]));
  }
  if (f)
    gzclose(f);
  return out;
}

TEST(IndicatorsCommand, PrintsEveryBarWithOneColumnPerOutput) {
  auto dir = make_temp_dir("indicators");
  auto r = run_command(binary() + " indicators --data " + shared_data(klines_1h) +
                         " --indicator 'sma(20)' --indicator 'bbands(20,2)' --indicator macd",
                       dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = split(r.out, '\n');
  ASSERT_GT(lines.size(), 2u);
  EXPECT_EQ(lines[0], "open_time,sma_20,bbands_20_2.middle,bbands_20_2.upper,bbands_20_2.lower,"
                      "macd_12_26_9.macd,macd_12_26_9.signal,macd_12_26_9.histogram");
  auto closes = closes_of(shared_data(klines_1h));
  // One row per kline (the header and the final empty line aside).
  ASSERT_EQ(lines.size() - 2, closes.size());
  // The SMA, recomputed here from the file: empty for the first 19 bars, then the mean.
  double window = 0;
  for (size_t i = 0; i < closes.size(); i += 97) { // a sample of rows across 4 years
    auto fields = split(lines[i + 1], ',');
    ASSERT_EQ(fields.size(), 8u) << lines[i + 1];
    EXPECT_EQ(std::stoll(fields[0]), closes[i].first);
    if (i < 19) {
      EXPECT_TRUE(fields[1].empty());
      continue;
    }
    window = 0;
    for (size_t j = i - 19; j <= i; ++j)
      window += closes[j].second;
    EXPECT_NEAR(std::stod(fields[1]), window / 20, 1e-9 * window / 20) << "bar " << i;
    EXPECT_NEAR(std::stod(fields[2]), window / 20, 1e-9 * window / 20) << "the middle band is the SMA";
  }
}

TEST(IndicatorsCommand, AggregatesToALongerTimeframe) {
  auto dir = make_temp_dir("indicators4h");
  auto r = run_command(binary() + " indicators --data " + shared_data(klines_1h) +
                         " --timeframe 1d --indicator 'rsi(14)' --out " + dir + "/rsi.csv",
                       dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = split(slurp(dir + "/rsi.csv"), '\n');
  // 2022-01-01 … 2026-04-29: 1,580 closed days (the file ends at 2026-04-30 03:00, so that day
  // is still forming and prints no row).
  EXPECT_EQ(lines.size() - 2, 1580u);
  auto last = split(lines[lines.size() - 2], ',');
  double rsi = std::stod(last[1]);
  EXPECT_GT(rsi, 0);
  EXPECT_LT(rsi, 100);
}

TEST(IndicatorsCommand, BadIndicatorsAreUsageErrors) {
  auto dir = make_temp_dir("badindicator");
  auto r = run_command(binary() + " indicators --data " + shared_data(klines_1h) +
                         " --indicator 'rsi(0)' --indicator 'foo(3)' --indicator 'ema(1,2)'",
                       dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("'rsi(0)': period must be a whole number from 2 to 100000"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("unknown indicator type 'foo'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("ema takes at most 1 parameter"), std::string::npos) << r.err;
}

TEST(ValidateCommand, ReportsEveryProblemOfEveryFileAndFails) {
  auto dir = make_temp_dir("validate-bad");
  std::string a = dir + "/a.yaml", b = dir + "/b.yaml";
  std::ofstream(a) << "name: a\ntimeframe: 1m\nindicators:\n  r: {type: rsi, period: 1}\n  s: {type: sma}\n"
                      "entry: s < 30 and\nexit: s > 70\nsizing: {risk_percent: 1}\n";
  std::ofstream(b) << "name: b\ntimeframe: 5m\nentry: close > open\nexit: 1 > 2\n";
  auto r = run_command(binary() + " validate " + a + " " + b + " " +
                         source_file("config/strategies/ema_crossover.yaml"),
                       dir);
  EXPECT_EQ(r.exit_code, 1);
  // "  r: {type: rsi, period: " is 25 characters; "entry: s < 30 and" ends at column 17.
  EXPECT_NE(r.err.find(a + ":4:26: period of rsi must be a whole number from 2 to 100000, not '1'"),
            std::string::npos) << r.err;
  EXPECT_NE(r.err.find(a + ":6:18: entry rule: the rule ends where a value was expected"), std::string::npos)
    << r.err;
  EXPECT_NE(r.err.find(a + ":8:9: sizing by risk_percent needs a risk.stop_loss"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(b + ":4:7: exit rule: the rule reads no market value"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("2 of 3 strategy file(s) have problems"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("ema_crossover.yaml: ok"), std::string::npos) << r.out;
}

} // namespace
} // namespace pt::test
