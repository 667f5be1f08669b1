#pragma once

// What a live market-data connection reports of itself (`GET /api/v1/market/{symbol}`'s `live_feed`
// and the logs); in its own header so the API reads it without including the Binance connector.

#include <cstdint>
#include <string>

namespace pt {

/// Feed health as the web layer and logs show it.
struct feed_health {
  /// "connecting", "connected", "stale" (connected, but nothing for `stale_after_ms`),
  /// "reconnecting", "idle" (no symbol to subscribe to), "stopped", "ended"
  std::string state;
  int64_t messages = 0;        ///< messages received
  int64_t events = 0;          ///< market events delivered
  int64_t skipped = 0;         ///< well-formed messages not used (subscription answers, depth while a book syncs, …)
  int64_t parse_errors = 0;    ///< malformed messages (counted, logged once per kind, skipped)
  int64_t reconnects = 0;
  int64_t last_message_age_ms = -1; ///< wall time since the last message (or the connection, if later); −1 before any
  double messages_per_s = 0;   ///< over the last 10 s of wall time (since the first message while shorter); 0 after 10 s without one
  int64_t symbols = 0;         ///< symbols subscribed now
  int64_t books_in_sync = 0;   ///< symbols whose local L2 book is in sync now
  int64_t book_syncs = 0;      ///< snapshots that brought a book (back) in sync, since start
  int64_t book_gaps = 0;       ///< sequence gaps that forced a resync, since start
  int64_t snapshot_failures = 0; ///< depth snapshot requests that failed (each retried with backoff)
};

} // namespace pt
