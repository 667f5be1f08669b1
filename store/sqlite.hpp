#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace pt::sql {

/// Any SQLite failure: the message names the call, SQLite's message and, where known, the SQL.
class error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

class statement;
class statement_lease;

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

  /// This connection's prepared statement for `sql`, prepared on the first call with that text
  /// and kept (finalized with the connection), so that a query run per request is not parsed
  /// per request. The lease resets it and clears its bindings when it ends, which also ends the
  /// statement's read snapshot. SQLite re-prepares a kept statement itself after a schema change.
  /// One lease per SQL text at a time (a second one while the first is alive throws
  /// `sql::error`). Throws `sql::error` when `sql` does not prepare.
  statement_lease cached(const std::string& sql);

  /// Number of statements `cached` keeps.
  size_t cached_count() const { return cache_.size(); }

  sqlite3* handle() const { return db_; }

private:
  struct cached_entry;
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, std::unique_ptr<cached_entry>> cache_;
};

/// A prepared statement (RAII). Parameters are 1-based, as in SQLite; values are bound, never
/// pasted into SQL text, so no escaping is ever needed.
class statement {
public:
  /// Prepares `sql`; `persistent` tells SQLite the statement is kept and reused (`database::cached`).
  statement(database& db, const std::string& sql, bool persistent = false);
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
  /// Number of columns of the statement's rows.
  int column_count() const;

private:
  sqlite3_stmt* stmt_ = nullptr;
  database& db_;
};

/// A statement of `database::cached` in use: reset, its bindings cleared, when the lease ends.
class statement_lease {
public:
  statement_lease(statement& st, bool& busy) : st_(&st), busy_(&busy) { busy = true; }
  ~statement_lease();
  statement_lease(statement_lease&& other) noexcept : st_(other.st_), busy_(other.busy_) {
    other.st_ = nullptr;
    other.busy_ = nullptr;
  }
  statement_lease(const statement_lease&) = delete;
  statement_lease& operator=(const statement_lease&) = delete;
  statement_lease& operator=(statement_lease&&) = delete;

  statement& operator*() const { return *st_; }
  statement* operator->() const { return st_; }

private:
  statement* st_;
  bool* busy_;
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
