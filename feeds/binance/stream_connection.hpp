#pragma once

// One WebSocket connection of the live connector. Internal to web/ (Beast).

#include <utility> // before Asio, as Boost 1.74 needs

#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <type_traits>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <spdlog/spdlog.h>

#include "feeds/binance/stream_client_impl.hpp"

namespace pt {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

/// One connection attempt, its read loop and its queue of outgoing requests, over a plain or a
/// TLS stream; reports to its owner (`on_connected`, `on_message`, `on_lost`) on the I/O thread.
template <bool Tls>
class ws_connection : public connection_base, public std::enable_shared_from_this<ws_connection<Tls>> {
public:
  using next_layer = std::conditional_t<Tls, beast::ssl_stream<beast::tcp_stream>, beast::tcp_stream>;

  ws_connection(stream_client_impl& owner, std::string target)
    : owner_(owner), target_(std::move(target)), resolver_(owner.ioc), ws_(make_stream()) {}

  void start() override {
    auto self = this->shared_from_this();
    resolver_.async_resolve(owner_.url.host, owner_.url.port,
                            [self](beast::error_code ec, tcp::resolver::results_type results) {
                              if (ec)
                                return self->fail(ec);
                              self->on_resolved(results);
                            });
  }

  void close() override {
    closed_ = true;
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

  // Beast allows one write at a time: requests queue behind each other.
  void send(std::string text) override {
    outbox_.push_back(std::move(text));
    if (outbox_.size() == 1 && open_)
      write_next();
  }

private:
  websocket::stream<next_layer> make_stream() {
    if constexpr (Tls)
      return websocket::stream<next_layer>(owner_.ioc, owner_.tls);
    else
      return websocket::stream<next_layer>(owner_.ioc);
  }

  void fail(const beast::error_code& ec, bool normal_close = false) {
    if (closed_)
      return; // this connection was replaced or stopped on purpose
    closed_ = true;
    owner_.on_lost(ec, normal_close);
  }

  void on_resolved(const tcp::resolver::results_type& results) {
    auto self = this->shared_from_this();
    beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(30));
    beast::get_lowest_layer(ws_).async_connect(results, [self](beast::error_code ec, tcp::endpoint) {
      if (ec)
        return self->fail(ec);
      if constexpr (Tls) {
        // SNI, then verify the certificate chain and the host name.
        if (!SSL_set_tlsext_host_name(self->ws_.next_layer().native_handle(), self->owner_.url.host.c_str()))
          return self->fail(beast::error_code(static_cast<int>(::ERR_get_error()), net::error::get_ssl_category()));
        self->ws_.next_layer().set_verify_callback(ssl::host_name_verification(self->owner_.url.host));
        self->ws_.next_layer().async_handshake(ssl::stream_base::client, [self](beast::error_code ec2) {
          if (ec2)
            return self->fail(ec2);
          self->websocket_handshake();
        });
      } else {
        self->websocket_handshake();
      }
    });
  }

  void websocket_handshake() {
    auto self = this->shared_from_this();
    beast::get_lowest_layer(ws_).expires_never(); // the websocket keeps its own timeouts
    // Beast answers the server's pings. Its own pings, sent after 30 s of silence, find a
    // connection that died without a close: nothing for 60 s means lost, and a reconnect.
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = std::chrono::seconds(30);
    timeouts.idle_timeout = std::chrono::seconds(60);
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    ws_.async_handshake(owner_.url.host + ":" + owner_.url.port, target_, [self](beast::error_code ec) {
      if (ec)
        return self->fail(ec);
      self->open_ = true;
      spdlog::info("binance stream: connected to {}{}", self->owner_.options.base_url, self->target_);
      self->owner_.on_connected();
      if (!self->outbox_.empty())
        self->write_next();
      self->read();
    });
  }

  void write_next() {
    auto self = this->shared_from_this();
    ws_.async_write(net::buffer(outbox_.front()), [self](beast::error_code ec, std::size_t) {
      if (ec)
        return self->fail(ec);
      self->outbox_.pop_front();
      if (!self->outbox_.empty())
        self->write_next();
    });
  }

  void read() {
    auto self = this->shared_from_this();
    ws_.async_read(buffer_, [self](beast::error_code ec, std::size_t) {
      if (ec)
        return self->fail(ec, ec == websocket::error::closed &&
                                  self->ws_.reason().code == websocket::close_code::normal);
      if (self->closed_)
        return;
      self->owner_.on_message(beast::buffers_to_string(self->buffer_.data()));
      self->buffer_.consume(self->buffer_.size());
      self->read();
    });
  }

  stream_client_impl& owner_;
  std::string target_;
  tcp::resolver resolver_;
  websocket::stream<next_layer> ws_;
  beast::flat_buffer buffer_;
  std::deque<std::string> outbox_;
  bool open_ = false;
  bool closed_ = false;
};


} // namespace pt
