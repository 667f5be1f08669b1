// History retention on a real equity curve (store/retention.hpp): points past the full-resolution
// window become hourly/daily OHLC buckets, the metrics route's max drawdown is the same to the raw
// unit before and after, applying the retention in many passes as the market clock moves gives
// the same buckets as one pass, a second pass changes nothing, and deleting past the equity
// window takes buckets too.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "store/migrations.hpp"
#include "store/retention.hpp"
#include "tests/support/hourly_backtest.hpp"
#include "tests/support/temp_dir_test.hpp"
#include "web/api/routes/queries.hpp"

namespace pt::test {
namespace {

constexpr int64_t day_ms = 86'400'000;

class Retention : public temp_dir_test {
protected:
  // A finished session holding `run`'s equity points, its last event at the curve's end.
  int64_t store(sql::database& db, const hourly_backtest& run) {
    sql::statement s(db, "INSERT INTO sessions (name, strategy_name, strategy_file, strategy_yaml, symbol, status, "
                         "initial_cash_raw, taker_fee_bps_raw, slippage_bps_raw, cash_raw, equity_raw, "
                         "created_at_ms, updated_at_ms, last_event_ms) "
                         "VALUES ('ema', 'ema', 'f', '', 'BTCUSDT', 'finished', ?1, 0, 0, ?1, ?2, 0, 0, ?3)");
    s.bind(1, run.cfg.initial_cash.raw()).bind(2, run.equity.back().equity.raw()).bind(3, run.last_ms).run();
    int64_t id = db.last_insert_rowid();
    sql::statement e(db, "INSERT INTO equity_points VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    for (const auto& p : run.equity) {
      e.bind(1, id).bind(2, p.ts_event_ms).bind(3, p.equity.raw()).bind(4, p.cash.raw());
      e.bind(5, p.position_qty.raw()).bind(6, p.mark.raw()).run();
    }
    return id;
  }

  static rapidjson::Document metrics(sql::database& db, int64_t id) {
    auto r = query_session_metrics(db, id, api_request{});
    rapidjson::Document d;
    d.Parse(r.body.c_str());
    EXPECT_EQ(r.status, 200) << r.body;
    return d;
  }

  static std::vector<std::string> bucket_rows(sql::database& db, int64_t id) {
    std::vector<std::string> out;
    sql::statement st(db, "SELECT bucket_start_ms, first_ms, last_ms, open_raw, high_raw, low_raw, close_raw, "
                          "max_drawdown_raw, cash_raw, position_qty_raw, mark_price_raw, points "
                          "FROM equity_buckets WHERE session_id = ?1 ORDER BY bucket_start_ms");
    st.bind(1, id);
    while (st.step()) {
      std::string row;
      for (int c = 0; c < 12; ++c)
        row += std::to_string(st.column_int(c)) + ",";
      out.push_back(row);
    }
    return out;
  }

