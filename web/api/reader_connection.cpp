#include "web/api/reader_connection.hpp"

#include <memory>

namespace pt {

namespace {

struct thread_reader {
  std::string path;
  std::unique_ptr<sql::database> db;
};

thread_reader& this_thread_reader() {
  thread_local thread_reader r;
  return r;
}

} // namespace

sql::database& reader_connection(const std::string& path) {
  auto& r = this_thread_reader();
  if (!r.db || r.path != path) {
    r.db.reset();
    auto db = std::make_unique<sql::database>(path, true);
    db->exec("PRAGMA busy_timeout = 2000");
    r.path = path;
    r.db = std::move(db);
  }
  return *r.db;
}

void drop_reader_connection() {
  auto& r = this_thread_reader();
  r.db.reset();
  r.path.clear();
}

} // namespace pt
