#pragma once

// The web layer's SQLite readers: one read-only connection per API worker thread, opened on the
// thread's first request and kept, instead of one opened per request.
//
// Why (docs/BENCHMARKS.md, "What limits it"): opening a connection costs a file open, the WAL
// index mapping and a parse of the whole schema on its first statement — more than the query
// itself for `GET /sessions/{id}`. A kept connection reads the latest committed data all the
// same: outside a transaction each statement starts a new WAL read snapshot.

#include <string>

#include "store/sqlite.hpp"

namespace pt {

/// This thread's read-only connection to `path` (opened, with a 2 s busy timeout, on first use
/// or when `path` differs from the one it has). Throws `sql::error` when it cannot be opened.
/// Valid until this thread's next `drop_reader_connection()` or a call with another `path`.
sql::database& reader_connection(const std::string& path);

/// Closes this thread's connection, if any (after an error, so the next use reopens).
void drop_reader_connection();

} // namespace pt
