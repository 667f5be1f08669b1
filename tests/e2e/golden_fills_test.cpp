// Every example strategy's fills, decisions and final account on the real BTCUSDT recording and on
// the 1m klines equal those in tests/golden/example_fills.txt, written by the commit before the
// codebase's layout changed (issue 16): a refactor that moves code must not move a fill.
//
// The file holds, per (data, strategy), the counts and a 64-bit FNV-1a digest of the fills and of
// the decisions as `backtest --json` prints them, and the final account's figures in full.
// Regenerate it only for an intended change of behaviour:
//   PT_WRITE_GOLDEN=1 build/papertrader_tests --gtest_filter='GoldenFills.*'

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "tests/support/ledger_replay.hpp"
#include "tests/support/process.hpp"

namespace pt::test {
namespace {

/// 64-bit FNV-1a (Fowler, Noll, Vo), offset basis 14695981039346656037, prime 1099511628211.
uint64_t fnv1a(const std::string& text) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string hex(uint64_t v) {
  std::ostringstream s;
  s << std::hex << v;
  return s.str();
}

/// A JSON value as one canonical token (integers and strings as printed).
std::string token(const rapidjson::Value& v) {
  if (v.IsString())
    return v.GetString();
  if (v.IsInt64())
    return std::to_string(v.GetInt64());
  if (v.IsBool())
    return v.GetBool() ? "true" : "false";
  if (v.IsNull())
    return "null";
  std::ostringstream s;
  s.precision(17);
  s << v.GetDouble();
  return s.str();
}

/// Every member of every object of `rows`, in order, one line per row.
std::string canonical(const rapidjson::Value& rows) {
  std::string text;
  for (const auto& row : rows.GetArray()) {
    for (const auto& m : row.GetObject())
      text += std::string(m.name.GetString()) + "=" + token(m.value) + ";";
    text += "\n";
  }
  return text;
}

/// One line of the golden file for a finished session of `backtest --json`.
std::string golden_line(const std::string& data, const rapidjson::Value& session) {
  const auto& fills = session["fills"];
  const auto& decisions = session["decisions"];
  const auto& fin = session["final"];
  std::ostringstream line;
  line << data << '\t' << str(session, "strategy") << '\t' << str(session, "status") << "\tfills=" << fills.Size()
       << "\tfills_fnv=" << hex(fnv1a(canonical(fills))) << "\tdecisions=" << decisions.Size()
       << "\tdecisions_fnv=" << hex(fnv1a(canonical(decisions))) << "\tcash=" << str(fin, "cash")
       << "\tposition=" << str(fin, "position_qty") << "\tcost_basis=" << str(fin, "cost_basis")
       << "\tequity=" << str(fin, "equity") << "\trealized_pnl=" << str(fin, "realized_pnl")
       << "\tfees=" << str(fin, "fees");
  return line.str();
}

struct golden_case {
  std::string label;                  ///< the first column of the golden file
  std::string data;                   ///< under ../shared/data
  std::vector<std::string> strategies; ///< under config/strategies
};

const std::vector<std::string> all_examples{"ema_crossover.yaml",        "rsi_mean_reversion.yaml",
                                            "bollinger_breakout.yaml",   "macd_trend_1h_filter.yaml",
                                            "volume_profile_breakout.yaml", "grid.yaml",
                                            "ema_pullback_limit.yaml",   "ema_crossover_10s.yaml",
                                            "rsi_scalper_5s.yaml"};

const std::vector<std::string> kline_examples{all_examples.begin(), all_examples.begin() + 7};

// The recordings are 11 minutes without warm-up: the 5 s and 10 s strategies trade there, the
// others only on klines (which have no trades for the 5 s and 10 s ones).
const std::vector<golden_case> cases{
    {"BTCUSDT-recording", "streams/binance-spot-BTCUSDT-2024-08-08T2354Z_2024-08-09T0005Z.txt.gz", all_examples},
    {"ETHUSDT-recording", "streams/binance-spot-ETHUSDT-2024-08-08T2354Z_2024-08-09T0005Z.txt.gz", all_examples},
    {"BTCUSDT-1m-klines", "klines/spot-1m-ohlcv/BTCUSDT-1m-ohlcv-2023-03-16_2023-05-01.csv.gz", kline_examples},
    {"BTCUSDT-15m-klines", "klines/spot-15m/BTCUSDT-15m-2024-12-30_2026-04-30.csv.gz", kline_examples},
};

/// Sessions that must have traded for the digests to mean something: every kline session and the
/// two tick strategies on each recording.
constexpr size_t min_trading_sessions = 7 * 2 + 2 * 2;

/// Runs every case's backtest and returns its golden lines.
std::vector<std::string> run_cases() {
  std::vector<std::string> lines;
  for (const auto& c : cases) {
    auto dir = make_temp_dir("golden");
    std::string cmd = binary() + " backtest --data " + shared_data(c.data) + " --json " + dir + "/out.json";
    for (const auto& s : c.strategies)
      cmd += " --strategy " + source_file("config/strategies/" + s);
    auto r = run_command(cmd, dir);
    EXPECT_EQ(r.exit_code, 0) << cmd << "\n" << r.err;
    rapidjson::Document json;
    json.Parse(slurp(dir + "/out.json").c_str());
    EXPECT_TRUE(json.IsArray()) << c.label;
    if (!json.IsArray())
      continue;
    EXPECT_EQ(json.Size(), c.strategies.size()) << c.label;
    for (const auto& session : json.GetArray())
      lines.push_back(golden_line(c.label, session));
  }
  return lines;
}

TEST(GoldenFills, EveryExampleTradesAsBeforeTheLayoutChange) {
  const std::string path = source_file("tests/golden/example_fills.txt");
  auto lines = run_cases();
  ASSERT_FALSE(lines.empty());
  // Regenerating writes the file, then compares with what it wrote like any other run.
  if (const char* w = std::getenv("PT_WRITE_GOLDEN"); w && std::string(w) == "1") {
    std::ofstream out(path);
    for (const auto& l : lines)
      out << l << "\n";
    ASSERT_TRUE(out.good()) << "cannot write " << path;
  }
  std::vector<std::string> expected;
  std::istringstream in(slurp(path));
  for (std::string l; std::getline(in, l);)
    if (!l.empty())
      expected.push_back(l);
  ASSERT_FALSE(expected.empty()) << path << " is missing or empty";
  ASSERT_EQ(lines.size(), expected.size());
  for (size_t i = 0; i < lines.size(); ++i)
    EXPECT_EQ(lines[i], expected[i]) << "line " << i + 1 << " of " << path;
  // The digests mean something only if the examples trade.
  size_t traded = 0;
  for (const auto& l : lines)
    traded += l.find("\tfills=0\t") == std::string::npos;
  EXPECT_GE(traded, min_trading_sessions);
}

} // namespace
} // namespace pt::test
