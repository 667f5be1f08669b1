#include "tests/support/http_client.hpp"

#include <utility> // before Asio (Boost 1.74)

#include <algorithm>
#include <cctype>
#include <functional>
#include <sstream>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace pt::test {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// Connects, writes `bytes`, reads one response; all asynchronous, bounded by `timeout`.
http_result exchange(uint16_t port, const std::string& bytes, std::chrono::milliseconds timeout) {
  http_result out;
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  tcp::endpoint ep(net::ip::make_address("127.0.0.1"), port);
  bool done = false;
  stream.expires_after(timeout);
  stream.async_connect(ep, [&](beast::error_code ec) {
    if (ec) {
      out.error = "connect: " + ec.message();
      done = true;
      return;
    }
    net::async_write(stream.socket(), net::buffer(bytes), [&](beast::error_code wec, size_t) {
      // The server may answer early (413) and stop reading: still read its answer.
      if (wec && wec != net::error::broken_pipe && wec != net::error::connection_reset) {
        out.error = "write: " + wec.message();
        done = true;
        return;
      }
      http::async_read(stream, buffer, parser, [&](beast::error_code rec, size_t) {
        done = true;
        if (rec) {
          out.error = "read: " + rec.message();
          return;
        }
        auto& res = parser.get();
        out.status = static_cast<int>(res.result_int());
        out.body = res.body();
        for (auto& f : res) {
          std::string name(f.name_string());
          std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
          out.headers[name] = std::string(f.value());
        }
      });
    });
  });
  ioc.run_for(timeout + std::chrono::seconds(1));
  if (!done)
    out.error = "timed out";
  return out;
}

} // namespace

http_result http_call(uint16_t port, const std::string& method, const std::string& target, const std::string& body,
                      const std::vector<std::pair<std::string, std::string>>& headers,
                      std::chrono::milliseconds timeout) {
  http::request<http::string_body> req;
  req.method_string(method);
  req.target(target);
  req.version(11);
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  req.set(http::field::connection, "close");
  for (auto& [name, value] : headers)
    req.set(name, value);
  req.body() = body;
  if (!body.empty() || method == "POST")
    req.prepare_payload();
  std::ostringstream os;
  os << req;
  return exchange(port, os.str(), timeout);
}

http_result http_get(uint16_t port, const std::string& target, const std::string& token) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (!token.empty())
    headers.emplace_back("Authorization", "Bearer " + token);
  return http_call(port, "GET", target, "", headers);
}

http_result http_raw(uint16_t port, const std::string& bytes, std::chrono::milliseconds timeout) {
  return exchange(port, bytes, timeout);
}

std::string http_raw_stream(uint16_t port, const std::string& bytes, std::chrono::milliseconds timeout) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  std::string received;
  std::vector<char> chunk(64 * 1024);
  std::function<void()> read_more = [&] {
    stream.async_read_some(net::buffer(chunk), [&](beast::error_code ec, size_t n) {
      received.append(chunk.data(), n);
      if (!ec)
        read_more();
    });
  };
  stream.expires_after(timeout);
  stream.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), [&](beast::error_code ec) {
    if (ec)
      return;
    net::async_write(stream.socket(), net::buffer(bytes), [&](beast::error_code, size_t) {});
    read_more();
  });
  ioc.run_for(timeout + std::chrono::seconds(1));
  return received;
}

} // namespace pt::test
