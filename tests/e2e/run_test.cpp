// Drives `papertrader run` on the real BTCUSDT recording at 10x, as an operator would, and checks
// what it stored in SQLite against a full-speed backtest of the same strategies.

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "store/migrations.hpp"
#include "store/sqlite.hpp"
#include "tests/support/ledger_replay.hpp"
#include "tests/support/process.hpp"

namespace pt::test {
namespace {

const std::string stream = "streams/binance-spot-BTCUSDT-2024-08-08T2354Z_2024-08-09T0005Z.txt.gz";

struct fill_row {
  int64_t ts_ms, price_raw, qty_raw, fee_raw;
  std::string side;
  bool operator==(const fill_row& o) const {
    return ts_ms == o.ts_ms && price_raw == o.price_raw && qty_raw == o.qty_raw && fee_raw == o.fee_raw &&
           side == o.side;
  }
};

std::ostream& operator<<(std::ostream& os, const fill_row& f) {
  return os << f.ts_ms << " " << f.side << " " << f.qty_raw << "@" << f.price_raw << " fee " << f.fee_raw;
}

std::string write_config(const std::string& dir, const std::string& speed) {
  std::string path = dir + "/papertrader.yaml";
  std::ofstream(path) << "database: " << dir << "/pt.db\n"
                      << "feed:\n  replay: " << shared_data(stream) << "\n  speed: " << speed << "\n"
                      << "defaults: {initial_cash: 10000, taker_fee_bps: 10, slippage_bps: 0, qty_step: 0.00001}\n"
                      << "sessions:\n"
                      << "  - {name: ema, strategy: " << source_file("config/strategies/ema_crossover_10s.yaml") << "}\n"
                      << "  - {name: rsi, strategy: " << source_file("config/strategies/rsi_scalper_5s.yaml")
                      << ", initial_cash: 5000}\n";
  return path;
}

std::vector<fill_row> stored_fills(sql::database& db, int64_t session_id) {
  sql::statement st(db, "SELECT ts_event_ms, side, price_raw, qty_raw, fee_raw FROM fills WHERE session_id = ?1 "
                        "ORDER BY fill_id");
  st.bind(1, session_id);
  std::vector<fill_row> out;
  while (st.step())
    out.push_back({st.column_int(0), st.column_int(2), st.column_int(3), st.column_int(4), st.column_text(1)});
  return out;
}

std::vector<fill_row> reported_fills(const rapidjson::Value& session) {
  std::vector<fill_row> out;
  for (const auto& f : session["fills"].GetArray())
    out.push_back({f["ts_ms"].GetInt64(), decimal_raw(str(f, "price")), decimal_raw(str(f, "qty")),
                   decimal_raw(str(f, "fee")), str(f, "side")});
  return out;
}

TEST(RunE2E, ReplayAtTenTimesStoresTheSameFillsAsABacktest) {
  auto dir = make_temp_dir("run10x");
  auto config = write_config(dir, "10");
  auto run = run_command(binary() + " run --listen 127.0.0.1:0 --config " + config + " --exit-at-end", dir);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  // 19,904 trades + 73,174 best bid/ask + 6,493 tops of the local book.
  EXPECT_NE(run.err.find("replay finished: 99571 events"), std::string::npos) << run.err;

  auto bt_dir = make_temp_dir("run10x-backtest");
  auto bt = run_command(binary() + " backtest --data " + shared_data(stream) + " --json " + bt_dir + "/bt.json" +
                          " --strategy " + source_file("config/strategies/ema_crossover_10s.yaml"),
                        bt_dir);
  ASSERT_EQ(bt.exit_code, 0) << bt.err;
  auto bt_rsi = run_command(binary() + " backtest --initial-cash 5000 --data " + shared_data(stream) + " --json " +
                              bt_dir + "/bt_rsi.json --strategy " +
                              source_file("config/strategies/rsi_scalper_5s.yaml"),
                            bt_dir);
  ASSERT_EQ(bt_rsi.exit_code, 0) << bt_rsi.err;
  rapidjson::Document ema_json, rsi_json;
  ema_json.Parse(slurp(bt_dir + "/bt.json").c_str());
  rsi_json.Parse(slurp(bt_dir + "/bt_rsi.json").c_str());
  ASSERT_TRUE(ema_json.IsArray() && rsi_json.IsArray());

  sql::database db(dir + "/pt.db", true);
  // Migrated to the newest schema: the number of the last file in migrations/.
  const auto& all = embedded_migrations();
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(db.pragma_int("user_version"), std::stoi(all.back().file_name.substr(0, 4)));
  {
    sql::statement st(db, "PRAGMA integrity_check");
    ASSERT_TRUE(st.step());
    EXPECT_EQ(st.column_text(0), "ok");
  }
  sql::statement sessions(db, "SELECT session_id, name, status, cash_raw, fees_raw, position_qty_raw FROM sessions "
                              "ORDER BY session_id");
  std::vector<std::string> names;
  while (sessions.step()) {
    int64_t id = sessions.column_int(0);
    std::string name = sessions.column_text(1);
    names.push_back(name);
    EXPECT_EQ(sessions.column_text(2), "finished") << name;
    const auto& expected = name == "ema" ? ema_json[0] : rsi_json[0];
    auto stored = stored_fills(db, id);
    auto reported = reported_fills(expected);
    EXPECT_FALSE(stored.empty()) << name << " made no fills on the recording";
    // Paced replay (batches of a few events) and full-speed backtest (hundreds per batch) must
    // trade identically: sessions run in event time only.
    EXPECT_EQ(stored, reported) << name;
    EXPECT_EQ(sessions.column_int(3), decimal_raw(str(expected["final"], "cash"))) << name;
    EXPECT_EQ(sessions.column_int(4), decimal_raw(str(expected["final"], "fees"))) << name;
    EXPECT_EQ(sessions.column_int(5), decimal_raw(str(expected["final"], "position_qty"))) << name;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"ema", "rsi"}));
  sql::statement equity(db, "SELECT COUNT(*) FROM equity_points");
  ASSERT_TRUE(equity.step());
  EXPECT_GT(equity.column_int(0), 10);
}

