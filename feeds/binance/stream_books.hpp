#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/market/l2_book.hpp"
#include "core/market/market_event.hpp"

namespace pt {

/// What a depth message did to the books of a stream.
struct book_step {
  std::string symbol;                ///< the book it went to; empty when none could be chosen
  std::optional<market_event> event; ///< the book's new top (`book_depth`) when it is in sync
  std::string error;                 ///< non-empty when the message was malformed (then nothing changed)
};

/// The local L2 books of every symbol on one stream — a recorded stream file or a live
/// connection — fed with the raw `depthUpdate` messages and REST snapshots, each symbol's book a
/// `l2_book`. The file replay and the live connector share it, so both publish the same
/// `book_depth` events for the same diffs once their books are in sync.
class stream_books {
public:
  /// `levels`: price levels per side in each published top.
  explicit stream_books(size_t levels = 20) : levels_(levels) {}

  /// A message `parse_stream_message` classified as "depth update" for `symbol`. The top it gives
  /// is stamped with the feed's market clock `clock_ms` (which that parse moved to the diff's `E`),
  /// or with its `E` when that is later (`clock_ms` 0: not given).
  book_step on_diff_message(std::string_view json, const std::string& symbol, int64_t clock_ms = 0);

  /// A `GET /api/v3/depth` answer, stamped `ts_event_ms` (the feed's market clock: it carries no time). Binance's snapshot names no symbol:
  /// with `symbol` empty (a recorded snapshot line) it goes to the book whose last diff id is
  /// nearest its `lastUpdateId` (update ids of different symbols are far apart), and is dropped
  /// (empty `symbol`) when no diff has been seen yet.
  book_step on_snapshot_message(std::string_view json, int64_t ts_event_ms, const std::string& symbol = {});

  /// The book of `symbol`; nullptr before its first diff.
  const l2_book* find(const std::string& symbol) const;
  /// Every book, by symbol.
  const std::map<std::string, l2_book>& books() const { return books_; }

  /// Starts every book over, as for a new connection.
  void reset_all();

  /// Forgets `symbol`'s book (unsubscribed).
  void drop(const std::string& symbol) { books_.erase(symbol); }

private:
  size_t levels_;
  std::map<std::string, l2_book> books_;
};

} // namespace pt
