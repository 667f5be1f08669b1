// `papertrader replay-server`: the recorded BTCUSDT stream served over a real WebSocket and REST on
// 127.0.0.1, checked byte for byte against the file. One server (at --speed max) serves every
// test, so it also shows that connections do not disturb each other.

#include <utility> // before Asio (Boost 1.74)

#include <chrono>
#include <csignal>
#include <functional>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "feeds/line_reader.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/process.hpp"

namespace pt::test {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using error_code = beast::error_code;
using namespace std::chrono_literals;

constexpr auto io_timeout = 10s;

std::string btcusdt_recording() {
  return shared_data("streams/binance-spot-BTCUSDT-2024-08-08T2354Z_2024-08-09T0005Z.txt.gz");
}

// The JSON of every line of the recording whose stream is one of `streams` (all stream lines when
// empty), plus the bare snapshot line when `snapshot` is given.
std::vector<std::string> recorded(const std::vector<std::string>& streams, std::string* snapshot = nullptr) {
  std::vector<std::string> out;
  line_reader reader(btcusdt_recording());
  std::string line;
  while (reader.next(line)) {
    auto json = line.substr(line.find(' ') + 1);
    if (snapshot && json.rfind(R"({"lastUpdateId":)", 0) == 0)
      *snapshot = json;
    for (auto& s : streams)
      if (json.rfind(R"({"stream":")" + s + R"(",)", 0) == 0)
        out.push_back(json);
  }
  return out;
}

// Runs the io_context until `done` (or a deadline passes, or nothing is left to run). The websocket
// stream keeps its timeout timer alive between operations, so "until out of work" would wait for it.
void run_until(net::io_context& ioc, const bool& done) {
  auto deadline = std::chrono::steady_clock::now() + 2 * io_timeout;
  ioc.restart();
  while (!done && std::chrono::steady_clock::now() < deadline)
    if (ioc.run_one_until(deadline) == 0 && ioc.stopped())
      break;
}

/// A WebSocket client on 127.0.0.1 driven step by step.
class ws_client {
public:
  error_code connect(unsigned short port, const std::string& target) {
    error_code result = net::error::timed_out;
    bool done = false;
    beast::get_lowest_layer(ws_).expires_after(io_timeout);
    beast::get_lowest_layer(ws_).async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port),
                                               [&](error_code ec) { result = ec, done = true; });
    run_until(ioc_, done);
    if (result)
      return result;
    beast::get_lowest_layer(ws_).expires_never();
    websocket::stream_base::timeout t{};
    t.handshake_timeout = io_timeout;
    t.idle_timeout = io_timeout;
    t.keep_alive_pings = false;
    ws_.set_option(t);
    done = false;
    result = net::error::timed_out;
    ws_.async_handshake("127.0.0.1:" + std::to_string(port), target, [&](error_code ec) { result = ec, done = true; });
    run_until(ioc_, done);
    return result;
  }

  /// Reads messages into `out` until `count` were read, or until an error (the server's close
  /// shows as `websocket::error::closed`), which is returned.
  error_code read(std::vector<std::string>& out, size_t count) {
    error_code result;
    bool done = false;
    std::function<void()> next = [&] {
      if (out.size() >= count) {
        done = true;
        return;
      }
      ws_.async_read(buffer_, [&](error_code ec, size_t) {
        if (ec) {
          result = ec, done = true;
          return;
        }
        out.push_back(beast::buffers_to_string(buffer_.data()));
        buffer_.consume(buffer_.size());
        next();
      });
    };
    next();
    run_until(ioc_, done);
    return done ? result : net::error::timed_out;
  }

  error_code write(const std::string& text) {
    error_code result = net::error::timed_out;
    bool done = false;
    ws_.text(true);
    ws_.async_write(net::buffer(text), [&](error_code ec, size_t) { result = ec, done = true; });
    run_until(ioc_, done);
    return result;
  }

  websocket::close_reason reason() const { return ws_.reason(); }

private:
  net::io_context ioc_;
  websocket::stream<beast::tcp_stream> ws_{ioc_};
  beast::flat_buffer buffer_;
};

