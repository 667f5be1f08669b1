#pragma once

// The live connector's state, shared by feeds/binance/stream_client.cpp and its connections
// (feeds/binance/stream_connection.hpp). Internal to web/: Beast and Asio stay out of public headers.

#include <utility> // before Asio, as Boost 1.74 needs

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>
#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/messages.hpp"
#include "feeds/binance/stream_books.hpp"
#include "feeds/base_url.hpp"
#include "feeds/binance/stream_client.hpp"
#include "core/metrics/event_rate.hpp"
#include "feeds/binance/snapshot_fetcher.hpp"

namespace pt {

namespace net = boost::asio;

/// One connection attempt to the combined-stream endpoint (plain or TLS).
struct connection_base {
  virtual ~connection_base() = default;
  /// Resolves, connects, handshakes, then reads until an error or `close()`.
  virtual void start() = 0;
  /// Closes on purpose: no `on_lost` follows.
  virtual void close() = 0;
  /// Queues a text message, written once the connection is open.
  virtual void send(std::string text) = 0;
};

/// Everything the connector keeps; used on its I/O thread except the counters (under `mutex`).
struct stream_client_impl {
  caf::actor_system& system;
  market_sink_actor broadcaster;
  stream_client_options options;
  base_url url;
  net::io_context ioc;
  net::ssl::context tls{net::ssl::context::tls_client};
  net::steady_timer retry_timer{ioc};
  std::shared_ptr<connection_base> connection;
  std::mt19937_64 rng{std::random_device{}()};
  int attempt = 0;
  bool stopping = false;
  bool connected = false;
  bool retry_timer_pending = false;
  /// Keeps the I/O thread running while the client is idle (no symbol, no connection).
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  net::steady_timer request_timer{ioc};  ///< batches SUBSCRIBE / UNSUBSCRIBE requests
  bool request_timer_armed = false;
  int request_window_ms = 250;           ///< at most 2 requests per window (Binance allows 5 messages/s)
  std::vector<std::string> to_subscribe, to_unsubscribe; ///< symbols waiting for the next window
  std::atomic<bool>* ended = nullptr;

  // Books and subscriptions: touched only on the I/O thread.
  std::vector<std::string> symbols; // subscribed now, upper case
  stream_books books;
  std::unique_ptr<snapshot_fetcher> fetcher;
  std::set<std::string> fetching;            // symbols with a snapshot request in flight
  std::map<std::string, int> snapshot_tries; // consecutive failures, for the backoff
  std::map<std::string, int64_t> gaps_logged;
  int64_t generation = 0;                    // connections so far; a snapshot of an older one is dropped
  int64_t request_id = 0;                    // ids of SUBSCRIBE / UNSUBSCRIBE requests

  // Counters, read by health() from other threads.
  mutable std::mutex mutex;
  feed_health health;
  int64_t last_message_ms = -1;
  event_rate rate; // messages_per_s over the last 10 s of wall time
  std::map<std::string, int64_t> error_kinds;
  int64_t last_event_ms = 0; // the stream's market clock (docs/market-data.md): every event is stamped with it
  int64_t seq = 0;

  stream_client_impl(caf::actor_system& sys, market_sink_actor b, stream_client_options o)
    : system(sys), broadcaster(std::move(b)), options(std::move(o)), books(options.book_levels) {}

  void set_state(const char* s) {
    std::lock_guard<std::mutex> lock(mutex);
    health.state = s;
  }

  /// Opens a connection for the current symbols ("idle" with none).
  void connect();
  /// The handshake succeeded: books start over, snapshots of older connections are void.
  void on_connected();
  /// The connection failed or closed: ends the feed on a normal close when asked to, else
  /// schedules a reconnect with backoff.
  void on_lost(const boost::beast::error_code& ec, bool normal_close);
  /// One WebSocket message: counted, parsed, delivered (or handed to `on_depth`).
  void on_message(const std::string& text);
  /// One depth diff of `symbol`: into its book; asks for a snapshot when the book needs one.
  void on_depth(const std::string& text, const std::string& symbol);
  /// Asks the fetcher for `symbol`'s snapshot, tagged with the current generation.
  void request_snapshot(const std::string& symbol, int64_t delay_ms);
  /// A snapshot answer (or error) for `symbol`, asked for in generation `gen`.
  void on_snapshot(int64_t gen, const std::string& symbol, const std::string& body, const std::string& error);
  /// Subscribes `symbol` (see `binance_stream_client::add_symbol`).
  void add(const std::string& symbol);
  /// Unsubscribes `symbol` and drops its book.
  void remove(const std::string& symbol);
  /// Queues a SUBSCRIBE (or UNSUBSCRIBE) of `symbol` for the next request window.
  void queue_request(const std::string& symbol, bool subscribe);

  /// Reconnect / snapshot retry delay for the `tries`-th attempt: exponential, capped, jittered.
  int64_t backoff_ms(int tries) {
    int64_t cap = options.backoff_max_ms;
    int64_t delay = std::min<int64_t>(cap, static_cast<int64_t>(options.backoff_initial_ms) << std::min(tries - 1, 16));
    // Full jitter in [delay/2, delay], so many clients do not retry in step.
    return std::uniform_int_distribution<int64_t>(delay / 2, delay)(rng);
  }

  /// Counts a malformed message and logs the first of its kind. Called with `mutex` held.
  void count_error(const std::string& what, const std::string& detail) {
    ++health.parse_errors;
    if (error_kinds[what]++ == 0)
      spdlog::warn("binance stream: malformed message ({}: {}); counting and skipping messages like it", what, detail);
  }

  /// Sends one event to the broadcaster as a one-event batch.
  void deliver(const std::string& symbol, market_event ev) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      ++health.events;
    }
    market_batch batch;
    batch.symbol = symbol;
    batch.seq = ++seq;
    batch.events = std::make_shared<const std::vector<market_event>>(1, std::move(ev));
    if (broadcaster)
      caf::anon_send(broadcaster, std::move(batch));
  }

  /// Copies the books' sync state into `health`.
  void update_book_counters() {
    int64_t in_sync = 0, syncs = 0, gaps = 0;
    for (auto& [_, b] : books.books()) {
      in_sync += !b.needs_snapshot();
      syncs += b.syncs();
      gaps += b.gaps();
    }
    std::lock_guard<std::mutex> lock(mutex);
    health.books_in_sync = in_sync;
    health.book_syncs = syncs;
    health.book_gaps = gaps;
    health.symbols = static_cast<int64_t>(symbols.size());
  }
};

} // namespace pt
