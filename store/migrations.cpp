#include "store/migrations.hpp"

#include <filesystem>

#include <spdlog/spdlog.h>

namespace pt {

namespace {

int migration_number(const migration& m) {
  size_t digits = 0;
  while (digits < m.file_name.size() && std::isdigit(static_cast<unsigned char>(m.file_name[digits])))
    ++digits;
  if (digits == 0 || digits >= m.file_name.size() || m.file_name[digits] != '_')
    throw sql::error("migration file '" + m.file_name + "' is not named NNNN_name.sql");
  return std::stoi(m.file_name.substr(0, digits));
}

} // namespace

int apply_migrations(sql::database& db, const std::vector<migration>& migrations) {
  int current = static_cast<int>(db.pragma_int("user_version"));
  int newest = 0;
  for (auto& m : migrations)
    newest = std::max(newest, migration_number(m));
  if (current > newest)
    throw sql::error("database schema version " + std::to_string(current) + " is newer than this program's " +
                     std::to_string(newest) + "; use a newer papertrader");
  for (auto& m : migrations) {
    int number = migration_number(m);
    if (number <= current)
      continue;
    sql::transaction tx(db);
    db.exec(m.sql);
    db.exec("PRAGMA user_version = " + std::to_string(number));
    tx.commit();
    spdlog::info("database: applied migration {}", m.file_name);
    current = number;
  }
  return current;
}

std::unique_ptr<sql::database> open_database(const std::string& path) {
  if (path != ":memory:") {
    auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty())
      std::filesystem::create_directories(parent);
  }
  auto db = std::make_unique<sql::database>(path);
  // Pages freed by the retention go back to the file system (`prune_history`); takes effect only
  // on a database that has no table yet (an older one keeps its pages until a VACUUM).
  db->exec("PRAGMA auto_vacuum = INCREMENTAL");
  db->exec("PRAGMA journal_mode = WAL");
  db->exec("PRAGMA synchronous = NORMAL");
  db->exec("PRAGMA foreign_keys = ON");
  apply_migrations(*db);
  return db;
}

} // namespace pt