/// Sends `raw` bytes on a fresh connection and reads one HTTP response.
http::response<http::string_body> http_exchange(unsigned short port, const std::string& raw) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.expires_after(io_timeout);
  http::response<http::string_body> res;
  beast::flat_buffer buffer;
  bool done = false;
  stream.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), [&](error_code ec) {
    if (ec) {
      done = true;
      return;
    }
    net::async_write(stream, net::buffer(raw), [&](error_code ec, size_t) {
      if (!ec)
        http::async_read(stream, buffer, res, [&](error_code, size_t) { done = true; });
      else
        done = true;
    });
  });
  run_until(ioc, done);
  return res;
}

http::response<http::string_body> http_get(unsigned short port, const std::string& target) {
  return http_exchange(port, "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
}

class ReplayServer : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<child_process>(
      std::vector<std::string>{binary(), "replay-server", "--data", btcusdt_recording(), "--speed", "max", "--port", "0"});
    ASSERT_TRUE(server_->wait_for_output("(speed max)", 30s)) << server_->output();
    std::smatch m;
    std::regex listening(R"(listening on 127\.0\.0\.1:(\d+))");
    ASSERT_TRUE(std::regex_search(server_->output(), m, listening)) << server_->output();
    port_ = static_cast<unsigned short>(std::stoi(m[1]));
  }

  static void TearDownTestSuite() { server_.reset(); }

  void SetUp() override { ASSERT_NE(port_, 0) << "the server did not start"; }

  static std::unique_ptr<child_process> server_;
  static unsigned short port_;
};

std::unique_ptr<child_process> ReplayServer::server_;
unsigned short ReplayServer::port_ = 0;

TEST_F(ReplayServer, StreamsTheRequestedStreamsVerbatimInOrderThenClosesNormally) {
  auto expected = recorded({"btcusdt@trade", "btcusdt@bookTicker"});
  ASSERT_EQ(expected.size(), 19'904u + 73'174u);
  ws_client client;
  ASSERT_FALSE(client.connect(port_, "/stream?streams=btcusdt@trade/btcusdt@bookTicker"));
  std::vector<std::string> got;
  got.reserve(expected.size());
  auto ended = client.read(got, expected.size() + 1);
  EXPECT_EQ(ended, websocket::error::closed) << ended.message();
  EXPECT_EQ(client.reason().code, websocket::close_code::normal);
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i)
    ASSERT_EQ(got[i], expected[i]) << "message " << i;
  EXPECT_TRUE(server_->wait_for_output("end of data", 10s)) << server_->output();
}

TEST_F(ReplayServer, SubscribeOnABareStreamConnectionStartsTheReplay) {
  auto trades = recorded({"btcusdt@trade"});
  ws_client client;
  ASSERT_FALSE(client.connect(port_, "/stream"));
  ASSERT_FALSE(client.write(R"({"method":"SUBSCRIBE","params":["btcusdt@trade"],"id":1})"));
  std::vector<std::string> got;
  ASSERT_FALSE(client.read(got, 4));
  EXPECT_EQ(got[0], R"({"result":null,"id":1})");
  for (size_t i = 1; i < got.size(); ++i)
    EXPECT_EQ(got[i], trades[i - 1]) << "message " << i;
}

TEST_F(ReplayServer, AnswersAnUnknownMethodWithABinanceError) {
  ws_client client;
  ASSERT_FALSE(client.connect(port_, "/stream"));
  ASSERT_FALSE(client.write(R"({"method":"FROBNICATE","id":"x7"})"));
  std::vector<std::string> got;
  ASSERT_FALSE(client.read(got, 1));
  rapidjson::Document doc;
  doc.Parse(got[0].c_str());
  ASSERT_TRUE(doc.IsObject()) << got[0];
  EXPECT_EQ(doc["error"]["code"].GetInt(), 2) << got[0];
  EXPECT_STREQ(doc["id"].GetString(), "x7");
}

