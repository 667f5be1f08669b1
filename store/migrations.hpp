#pragma once

#include <memory>
#include <string>
#include <vector>

#include "store/sqlite.hpp"

namespace pt {

/// One schema migration: `NNNN_name.sql` and its SQL text.
struct migration {
  std::string file_name;
  std::string sql;
};

/// The migrations in migrations/, compiled into the binary, in order (generated at build time).
const std::vector<migration>& embedded_migrations();

/// Brings `db` to the newest schema: applies, each in its own transaction, every migration whose
/// number (the NNNN prefix) is above `PRAGMA user_version`, and sets user_version to it.
/// Returns the resulting version. Throws `sql::error` on a failed migration (nothing of that
/// migration is kept) or when the database is newer than this program.
int apply_migrations(sql::database& db, const std::vector<migration>& migrations = embedded_migrations());

/// Opens a database for writing with the settings the persister relies on (WAL, foreign keys,
/// synchronous=NORMAL) and migrates it. Creates the parent directory if missing.
std::unique_ptr<sql::database> open_database(const std::string& path);

} // namespace pt
