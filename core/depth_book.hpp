#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "core/market_event.hpp"
#include "core/order_book.hpp"

namespace pt {

/// The local L2 book of one symbol as a feed keeps it: Binance `@depth` diffs and REST snapshots
/// in (through `order_book`, which follows Binance's documented procedure), the top of the book out
/// as a `book_depth` whenever a diff or a snapshot leaves it in sync.
///
/// The feed decides where snapshots come from (a recorded snapshot line, or `GET /api/v3/depth`
/// when `needs_snapshot()`); a gap clears the book, counts a resync and asks for a new snapshot.
/// Pure and single-threaded: one per symbol per feed.
class depth_book {
public:
  /// `levels`: how many price levels per side the published top carries (at least 1).
  explicit depth_book(size_t levels = 20);

  /// Gives the book one diff. Returns its top when the diff was applied in sync; on a gap an
  /// empty top (no levels: the book has no prices until resynchronised, `needs_snapshot()` is
  /// true); nullopt while buffering and for a stale diff.
  std::optional<book_depth> on_diff(const depth_update& diff);

  /// Gives the book a snapshot (`GET /api/v3/depth`). Returns its top when the snapshot and the
  /// buffered diffs leave it in sync; nullopt when the buffered diffs do not follow the snapshot
  /// (the snapshot is too old: fetch another; counted in `stale_snapshots()`), and when the book
  /// is in sync already (a late answer is ignored).
  std::optional<book_depth> on_snapshot(const depth_snapshot& snapshot);

  /// Starts over as for a new connection: the book, its buffer and its sync are dropped (the
  /// counters are kept). The next snapshot after the next diffs resynchronises it.
  void reset();

  /// True while the book is not in sync and a snapshot is needed.
  bool needs_snapshot() const { return !book_.synced(); }
  /// True once at least one diff has been buffered since the last reset or gap: the moment
  /// Binance says to fetch the snapshot.
  bool has_buffered() const { return buffered_ > 0; }
  /// Final update id of the last diff seen (applied or not); 0 before any.
  int64_t last_diff_id() const { return last_diff_id_; }

  /// Times the book went out of sync on a gap (each needs a new snapshot).
  int64_t gaps() const { return gaps_; }
  /// Times a snapshot brought the book (back) in sync.
  int64_t syncs() const { return syncs_; }
  /// Snapshots refused as older than the diffs buffered since.
  int64_t stale_snapshots() const { return stale_snapshots_; }
  /// The whole book.
  const order_book& book() const { return book_; }

  /// The top `levels` of the book now.
  book_depth top() const;

private:
  size_t levels_;
  order_book book_;
  int64_t buffered_ = 0;
  int64_t last_diff_id_ = 0;
  int64_t gaps_ = 0;
  int64_t syncs_ = 0;
  int64_t stale_snapshots_ = 0;
};

} // namespace pt