TEST_F(ReplayServer, RestDepthIsTheRecordedSnapshot) {
  std::string snapshot;
  recorded({}, &snapshot);
  auto res = http_get(port_, "/api/v3/depth?symbol=BTCUSDT&limit=1000");
  EXPECT_EQ(res.result_int(), 200u);
  EXPECT_EQ(res.body(), snapshot);
  rapidjson::Document doc;
  doc.Parse(res.body().c_str());
  ASSERT_TRUE(doc.IsObject());
  EXPECT_EQ(doc["lastUpdateId"].GetInt64(), 50093239218);
}

TEST_F(ReplayServer, PingAndTimeAnswerLikeBinance) {
  EXPECT_EQ(http_get(port_, "/api/v3/ping").body(), "{}");
  auto res = http_get(port_, "/api/v3/time");
  rapidjson::Document doc;
  doc.Parse(res.body().c_str());
  ASSERT_TRUE(doc.IsObject() && doc.HasMember("serverTime")) << res.body();
  EXPECT_GT(doc["serverTime"].GetInt64(), 1'700'000'000'000);
}

TEST_F(ReplayServer, ExchangeInfoHasTheFiltersAndRejectsUnknownSymbols) {
  auto res = http_get(port_, "/api/v3/exchangeInfo?symbol=BTCUSDT");
  ASSERT_EQ(res.result_int(), 200u) << res.body();
  rapidjson::Document doc;
  doc.Parse(res.body().c_str());
  ASSERT_TRUE(doc.IsObject()) << res.body();
  const auto& symbol = doc["symbols"][0];
  EXPECT_STREQ(symbol["symbol"].GetString(), "BTCUSDT");
  EXPECT_STREQ(symbol["status"].GetString(), "TRADING");
  EXPECT_STREQ(symbol["baseAsset"].GetString(), "BTC");
  EXPECT_STREQ(symbol["quoteAsset"].GetString(), "USDT");
  bool lot_size = false;
  for (auto& f : symbol["filters"].GetArray())
    if (std::string(f["filterType"].GetString()) == "LOT_SIZE") {
      lot_size = true;
      EXPECT_STREQ(f["stepSize"].GetString(), "0.00001000");
    }
  EXPECT_TRUE(lot_size) << res.body();

  auto bad = http_get(port_, "/api/v3/exchangeInfo?symbol=NOPEUSDT");
  EXPECT_EQ(bad.result_int(), 400u);
  rapidjson::Document err;
  err.Parse(bad.body().c_str());
  ASSERT_TRUE(err.IsObject()) << bad.body();
  EXPECT_EQ(err["code"].GetInt(), -1121);
  EXPECT_STREQ(err["msg"].GetString(), "Invalid symbol.");
}

TEST_F(ReplayServer, BadRequestsGetA4xxAndTheServerKeepsServing) {
  auto garbage = http_exchange(port_, "GARBAGE\r\n\r\n");
  EXPECT_GE(garbage.result_int(), 400u);
  EXPECT_LT(garbage.result_int(), 500u);
  auto unknown = http_get(port_, "/api/v9/nothing");
  EXPECT_EQ(unknown.result_int(), 404u);
  rapidjson::Document doc;
  doc.Parse(unknown.body().c_str());
  EXPECT_TRUE(doc.IsObject()) << unknown.body();
  EXPECT_EQ(http_get(port_, "/api/v3/ping").result_int(), 200u);
}

TEST(ReplayServerProcess, PacesMessagesByTheRecordedReceiveTimes) {
  // At --speed 1 the n-th message may not arrive before its receive time, counted from the file's
  // first message, has passed since the handshake.
  constexpr size_t n = 12;
  std::vector<int64_t> receive_ns;
  line_reader reader(btcusdt_recording());
  std::string line;
  int64_t first_ns = -1;
  while (receive_ns.size() < n && reader.next(line)) {
    auto ns = std::stoll(line.substr(0, line.find(' ')));
    if (line.find(R"({"stream":)") == std::string::npos)
      continue;
    if (first_ns < 0)
      first_ns = ns;
    if (line.find(R"({"stream":"btcusdt@trade",)") != std::string::npos)
      receive_ns.push_back(ns - first_ns);
  }
  ASSERT_EQ(receive_ns.size(), n);
  child_process p({binary(), "replay-server", "--data", btcusdt_recording(), "--speed", "1", "--port", "0"});
  ASSERT_TRUE(p.wait_for_output("(speed 1", 30s)) << p.output();
  std::smatch m;
  ASSERT_TRUE(std::regex_search(p.output(), m, std::regex(R"(listening on 127\.0\.0\.1:(\d+))"))) << p.output();
  ws_client client;
  auto before = std::chrono::steady_clock::now();
  ASSERT_FALSE(client.connect(static_cast<unsigned short>(std::stoi(m[1])), "/stream?streams=btcusdt@trade"));
  std::vector<std::string> got;
  ASSERT_FALSE(client.read(got, n));
  auto elapsed_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - before);
  EXPECT_GE(elapsed_ns.count(), receive_ns.back());
  EXPECT_LT(elapsed_ns.count(), receive_ns.back() + 2'000'000'000);
}

