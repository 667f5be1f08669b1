// Schema migrations and the SQLite wrappers: open_database on a temporary file, re-runs, newer
// databases, a broken migration rolling back, bound text round-tripping, and transactions.

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "store/migrations.hpp"
#include "store/sqlite.hpp"
#include "tests/support/temp_dir_test.hpp"

namespace pt {
namespace {

namespace fs = std::filesystem;

// The migration files in the source tree, sorted by name, read independently of the embedding.
std::vector<fs::path> migration_files() {
  std::vector<fs::path> files;
  for (auto& entry : fs::directory_iterator(fs::path(PAPERTRADER_SOURCE_DIR) / "migrations"))
    if (entry.path().extension() == ".sql")
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

int newest_migration_number() {
  auto files = migration_files();
  return files.empty() ? 0 : std::stoi(files.back().filename().string().substr(0, 4));
}

// Tables created by the migration files ("CREATE TABLE name").
std::set<std::string> tables_in_migration_files() {
  std::set<std::string> names;
  std::regex create(R"(CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+))", std::regex::icase);
  for (auto& f : migration_files()) {
    std::ifstream in(f);
    std::stringstream text;
    text << in.rdbuf();
    std::string sql = text.str();
    for (std::sregex_iterator it(sql.begin(), sql.end(), create), end; it != end; ++it)
      names.insert((*it)[1]);
  }
  return names;
}

std::set<std::string> tables(sql::database& db) {
  std::set<std::string> names;
  sql::statement st(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
  while (st.step())
    names.insert(st.column_text(0));
  return names;
}

std::string pragma_text(sql::database& db, const std::string& name) {
  sql::statement st(db, "PRAGMA " + name);
  return st.step() ? st.column_text(0) : std::string();
}

int64_t count_rows(sql::database& db, const std::string& table) {
  sql::statement st(db, "SELECT COUNT(*) FROM " + table);
  EXPECT_TRUE(st.step());
  return st.column_int(0);
}

class MigrationsTemp : public pt::test::temp_dir_test {
protected:
  std::string path(const std::string& name) const { return in_dir(name); }
};

TEST(Migrations, EmbeddedMigrationsAreTheFilesInTheTree) {
  auto files = migration_files();
  ASSERT_FALSE(files.empty());
  EXPECT_EQ(files.front().filename(), "0001_initial.sql");
  const auto& embedded = embedded_migrations();
  ASSERT_EQ(embedded.size(), files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    EXPECT_EQ(embedded[i].file_name, files[i].filename().string());
    std::ifstream in(files[i]);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_EQ(embedded[i].sql, text.str());
  }
}

TEST_F(MigrationsTemp, OpenDatabaseCreatesAndMigrates) {
  // The parent folders do not exist yet: open_database creates them.
  auto file = path("nested/data/papertrader.db");
  auto db = open_database(file);
  ASSERT_NE(db, nullptr);
  EXPECT_TRUE(fs::exists(file));
  EXPECT_EQ(db->pragma_int("user_version"), newest_migration_number());
  EXPECT_GE(db->pragma_int("user_version"), 1);
  EXPECT_EQ(tables(*db), tables_in_migration_files());
  EXPECT_EQ(tables(*db).count("sessions"), 1u);
  EXPECT_EQ(pragma_text(*db, "journal_mode"), "wal");
  EXPECT_EQ(db->pragma_int("foreign_keys"), 1);
}

TEST_F(MigrationsTemp, ApplyingAgainIsANoOp) {
  auto file = path("pt.db");
  {
    auto db = open_database(file);
    db->exec("CREATE TABLE marker (x INTEGER)");
    db->exec("INSERT INTO marker VALUES (7)");
  }
  auto db = open_database(file); // reopening migrates nothing and loses nothing
  EXPECT_EQ(db->pragma_int("user_version"), newest_migration_number());
  EXPECT_EQ(count_rows(*db, "marker"), 1);
  EXPECT_EQ(apply_migrations(*db), newest_migration_number());
  EXPECT_EQ(tables(*db).size(), tables_in_migration_files().size() + 1);
}

TEST(Migrations, OwnMigrationsApplyOnceInOrder) {
  sql::database db(":memory:");
  // Plain CREATE TABLE fails if run twice, so a second application must skip both.
  std::vector<migration> ms{{"0001_a.sql", "CREATE TABLE a (x INTEGER);"},
                            {"0002_b.sql", "CREATE TABLE b (y INTEGER REFERENCES a(x));"}};
  EXPECT_EQ(apply_migrations(db, ms), 2);
  EXPECT_EQ(db.pragma_int("user_version"), 2);
  EXPECT_EQ(apply_migrations(db, ms), 2);
  // A later release adds 0003: only it runs.
  ms.push_back({"0003_c.sql", "CREATE TABLE c (z TEXT);"});
  EXPECT_EQ(apply_migrations(db, ms), 3);
  EXPECT_EQ(tables(db), (std::set<std::string>{"a", "b", "c"}));
}

TEST_F(MigrationsTemp, NewerDatabaseIsRefused) {
  auto file = path("future.db");
  {
    sql::database db(file);
    db.exec("PRAGMA user_version = 99");
  }
  try {
    open_database(file);
    ADD_FAILURE() << "a database of schema version 99 was accepted";
  } catch (const sql::error& e) {
    EXPECT_NE(std::string(e.what()).find("99"), std::string::npos) << e.what();
  }
  sql::database db(file);
  EXPECT_EQ(db.pragma_int("user_version"), 99); // untouched
  EXPECT_TRUE(tables(db).empty());
}

TEST(Migrations, BrokenMigrationRollsBackCompletely) {
  sql::database db(":memory:");
  std::vector<migration> ms{
      {"0001_ok.sql", "CREATE TABLE kept (x INTEGER);"},
      // Two statements succeed before the third fails.
      {"0002_broken.sql", "CREATE TABLE b (x INTEGER); INSERT INTO kept VALUES (1); CREATE TABLE c (;"},
  };
  EXPECT_THROW(apply_migrations(db, ms), sql::error);
  EXPECT_EQ(db.pragma_int("user_version"), 1);
  EXPECT_EQ(tables(db), (std::set<std::string>{"kept"}));
  EXPECT_EQ(count_rows(db, "kept"), 0);
  // No transaction was left open: the fixed migration applies.
  ms[1].sql = "CREATE TABLE b (x INTEGER);";
  EXPECT_EQ(apply_migrations(db, ms), 2);
  EXPECT_EQ(tables(db), (std::set<std::string>{"kept", "b"}));
}

TEST(Migrations, BrokenFirstMigrationLeavesAnEmptyDatabase) {
  sql::database db(":memory:");
  std::vector<migration> ms{{"0001_broken.sql", "CREATE TABLE a (x INTEGER); CREATE TABLE a (x INTEGER);"}};
  EXPECT_THROW(apply_migrations(db, ms), sql::error);
  EXPECT_EQ(db.pragma_int("user_version"), 0);
  EXPECT_TRUE(tables(db).empty());
}

TEST(Migrations, BadlyNamedMigrationIsRefused) {
  sql::database db(":memory:");
  std::vector<migration> ms{{"initial.sql", "CREATE TABLE a (x INTEGER);"}};
  EXPECT_THROW(apply_migrations(db, ms), sql::error);
  EXPECT_TRUE(tables(db).empty());
}

TEST(SqlStatement, BoundTextRoundTripsWithoutEscaping) {
  sql::database db(":memory:");
  db.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT, n INTEGER, x REAL)");
  const std::vector<std::string> texts{
      "it's a \"quoted\" 'text'",
      "'); DROP TABLE notes; --",
      "Zürich → 東京 ✓ 🚀 naïve café",
      "back\\slash and %percent_ and ?1 and :name",
      "",
  };
  sql::statement insert(db, "INSERT INTO notes (body, n, x) VALUES (?1, ?2, ?3)");
  for (const auto& t : texts) {
    insert.bind(1, t).bind(2, int64_t{9'223'372'036'854'775'807}).bind(3, 0.1);
    insert.run();
  }
  EXPECT_EQ(tables(db).count("notes"), 1u);
  sql::statement select(db, "SELECT body, n, x FROM notes ORDER BY id");
  for (const auto& t : texts) {
    ASSERT_TRUE(select.step());
    EXPECT_EQ(select.column_text(0), t);
    EXPECT_FALSE(select.column_is_null(0));
    EXPECT_EQ(select.column_int(1), 9'223'372'036'854'775'807);
    EXPECT_EQ(select.column_double(2), 0.1);
  }
  EXPECT_FALSE(select.step());

  // A bound value is compared as a value too.
  sql::statement find(db, "SELECT COUNT(*) FROM notes WHERE body = ?1");
  find.bind(1, std::string_view(texts[1]));
  ASSERT_TRUE(find.step());
  EXPECT_EQ(find.column_int(0), 1);
}

TEST(SqlStatement, NullAndResetClearBindings) {
  sql::database db(":memory:");
  db.exec("CREATE TABLE t (v TEXT)");
  sql::statement insert(db, "INSERT INTO t (v) VALUES (?1)");
  insert.bind_null(1);
  insert.run();
  insert.bind(1, std::string_view("x"));
  insert.run();
  insert.run(); // run() reset the bindings: this inserts NULL
  sql::statement select(db, "SELECT v FROM t ORDER BY rowid");
  ASSERT_TRUE(select.step());
  EXPECT_TRUE(select.column_is_null(0));
  ASSERT_TRUE(select.step());
  EXPECT_EQ(select.column_text(0), "x");
  ASSERT_TRUE(select.step());
  EXPECT_TRUE(select.column_is_null(0));
  EXPECT_EQ(db.last_insert_rowid(), 3);
}

TEST(SqlStatement, ErrorsThrow) {
  sql::database db(":memory:");
  EXPECT_THROW(sql::statement(db, "SELEC 1"), sql::error);
  EXPECT_THROW(db.exec("INSERT INTO missing VALUES (1)"), sql::error);
  db.exec("CREATE TABLE u (v INTEGER UNIQUE)");
  sql::statement insert(db, "INSERT INTO u (v) VALUES (?1)");
  insert.bind(1, int64_t{1});
  EXPECT_FALSE(insert.step());
  insert.reset();
  insert.bind(1, int64_t{1});
  EXPECT_THROW(insert.step(), sql::error); // UNIQUE constraint
}

TEST_F(MigrationsTemp, ReadOnlyDatabaseRefusesWrites) {
  auto file = path("ro.db");
  {
    sql::database db(file);
    db.exec("CREATE TABLE t (v INTEGER)");
  }
  sql::database ro(file, true);
  EXPECT_THROW(ro.exec("INSERT INTO t VALUES (1)"), sql::error);
  EXPECT_EQ(count_rows(ro, "t"), 0);
  EXPECT_THROW(sql::database(path("missing.db"), true), sql::error);
}

TEST(SqlTransaction, RollsBackWithoutCommit) {
  sql::database db(":memory:");
  db.exec("CREATE TABLE t (v INTEGER)");
  {
    sql::transaction tx(db);
    db.exec("INSERT INTO t VALUES (1)");
    db.exec("CREATE TABLE inside (v INTEGER)");
    EXPECT_EQ(count_rows(db, "t"), 1);
  }
  EXPECT_EQ(count_rows(db, "t"), 0);
  EXPECT_EQ(tables(db).count("inside"), 0u);
  {
    sql::transaction tx(db);
    db.exec("INSERT INTO t VALUES (2)");
    tx.commit();
  }
  EXPECT_EQ(count_rows(db, "t"), 1);
}

TEST(SqlTransaction, RollsBackWhenAnExceptionLeavesTheScope) {
  sql::database db(":memory:");
  db.exec("CREATE TABLE t (v INTEGER)");
  try {
    sql::transaction tx(db);
    db.exec("INSERT INTO t VALUES (1)");
    db.exec("INSERT INTO nowhere VALUES (1)");
    tx.commit();
  } catch (const sql::error&) {
  }
  EXPECT_EQ(count_rows(db, "t"), 0);
  sql::transaction again(db); // the earlier transaction is over: a new one can begin
  again.commit();
}

} // namespace
} // namespace pt

namespace pt {
namespace {

TEST(Migrations, FillSettingsMigrationKeepsTheRowsOfAnOlderDatabase) {
  // The migrations before the fill settings one (found by name, so a renumbering keeps the test).
  const auto& all = embedded_migrations();
  auto it = std::find_if(all.begin(), all.end(),
                         [](const migration& m) { return m.file_name.find("_fill_settings.sql") != std::string::npos; });
  ASSERT_NE(it, all.end());
  std::vector<migration> before(all.begin(), it);
  sql::database db(":memory:");
  int old_version = apply_migrations(db, before);
  EXPECT_GE(old_version, 4);
  db.exec("INSERT INTO sessions (name, strategy_name, strategy_file, strategy_yaml, symbol, status, initial_cash_raw, "
          "taker_fee_bps_raw, slippage_bps_raw, cash_raw, equity_raw, created_at_ms, updated_at_ms, feed_events) "
          "VALUES ('old', 's', 'f', 'y', 'BTCUSDT', 'running', 100, 10, 1, 90, 95, 1, 2, 33)");
  db.exec("INSERT INTO orders (session_id, order_id, side, type, qty_raw, status, created_ms, updated_ms) "
          "VALUES (1, 1, 'buy', 'market', 5, 'filled', 10, 11)");
  db.exec("INSERT INTO fills (session_id, fill_id, order_id, ts_event_ms, side, price_raw, qty_raw, fee_raw, liquidity) "
          "VALUES (1, 1, 1, 10, 'buy', 700, 5, 1, 'taker')");
  EXPECT_EQ(apply_migrations(db), newest_migration_number());
  sql::statement s(db, "SELECT name, cash_raw, feed_events, fill_settings IS NULL FROM sessions");
  ASSERT_TRUE(s.step());
  EXPECT_EQ(s.column_text(0), "old");
  EXPECT_EQ(s.column_int(1), 90);
  EXPECT_EQ(s.column_int(2), 33);
  EXPECT_EQ(s.column_int(3), 1);
  sql::statement o(db, "SELECT qty_raw, status, filled_qty_raw IS NULL, arrival_px_raw IS NULL, avg_px_raw IS NULL, "
                       "slippage_bps IS NULL, maker_qty_raw IS NULL, taker_qty_raw IS NULL, time_to_fill_ms IS NULL, "
                       "queue_at_placement_raw IS NULL FROM orders");
  ASSERT_TRUE(o.step());
  EXPECT_EQ(o.column_int(0), 5);
  EXPECT_EQ(o.column_text(1), "FILLED"); // migration 0008: the one status, Binance's name
  for (int c = 2; c <= 9; ++c)
    EXPECT_EQ(o.column_int(c), 1) << "column " << c;
  sql::statement f(db, "SELECT price_raw, reference_px_raw IS NULL FROM fills");
  ASSERT_TRUE(f.step());
  EXPECT_EQ(f.column_int(0), 700);
  EXPECT_EQ(f.column_int(1), 1);
  EXPECT_EQ(count_rows(db, "sessions"), 1);
  EXPECT_EQ(count_rows(db, "orders"), 1);
  EXPECT_EQ(count_rows(db, "fills"), 1);
}

} // namespace
} // namespace pt
