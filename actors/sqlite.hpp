#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace pt::sql {

/// Any SQLite failure: the message names the call, SQLite's message and, where known, the SQL.
class error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// An open SQLite connection (RAII). Throws `sql::error` when it cannot be opened.
class database {
public:
  /// Opens (creating if needed) `path`; ":memory:" for a private in-memory database.
  /// `read_only` opens without write access (web readers).
  explicit database(const std::string& path, bool read_only = false);
  ~database();
  database(const database&) = delete;
  database& operator=(const database&) = delete;

  /// Runs one or more statements with no results (DDL, PRAGMA, migration scripts).
  void exec(const std::string& sql);

  /// Reads an integer PRAGMA, e.g. `pragma_int("user_version")`.
  int64_t pragma_int(const std::string& name);

  /// Row id of the latest INSERT on this connection.
  int64_t last_insert_rowid() const;

  sqlite3* handle() const { return db_; }

private:
  sqlite3* db_ = nullptr;
};

/// A prepared statement (RAII). Parameters are 1-based, as in SQLite; values are bound, never
/// pasted into SQL text, so no escaping is ever needed.
class statement {
public:
  statement(database& db, const std::string& sql);
  ~statement();
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;

  statement& bind(int index, int64_t value);
  statement& bind(int index, double value);
  statement& bind(int index, std::string_view value);
  statement& bind_null(int index);

  /// Advances to the next row: true if there is one, false when done. Throws on errors.
  bool step();

  /// Runs a statement that returns no rows, then resets it for reuse.
  void run();

  /// Resets the statement and clears its bindings.
  void reset();

  int64_t column_int(int index) const;
  double column_double(int index) const;
  std::string column_text(int index) const;
  bool column_is_null(int index) const;

private:
  sqlite3_stmt* stmt_ = nullptr;
  database& db_;
};

/// A transaction that rolls back in its destructor unless `commit()` was called.
class transaction {
public:
  explicit transaction(database& db);
  ~transaction();
  transaction(const transaction&) = delete;
  transaction& operator=(const transaction&) = delete;

  void commit();

private:
  database& db_;
  bool done_ = false;
};

} // namespace pt::sql
