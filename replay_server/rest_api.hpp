#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <optional>

#include "replay_server/klines.hpp"
#include "replay_server/recording.hpp"

namespace pt {

/// An HTTP answer of the replay server: status code and JSON body (no I/O here; the Beast layer
/// in `replay_server/server.cpp` sends it).
struct http_answer {
  int status = 200;
  std::string body;
};

/// Answers a Binance spot REST request from a recording, the way `api.binance.com` would:
///
/// - `GET /api/v3/ping` → `{}`; `GET /api/v3/time` → `{"serverTime":now_ms}`.
/// - `GET /api/v3/depth?symbol=S[&limit=N]` → the recording's depth snapshot line verbatim, whatever
///   `limit` says (the recorded one has 1000 levels a side); 503 when the file has no snapshot.
///   The recordings are single-symbol, so the snapshot is served for any symbol of the file.
/// - `GET /api/v3/exchangeInfo[?symbol=S | ?symbols=["S1","S2"]]` → an exchangeInfo with one entry
///   per symbol (all of the file's when none is given): status TRADING, base/quote asset split on a
///   known quote suffix (USDT, FDUSD, USDC, BUSD, BTC, ETH, BNB). The filters are BTCUSDT's values as
///   of 2024 — PRICE_FILTER tickSize 0.01000000, LOT_SIZE stepSize/minQty 0.00001000, NOTIONAL
///   minNotional 5.00000000 — fixed for every symbol, not derived from the data.
/// - `GET /api/v3/klines?symbol=S&interval=I[&startTime=T0][&endTime=T1][&limit=N]` → see
///   `answer_klines`.
/// - A symbol not in the recording → 400 `{"code":-1121,"msg":"Invalid symbol."}`; a missing one on
///   depth → 400 with code -1102; another method on a known path → 405; any other path → 404;
///   all with a Binance-shaped `{"code":…,"msg":…}` body.
http_answer answer_rest(const replay_recording& rec, std::string_view method, std::string_view target,
                        int64_t now_ms, const kline_store* klines = nullptr);

/// Answers `GET /api/v3/klines` from `klines` as Binance does: an array of 12-element arrays
/// `[openTime, "open", "high", "low", "close", "volume", closeTime, "quoteVolume", trades,
/// "takerBuyBase", "takerBuyQuote", "0"]` (decimal strings with 8 decimals), oldest first, only
/// klines closed before `now_ms` (see `kline_store::query`). `limit` defaults to 500, at most 1000.
/// Errors (400, Binance's codes): symbol or interval missing → -1102; a symbol neither in the
/// recording nor in a kline file → -1121 "Invalid symbol."; an interval not in Binance's list →
/// -1120 "Invalid interval."; a non-numeric limit/startTime/endTime → -1100; limit outside
/// 1..1000 → -1130. A known symbol with no kline file for the interval → `[]`.
http_answer answer_klines(const replay_recording& rec, const kline_store& klines, std::string_view target,
                          int64_t now_ms);

/// A Binance error body, `{"code":-1121,"msg":"Invalid symbol."}`.
std::string binance_error_body(int code, std::string_view msg);

/// The percent-decoded value of query parameter `name` of a request target (decoded by
/// `parse_target`, the REST API's parser); nullopt if absent or the target is malformed.
std::optional<std::string> query_param(std::string_view target, std::string_view name);

/// Query parameter `name` as a non-negative whole number (startTime, limit, fromId, …): nullopt
/// when absent; sets `ok` to false (and never back to true) when present but not plain digits.
std::optional<int64_t> number_param(std::string_view target, const char* name, bool& ok);

/// A 400 answer with Binance's error body (`code` is Binance's, e.g. -1100 illegal characters).
http_answer bad_request(int code, const std::string& msg);

/// What a client's WebSocket request asks the connection to do.
struct ws_request_outcome {
  std::string reply;                    ///< JSON text to send back (never empty)
  std::vector<std::string> subscribe;   ///< streams to add
  std::vector<std::string> unsubscribe; ///< streams to drop
};

/// Answers a Binance WebSocket API request (`{"method":"SUBSCRIBE","params":[...],"id":1}`):
/// SUBSCRIBE / UNSUBSCRIBE → `{"result":null,"id":1}`, LIST_SUBSCRIPTIONS → `{"result":[...],"id":1}`
/// (from `current`), anything else → `{"error":{"code":N,"msg":"…"},"id":…}` with Binance's codes
/// (2 invalid request, 3 invalid JSON). The id is echoed as sent (number, string or null).
ws_request_outcome answer_ws_request(std::string_view text, const std::vector<std::string>& current);

/// The stream names of a `/stream?streams=a/b/c` target (empty when it names none).
std::vector<std::string> streams_of_target(std::string_view target);

/// The path of a request target: everything before `?`.
std::string_view path_of_target(std::string_view target);

} // namespace pt