TEST(RunE2E, WithoutADatabaseTheSessionsRunAndNothingIsStored) {
  auto dir = make_temp_dir("nodb");
  auto config = write_config(dir, "max");
  auto run = run_command(binary() + " run --no-db --listen '' --config " + config + " --exit-at-end", dir);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("replay finished: 99571 events"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("(ema) finished: "), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find("(ema) finished: 0 fills"), std::string::npos) << run.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/pt.db"));
  // The API reads the database: asking for both is a usage error, and so is naming a database.
  auto api = run_command("cd " + dir + " && " + binary() + " run --no-db --listen 127.0.0.1:0 --config " + config +
                           " --exit-at-end", dir);
  EXPECT_EQ(api.exit_code, 2);
  EXPECT_NE(api.err.find("--no-db runs without the API"), std::string::npos) << api.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/papertrader.token")); // refused before a token is made
  auto both = run_command(binary() + " run --no-db --db " + dir + "/x.db --listen '' --config " + config, dir);
  EXPECT_NE(both.exit_code, 0);
  auto journal = run_command(binary() + " run --no-db --journal " + dir + "/j.txt --listen '' --config " + config, dir);
  EXPECT_NE(journal.exit_code, 0); // a journal without a database to restore from is refused, not ignored
  EXPECT_FALSE(std::filesystem::exists(dir + "/j.txt"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/pt.db"));
}

TEST(RunE2E, WithoutAFeedItSaysWhatIsMissing) {
  auto dir = make_temp_dir("nofeed");
  std::string path = dir + "/papertrader.yaml";
  std::ofstream(path) << "database: " << dir << "/pt.db\nsessions: []\n";
  auto r = run_command(binary() + " run --listen 127.0.0.1:0 --config " + path + " --exit-at-end", dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--replay"), std::string::npos) << r.err;
}

TEST(RunE2E, BadSpeedIsAUsageError) {
  auto dir = make_temp_dir("badspeed");
  auto config = write_config(dir, "10");
  auto r = run_command(binary() + " run --listen 127.0.0.1:0 --config " + config + " --speed fast --exit-at-end", dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--speed"), std::string::npos) << r.err;
}

TEST(RunE2E, BadConfigListsEveryProblem) {
  auto dir = make_temp_dir("badconfig");
  std::string path = dir + "/papertrader.yaml";
  std::ofstream(path) << "database: " << dir << "/pt.db\nfeeds: {}\nsessions:\n  - {name: a, strategy: nope.yaml}\n";
  auto r = run_command(binary() + " run --listen 127.0.0.1:0 --config " + path + " --exit-at-end", dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(path + ":2:1: unknown key 'feeds'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nope.yaml: cannot read"), std::string::npos) << r.err;
}

} // namespace
} // namespace pt::test
