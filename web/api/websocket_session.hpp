#pragma once

// Beast internals of the WebSocket push endpoint (`GET /api/v1/ws`), shared by
// web/api/http_session.cpp (which upgrades) and web/api/websocket_session.cpp only.

#include <utility> // before Asio (Boost 1.74)

#include <memory>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "web/api/push.hpp"

namespace pt {

/// Messages a WebSocket client may have pending before old ones are coalesced or dropped.
inline constexpr size_t ws_queue_limit = 256;
/// Seconds between two `heartbeat` messages.
inline constexpr int ws_heartbeat_s = 15;

/// One WebSocket client of the push endpoint, on the strand of the connection it was upgraded
/// from. Reads client commands (`subscribe`, `unsubscribe`, `ping`; anything else gets an
/// `error` message), writes one message at a time from its bounded `push_queue`, stamps each
/// with the connection's next `seq`, and sends a `heartbeat` every `ws_heartbeat_s` seconds.
/// Every async handler takes `error_code` first; nothing here throws out of a handler.
class api_ws_session : public push_sink, public std::enable_shared_from_this<api_ws_session> {
public:
  api_ws_session(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<push_registry> registry);

  /// Accepts the upgrade `req` (already authorised) and starts reading.
  void run(boost::beast::http::request<boost::beast::http::string_body> req);

  /// Queues `m`: posted to the strand, never blocks the caller.
  void deliver(push_ptr m) override;

private:
  void on_accept(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec, size_t bytes);
  void handle(const std::string& text);
  void enqueue(push_ptr m);
  void do_write();
  void on_write(boost::beast::error_code ec, size_t bytes);
  void arm_heartbeat();
  void close_down();

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  boost::beast::http::request<boost::beast::http::string_body> upgrade_; ///< kept until accepted
  std::shared_ptr<push_registry> registry_;
  push_queue queue_{ws_queue_limit};
  std::string writing_;
  boost::asio::steady_timer heartbeat_;
  int64_t client_ = 0;
  int64_t seq_ = 0;
  bool open_ = false, closed_ = false, busy_ = false;
};

} // namespace pt
