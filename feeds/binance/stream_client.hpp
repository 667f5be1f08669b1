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

#include "actors/handles.hpp"
#include "feeds/feed_health.hpp"

namespace pt {

/// Where and what the live Binance connector subscribes to.
struct stream_client_options {
  /// Combined-stream base URL: `wss://stream.binance.com:9443` live, `ws://127.0.0.1:PORT` for a
  /// local `papertrader replay-server`. Only `ws://` and `wss://` are accepted.
  std::string base_url = "wss://stream.binance.com:9443";
  /// REST base URL for the depth snapshots that sync each symbol's local book:
  /// `https://api.binance.com` live, `http://127.0.0.1:PORT` for a replay-server. Empty: no
  /// snapshots are fetched (books never sync; bookTicker still gives best bid/ask).
  std::string rest_url = "https://api.binance.com";
  std::vector<std::string> symbols;                      ///< upper case, e.g. "BTCUSDT"
  /// Stream names per symbol. Depth diffs keep the local L2 book (with a REST snapshot), and a
  /// bookTicker, which carries no time, is stamped with the latest exchange time seen, which the
  /// 100 ms depth diffs keep fresh.
  std::vector<std::string> streams{"trade", "bookTicker", "depth@100ms"};
  int depth_limit = 1000;        ///< levels per side asked of `GET /api/v3/depth` (1 … 5000)
  size_t book_levels = 20;       ///< levels per side in the `book_depth` events published
  int backoff_initial_ms = 500;  ///< first reconnect (and snapshot retry) delay
  int backoff_max_ms = 30'000;   ///< reconnect (and snapshot retry) delay cap
  int stale_after_ms = 15'000;   ///< a connection with no message for this long is "stale"
  /// End the feed (send `end_data`) when the server closes the stream normally instead of
  /// reconnecting: for replaying a recording through `replay-server` with `--exit-at-end`.
  bool end_on_normal_close = false;
  /// Called on the connector's thread with every message as received (receive time in ns since
  /// the epoch, JSON text), before parsing — WebSocket messages and the REST depth snapshots alike,
  /// so a recording rebuilds the same books: for `papertrader record`.
  std::function<void(int64_t receive_ns, const std::string& json)> on_raw_message;
  /// Called on the connector's thread each time a connection opens (receive time in ns), when
  /// every book starts over: the feed journal marks it so that its re-feed starts them over at
  /// the same line (`connection_marker`).
  std::function<void(int64_t receive_ns)> on_connection;
};

struct stream_client_impl;

/// The live Binance connector: one combined-stream WebSocket (TLS with SNI and certificate
/// verification for `wss://`, plain for `ws://`), each message parsed and sent to the
/// broadcaster as a one-event batch (at live rates a batch is one event). Ping/pong is answered
/// by the WebSocket layer. On any error or close it reconnects with exponential backoff and
/// jitter (initial … max), which also covers Binance's 24-hour disconnect.
///
/// Each symbol's local L2 book is kept as Binance documents it: the diffs of a new connection
/// are buffered, a REST snapshot is fetched (off the I/O thread), and from then on every diff
/// applied in sync is published as a `book_depth` event; a sequence gap or a reconnect starts
/// the book over from a new snapshot. Symbols can be added and removed while running (SUBSCRIBE /
/// UNSUBSCRIBE on the open connection; the next reconnect asks for the current set). Without a
/// broadcaster (an invalid actor) messages are only counted and handed to `on_raw_message`.
class binance_stream_client {
public:
  binance_stream_client(caf::actor_system& system, market_sink_actor broadcaster, stream_client_options options);
  ~binance_stream_client();
  binance_stream_client(const binance_stream_client&) = delete;
  binance_stream_client& operator=(const binance_stream_client&) = delete;

  /// Starts connecting on its own thread; call it once. Throws `std::invalid_argument` on a bad
  /// base URL or REST URL, or when no symbol is given.
  void start();

  /// Closes the connection and stops; does not send `end_data` (the caller decides).
  void stop();

  /// Subscribes to `symbol`'s streams (upper case) from now on; nothing if already subscribed.
  /// A text that is not `is_exchange_symbol` (core/symbol.hpp) is logged and never subscribed
  /// (nor is one in the options' `symbols`): it would break the connection's URL for every symbol.
  /// Thread-safe; takes effect on the connector's thread.
  void add_symbol(const std::string& symbol);

  /// Unsubscribes from `symbol`'s streams and drops its book; nothing if not subscribed.
  /// Thread-safe; takes effect on the connector's thread.
  void remove_symbol(const std::string& symbol);

  /// True once the feed ended by itself (`end_on_normal_close`), after `end_data` was sent.
  bool ended() const { return ended_; }

  /// A consistent copy of the counters; thread-safe.
  feed_health health() const;

private:
  std::unique_ptr<stream_client_impl> impl_;
  std::thread thread_;
  std::atomic<bool> ended_{false};
};

} // namespace pt
