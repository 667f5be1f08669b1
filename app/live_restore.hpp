#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "feeds/line_writer.hpp"
#include "actors/messages.hpp"

namespace pt {

/// The live feed's journal: every message `papertrader run` takes from the live connector, in the
/// recorded-stream line format (`<receive ns> <JSON>`, as `papertrader record` writes and a file
/// replay reads), so that a restart re-feeds the sessions what they saw (docs/operations.md,
/// "Restore with the live feed"). Each line is flushed to the file before the connector hands its
/// event on, so whatever a session processed — and so its committed feed position — is in the
/// file, a `kill -9` included. A plain file only (a gzip stream cut by a crash could not be
/// appended to).
///
/// While held (`hold()`), lines are kept in memory, in order, until `release()`. Thread-safe.
class feed_journal {
public:
  /// Opens `path`, empty (`append` false) or to append to. Throws `std::runtime_error` when the
  /// file cannot be opened or its name ends in ".gz".
  feed_journal(const std::string& path, bool append);

  /// Appends one message (or keeps it while held). A write error is logged once; the feed goes
  /// on without the journal (`error()` says why).
  void write(int64_t receive_ns, const std::string& json);

  /// Keeps further lines in memory until `release`.
  void hold();

  /// Writes `first` (lines without their newline, e.g. the backfill's), then the lines kept
  /// since `hold()`, and writes straight through again from now on.
  void release(const std::vector<std::string>& first);

  int64_t lines() const;
  std::string error() const;
  const std::string& path() const { return path_; }

private:
  void write_line(const std::string& line); // with mutex_ held

  std::string path_;
  mutable std::mutex mutex_;
  std::unique_ptr<line_writer> writer_;
  bool held_ = false;
  std::vector<std::string> kept_;
  std::string error_;
};

/// What a journal holds, as its re-feed will feed it (same reader, same duplicate rule).
struct journal_summary {
  bool exists = false;
  int64_t lines = 0;                              ///< complete lines
  int64_t cut_bytes = 0;                          ///< bytes of a last line cut by a crash, removed
  int64_t first_event_ms = 0;                     ///< event time of its first event
  std::map<std::string, int64_t> events;          ///< market events per symbol
  std::map<std::string, int64_t> last_event_ms;   ///< event time of the last event per symbol
  std::map<std::string, int64_t> last_trade_id;   ///< last trade id fed per symbol
};

/// Reads the journal at `path` through `market_file_source` with `trade_dedupe`, as the re-feed
/// will; first removes a last line without its newline (cut by a crash). A missing or empty file
/// gives `exists == false`. Throws `std::runtime_error` when the file cannot be read.
journal_summary scan_journal(const std::string& path);

/// The journal's default path beside the database: `DIR/NAME.feed-journal.txt` for `DIR/NAME.db`.
std::string default_journal_path(const std::string& database);

/// One symbol's backfill: the gap's trades as journal lines and as the events they parse to.
struct symbol_backfill {
  std::string symbol;
  std::vector<std::string> lines; ///< `<receive ns> <JSON>`, for the journal
  market_batch batch;             ///< the same trades, in order, for the feed gate
  int64_t from_ms = 0;            ///< the gap: the journal's last event time …
  int64_t to_ms = 0;              ///< … to the exchange's "now"
  int64_t trades = 0;             ///< aggregate trades fetched (and fed)
  bool ok = false;                ///< false: the fetch failed (logged), nothing is fed
};

/// Fetches, for each symbol of `summary` (its last event time and trade id), the aggregate
/// trades from there to the exchange's clock over REST (`rest_url`, `GET /api/v3/time`, then
/// `GET /api/v3/aggTrades` paged, see `fetch_agg_trades`; each request with `timeout_ms`, the
/// whole within `budget_ms`), less those already fed. Each becomes a trade event (id = its last
/// trade id, so the stream's trades after it follow it) and a journal line of the combined-stream
/// `@trade` shape marked `"backfill":true`. Logs `backfilled SYMBOL: N aggTrades from T1 to T2
/// (gap X s)` per symbol, or why not (the sessions then go on live without it). Never throws.
std::vector<symbol_backfill> backfill_gap(const std::string& rest_url, const journal_summary& summary,
                                          int timeout_ms = 10'000, int64_t budget_ms = 60'000);

} // namespace pt
