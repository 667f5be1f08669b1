#pragma once

// The accept loop both Beast servers use (the API in web/api/, the stand-in for Binance in
// replay_server/): bind, listen, and hand each accepted socket to the server's own session type.

#include <utility> // before Asio (Boost 1.74)

#include <functional>
#include <memory>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <spdlog/spdlog.h>

namespace pt {

/// Accepts TCP connections on one endpoint until `stop()`, and calls `on_accept` with each socket
/// (on the io_context's thread). Shared-owned: `run()` keeps it alive while it accepts.
class tcp_listener : public std::enable_shared_from_this<tcp_listener> {
public:
  /// The server's handler of a new connection: starts its session with the socket.
  using accept_handler = std::function<void(boost::asio::ip::tcp::socket)>;

  /// Opens, binds and listens on `endpoint` (address reuse on). `strand_per_connection`: each
  /// socket gets its own strand (an io_context run by several threads); otherwise sockets use
  /// the io_context directly (one thread). `log_prefix` starts the log line of a failed accept.
  /// Throws `boost::system::system_error` when the endpoint cannot be bound.
  tcp_listener(boost::asio::io_context& ioc, const boost::asio::ip::tcp::endpoint& endpoint,
               bool strand_per_connection, std::string log_prefix, accept_handler on_accept)
      : ioc_(ioc), acceptor_(ioc), strand_per_connection_(strand_per_connection),
        log_prefix_(std::move(log_prefix)), on_accept_(std::move(on_accept)) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(boost::asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(boost::asio::socket_base::max_listen_connections);
  }

  /// The bound endpoint (the port the system chose for port 0).
  boost::asio::ip::tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }

  /// Starts accepting (returns at once).
  void run() { do_accept(); }

  /// Closes the acceptor from its own executor; safe from any thread. Open connections stay.
  void stop() {
    boost::asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
      boost::system::error_code ignored;
      self->acceptor_.close(ignored);
    });
  }

private:
  void do_accept() {
    auto handler = [self = shared_from_this()](boost::system::error_code ec, boost::asio::ip::tcp::socket socket) {
      if (ec == boost::asio::error::operation_aborted || !self->acceptor_.is_open())
        return;
      if (ec)
        spdlog::warn("{}accept failed: {}", self->log_prefix_, ec.message());
      else
        self->on_accept_(std::move(socket));
      self->do_accept();
    };
    if (strand_per_connection_)
      acceptor_.async_accept(boost::asio::make_strand(ioc_), std::move(handler));
    else
      acceptor_.async_accept(std::move(handler));
  }

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  bool strand_per_connection_;
  std::string log_prefix_;
  accept_handler on_accept_;
};

} // namespace pt
