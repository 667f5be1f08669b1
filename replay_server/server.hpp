#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pt {

/// Settings of `papertrader replay-server`.
struct replay_server_options {
  std::string data_path;          ///< recorded stream file (`<receive ns|µs> <JSON>` lines, .gz ok)
  std::vector<std::string> klines_paths; ///< kline CSVs served on `/api/v3/klines` (symbol from the name)
  double speed = 1;               ///< receive-time multiplier: 1 = as recorded, 10 = ten times; 0 = no pacing
  std::string host = "127.0.0.1"; ///< address to listen on
  uint16_t port = 0;              ///< TCP port; 0 picks a free one (logged as `listening on HOST:PORT`)
  /// One replay for every connection, as a live exchange: the replay clock starts when the server
  /// listens, a connection joins at the message due now (not at the file's start), and the REST
  /// clock (`/api/v3/time`, closed klines, the aggTrades that exist) moves on with it. Needs a
  /// paced `speed`.
  bool live_clock = false;
};

/// Serves a recorded Binance stream on one port, in Binance's wire format, until SIGINT/SIGTERM:
///
/// - WebSocket `GET /stream?streams=a/b/c` (the combined-stream endpoint): sends every recorded
///   message of the requested streams byte for byte, paced by the recorded receive times divided by
///   `speed`, then closes with code 1000 (normal) at the end of the data. Each connection replays
///   the file from its start on its own; the replay clock starts at the handshake, or at the first
///   SUBSCRIBE of a connection that named no streams. Live SUBSCRIBE / UNSUBSCRIBE /
///   LIST_SUBSCRIPTIONS requests are answered as Binance does; pings get pongs.
/// - Plain HTTP REST on the same port: see `answer_rest` in `replay_server/rest_api.hpp`, and
///   `/api/v3/aggTrades` (`answer_agg_trades`, replay_server/agg_trades.hpp). Unless `live_clock`, the server's
///   clock (`/api/v3/time`, `serverTime`, which klines have closed) stands still at the receive
///   time of the recording's first message, so "now" for a replay is the start of the recording.
///
/// Runs on the calling thread (one Asio `io_context`, so no locking). Returns 0 after a signal.
/// Throws `std::runtime_error` (or a `boost::system::system_error`) when the file cannot be loaded
/// or the address cannot be bound.
int run_replay_server(const replay_server_options& options);

} // namespace pt
