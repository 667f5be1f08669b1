// The API workers' kept read-only SQLite connections (web/api/reader_connection.hpp).

#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "store/sqlite.hpp"
#include "tests/support/temp_dir_test.hpp"
#include "web/api/reader_connection.hpp"

namespace pt::test {
namespace {

class ApiReaderConnection : public temp_dir_test {};

int64_t count_rows(sql::database& db) {
  sql::statement st(db, "SELECT COUNT(*) FROM t");
  EXPECT_TRUE(st.step());
  return st.column_int(0);
}

TEST_F(ApiReaderConnection, IsKeptPerThreadAndSeesLaterCommits) {
  auto path = in_dir("a.db");
  sql::database writer(path);
  writer.exec("PRAGMA journal_mode = WAL; CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1)");
  auto& first = reader_connection(path);
  EXPECT_EQ(count_rows(first), 1);
  writer.exec("INSERT INTO t VALUES (2)");
  auto& again = reader_connection(path);
  EXPECT_EQ(&first, &again); // the same connection, not a new one per request
  EXPECT_EQ(count_rows(again), 2); // and it reads what was committed since
  EXPECT_THROW(again.exec("INSERT INTO t VALUES (3)"), sql::error); // read-only

  sql::database* other_thread = nullptr;
  std::thread([&] { other_thread = &reader_connection(path); }).join();
  EXPECT_NE(other_thread, &first);
  drop_reader_connection();
}

TEST_F(ApiReaderConnection, ReopensForAnotherPathAndAfterADrop) {
  auto a = in_dir("a.db"), b = in_dir("b.db");
  for (auto* p : {&a, &b}) {
    sql::database w(*p);
    w.exec("CREATE TABLE t (x INTEGER)");
  }
  sql::database(b).exec("INSERT INTO t VALUES (1)");
  EXPECT_EQ(count_rows(reader_connection(a)), 0);
  EXPECT_EQ(count_rows(reader_connection(b)), 1);
  EXPECT_EQ(count_rows(reader_connection(a)), 0);
  drop_reader_connection();
  EXPECT_EQ(count_rows(reader_connection(b)), 1);
  drop_reader_connection();
}

TEST_F(ApiReaderConnection, AMissingDatabaseIsAnErrorAndLeavesNoConnection) {
  EXPECT_THROW(reader_connection(in_dir("missing/none.db")), sql::error);
  auto path = in_dir("c.db");
  sql::database(path).exec("CREATE TABLE t (x INTEGER)");
  EXPECT_EQ(count_rows(reader_connection(path)), 0);
  drop_reader_connection();
}

// `database::cached`, which the API's queries use on these connections.
TEST_F(ApiReaderConnection, ACachedStatementIsReusedWithNewBindings) {
  auto path = in_dir("s.db");
  sql::database writer(path);
  writer.exec("PRAGMA journal_mode = WAL; CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2), (3)");
  auto& db = reader_connection(path);
  const std::string sql = "SELECT x FROM t WHERE x >= ?1 ORDER BY x";
  sql::statement* first = nullptr;
  {
    auto st = db.cached(sql);
    first = &*st;
    st->bind(1, int64_t{2});
    ASSERT_TRUE(st->step());
    EXPECT_EQ(st->column_int(0), 2); // left mid-result: the lease's end resets it
    EXPECT_THROW(db.cached(sql), sql::error); // one lease per text at a time
  }
  // A commit made after the partly read use is seen: that use's read snapshot ended with it.
  writer.exec("INSERT INTO t VALUES (0)");
  {
    auto st = db.cached(sql);
    EXPECT_EQ(&*st, first); // the same prepared statement
    EXPECT_EQ(db.cached_count(), 1u);
    st->bind(1, int64_t{0});
    std::vector<int64_t> xs;
    while (st->step())
      xs.push_back(st->column_int(0));
    EXPECT_EQ(xs, (std::vector<int64_t>{0, 1, 2, 3}));
  }
  {
    auto st = db.cached(sql); // bindings were cleared: NULL matches nothing
    EXPECT_FALSE(st->step());
  }
  drop_reader_connection();
}

TEST_F(ApiReaderConnection, ACachedStatementSurvivesASchemaChangeAndAClosedConnection) {
  auto path = in_dir("s.db");
  sql::database writer(path);
  writer.exec("PRAGMA journal_mode = WAL; CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1)");
  const std::string sql = "SELECT * FROM t";
  auto columns = [&](sql::database& db) {
    auto st = db.cached(sql);
    EXPECT_TRUE(st->step());
    return st->column_count();
  };
  auto& db = reader_connection(path);
  EXPECT_EQ(columns(db), 1);
  writer.exec("ALTER TABLE t ADD COLUMN y INTEGER DEFAULT 7");
  EXPECT_EQ(columns(db), 2); // re-prepared for the new schema
  {
    auto st = db.cached(sql);
    ASSERT_TRUE(st->step());
    EXPECT_EQ(st->column_int(1), 7);
  }
  drop_reader_connection(); // finalizes the kept statements with the connection
  auto& reopened = reader_connection(path);
  EXPECT_EQ(reopened.cached_count(), 0u);
  EXPECT_EQ(columns(reopened), 2);
  writer.exec("DROP TABLE t");
  EXPECT_THROW(columns(reopened), sql::error); // the table is gone: an error, not a crash
  drop_reader_connection();
}

} // namespace
} // namespace pt::test
