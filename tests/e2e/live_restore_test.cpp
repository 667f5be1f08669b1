// Restore with the live feed, end to end on 127.0.0.1: sessions on the live connector against a
// `replay-server --live-clock` (one replay of the real BTCUSDT recording that goes on whoever is
// connected), papertrader killed with SIGKILL mid-stream and started again while the server
// streams on: the journal is re-fed, the gap backfilled from /api/v3/aggTrades, and the sessions
// go on from where they were.

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "feeds/market_file.hpp"
#include "store/sqlite.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/ledger_replay.hpp"
#include "tests/support/process.hpp"

namespace pt::test {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

const std::string stream = "streams/binance-spot-BTCUSDT-2024-08-08T2354Z_2024-08-09T0005Z.txt.gz";

std::string write_config(const std::string& dir) {
  std::string path = dir + "/papertrader.yaml";
  std::ofstream(path) << "database: " << dir << "/pt.db\n"
                      << "defaults: {initial_cash: 10000, taker_fee_bps: 10, slippage_bps: 0, qty_step: 0.00001}\n"
                      << "sessions:\n"
                      << "  - {name: ema, strategy: " << source_file("config/strategies/ema_crossover_10s.yaml") << "}\n"
                      << "  - {name: rsi, strategy: " << source_file("config/strategies/rsi_scalper_5s.yaml") << "}\n";
  return path;
}

std::string port_of(const std::string& output) {
  std::smatch m;
  if (std::regex_search(output, m, std::regex("listening on 127\\.0\\.0\\.1:([0-9]+)")))
    return m[1];
  return "";
}

// session, fill id, event time, side, price, qty, fee
using fill_row = std::tuple<int64_t, int64_t, int64_t, std::string, int64_t, int64_t, int64_t>;

std::vector<fill_row> stored_fills(const std::string& db_path) {
  sql::database db(db_path, true);
  sql::statement st(db, "SELECT session_id, fill_id, ts_event_ms, side, price_raw, qty_raw, fee_raw FROM fills "
                        "ORDER BY session_id, fill_id");
  std::vector<fill_row> out;
  while (st.step())
    out.emplace_back(st.column_int(0), st.column_int(1), st.column_int(2), st.column_text(3), st.column_int(4),
                     st.column_int(5), st.column_int(6));
  return out;
}

int64_t fill_count(const std::string& db_path) {
  try {
    sql::database db(db_path, true);
    sql::statement st(db, "SELECT COUNT(*) FROM fills");
    return st.step() ? st.column_int(0) : 0;
  } catch (const std::exception&) {
    return 0; // not created yet
  }
}

int64_t server_time_ms(uint16_t port) {
  auto r = http_call(port, "GET", "/api/v3/time");
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  return r.status == 200 && d.IsObject() && d.HasMember("serverTime") ? d["serverTime"].GetInt64() : 0;
}

TEST(LiveRestoreE2E, AKilledLiveRunComesBackFromItsJournalBackfillsTheGapAndTradesOn) {
  auto dir = make_temp_dir("live-restore");
  auto config = write_config(dir);
  auto db_path = dir + "/pt.db";
  // 11 minutes of market data at 20x: about 33 s for the whole recording.
  child_process server({binary(), "replay-server", "--data", shared_data(stream), "--speed", "20", "--live-clock",
                        "--port", "0"});
  ASSERT_TRUE(server.wait_for_output("listening on", 30s)) << server.output();
  auto port_text = port_of(server.output());
  ASSERT_FALSE(port_text.empty()) << server.output();
  auto port = static_cast<uint16_t>(std::stoi(port_text));
  std::vector<std::string> run_argv{binary(), "run", "--listen", "", "--config", config,
                                    "--live-url", "ws://127.0.0.1:" + port_text, "--exit-at-end"};

  // Runs papertrader until `fills` fills are committed and the replay server's clock is at
  // `until_ms`, kills it with SIGKILL and waits until the server has gone on for `gap_ms` of event
  // time. Returns its log and the server's time at the kill.
  auto run_and_kill = [&](size_t fills, int64_t until_ms, int64_t gap_ms) {
    child_process run(run_argv);
    EXPECT_TRUE(run.wait_for_output("starting 2 session(s)", 30s)) << run.output();
    // (reading its log meanwhile, so that it never blocks on a full pipe)
    EXPECT_TRUE(eventually(
      [&] {
        return run.wait_for_output("\x01", 5ms) ||
               (fill_count(db_path) >= int64_t(fills) && server_time_ms(port) >= until_ms);
      },
      60s))
      << run.output();
    run.signal(SIGKILL);
    EXPECT_EQ(run.wait_exit(30s), -1);
    int64_t killed_at_ms = server_time_ms(port);
    EXPECT_GT(killed_at_ms, 0);
    // While it is down the market goes on.
    EXPECT_TRUE(eventually([&] { return server_time_ms(port) >= killed_at_ms + gap_ms; }, 30s, 50ms));
    return std::make_pair(run.output(), killed_at_ms);
  };
  auto expect_restored = [&](const std::string& log, int64_t min_gap_s) {
    EXPECT_NE(log.find("restore: re-feeding the feed journal " + dir + "/pt.feed-journal.txt"), std::string::npos)
      << log;
    EXPECT_NE(log.find("session 1 (ema) restored: "), std::string::npos) << log;
    EXPECT_NE(log.find("session 2 (rsi) restored: "), std::string::npos) << log;
    EXPECT_EQ(log.find("difference(s)"), std::string::npos) << log;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(log, m, std::regex("backfilled BTCUSDT: ([0-9]+) aggTrades from ([0-9]+) to "
                                                     "([0-9]+) \\(gap ([0-9.]+) s")))
      << log;
    EXPECT_GT(std::stoll(m[1]), 50) << "BTCUSDT trades hundreds of times a minute";
    EXPECT_GE(std::stod(m[4]), static_cast<double>(min_gap_s));
  };

