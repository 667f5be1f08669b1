#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "core/fixed_point.hpp"
#include "core/market_event.hpp"

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

/// A local L2 order book kept exactly as Binance documents it ("How to manage a local order book
/// correctly", spot):
/// 1. buffer diffs until a snapshot arrives;
/// 2. drop buffered diffs with u ≤ lastUpdateId;
/// 3. the first diff applied must have U ≤ lastUpdateId + 1 ≤ u;
/// 4. afterwards each diff's U must be the previous u + 1, else the book is out of sync (a gap):
///    it clears and buffers again until a new snapshot;
/// 5. quantities are absolute; 0 removes the level.
/// The buffer holds at most `max_buffered` diffs (the oldest are dropped first).
class order_book {
public:
  explicit order_book(size_t max_buffered = 10'000);

  /// Gives the book one diff; see `book_update_result`.
  book_update_result on_update(const depth_update& diff);

  /// Replaces the book with `snapshot` and applies the buffered diffs that follow it. Returns
  /// false when the buffered diffs leave a gap after the snapshot (the book then waits for a
  /// newer snapshot). A book already in sync ignores it (returns true): it is exact, and an older
  /// snapshot would roll it back.
  bool on_snapshot(const depth_snapshot& snapshot);

  /// True once a snapshot and every diff since follow each other without a gap.
  bool synced() const { return synced_; }
  /// The final update id the book stands at (0 before any snapshot).
  int64_t update_id() const { return update_id_; }
  /// Number of gaps seen (each needs a resynchronisation).
  int64_t gaps() const { return gaps_; }

  std::optional<book_level> best_bid() const;
  std::optional<book_level> best_ask() const;

  /// Bids, best (highest) first.
  const std::map<price, quantity, std::greater<price>>& bids() const { return bids_; }
  /// Asks, best (lowest) first.
  const std::map<price, quantity>& asks() const { return asks_; }

private:
  void apply(const depth_update& diff);

  size_t max_buffered_;
  std::deque<depth_update> buffer_;
  std::map<price, quantity, std::greater<price>> bids_;
  std::map<price, quantity> asks_;
  int64_t update_id_ = 0;
  bool synced_ = false;
  bool first_after_snapshot_ = false; // the next diff may overlap the snapshot (rule 3)
  int64_t gaps_ = 0;
};

} // namespace pt
