// `papertrader run` keeps serving after the replay ends and stops cleanly on SIGINT/SIGTERM,
// with everything it was told committed.

#include <chrono>
#include <csignal>
#include <fstream>

#include <gtest/gtest.h>

#include "store/sqlite.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/process.hpp"

namespace pt::test {
namespace {

using namespace std::chrono_literals;

std::string write_config(const std::string& dir, const std::string& speed) {
  std::string path = dir + "/papertrader.yaml";
  std::ofstream(path) << "database: " << dir << "/pt.db\n"
                      << "feed:\n  replay: "
                      << shared_data("streams/binance-spot-BTCUSDT-2024-08-08T2354Z_2024-08-09T0005Z.txt.gz")
                      << "\n  speed: " << speed << "\n"
                      << "sessions:\n  - {name: ema, strategy: "
                      << source_file("config/strategies/ema_crossover_10s.yaml") << "}\n";
  return path;
}

int64_t count(sql::database& db, const std::string& query) {
  sql::statement st(db, query);
  return st.step() ? st.column_int(0) : -1;
}

TEST(ShutdownE2E, KeepsServingAfterTheReplayThenStopsOnSigint) {
  auto dir = make_temp_dir("serve");
  child_process p({binary(), "run", "--listen", "127.0.0.1:0", "--config", write_config(dir, "max")});
  ASSERT_TRUE(p.wait_for_output("still serving", 60s)) << p.output();
  // The sessions settled and the process is still up: a signal is what ends it.
  p.signal(SIGINT);
  EXPECT_EQ(p.wait_exit(30s), 0) << p.output();
  sql::database db(dir + "/pt.db", true);
  EXPECT_EQ(count(db, "SELECT COUNT(*) FROM sessions WHERE status = 'finished'"), 1);
  EXPECT_GT(count(db, "SELECT COUNT(*) FROM fills"), 0);
}

TEST(ShutdownE2E, SigtermDuringAReplayStopsTheFeedAndCommits) {
  auto dir = make_temp_dir("sigterm");
  child_process p({binary(), "run", "--listen", "127.0.0.1:0", "--config", write_config(dir, "1")});
  // Signalled once the session has taken market data (its first evaluation is logged), so there
  // is a feed position to commit, however slow the machine.
  ASSERT_TRUE(p.wait_for_output("first evaluation", 30s)) << p.output();
  p.signal(SIGTERM);
  EXPECT_EQ(p.wait_exit(30s), 0) << p.output();
  EXPECT_NE(p.output().find("replay stopped"), std::string::npos) << p.output();
  {
    // The run stopped, not the session: it stays running, with its feed position, to come back.
    sql::database db(dir + "/pt.db", true);
    EXPECT_EQ(count(db, "SELECT COUNT(*) FROM sessions WHERE status = 'running'"), 1);
    EXPECT_GT(count(db, "SELECT feed_events FROM sessions"), 0);
    sql::statement st(db, "PRAGMA integrity_check");
    ASSERT_TRUE(st.step());
    EXPECT_EQ(st.column_text(0), "ok");
  }
  // The next run on the same database restores it (same id, same row) and takes it to the end.
  child_process again({binary(), "run", "--listen", "", "--speed", "max", "--exit-at-end", "--config",
                       write_config(dir, "1")});
  EXPECT_EQ(again.wait_exit(60s), 0) << again.output();
  EXPECT_NE(again.output().find("session 1 (ema) restored:"), std::string::npos) << again.output();
  EXPECT_NE(again.output().find("account as stored"), std::string::npos) << again.output();
  sql::database db(dir + "/pt.db", true);
  EXPECT_EQ(count(db, "SELECT COUNT(*) FROM sessions"), 1);
  EXPECT_EQ(count(db, "SELECT COUNT(*) FROM sessions WHERE status = 'finished'"), 1);
}

TEST(ShutdownE2E, ASecondSigtermExitsAt130WhileTheFirstShutdownWaitsForTheDatabase) {
  auto dir = make_temp_dir("second-signal");
  child_process p({binary(), "run", "--listen", "", "--config", write_config(dir, "1")});
  ASSERT_TRUE(p.wait_for_output("first evaluation", 30s)) << p.output();
  {
    // Another connection holds the write lock: the persister's commits wait for it (its busy
    // timeout), so the shutdown the first signal starts cannot finish while we hold it.
    sql::database locker(dir + "/pt.db");
    locker.exec("BEGIN EXCLUSIVE");
    p.signal(SIGTERM);
    // The first shutdown is under way ("shutting down" line) and cannot finish: the second signal
    // ends it at once. (Had the first finished, the exit code would be 0.)
    ASSERT_TRUE(p.wait_for_output("received: stopping the feed and settling sessions", 10s)) << p.output();
    p.signal(SIGTERM);
    EXPECT_EQ(p.wait_exit(10s), 130) << p.output();
    EXPECT_NE(p.output().find("second signal"), std::string::npos) << p.output();
    locker.exec("ROLLBACK");
  }
  // What was committed before is intact: the file checks out, the session's row is there with
  // the status it had, and no fill is stored twice.
  sql::database db(dir + "/pt.db", true);
  sql::statement st(db, "PRAGMA integrity_check");
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.column_text(0), "ok");
  EXPECT_EQ(count(db, "SELECT COUNT(*) FROM sessions WHERE status = 'running'"), 1);
  EXPECT_EQ(count(db, "SELECT COUNT(*) FROM fills"), count(db, "SELECT COUNT(DISTINCT fill_id) FROM fills"));
}

} // namespace
} // namespace pt::test
