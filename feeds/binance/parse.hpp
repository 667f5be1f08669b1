#pragma once

#include <cstdint>
#include <string>
#include <optional>
#include <string_view>

#include "core/market/l2_book.hpp"
#include "core/market/market_clock.hpp"
#include "core/market/market_event.hpp"

namespace pt {

/// Result of parsing one line or message of Binance market data.
struct parse_outcome {
  enum class status {
    event,   ///< `event` (and `symbol`, for stream messages) hold a market event
    skipped, ///< well-formed but not used here (depth diffs, REST snapshots, …); `what` says which
    error,   ///< malformed; `what` is a short kind ("bad price", "bad JSON", …) for counting
  };
  status result = status::error;
  market_event event;
  std::string symbol; ///< upper case, from the message's `s`; empty for CSV rows
  std::string what;   ///< skip kind or error kind
  std::string detail; ///< for errors: the offending field or parser message
};

/// Milliseconds from a Binance timestamp that may be in ms or (dumps since 2025) µs.
int64_t to_epoch_ms(int64_t ts);

/// A row of a Binance spot trades dump: `id,price,qty,quote_qty,time,is_buyer_maker,is_best_match`
/// (booleans `True`/`False`; no quoting in these files, so fields split on commas).
parse_outcome parse_trade_csv(std::string_view line);

/// A kline row in the 12-column layout (`open_time,open,high,low,close,volume,close_time,…`) or the
/// 6-column OHLCV layout. `interval_ms` gives the close time of 6-column rows (open + interval − 1);
/// 0 leaves it at the open time. ms or µs timestamps.
parse_outcome parse_kline_csv(std::string_view line, int64_t interval_ms);

/// One WebSocket message as Binance sends it, combined-stream wrapper or not:
/// `trade`, `aggTrade`, `bookTicker`, `kline` become events; `depthUpdate` ("depth update", with
/// `symbol` set) and REST depth snapshots ("depth snapshot") are skipped here — feeds hand them to
/// their `l2_book` through `parse_depth_update` / `parse_depth_snapshot` — and so are answers to
/// SUBSCRIBE requests ("subscription response"); anything else is an error.
/// `clock` is the feed's market clock (docs/market-data.md): the message's `E` (any kind, depth
/// updates too) and a trade's `T` move it on, and the event is stamped with it; a bookTicker,
/// which carries no time, takes it as it stands. A trade keeps its own `T` in `ts_trade_ms`.
parse_outcome parse_stream_message(std::string_view json, market_clock& clock);

/// The same with the clock held in a plain integer (`clock_ms`: the clock before, updated).
parse_outcome parse_stream_message(std::string_view json, int64_t& clock_ms);

/// A `depthUpdate` message (combined-stream wrapper or not) as a book diff. nullopt with
/// `error` set when the message is not a well-formed depth update.
std::optional<depth_update> parse_depth_update(std::string_view json, std::string& error);

/// A `GET /api/v3/depth` response as a snapshot. nullopt with `error` set when malformed.
std::optional<depth_snapshot> parse_depth_snapshot(std::string_view json, std::string& error);

} // namespace pt
