// The API workers' kept read-only SQLite connections (web/api_reader_connection.hpp).

#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "actors/sqlite.hpp"
#include "tests/support/temp_dir_test.hpp"
#include "web/api_reader_connection.hpp"

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

} // namespace
} // namespace pt::test
