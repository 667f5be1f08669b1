#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

namespace pt {

/// Where and what the live Binance connector subscribes to.
struct stream_client_options {
  /// Combined-stream base URL: `wss://stream.binance.com:9443` live, `ws://127.0.0.1:PORT` for a
  /// local `papertrader replay-server`. Only `ws://` and `wss://` are accepted.
  std::string base_url = "wss://stream.binance.com:9443";
  std::vector<std::string> symbols;                      ///< upper case, e.g. "BTCUSDT"
  /// Stream names per symbol. Depth diffs come along: a bookTicker carries no time and is stamped
  /// with the latest exchange time seen, which the 100 ms depth diffs keep fresh (and the local
  /// order book will need them).
  std::vector<std::string> streams{"trade", "bookTicker", "depth@100ms"};
  int backoff_initial_ms = 500;                          ///< first reconnect delay
  int backoff_max_ms = 30'000;                           ///< reconnect delay cap
  /// End the feed (send `end_data`) when the server closes the stream normally instead of
  /// reconnecting: for replaying a recording through `replay-server` with `--exit-at-end`.
  bool end_on_normal_close = false;
  /// Called on the connector's thread with every message as received (receive time in ns since
  /// the epoch, JSON text), before parsing: for `papertrader record`.
  std::function<void(int64_t receive_ns, const std::string& json)> on_raw_message;
};

/// Feed health as the web layer and logs show it.
struct feed_health {
  std::string state;           ///< "connecting", "connected", "reconnecting", "stopped", "ended"
  int64_t messages = 0;        ///< messages received
  int64_t events = 0;          ///< market events delivered
  int64_t skipped = 0;         ///< well-formed messages not used (depth, …)
  int64_t parse_errors = 0;    ///< malformed messages (counted, logged once per kind, skipped)
  int64_t reconnects = 0;
  int64_t last_message_age_ms = -1; ///< wall time since the last message; −1 before any
};

struct stream_client_impl;

/// The live Binance connector: one combined-stream WebSocket (TLS with SNI and certificate
/// verification for `wss://`, plain for `ws://`), each message parsed and sent to the
/// broadcaster as a one-event batch (at live rates a batch is one event). Ping/pong is answered
/// by the WebSocket layer. On any error or close it reconnects with exponential backoff and
/// jitter (initial … max), which also covers Binance's 24-hour disconnect. Without a
/// broadcaster (an invalid actor) messages are only counted and handed to `on_raw_message`.
class binance_stream_client {
public:
  binance_stream_client(caf::actor_system& system, caf::actor broadcaster, stream_client_options options);
  ~binance_stream_client();
  binance_stream_client(const binance_stream_client&) = delete;
  binance_stream_client& operator=(const binance_stream_client&) = delete;

  /// Starts connecting on its own thread. Throws `std::invalid_argument` on a bad base URL.
  void start();

  /// Closes the connection and stops; does not send `end_data` (the caller decides).
  void stop();

  /// True once the feed ended by itself (`end_on_normal_close`), after `end_data` was sent.
  bool ended() const { return ended_; }

  feed_health health() const;

private:
  std::unique_ptr<stream_client_impl> impl_;
  std::thread thread_;
  std::atomic<bool> ended_{false};
};

} // namespace pt
