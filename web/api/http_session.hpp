#pragma once

// Beast internals of the API server, shared by web/api/http_session.cpp and web/api/server.cpp
// only (keep Beast out of headers other files include).

#include <utility> // before Asio (Boost 1.74)

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "web/api/push.hpp"
#include "web/api/router.hpp"

namespace pt {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

/// Counts requests handed to the router and not answered yet, so `stop` can wait for them
/// (a bounded wait) before the io_context that their answers post to goes away.
struct api_in_flight {
  std::mutex mutex;
  std::condition_variable idle;
  int count = 0;

  void add() {
    std::lock_guard<std::mutex> lock(mutex);
    ++count;
  }
  void done() {
    std::lock_guard<std::mutex> lock(mutex);
    if (--count == 0)
      idle.notify_all();
  }
};

/// One HTTP/1.1 connection: reads a request (body limit → 413), hands it to the router, and
/// writes the answer when the router's reply callback posts it back to this connection's
/// strand; then reads the next one (keep-alive). A WebSocket upgrade of `GET /api/v1/ws` goes
/// through the router too (token, rate limit: 401/403/429 as for REST; `?token=` stands for the
/// header, which browsers cannot set on a WebSocket); once allowed, the connection becomes an
/// `api_ws_session` fed by `registry`. A HEAD request is answered as GET would be, without the
/// body. Every handler takes `error_code` first.
class api_http_session : public std::enable_shared_from_this<api_http_session> {
public:
  api_http_session(tcp::socket&& socket, api_router& router, api_in_flight& in_flight, size_t body_limit,
                   std::shared_ptr<push_registry> registry);

  /// Starts reading on the connection's strand.
  void run();

private:
  void do_read();
  void on_read(beast::error_code ec, size_t bytes);
  void send(api_response res, bool keep_alive);
  void close();
  void drain(size_t total);

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  api_router& router_;
  api_in_flight& in_flight_;
  size_t body_limit_;
  unsigned version_ = 11;
  bool head_ = false; ///< the request being answered is a HEAD: its answer goes without a body
  std::vector<char> drain_buffer_;
  std::shared_ptr<push_registry> registry_;
  std::optional<http::request<http::string_body>> upgrade_; ///< the upgrade request, while the router decides
};

} // namespace pt
