#include "store/sqlite.hpp"

#include <sqlite3.h>

namespace pt::sql {

namespace {

[[noreturn]] void fail(sqlite3* db, const std::string& what) {
  throw error(what + ": " + (db != nullptr ? sqlite3_errmsg(db) : "out of memory"));
}

} // namespace

database::database(const std::string& path, bool read_only) {
  int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (sqlite3_open_v2(path.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    std::string msg = "cannot open database " + path + ": " + (db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory");
    sqlite3_close(db_);
    db_ = nullptr;
    throw error(msg);
  }
  sqlite3_busy_timeout(db_, 5000);
}

struct database::cached_entry {
  statement st;
  bool busy = false;
  cached_entry(database& db, const std::string& sql) : st(db, sql, true) {}
};

database::~database() {
  cache_.clear(); // finalized before the connection closes
  sqlite3_close(db_);
}

statement_lease database::cached(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end())
    it = cache_.emplace(sql, std::make_unique<cached_entry>(*this, sql)).first;
  if (it->second->busy)
    throw error("cached statement already in use: " + sql.substr(0, 200));
  return statement_lease(it->second->st, it->second->busy);
}

statement_lease::~statement_lease() {
  if (st_ != nullptr) {
    st_->reset();
    *busy_ = false;
  }
}

void database::exec(const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message != nullptr ? message : "unknown error";
    sqlite3_free(message);
    throw error("SQL failed: " + text + " in: " + sql.substr(0, 200));
  }
}

int64_t database::pragma_int(const std::string& name) {
  statement st(*this, "PRAGMA " + name);
  if (!st.step())
    throw error("PRAGMA " + name + " returned no row");
  return st.column_int(0);
}

int64_t database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

statement::statement(database& db, const std::string& sql, bool persistent) : db_(db) {
  unsigned flags = persistent ? SQLITE_PREPARE_PERSISTENT : 0;
  if (sqlite3_prepare_v3(db.handle(), sql.c_str(), static_cast<int>(sql.size()), flags, &stmt_, nullptr) !=
      SQLITE_OK)
    fail(db.handle(), "cannot prepare '" + sql.substr(0, 200) + "'");
}

statement::~statement() { sqlite3_finalize(stmt_); }

statement& statement::bind(int index, int64_t value) {
  if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK)
    fail(db_.handle(), "bind");
  return *this;
}

statement& statement::bind(int index, double value) {
  if (sqlite3_bind_double(stmt_, index, value) != SQLITE_OK)
    fail(db_.handle(), "bind");
  return *this;
}

statement& statement::bind(int index, std::string_view value) {
  if (sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT) != SQLITE_OK)
    fail(db_.handle(), "bind");
  return *this;
}

statement& statement::bind_null(int index) {
  if (sqlite3_bind_null(stmt_, index) != SQLITE_OK)
    fail(db_.handle(), "bind");
  return *this;
}

bool statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW)
    return true;
  if (rc == SQLITE_DONE)
    return false;
  fail(db_.handle(), "step");
}

void statement::run() {
  step();
  reset();
}

void statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int64_t statement::column_int(int index) const { return sqlite3_column_int64(stmt_, index); }

double statement::column_double(int index) const { return sqlite3_column_double(stmt_, index); }

std::string statement::column_text(int index) const {
  auto p = sqlite3_column_text(stmt_, index);
  return p != nullptr ? std::string(reinterpret_cast<const char*>(p)) : std::string();
}

bool statement::column_is_null(int index) const { return sqlite3_column_type(stmt_, index) == SQLITE_NULL; }

int statement::column_count() const { return sqlite3_column_count(stmt_); }

transaction::transaction(database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }

transaction::~transaction() {
  if (!done_) {
    try {
      db_.exec("ROLLBACK");
    } catch (...) {
      // Nothing more can be done in a destructor; the connection stays usable.
    }
  }
}

void transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

} // namespace pt::sql
