// WebSocket fan-out: N clients connect to a running `papertrader run` (GET /api/v1/ws), subscribe
// to one channel and measure each message's delivery lag: the receipt time on this machine's
// wall clock minus the message's `server_ts_us` (when the server rendered it). 127.0.0.1 only.
//
//   papertrader_ws_fanout --port P [--token T] [--clients 500] [--channel market:BTCUSDT]
//                         [--seconds 20] [--header]
//
// All clients run on one thread (the server gets the cores); the lag therefore includes the time
// this thread takes to reach each message. Prints one Markdown row: clients, channel, messages,
// messages per second, p50 / p99 / p99.9 / max in ms. Exits 1 when a client could not subscribe
// or no message arrived.

#include <utility> // before Asio (Boost 1.74)

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <CLI/CLI.hpp>
#include <rapidjson/document.h>

#include "core/metrics/latency_histogram.hpp"

namespace {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

int64_t now_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

/// What every client shares: the run's counters and the lag histogram.
struct fanout_state {
  pt::latency_histogram lag_ns;
  size_t subscribed = 0;
  size_t failed = 0;
  bool measuring = false;
  int64_t messages = 0;
  std::string first_error;
};

/// One client: connect, upgrade, subscribe, then read until closed.
class client : public std::enable_shared_from_this<client> {
public:
  client(net::io_context& ioc, fanout_state& st, std::string target, std::string channel, uint16_t port)
      : ws_(ioc), st_(st), target_(std::move(target)), channel_(std::move(channel)), port_(port) {}

  void start() {
    tcp::endpoint ep(net::ip::make_address("127.0.0.1"), port_);
    beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(30));
    beast::get_lowest_layer(ws_).async_connect(ep, [self = shared_from_this()](beast::error_code ec) {
      if (ec)
        return self->fail("connect", ec);
      self->ws_.async_handshake("127.0.0.1:" + std::to_string(self->port_), self->target_,
                                [self](beast::error_code ec2) {
                                  if (ec2)
                                    return self->fail("handshake", ec2);
                                  beast::get_lowest_layer(self->ws_).expires_never();
                                  self->subscribe();
                                });
    });
  }

  void close() {
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

private:
  void subscribe() {
    request_ = "{\"op\":\"subscribe\",\"channels\":[\"" + channel_ + "\"]}";
    ws_.text(true);
    ws_.async_write(net::buffer(request_), [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec)
        return self->fail("subscribe", ec);
      self->read();
    });
  }

  void read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) {
        if (!self->st_.measuring)
          self->fail("read", ec);
        return;
      }
      self->on_message(beast::buffers_to_string(self->buffer_.data()));
      self->buffer_.consume(self->buffer_.size());
      self->read();
    });
  }

  void on_message(const std::string& text) {
    int64_t received = now_us();
    rapidjson::Document d;
    d.Parse(text.c_str(), text.size());
    if (d.HasParseError() || !d.IsObject() || !d.HasMember("type") || !d["type"].IsString())
      return;
    std::string type = d["type"].GetString();
    if (type == "status" && d.HasMember("state") && d["state"].IsString() &&
        std::string(d["state"].GetString()) == "subscribed" && !subscribed_) {
      subscribed_ = true;
      ++st_.subscribed;
      return;
    }
    if (!st_.measuring || !d.HasMember("server_ts_us") || !d["server_ts_us"].IsInt64())
      return;
    ++st_.messages;
    st_.lag_ns.record((received - d["server_ts_us"].GetInt64()) * 1000);
  }

  void fail(const char* what, beast::error_code ec) {
    ++st_.failed;
    if (st_.first_error.empty())
      st_.first_error = std::string(what) + ": " + ec.message();
  }

  websocket::stream<beast::tcp_stream> ws_;
  fanout_state& st_;
  std::string target_, channel_, request_;
  uint16_t port_;
  beast::flat_buffer buffer_;
  bool subscribed_ = false;
};

double ms(int64_t ns) { return static_cast<double>(ns) / 1e6; }

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"WebSocket fan-out: delivery lag of pushed messages to many subscribed clients"};
  uint16_t port = 0;
  std::string token;
  size_t clients = 500;
  std::string channel = "market:BTCUSDT";
  double seconds = 20;
  bool header = false;
  app.add_option("--port", port, "Port of papertrader run's API on 127.0.0.1")->required();
  app.add_option("--token", token, "API token (read role is enough)");
  app.add_option("--clients", clients, "WebSocket connections")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--channel", channel, "Channel to subscribe to")->capture_default_str();
  app.add_option("--seconds", seconds, "Seconds to measure, once every client is subscribed")
    ->capture_default_str()->check(CLI::PositiveNumber);
  app.add_flag("--header", header, "Print the Markdown table header first");
  CLI11_PARSE(app, argc, argv);

  net::io_context ioc;
  fanout_state st;
  std::string target = "/api/v1/ws" + (token.empty() ? std::string() : "?token=" + token);
  std::vector<std::shared_ptr<client>> all;
  for (size_t i = 0; i < clients; ++i) {
    all.push_back(std::make_shared<client>(ioc, st, target, channel, port));
    all.back()->start();
  }
  // Wait (at most 60 s) until every client is subscribed or has failed, then measure.
  auto setup_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (st.subscribed + st.failed < clients && std::chrono::steady_clock::now() < setup_deadline)
    ioc.run_for(std::chrono::milliseconds(50));
  if (st.subscribed < clients) {
    std::fprintf(stderr, "ws_fanout: %zu of %zu clients subscribed (%zu failed: %s)\n", st.subscribed, clients,
                 st.failed, st.first_error.c_str());
    return 1;
  }
  st.measuring = true;
  auto start = std::chrono::steady_clock::now();
  ioc.run_for(std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds)));
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (auto& c : all)
    c->close();
  ioc.run_for(std::chrono::milliseconds(200));

  if (header)
    std::printf("| clients | channel | messages | messages/s | p50 (ms) | p99 (ms) | p99.9 (ms) | max (ms) |\n"
                "|---:|---|---:|---:|---:|---:|---:|---:|\n");
  std::printf("| %zu | %s | %lld | %.0f | %.2f | %.2f | %.2f | %.2f |\n", clients, channel.c_str(),
              static_cast<long long>(st.messages), static_cast<double>(st.messages) / elapsed,
              ms(st.lag_ns.percentile(0.5)), ms(st.lag_ns.percentile(0.99)), ms(st.lag_ns.percentile(0.999)),
              ms(st.lag_ns.max()));
  if (st.messages == 0) {
    std::fprintf(stderr, "ws_fanout: no message arrived in %.0f s\n", seconds);
    return 1;
  }
  return 0;
}