  // The first fill (the RSI session's, 110 s into the recording) is committed: killed there, and a
  // minute of event time (3 s here) is missed.
  auto first_kill_ms = run_and_kill(1, 0, 60'000).second;
  auto before = stored_fills(db_path);
  ASSERT_FALSE(before.empty());
  EXPECT_TRUE(fs::exists(dir + "/pt.feed-journal.txt"));

  // Restored, it runs a while and is killed again: its journal now holds the backfill, which the
  // next restore re-feeds as it was fed (the restore checks the account it rebuilds).
  auto second_log = run_and_kill(0, first_kill_ms + 200'000, 20'000).first;
  expect_restored(second_log, 60);
  auto middle = stored_fills(db_path);
  EXPECT_NE(slurp(dir + "/pt.feed-journal.txt").find("\"backfill\":true"), std::string::npos);
  EXPECT_NE(slurp(dir + "/pt.feed-journal.txt").find(connection_marker), std::string::npos);

  child_process third(run_argv);
  ASSERT_EQ(third.wait_exit(120s), 0) << third.output();
  const auto& log = third.output();
  expect_restored(log, 20);
  EXPECT_NE(log.find("closed the stream normally"), std::string::npos) << log;

  auto after = stored_fills(db_path);
  // Every fill stored before each kill is still there, once.
  for (auto& f : middle)
    EXPECT_EQ(std::count(after.begin(), after.end(), f), 1) << "fill " << std::get<1>(f) << " of session "
                                                            << std::get<0>(f);
  std::set<std::tuple<int64_t, int64_t, std::string, int64_t, int64_t>> distinct;
  for (auto& [sid, fid, ts, side, px, qty, fee] : after)
    distinct.emplace(sid, ts, side, px, qty);
  EXPECT_EQ(distinct.size(), after.size()) << "a fill is stored twice";
  // The restored sessions trade on: fills after the restarts.
  EXPECT_GT(after.size(), middle.size());

  // The replay server's aggTrades are the recording's trades one for one, and the strategies here
  // read trades and bars: so the fills equal those of the recording run once, uninterrupted.
  auto bt = run_command(binary() + " backtest --data " + shared_data(stream) + " --json " + dir + "/bt.json" +
                          " --strategy " + source_file("config/strategies/ema_crossover_10s.yaml") + " --strategy " +
                          source_file("config/strategies/rsi_scalper_5s.yaml"),
                        dir);
  ASSERT_EQ(bt.exit_code, 0) << bt.err;
  rapidjson::Document json;
  json.Parse(slurp(dir + "/bt.json").c_str());
  ASSERT_TRUE(json.IsArray());
  for (int64_t id = 1; id <= 2; ++id) {
    const auto& fills = json[static_cast<rapidjson::SizeType>(id - 1)]["fills"];
    std::vector<fill_row> mine;
    for (auto& f : after)
      if (std::get<0>(f) == id)
        mine.push_back(f);
    ASSERT_EQ(mine.size(), fills.Size()) << "session " << id;
    for (rapidjson::SizeType i = 0; i < fills.Size(); ++i) {
      const auto& f = fills[i];
      EXPECT_EQ(std::get<2>(mine[i]), f["ts_ms"].GetInt64()) << "session " << id << " fill " << i;
      EXPECT_EQ(std::get<3>(mine[i]), str(f, "side"));
      EXPECT_EQ(std::get<4>(mine[i]), decimal_raw(str(f, "price")));
      EXPECT_EQ(std::get<5>(mine[i]), decimal_raw(str(f, "qty")));
      EXPECT_EQ(std::get<6>(mine[i]), decimal_raw(str(f, "fee")));
    }
  }
  server.signal(SIGTERM);
  EXPECT_EQ(server.wait_exit(30s), 0);
}

} // namespace
} // namespace pt::test
