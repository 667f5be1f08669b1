#include "tests/support/ws_client.hpp"

#include <utility> // before Asio (Boost 1.74)

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace pt::test {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

/// The connection and its io_context, run only inside the calls.
struct ws_client_impl {
  net::io_context ioc;
  websocket::stream<beast::tcp_stream> ws{ioc};
  beast::flat_buffer buffer;
  bool open = false;
  bool reading = false;  ///< an async_read is pending
  bool read_done = false;
  beast::error_code read_ec;
  int http_status = 0;
  std::string error;

  // Runs the io_context until `done` or `timeout`.
  bool run_until(const bool& done, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done && std::chrono::steady_clock::now() < deadline) {
      ioc.restart();
      ioc.run_one_until(deadline);
    }
    return done;
  }
};

ws_client::ws_client() : impl_(std::make_unique<ws_client_impl>()) {}

ws_client::~ws_client() {
  beast::error_code ignored;
  beast::get_lowest_layer(impl_->ws).socket().close(ignored);
}

bool ws_client::connect(uint16_t port, const std::string& target, const std::string& token,
                        std::chrono::milliseconds timeout) {
  auto& i = *impl_;
  bool done = false;
  beast::error_code result;
  websocket::response_type res;
  tcp::endpoint ep(net::ip::make_address("127.0.0.1"), port);
  beast::get_lowest_layer(i.ws).expires_after(timeout);
  beast::get_lowest_layer(i.ws).async_connect(ep, [&](beast::error_code ec) {
    if (ec) {
      result = ec;
      done = true;
      return;
    }
    i.ws.set_option(websocket::stream_base::decorator([token](websocket::request_type& req) {
      if (!token.empty())
        req.set(http::field::authorization, "Bearer " + token);
    }));
    i.ws.async_handshake(res, "127.0.0.1:" + std::to_string(port), target, [&](beast::error_code ec2) {
      result = ec2;
      done = true;
    });
  });
  if (!i.run_until(done, timeout)) {
    i.error = "connect: timed out";
    return false;
  }
  i.http_status = static_cast<int>(res.result_int());
  if (result) {
    i.error = "handshake: " + result.message();
    return false;
  }
  beast::get_lowest_layer(i.ws).expires_never();
  i.open = true;
  return true;
}

bool ws_client::send(const std::string& text, std::chrono::milliseconds timeout) {
  auto& i = *impl_;
  if (!i.open)
    return false;
  bool done = false;
  i.ws.text(true);
  i.ws.async_write(net::buffer(text), [&](beast::error_code ec, size_t) {
    if (ec) {
      i.open = false;
      i.error = "write: " + ec.message();
    }
    done = true;
  });
  return i.run_until(done, timeout) && i.open;
}

std::optional<std::string> ws_client::read(std::chrono::milliseconds timeout) {
  auto& i = *impl_;
  if (!i.open)
    return std::nullopt;
  if (!i.reading) {
    i.reading = true;
    i.read_done = false;
    i.ws.async_read(i.buffer, [&i](beast::error_code ec, size_t) {
      i.read_ec = ec;
      i.read_done = true;
    });
  }
  if (!i.run_until(i.read_done, timeout))
    return std::nullopt;
  i.reading = false;
  if (i.read_ec) {
    i.open = false;
    i.error = "read: " + i.read_ec.message();
    return std::nullopt;
  }
  auto text = beast::buffers_to_string(i.buffer.data());
  i.buffer.consume(i.buffer.size());
  return text;
}

bool ws_client::open() const { return impl_->open; }
int ws_client::http_status() const { return impl_->http_status; }
std::string ws_client::error() const { return impl_->error; }

} // namespace pt::test