TEST(ReplayServerProcess, StopsCleanlyOnSigterm) {
  child_process p({binary(), "replay-server", "--data", btcusdt_recording(), "--port", "0"});
  ASSERT_TRUE(p.wait_for_output("listening on 127.0.0.1:", 30s)) << p.output();
  p.signal(SIGTERM);
  EXPECT_EQ(p.wait_exit(10s), 0) << p.output();
  EXPECT_NE(p.output().find("stopping"), std::string::npos) << p.output();
}

TEST(ReplayServerProcess, ALiveClockIsOneReplayThatALateConnectionJoinsWhereItIs) {
  child_process p({binary(), "replay-server", "--data", btcusdt_recording(), "--speed", "20", "--live-clock", "--port",
                   "0"});
  ASSERT_TRUE(p.wait_for_output("live clock)", 30s)) << p.output();
  std::smatch m;
  ASSERT_TRUE(std::regex_search(p.output(), m, std::regex(R"(listening on 127\.0\.0\.1:(\d+))"))) << p.output();
  auto port = static_cast<unsigned short>(std::stoi(m[1]));
  auto server_time = [&] {
    rapidjson::Document d;
    d.Parse(http_get(port, "/api/v3/time").body().c_str());
    return d.IsObject() && d.HasMember("serverTime") ? d["serverTime"].GetInt64() : 0;
  };
  int64_t start_ms = server_time();
  ASSERT_GT(start_ms, 0);
  // The clock moves with the replay: 30 s of event time pass in 1.5 s.
  ASSERT_TRUE(eventually([&] { return server_time() >= start_ms + 30'000; }, 20s, 20ms));
  int64_t now_ms = server_time();
  // Only the trades up to now exist.
  rapidjson::Document latest;
  latest.Parse(http_get(port, "/api/v3/aggTrades?symbol=BTCUSDT&limit=1").body().c_str());
  ASSERT_TRUE(latest.IsArray());
  ASSERT_EQ(latest.Size(), 1u);
  EXPECT_LE(latest[0]["T"].GetInt64(), server_time());
  EXPECT_GT(latest[0]["T"].GetInt64(), start_ms + 20'000);
  // A connection now joins the replay where it is, not at the file's start.
  ws_client client;
  ASSERT_FALSE(client.connect(port, "/stream?streams=btcusdt@trade"));
  std::vector<std::string> got;
  ASSERT_FALSE(client.read(got, 1));
  ASSERT_EQ(got.size(), 1u);
  rapidjson::Document first;
  first.Parse(got[0].c_str());
  ASSERT_TRUE(first.IsObject()) << got[0];
  EXPECT_GE(first["data"]["T"].GetInt64(), now_ms - 1'000) << got[0];
  EXPECT_TRUE(p.wait_for_output("joins the replay at message", 10s)) << p.output();
}

TEST(ReplayServerProcess, ALiveClockNeedsAPace) {
  child_process p({binary(), "replay-server", "--data", btcusdt_recording(), "--speed", "max", "--live-clock"});
  EXPECT_NE(p.wait_exit(30s), 0);
  EXPECT_NE(p.output().find("--live-clock needs a paced replay"), std::string::npos) << p.output();
}

} // namespace
} // namespace pt::test