  static int64_t scalar(sql::database& db, const std::string& sql) {
    sql::statement st(db, sql);
    EXPECT_TRUE(st.step());
    return st.column_int(0);
  }
};

TEST_F(Retention, DownsamplingKeepsTheMaxDrawdownExactAndTheRecentWindowWhole) {
  auto run = run_hourly_backtest(4'000, [](auto&&...) {}); // ~167 days of hourly points
  ASSERT_GT(run.equity.size(), 3'900u);
  auto db = open_database(in_dir("pt.db"));
  int64_t id = store(*db, run);
  auto before = metrics(*db, id);
  ASSERT_TRUE(before["performance"].IsObject());
  std::string dd_before = before["max_drawdown"].GetString();
  ASSERT_NE(dd_before, "0.00000000");

  int64_t pages_before = db->pragma_int("page_count");
  history_retention r;
  r.equity_full_ms = 30 * day_ms;
  r.equity_bucket_ms = day_ms;
  auto pruned = prune_history(*db, r);
  int64_t cutoff = equity_ohlc::start_of(run.last_ms - r.equity_full_ms, day_ms);
  int64_t older = 0;
  for (const auto& p : run.equity)
    older += p.ts_event_ms < cutoff;
  EXPECT_EQ(pruned.downsampled_points, older);
  EXPECT_GT(pruned.buckets_written, 100);
  EXPECT_EQ(scalar(*db, "SELECT COUNT(*) FROM equity_points"), static_cast<int64_t>(run.equity.size()) - older);
  EXPECT_GE(scalar(*db, "SELECT MIN(ts_event_ms) FROM equity_points"), cutoff);
  EXPECT_EQ(scalar(*db, "SELECT SUM(points) FROM equity_buckets"), older);
  EXPECT_LT(scalar(*db, "SELECT MAX(last_ms) FROM equity_buckets"), cutoff);

  auto after = metrics(*db, id);
  EXPECT_EQ(std::string(after["max_drawdown"].GetString()), dd_before);
  EXPECT_EQ(after["equity_buckets"].GetInt64(), pruned.buckets_written);
  EXPECT_EQ(after["equity_downsampled_points"].GetInt64(), older);
  EXPECT_EQ(std::string(after["equity"].GetString()), std::string(before["equity"].GetString()));
  ASSERT_TRUE(after["performance"].IsObject());
  // Figures that depend only on the ends and the fills are unchanged by the downsampling.
  for (const char* f : {"final_equity", "net_pnl", "initial_equity"})
    EXPECT_EQ(std::string(after["performance"][f].GetString()), std::string(before["performance"][f].GetString()))
      << f;
  EXPECT_EQ(after["performance"]["total_return"].GetDouble(), before["performance"]["total_return"].GetDouble());

  // The deleted points' pages left the file.
  EXPECT_EQ(db->pragma_int("auto_vacuum"), 2); // incremental
  EXPECT_EQ(db->pragma_int("freelist_count"), 0);
  EXPECT_LT(db->pragma_int("page_count"), pages_before * 3 / 4);

  // A second pass finds nothing more to do.
  auto again = prune_history(*db, r);
  EXPECT_FALSE(again.any());
  EXPECT_EQ(std::string(metrics(*db, id)["max_drawdown"].GetString()), dd_before);

  // The equity route serves what is left; the ohlc route pages through the buckets in time order.
  api_request req;
  req.query["limit"] = "50";
  auto page = query_equity_ohlc(*db, id, req);
  ASSERT_EQ(page.status, 200) << page.body;
  rapidjson::Document d;
  d.Parse(page.body.c_str());
  ASSERT_EQ(d["items"].Size(), 50u);
  EXPECT_EQ(d["next_after"].GetInt64(), d["items"][49]["bucket_start_ms"].GetInt64());
  EXPECT_EQ(d["items"][1]["bucket_start_ms"].GetInt64() - d["items"][0]["bucket_start_ms"].GetInt64(), day_ms);
}

TEST_F(Retention, ManyPassesAsTheClockMovesGiveTheBucketsOfOnePass) {
  auto run = run_hourly_backtest(3'000, [](auto&&...) {});
  auto one = open_database(in_dir("one.db"));
  auto many = open_database(in_dir("many.db"));
  int64_t a = store(*one, run), b = store(*many, run);
  history_retention r;
  r.equity_full_ms = 10 * day_ms;
  r.equity_bucket_ms = 6 * backtest_hour_ms;
  // `many`: the session's last event walks through the run, a pass every 5 days and 7 hours, so
  // passes end inside buckets that a later pass extends.
  sql::statement move(*many, "UPDATE sessions SET last_event_ms = ?1 WHERE session_id = ?2");
  int passes = 0;
  for (int64_t t = run.equity.front().ts_event_ms; t < run.last_ms; t += 5 * day_ms + 7 * backtest_hour_ms) {
    move.bind(1, t).bind(2, b).run();
    prune_history(*many, r);
    ++passes;
  }
  move.bind(1, run.last_ms).bind(2, b).run();
  prune_history(*many, r);
  prune_history(*one, r);
  ASSERT_GT(passes, 10);
  auto rows = bucket_rows(*one, a);
  ASSERT_GT(rows.size(), 300u);
  EXPECT_EQ(bucket_rows(*many, b), rows);
  EXPECT_EQ(std::string(metrics(*many, b)["max_drawdown"].GetString()),
            std::string(metrics(*one, a)["max_drawdown"].GetString()));
}

// The bucket width changed between two runs (15m, then 1h) while the last 15m bucket ended off
// the hour: the next bucket starts after it instead of merging into a bucket of another width,
// so the buckets stay in time order and the max drawdown stays exact.
TEST_F(Retention, AChangedBucketWidthKeepsTheBucketsInTimeOrder) {
  hourly_backtest run; // a minute curve with a random walk, stored like a session's
  std::mt19937_64 rng(5);
  int64_t e = run.cfg.initial_cash.raw(), t0 = 1'700'000'000'000 - 1'700'000'000'000 % day_ms;
  for (int i = 0; i < 3 * 1'440; ++i) {
    e += static_cast<int64_t>(rng() % 2'000'000'001) - 1'000'000'000;
    run.equity.push_back(equity_point{t0 + i * 60'000, money::from_raw(e), money::from_raw(e), {}, {}});
  }
  run.last_ms = t0 + 26 * backtest_hour_ms + 50 * 60'000; // the first pass ends at 02:45 of day 1
  auto db = open_database(in_dir("pt.db"));
  int64_t id = store(*db, run);
  sql::statement move(*db, "UPDATE sessions SET last_event_ms = ?1 WHERE session_id = ?2");
  move.bind(1, run.equity.back().ts_event_ms).bind(2, id).run();
  std::string dd = metrics(*db, id)["max_drawdown"].GetString();
  move.bind(1, run.last_ms).bind(2, id).run();
  history_retention r;
  r.equity_full_ms = day_ms;
  r.equity_bucket_ms = 15 * 60'000;
  prune_history(*db, r);
  ASSERT_EQ(scalar(*db, "SELECT MAX(last_ms) FROM equity_buckets") % backtest_hour_ms, 44 * 60'000);
  move.bind(1, run.equity.back().ts_event_ms).bind(2, id).run();
  r.equity_bucket_ms = backtest_hour_ms;
  prune_history(*db, r);
  auto buckets = read_equity_buckets(*db, id);
  ASSERT_GT(buckets.size(), 20u);
  int64_t points = 0;
  for (size_t i = 0; i < buckets.size(); ++i) {
    points += buckets[i].points;
    if (i > 0) {
      EXPECT_GT(buckets[i].first_ms, buckets[i - 1].last_ms) << i;
      EXPECT_GT(buckets[i].bucket_start_ms, buckets[i - 1].last_ms) << i;
    }
  }
  EXPECT_EQ(points + scalar(*db, "SELECT COUNT(*) FROM equity_points"), 3 * 1'440);
  EXPECT_EQ(std::string(metrics(*db, id)["max_drawdown"].GetString()), dd);
}

TEST_F(Retention, TheEquityWindowDeletesOldBucketsTooAndTheRestStays) {
  auto run = run_hourly_backtest(2'000, [](auto&&...) {});
  auto db = open_database(in_dir("pt.db"));
  int64_t id = store(*db, run);
  history_retention r;
  r.equity_full_ms = 7 * day_ms;
  r.equity_bucket_ms = backtest_hour_ms;
  r.equity_points_ms = 40 * day_ms;
  prune_history(*db, r);
  EXPECT_GE(scalar(*db, "SELECT MIN(last_ms) FROM equity_buckets"), run.last_ms - r.equity_points_ms);
  EXPECT_LT(scalar(*db, "SELECT MIN(first_ms) FROM equity_buckets"), run.last_ms - r.equity_points_ms + backtest_hour_ms);
  EXPECT_GE(scalar(*db, "SELECT MIN(ts_event_ms) FROM equity_points"), run.last_ms - 8 * day_ms);
  EXPECT_EQ(metrics(*db, id)["equity_buckets"].GetInt64(), scalar(*db, "SELECT COUNT(*) FROM equity_buckets"));
}

} // namespace
} // namespace pt::test
