// Restore: a session stopped part-way, read back from its database and fed again from the start,
// stores exactly what an uninterrupted session stores — nothing twice, nothing missing.

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <caf/all.hpp>
#include <gtest/gtest.h>

#include "actors/market_data_broadcaster.hpp"
#include "feeds/market_file.hpp"
#include "actors/messages.hpp"
#include "store/migrations.hpp"
#include "actors/persister.hpp"
#include "actors/session_supervisor.hpp"
#include "app/restore.hpp"
#include "app/strategy_loader.hpp"
#include "web/api/routes/queries.hpp"
#include "tests/support/process.hpp"
#include "tests/support/recorded_events.hpp"
#include "tests/support/temp_dir_test.hpp"

namespace pt::test {
namespace {

constexpr auto timeout = std::chrono::seconds(60);

session_config make_session(const std::string& strategy_file, const std::string& name) {
  session_config cfg;
  auto loaded = load_strategy_file(source_file("config/strategies/" + strategy_file));
  cfg.name = name;
  cfg.strategy = loaded.spec;
  cfg.strategy_file = loaded.file;
  cfg.strategy_text = loaded.text;
  cfg.symbol = "BTCUSDT";
  cfg.execution.slippage_bps = bps::from_units(3);
  return cfg;
}

// Runs `configs` through the actors with a persister on `db_path`, feeding `events` in batches
// of `batch` events; returns the reports.
std::vector<session_report> run_stored(const std::string& db_path, const std::vector<session_config>& configs,
                                       const std::vector<market_event>& events, size_t batch) {
  std::shared_ptr<sql::database> db = open_database(db_path);
  caf::actor_system_config cfg;
  register_message_types(cfg);
  caf::actor_system system{cfg};
  auto writer = system.spawn(persister, db);
  auto broadcaster = system.spawn(market_data_broadcaster);
  auto supervisor = system.spawn(session_supervisor, configs, broadcaster, writer);
  caf::scoped_actor self{system};
  self->request(supervisor, timeout, start_atom::value)
    .receive([](ok_atom) {}, [&](caf::error& e) { ADD_FAILURE() << system.render(e); });
  int64_t seq = 0;
  for (size_t pos = 0; pos < events.size(); pos += batch) {
    market_batch b;
    b.symbol = "BTCUSDT";
    b.seq = ++seq;
    auto end = std::min(events.size(), pos + batch);
    b.events = std::make_shared<const std::vector<market_event>>(events.begin() + static_cast<long>(pos),
                                                                 events.begin() + static_cast<long>(end));
    self->request(broadcaster, timeout, std::move(b))
      .receive([](ok_atom) {}, [&](caf::error& e) { ADD_FAILURE() << system.render(e); });
  }
  self->request(broadcaster, timeout, end_data_atom::value)
    .receive([](ok_atom) {}, [&](caf::error& e) { ADD_FAILURE() << system.render(e); });
  std::vector<session_report> reports;
  self->request(supervisor, timeout, await_atom::value)
    .receive([&](std::vector<session_report>& r) { reports = std::move(r); },
             [&](caf::error& e) { ADD_FAILURE() << "await: " << system.render(e); });
  self->request(writer, timeout, flush_atom::value)
    .receive([](ok_atom) {}, [&](caf::error& e) { ADD_FAILURE() << system.render(e); });
  for (auto& a : {caf::actor_cast<caf::actor>(supervisor), caf::actor_cast<caf::actor>(broadcaster),
                  caf::actor_cast<caf::actor>(writer)})
    self->send_exit(a, caf::exit_reason::user_shutdown);
  return reports;
}

// Every row of `query` (its first `columns` columns) as one string per row.
std::vector<std::string> rows(const std::string& db_path, const std::string& query, int columns) {
  sql::database db(db_path, true);
  sql::statement st(db, query);
  std::vector<std::string> out;
  while (st.step()) {
    std::string row;
    for (int c = 0; c < columns; ++c)
      row += st.column_text(c) + "|";
    out.push_back(row);
  }
  return out;
}

class Restore : public temp_dir_test {};

TEST_F(Restore, ASessionFedAgainFromItsStoredPositionStoresWhatAnUninterruptedOneStores) {
  auto events = recorded_events(shared_data("klines/spot-1h/BTCUSDT-1h-2022-01-01_2026-04-30.csv.gz"), 4000);
  ASSERT_EQ(events.size(), 4000u);
  std::vector<session_config> configs{make_session("ema_crossover.yaml", "ema"),
                                      make_session("rsi_mean_reversion.yaml", "rsi")};
  // rsi is paused and resumed by an operator, as its stored commands say (before and after the
  // cut); the restored session must re-apply them at the same positions.
  const std::vector<std::pair<int64_t, bool>> rsi_commands{{500, true}, {1500, false}, {3000, true}};
  configs[1].start.pauses = rsi_commands;
  auto reference = in_dir("reference.db");
  auto full = run_stored(reference, configs, events, 64);
  ASSERT_EQ(full.size(), 2u);

  // The same sessions, down after 2,345 events (mid-batch of the next run's batching).
  auto restored = in_dir("restored.db");
  std::vector<market_event> first(events.begin(), events.begin() + 2345);
  run_stored(restored, configs, first, 100);
  {
    auto db = open_database(restored);
    db->exec("UPDATE sessions SET status = 'running'"); // as a killed run leaves them
    db->exec("INSERT INTO session_commands (session_id, feed_events, command) SELECT session_id, 500, 'pause' "
             "FROM sessions WHERE name = 'rsi' UNION ALL SELECT session_id, 1500, 'resume' FROM sessions WHERE "
             "name = 'rsi' UNION ALL SELECT session_id, 3000, 'pause' FROM sessions WHERE name = 'rsi'");
  }
  for (auto& c : configs)
    c.start.pauses.clear(); // from here on, what the database says
  auto again = configs;
  auto plan = restore_sessions(restored, again);
  EXPECT_EQ(plan.restored, 2);
  EXPECT_EQ(plan.skipped, 0);
  ASSERT_EQ(again.size(), 2u);
  for (auto& c : again) {
    EXPECT_TRUE(c.start.is_restore()) << c.name;
    EXPECT_GT(c.session_id, 0) << c.name;
    EXPECT_GT(c.start.events, 0) << c.name;
    EXPECT_LE(c.start.events, 2345) << c.name;
    EXPECT_GT(c.start.fills_committed, 0) << c.name << " should have traded before the cut";
  }
  EXPECT_EQ(plan.fast_forward_events.count("BTCUSDT"), 1u);
  EXPECT_TRUE(again[0].start.pauses.empty());
  EXPECT_EQ(again[1].start.pauses, rsi_commands);
  auto reports = run_stored(restored, again, events, 37);
  ASSERT_EQ(reports.size(), 2u);
  for (size_t i = 0; i < 2; ++i)
    EXPECT_EQ(reports[i].fill_count, full[i].fill_count) << configs[i].name << ": replayed + new fills";

  // Same rows, fill for fill; no session got a second row; no fill is stored twice (the
  // primary key would have rolled a duplicate's transaction back).
  const char* fills = "SELECT s.name, f.fill_id, f.order_id, f.ts_event_ms, f.side, f.price_raw, f.qty_raw, "
                      "f.fee_raw FROM fills f JOIN sessions s USING (session_id) ORDER BY s.name, f.fill_id";
  auto expected_fills = rows(reference, fills, 8);
  EXPECT_GT(expected_fills.size(), 4u);
  EXPECT_EQ(rows(restored, fills, 8), expected_fills);
  const char* accounts = "SELECT name, status, cash_raw, position_qty_raw, realized_pnl_raw, fees_raw, equity_raw, "
                         "feed_events FROM sessions ORDER BY name";
  EXPECT_EQ(rows(restored, accounts, 8), rows(reference, accounts, 8));
  const char* decisions = "SELECT s.name, d.ts_event_ms, d.rule, d.action, d.order_id FROM decisions d "
                          "JOIN sessions s USING (session_id) ORDER BY s.name, d.rowid";
  EXPECT_EQ(rows(restored, decisions, 5), rows(reference, decisions, 5));
  const char* equity = "SELECT s.name, e.ts_event_ms, e.equity_raw FROM equity_points e "
                       "JOIN sessions s USING (session_id) ORDER BY s.name, e.rowid";
  EXPECT_EQ(rows(restored, equity, 3), rows(reference, equity, 3));
  // The pauses did act (an entry was blocked), so re-applying them was needed.
  EXPECT_FALSE(rows(reference, "SELECT 1 FROM decisions d JOIN sessions s USING (session_id) WHERE s.name = 'rsi' "
                               "AND d.action LIKE '%paused%'", 1).empty());
}

TEST_F(Restore, OnlyRunningAndPausedRowsComeBackAndOnlyForAConfigSessionOfTheSameName) {
  auto db_path = in_dir("pt.db");
  {
    auto db = open_database(db_path);
    const char* insert =
      "INSERT INTO sessions (name, strategy_name, strategy_file, strategy_yaml, symbol, status, initial_cash_raw, "
      "taker_fee_bps_raw, slippage_bps_raw, cash_raw, equity_raw, created_at_ms, updated_at_ms, feed_events) "
      "VALUES (?1, 'x', 'f', ?2, 'BTCUSDT', ?3, 100, 0, 0, 100, 100, 0, 0, 42)";
    auto ema = make_session("ema_crossover.yaml", "ema");
    for (auto [name, status] : {std::pair{"ema", "paused"}, {"gone", "running"}, {"old", "finished"}}) {
      sql::statement st(*db, insert);
      st.bind(1, std::string_view(name)).bind(2, std::string_view(ema.strategy_text)).bind(3, std::string_view(status));
      st.run();
    }
    db->exec("INSERT INTO session_commands (session_id, feed_events, command) VALUES (1, 10, 'pause'), "
             "(1, 20, 'resume'), (1, 30, 'pause')");
  }
  std::vector<session_config> configs{make_session("ema_crossover.yaml", "ema"),
                                      make_session("ema_crossover.yaml", "old")};
  auto plan = restore_sessions(db_path, configs);
  EXPECT_EQ(plan.restored, 1);
  EXPECT_EQ(plan.skipped, 1); // "gone": no config session of that name (created over the API)
  ASSERT_EQ(plan.settled.size(), 1u); // "old" finished: it is not run again
  EXPECT_EQ(plan.settled[0].id, 3);
  ASSERT_EQ(configs.size(), 1u);
  EXPECT_EQ(configs[0].session_id, 1);
  EXPECT_TRUE(configs[0].start.is_restore());
  EXPECT_TRUE(configs[0].start.paused);
  EXPECT_EQ(configs[0].start.events, 42);
  EXPECT_EQ(configs[0].start.account.cash, money::from_raw(100));
  std::vector<std::pair<int64_t, bool>> pauses{{10, true}, {20, false}, {30, true}};
  EXPECT_EQ(configs[0].start.pauses, pauses);
  // No database file: nothing to restore, and none is created.
  configs.push_back(make_session("ema_crossover.yaml", "old"));
  auto none = restore_sessions(in_dir("absent.db"), configs);
  EXPECT_EQ(configs.size(), 2u);
  EXPECT_EQ(none.restored, 0);
  EXPECT_FALSE(std::filesystem::exists(in_dir("absent.db")));
}

// A run killed while its sessions settle at the end of the data leaves some rows finished and
// others running. Started again with the same config, a session whose row has ended for good
// (finished, stopped, failed) is not run again under a new id; the running ones come back.
TEST_F(Restore, AConfigSessionWhoseRowEndedForGoodIsNotStartedAgain) {
  auto db_path = in_dir("pt.db");
  auto ema = make_session("ema_crossover.yaml", "ema");
  {
    auto db = open_database(db_path);
    const char* insert =
      "INSERT INTO sessions (name, strategy_name, strategy_file, strategy_yaml, symbol, status, initial_cash_raw, "
      "taker_fee_bps_raw, slippage_bps_raw, cash_raw, equity_raw, created_at_ms, updated_at_ms, feed_events) "
      "VALUES (?1, 'x', 'f', ?2, 'BTCUSDT', ?3, 100, 0, 300000000, 100, 100, 0, 0, 42)";
    // Two config sessions named "twin": the first row takes the first of them.
    for (auto [name, status] : {std::pair{"a", "finished"}, {"b", "running"}, {"c", "stopped"}, {"d", "failed"},
                                {"twin", "finished"}, {"twin", "running"}, {"api", "finished"}}) {
      sql::statement st(*db, insert);
      st.bind(1, std::string_view(name)).bind(2, std::string_view(ema.strategy_text)).bind(3, std::string_view(status));
      st.run();
    }
  }
  std::vector<session_config> configs;
  for (auto name : {"a", "b", "c", "d", "e", "twin", "twin"})
    configs.push_back(make_session("ema_crossover.yaml", name));
  auto plan = restore_sessions(db_path, configs);
  EXPECT_EQ(plan.restored, 2); // b, the second twin
  EXPECT_EQ(plan.skipped, 0);
  std::vector<std::pair<int64_t, std::string>> settled;
  for (auto& s : plan.settled)
    settled.emplace_back(s.id, s.name + " " + to_string(s.status));
  std::vector<std::pair<int64_t, std::string>> expected{
    {1, "a finished"}, {3, "c stopped"}, {4, "d failed"}, {5, "twin finished"}};
  EXPECT_EQ(settled, expected); // "api" has no config session: its row is history only
  std::vector<std::string> left;
  for (auto& c : configs)
    left.push_back(c.name + ":" + std::to_string(c.session_id) + (c.start.is_restore() ? ":restored" : ""));
  EXPECT_EQ(left, (std::vector<std::string>{"b:2:restored", "e:0", "twin:6:restored"}));
  // The same command again finds the same: nothing it runs gets a second row.
  std::vector<session_config> again;
  for (auto name : {"a", "c", "d"})
    again.push_back(make_session("ema_crossover.yaml", name));
  EXPECT_EQ(restore_sessions(db_path, again).settled.size(), 3u);
  EXPECT_TRUE(again.empty());
}

TEST_F(Restore, RetentionDeletesOnlyOldEquityPointsAndDecisionsOfEachSession) {
  auto db_path = in_dir("pt.db");
  {
    auto db = open_database(db_path);
    db->exec("INSERT INTO sessions (name, strategy_name, strategy_file, strategy_yaml, symbol, status, "
             "initial_cash_raw, taker_fee_bps_raw, slippage_bps_raw, cash_raw, equity_raw, created_at_ms, "
             "updated_at_ms, last_event_ms) VALUES ('a', 'x', 'f', '', 'BTCUSDT', 'finished', 1, 0, 0, 1, 1, 0, 0, "
             "100000), ('b', 'x', 'f', '', 'BTCUSDT', 'finished', 1, 0, 0, 1, 1, 0, 0, 10000)");
    for (int64_t ts : {1000, 20000, 60000, 99000}) {
      for (int64_t id : {1, 2}) {
        sql::statement e(*db, "INSERT INTO equity_points VALUES (?1, ?2, 1, 1, 0, 0)");
        e.bind(1, id).bind(2, ts).run();
        sql::statement d(*db, "INSERT INTO decisions VALUES (?1, ?2, 'entry', '', 'buy', NULL)");
        d.bind(1, id).bind(2, ts).run();
      }
    }
  }
  prune_history(db_path, history_retention{50'000, 0}); // equity points only: 50 s back from each session's last event
  const char* left = "SELECT session_id || ':' || ts_event_ms FROM equity_points ORDER BY session_id, ts_event_ms";
  // a (last event 100 s): 60 s and 99 s stay; b (last event 10 s): all stay.
  EXPECT_EQ(rows(db_path, left, 1),
            (std::vector<std::string>{"1:60000|", "1:99000|", "2:1000|", "2:20000|", "2:60000|", "2:99000|"}));
  EXPECT_EQ(rows(db_path, "SELECT COUNT(*) FROM decisions", 1), std::vector<std::string>{"8|"});
  prune_history(db_path, history_retention{0, 1}); // decisions only, all but the last millisecond's
  EXPECT_EQ(rows(db_path, "SELECT session_id || ':' || ts_event_ms FROM decisions ORDER BY 1", 1),
            (std::vector<std::string>{"2:20000|", "2:60000|", "2:99000|"})); // b's times are past its last event
}

} // namespace
} // namespace pt::test

namespace pt::test {
namespace {

TEST_F(Restore, ASessionComesBackWithTheFillProfileAndOverridesItWasStartedWith) {
  auto db_path = in_dir("pt.db");
  auto started = make_session("ema_crossover.yaml", "ema");
  started.execution.profile = fill_profile::optimistic;
  started.execution.maker_fee_bps = bps::from_units(2);
  started.execution.overrides.queue_factor_pct = 140;
  started.execution.overrides.submit_latency = latency_range{4, 9};
  started.execution.overrides.seed = 77;
  // The supervisor creates its row (with its fill settings) at start; no market data needed.
  run_stored(db_path, {started}, {}, 1);
  {
    // As after a crash: the row still says running.
    auto db = open_database(db_path);
    db->exec("UPDATE sessions SET status = 'running'");
    sql::database reader(db_path, true);
    auto got = query_session(reader, 1);
    ASSERT_EQ(got.status, 200) << got.body;
    EXPECT_NE(got.body.find("\"fill_profile\":\"optimistic\""), std::string::npos) << got.body;
    EXPECT_NE(got.body.find("\"queue_factor_pct\":140"), std::string::npos) << got.body;
  }
  // The config now says realistic with no overrides: the stored settings win.
  auto now = make_session("ema_crossover.yaml", "ema");
  now.execution.slippage_bps = bps::from_units(9);
  std::vector<session_config> configs{now};
  auto plan = restore_sessions(db_path, configs);
  ASSERT_EQ(plan.restored, 1);
  const auto& e = configs[0].execution;
  EXPECT_EQ(e.profile, fill_profile::optimistic);
  EXPECT_EQ(e.maker_fee_bps, bps::from_units(2));
  EXPECT_EQ(e.slippage_bps, bps::from_units(3)); // as stored, not the config's 9
  EXPECT_EQ(e.overrides.queue_factor_pct, 140);
  ASSERT_TRUE(e.overrides.submit_latency);
  EXPECT_EQ(e.overrides.submit_latency->max_ms, 9);
  EXPECT_EQ(e.overrides.seed, 77u);
  EXPECT_FALSE(e.overrides.walk_book);
  EXPECT_EQ(session_fill_params(e).queue_factor_pct, 140);

  // Stored settings that do not read: the session is not restored rather than run differently.
  {
    auto db = open_database(db_path);
    db->exec("UPDATE sessions SET fill_settings = '{\"profile\": \"lucky\"}'");
  }
  std::vector<session_config> again{make_session("ema_crossover.yaml", "ema")};
  auto bad = restore_sessions(db_path, again);
  EXPECT_EQ(bad.restored, 0);
  EXPECT_EQ(bad.skipped, 1);
  EXPECT_FALSE(again[0].start.is_restore());
}

TEST_F(Restore, ASessionComesBackWithTheQuantityStepPriceTickAndEquityIntervalItWasStartedWith) {
  auto db_path = in_dir("pt.db");
  auto started = make_session("ema_crossover.yaml", "ema");
  started.execution.qty_step = quantity::parse("0.001").value();
  started.execution.price_tick = price::parse("0.1").value();
  started.equity_interval_ms = 5'000;
  run_stored(db_path, {started}, {}, 1);
  {
    auto db = open_database(db_path);
    db->exec("UPDATE sessions SET status = 'running'");
  }
  // The config's settings changed since: the stored ones win.
  std::vector<session_config> configs{make_session("ema_crossover.yaml", "ema")};
  ASSERT_NE(configs[0].execution.qty_step, started.execution.qty_step);
  ASSERT_NE(configs[0].execution.price_tick, started.execution.price_tick);
  ASSERT_NE(configs[0].equity_interval_ms, started.equity_interval_ms);
  auto plan = restore_sessions(db_path, configs);
  ASSERT_EQ(plan.restored, 1);
  EXPECT_EQ(configs[0].execution.qty_step, started.execution.qty_step);
  EXPECT_EQ(configs[0].execution.price_tick, started.execution.price_tick);
  EXPECT_EQ(configs[0].equity_interval_ms, 5'000);

  // A row from before migration 0009 (NULL columns) keeps the config's.
  {
    auto db = open_database(db_path);
    db->exec("UPDATE sessions SET qty_step_raw = NULL, price_tick_raw = NULL, equity_interval_ms = NULL");
  }
  std::vector<session_config> older{make_session("ema_crossover.yaml", "ema")};
  auto config_step = older[0].execution.qty_step;
  ASSERT_EQ(restore_sessions(db_path, older).restored, 1);
  EXPECT_EQ(older[0].execution.qty_step, config_step);
  EXPECT_EQ(older[0].equity_interval_ms, session_config{}.equity_interval_ms);
}

} // namespace
} // namespace pt::test
