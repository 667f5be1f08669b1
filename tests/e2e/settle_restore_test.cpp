// A run killed while its sessions settle at the end of a replay (some rows `finished`, others
// still `running`), started again with the same command, ends with one row per session and the
// results of an uninterrupted run (docs/operations.md, "Restore").

#include <chrono>
#include <csignal>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "store/sqlite.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/process.hpp"

namespace pt::test {
namespace {

using namespace std::chrono_literals;

int64_t count(const std::string& db_path, const std::string& query) {
  sql::database db(db_path, true);
  sql::statement st(db, query);
  return st.step() ? st.column_int(0) : -1;
}

// Every row of `query` (its first `columns` columns, NULL as "~") as one string per row.
std::vector<std::string> rows(const std::string& db_path, const std::string& query, int columns) {
  sql::database db(db_path, true);
  sql::statement st(db, query);
  std::vector<std::string> out;
  while (st.step()) {
    std::string row;
    for (int c = 0; c < columns; ++c)
      row += (st.column_is_null(c) ? std::string("~") : st.column_text(c)) + "|";
    out.push_back(row);
  }
  return out;
}

// How many rows of `db_path` are finished (0 while the file or its table is not there yet).
int64_t finished_rows(const std::string& db_path) {
  try {
    return count(db_path, "SELECT COUNT(*) FROM sessions WHERE status = 'finished'");
  } catch (const std::exception&) {
    return 0;
  }
}

TEST(SettleRestoreE2E, AKillOnTheFirstFinishedRowThenTheSameCommandGivesTheUninterruptedResults) {
  auto dir = make_temp_dir("settle-restore");
  std::string config = dir + "/papertrader.yaml";
  std::ofstream(dir + "/fast.yaml") << "name: settle-fast\nsymbol: BTCUSDT\ntimeframe: 2s\n"
                                    << "indicators:\n  fast: {type: ema, period: 3}\n  slow: {type: ema, period: 8}\n"
                                    << "entry: crosses_above(fast, slow)\nexit: crosses_below(fast, slow)\n"
                                    << "risk: {stop_loss: {percent: 0.05}, trailing_stop: {percent: 0.03}, "
                                       "cooldown: 10s}\nsizing: {percent_of_equity: 50}\n";
  std::string ema = source_file("config/strategies/ema_crossover_10s.yaml");
  std::string rsi = source_file("config/strategies/rsi_scalper_5s.yaml");
  std::ofstream(config) << "feed:\n  replay: "
                        << shared_data("streams/binance-spot-BTCUSDT-2024-08-08T2354Z_2024-08-09T0005Z.txt.gz")
                        << "\nsessions:\n"
                        << "  - {name: ema-10s, strategy: " << ema << "}\n"
                        << "  - {name: rsi-5s, strategy: " << rsi << "}\n"
                        << "  - {name: ema-10s-small, strategy: " << ema << ", initial_cash: 700}\n"
                        << "  - {name: rsi-5s-fee, strategy: " << rsi << ", taker_fee_bps: 25}\n"
                        << "  - {name: fast, strategy: " << dir << "/fast.yaml}\n"
                        << "  - {name: fast-small, strategy: " << dir << "/fast.yaml, initial_cash: 900}\n";
  const int64_t sessions = 6;

  // The reference: the same replay, uninterrupted.
  std::string reference = dir + "/reference.db";
  {
    child_process p({binary(), "run", "--config", config, "--db", reference, "--listen", "", "--speed", "max",
                     "--exit-at-end"});
    ASSERT_EQ(p.wait_exit(120s), 0) << p.output();
  }
  ASSERT_GT(count(reference, "SELECT COUNT(*) FROM fills"), 0) << "nothing to compare";

  // The command under test keeps serving after the replay, so the kill always finds it running.
  std::string db = dir + "/pt.db";
  std::vector<std::string> command{binary(), "run", "--config", config, "--db", db, "--listen", "", "--speed", "max"};
  int64_t finished_at_kill = 0;
  {
    child_process p(command);
    ASSERT_TRUE(eventually([&] { return finished_rows(db) > 0; }, 120s, 1ms)) << p.output();
    p.signal(SIGKILL);
    p.wait_exit(10s);
    finished_at_kill = finished_rows(db);
  }
  ASSERT_GE(finished_at_kill, 1);
  ASSERT_EQ(count(db, "SELECT COUNT(*) FROM sessions"), sessions);
  std::string log;
  {
    child_process p(command);
    ASSERT_TRUE(p.wait_for_output("still serving", 120s)) << p.output();
    p.signal(SIGTERM);
    EXPECT_EQ(p.wait_exit(30s), 0) << p.output();
    log = p.output();
  }
  size_t not_again = 0;
  for (size_t at = log.find("is not started again"); at != std::string::npos;
       at = log.find("is not started again", at + 1))
    ++not_again;
  EXPECT_EQ(static_cast<int64_t>(not_again), finished_at_kill) << log;

  // One row per session, each finished, equal to the uninterrupted run's, fill for fill.
  EXPECT_EQ(count(db, "SELECT COUNT(*) FROM sessions"), sessions) << log;
  EXPECT_EQ(count(db, "SELECT COUNT(DISTINCT name) FROM sessions"), sessions);
  EXPECT_EQ(count(db, "SELECT COUNT(*) FROM sessions WHERE status = 'finished'"), sessions);
  const char* accounts = "SELECT name, status, cash_raw, position_qty_raw, cost_basis_raw, realized_pnl_raw, fees_raw, "
                         "mark_price_raw, equity_raw, last_event_ms, feed_events FROM sessions ORDER BY name";
  EXPECT_EQ(rows(db, accounts, 11), rows(reference, accounts, 11));
  const char* fills = "SELECT s.name, f.fill_id, f.order_id, f.ts_event_ms, f.side, f.price_raw, f.qty_raw, "
                      "f.fee_raw, f.liquidity FROM fills f JOIN sessions s USING (session_id) ORDER BY s.name, "
                      "f.fill_id";
  auto expected_fills = rows(reference, fills, 9);
  EXPECT_GT(expected_fills.size(), 10u);
  EXPECT_EQ(rows(db, fills, 9), expected_fills);
  const char* orders = "SELECT s.name, o.order_id, o.side, o.type, o.qty_raw, o.status, o.time_in_force, "
                       "o.limit_px_raw, o.stop_px_raw, o.list_id, o.linked_order_id FROM orders o "
                       "JOIN sessions s USING (session_id) ORDER BY s.name, o.order_id";
  EXPECT_EQ(rows(db, orders, 11), rows(reference, orders, 11));
}

} // namespace
} // namespace pt::test
