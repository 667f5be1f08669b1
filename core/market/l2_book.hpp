#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "core/fixed_point.hpp"
#include "core/market/market_event.hpp"

namespace pt {

/// A diff of the L2 book, Binance `@depth` (`depthUpdate`): absolute quantities per level for
/// update ids first_update_id (`U`) … final_update_id (`u`).
struct depth_update {
  int64_t first_update_id = 0;
  int64_t final_update_id = 0;
  int64_t ts_event_ms = 0;
  std::vector<book_level> bids;
  std::vector<book_level> asks;
};

/// A full L2 snapshot, Binance `GET /api/v3/depth`.
struct depth_snapshot {
  int64_t last_update_id = 0;
  std::vector<book_level> bids;
  std::vector<book_level> asks;
};

/// What happened to one diff given to the book.
enum class book_update_result {
  applied,  ///< the book moved to this diff's final id
  buffered, ///< kept until a snapshot arrives
  stale,    ///< older than the book (u ≤ its update id): dropped, as Binance says
  gap,      ///< ids do not follow: the book is out of sync and waits for a new snapshot
};

/// "applied", "buffered", "stale", "gap".
const char* to_string(book_update_result r);

/// The local L2 order book of one symbol as a feed keeps it: Binance `@depth` diffs and REST
/// snapshots in, the top of the book out as a `book_depth` whenever a diff or a snapshot leaves it
/// in sync. Kept exactly as Binance documents it ("How to manage a local order book correctly",
/// spot):
/// 1. buffer diffs until a snapshot arrives;
/// 2. drop buffered diffs with u ≤ lastUpdateId;
/// 3. the first diff applied must have U ≤ lastUpdateId + 1 ≤ u;
/// 4. afterwards each diff's U must be the previous u + 1, else the book is out of sync (a gap):
///    it clears and buffers again until a new snapshot;
/// 5. quantities are absolute; 0 removes the level.
/// The buffer holds at most `max_buffered` diffs (the oldest are dropped first).
///
/// The feed decides where snapshots come from (a recorded snapshot line, or `GET /api/v3/depth`
/// when `needs_snapshot()`); a gap clears the book, counts a resync and asks for a new snapshot.
/// Pure and single-threaded: one per symbol per feed (`feeds/binance/stream_books` keeps one per
/// symbol of a stream).
class l2_book {
public:
  /// `levels`: how many price levels per side the published top carries (at least 1);
  /// `max_buffered`: most diffs kept while waiting for a snapshot (at least 1).
  explicit l2_book(size_t levels = 20, size_t max_buffered = 10'000);

  /// Gives the book one diff; see `book_update_result`. Counts gaps and what is buffered.
  book_update_result on_update(const depth_update& diff);

  /// Gives the book one diff (as `on_update`). Returns its top when the diff was applied in
  /// sync; on a gap an empty top (no levels: the book has no prices until resynchronised,
  /// `needs_snapshot()` is true); nullopt while buffering and for a stale diff.
  std::optional<book_depth> on_diff(const depth_update& diff);

  /// Gives the book a snapshot (`GET /api/v3/depth`): replaces the book with it and applies the
  /// buffered diffs that follow it. Returns its top when the snapshot and the buffered diffs
  /// leave it in sync; nullopt when the buffered diffs do not follow the snapshot (the snapshot
  /// is too old: fetch another; counted in `stale_snapshots()`), and when the book is in sync
  /// already (a late answer is ignored: the book is exact, and an older snapshot would roll it
  /// back).
  std::optional<book_depth> on_snapshot(const depth_snapshot& snapshot);

  /// Starts over as for a new connection: the book, its buffer and its sync are dropped (the
  /// counters are kept). The next snapshot after the next diffs resynchronises it.
  void reset();

  /// True once a snapshot and every diff since follow each other without a gap.
  bool synced() const { return synced_; }
  /// True while the book is not in sync and a snapshot is needed.
  bool needs_snapshot() const { return !synced_; }
  /// True once at least one diff has been buffered since the last reset or gap: the moment
  /// Binance says to fetch the snapshot.
  bool has_buffered() const { return buffered_ > 0; }
  /// The final update id the book stands at (0 before any snapshot).
  int64_t update_id() const { return update_id_; }
  /// Final update id of the last diff seen (applied or not); 0 before any.
  int64_t last_diff_id() const { return last_diff_id_; }

  /// Times the book went out of sync on a gap in the diffs (each needs a new snapshot).
  int64_t gaps() const { return gaps_; }
  /// Times a snapshot brought the book (back) in sync.
  int64_t syncs() const { return syncs_; }
  /// Snapshots refused as older than the diffs buffered since.
  int64_t stale_snapshots() const { return stale_snapshots_; }

  /// The highest bid level (price, quantity) now; nullopt when the book has no bids.
  std::optional<book_level> best_bid() const;
  /// The lowest ask level (price, quantity) now; nullopt when the book has no asks.
  std::optional<book_level> best_ask() const;

  /// Bids, best (highest) first.
  const std::map<price, quantity, std::greater<price>>& bids() const { return bids_; }
  /// Asks, best (lowest) first.
  const std::map<price, quantity>& asks() const { return asks_; }

  /// The top `levels` of the book now.
  book_depth top() const;

private:
  void apply(const depth_update& diff);
  bool sync(const depth_snapshot& snapshot);

  size_t levels_;
  size_t max_buffered_;
  std::deque<depth_update> buffer_;
  std::map<price, quantity, std::greater<price>> bids_;
  std::map<price, quantity> asks_;
  int64_t update_id_ = 0;
  bool synced_ = false;
  bool first_after_snapshot_ = false; // the next diff may overlap the snapshot (rule 3)
  int64_t buffered_ = 0;
  int64_t last_diff_id_ = 0;
  int64_t gaps_ = 0;
  int64_t syncs_ = 0;
  int64_t stale_snapshots_ = 0;
};

} // namespace pt
