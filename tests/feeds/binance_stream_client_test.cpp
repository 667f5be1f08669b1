// The live connector against `papertrader replay-server` on 127.0.0.1: its local book syncs from
// the REST snapshot, survives the server being killed and restarted (reconnect with backoff,
// resync), symbols come and go with SUBSCRIBE / UNSUBSCRIBE, and a quiet connection is "stale".

#include "feeds/binance/stream_client.hpp"

#include <chrono>
#include <csignal>
#include <functional>
#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <caf/all.hpp>
#include <gtest/gtest.h>

#include "tests/support/child_process.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/process.hpp"

namespace pt::test {
namespace {

using namespace std::chrono_literals;

const std::string stream = "streams/binance-spot-BTCUSDT-2024-08-08T2354Z_2024-08-09T0005Z.txt.gz";

std::unique_ptr<child_process> start_server(const std::string& speed, const std::string& port, std::string& bound) {
  auto server = std::make_unique<child_process>(std::vector<std::string>{
    binary(), "replay-server", "--data", shared_data(stream), "--speed", speed, "--port", port});
  if (!server->wait_for_output("listening on", 30s))
    return server;
  std::smatch m;
  if (std::regex_search(server->output(), m, std::regex("listening on 127\\.0\\.0\\.1:([0-9]+)")))
    bound = m[1];
  return server;
}

stream_client_options options_for(const std::string& port) {
  stream_client_options o;
  o.base_url = "ws://127.0.0.1:" + port;
  o.rest_url = "http://127.0.0.1:" + port;
  o.symbols = {"BTCUSDT"};
  o.backoff_initial_ms = 100;
  o.backoff_max_ms = 400;
  return o;
}

TEST(BinanceStreamClient, KillingAndRestartingTheServerReconnectsWithBackoffAndResyncsTheBook) {
  std::string port;
  auto server = start_server("5", "0", port);
  ASSERT_FALSE(port.empty()) << server->output();
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  binance_stream_client client(system, market_sink_actor{}, options_for(port));
  client.start();

  ASSERT_TRUE(eventually([&] { return client.health().book_syncs == 1 && client.health().events > 200; }, 30s))
    << client.health().state;
  auto before = client.health();
  EXPECT_EQ(before.state, "connected");
  EXPECT_EQ(before.books_in_sync, 1);
  EXPECT_EQ(before.book_gaps, 0);
  EXPECT_EQ(before.parse_errors, 0);

  // Mid-stream, the server dies: the connector retries with backoff while it is down.
  server->signal(SIGKILL);
  server->wait_exit(10s);
  ASSERT_TRUE(eventually([&] { return client.health().reconnects >= 3; }, 30s)) << client.health().state;
  auto down = client.health();
  EXPECT_EQ(down.state, "reconnecting");
  EXPECT_EQ(down.books_in_sync, 0); // a book without its connection is not trusted

  // Back on the same port: it reconnects by itself and resynchronises the book from a new snapshot.
  std::string again;
  server = start_server("5", port, again);
  ASSERT_EQ(again, port) << server->output();
  ASSERT_TRUE(eventually([&] { return client.health().book_syncs >= 2 && client.health().books_in_sync == 1; }, 30s))
    << client.health().state;
  auto after = client.health();
  EXPECT_EQ(after.state, "connected");
  EXPECT_GT(after.events, before.events);
  EXPECT_EQ(after.parse_errors, 0);
  client.stop();
}

TEST(BinanceStreamClient, SymbolsComeAndGoWithSubscribeAndUnsubscribe) {
  std::string port;
  auto server = start_server("20", "0", port);
  ASSERT_FALSE(port.empty()) << server->output();
  std::mutex mutex;
  std::vector<std::string> received;
  auto count = [&](const std::string& text, size_t from = 0) {
    std::lock_guard<std::mutex> lock(mutex);
    size_t n = 0;
    for (size_t i = from; i < received.size(); ++i)
      n += received[i].find(text) != std::string::npos;
    return n;
  };
  auto index_of = [&](const std::string& text) {
    std::lock_guard<std::mutex> lock(mutex);
    for (size_t i = 0; i < received.size(); ++i)
      if (received[i].find(text) != std::string::npos)
        return i;
    return received.size();
  };
  auto o = options_for(port);
  o.rest_url.clear();
  o.streams = {"trade"};
  o.on_raw_message = [&](int64_t, const std::string& json) {
    std::lock_guard<std::mutex> lock(mutex);
    received.push_back(json);
  };
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  binance_stream_client client(system, market_sink_actor{}, o);
  client.start();
  ASSERT_TRUE(eventually([&] { return count("btcusdt@trade") >= 50; }, 30s));

  client.remove_symbol("BTCUSDT");
  ASSERT_TRUE(eventually([&] { return count("\"id\":1") == 1; }, 10s)); // Binance's {"result":null,"id":1}
  size_t unsubscribed_at = index_of("\"id\":1");
  // At 20× the recording prints ~30 trades a second: none may come once the server confirmed.
  EXPECT_FALSE(eventually([&] { return count("btcusdt@trade", unsubscribed_at) > 0; }, 500ms));
  EXPECT_EQ(client.health().symbols, 0);

  client.add_symbol("BTCUSDT");
  ASSERT_TRUE(eventually([&] { return count("\"id\":2") == 1; }, 10s));
  size_t subscribed_at = index_of("\"id\":2");
  EXPECT_EQ(count("btcusdt@trade", unsubscribed_at), count("btcusdt@trade", subscribed_at));
  EXPECT_TRUE(eventually([&] { return count("btcusdt@trade", subscribed_at) >= 20; }, 10s));
  EXPECT_EQ(client.health().symbols, 1);
  EXPECT_EQ(client.health().parse_errors, 0); // the answers are skipped, not malformed
  client.stop();
}

TEST(BinanceStreamClient, WhatIsNotASymbolIsNeverSubscribed) {
  std::string port;
  auto server = start_server("20", "0", port);
  ASSERT_FALSE(port.empty()) << server->output();
  std::mutex mutex;
  std::vector<std::string> received;
  auto count = [&](const std::string& text) {
    std::lock_guard<std::mutex> lock(mutex);
    size_t n = 0;
    for (auto& r : received)
      n += r.find(text) != std::string::npos;
    return n;
  };
  auto o = options_for(port);
  o.rest_url.clear();
  o.streams = {"trade"};
  // Stream names built from these would break the connection's URL, for every symbol.
  o.symbols = {"BTCUSDT", "../../X Y", "BTCUSDT@TRADE/ETHUSDT"};
  o.on_raw_message = [&](int64_t, const std::string& json) {
    std::lock_guard<std::mutex> lock(mutex);
    received.push_back(json);
  };
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  binance_stream_client client(system, market_sink_actor{}, o);
  client.start();
  ASSERT_TRUE(eventually([&] { return count("btcusdt@trade") >= 20; }, 30s)) << client.health().state;
  EXPECT_EQ(client.health().symbols, 1);
  client.add_symbol("ETH USDT");
  client.add_symbol("ethusdt@depth");
  client.add_symbol("ETHUSDT"); // a symbol: the one SUBSCRIBE of this window names it alone
  ASSERT_TRUE(eventually([&] { return count("\"id\":1") == 1; }, 10s));
  EXPECT_EQ(client.health().symbols, 2);
  auto before = count("btcusdt@trade");
  EXPECT_TRUE(eventually([&] { return count("btcusdt@trade") > before; }, 10s)); // the feed goes on
  EXPECT_EQ(client.health().reconnects, 0);
  EXPECT_EQ(client.health().parse_errors, 0);
  client.stop();
}

TEST(BinanceStreamClient, AConnectionThatFallsQuietIsStale) {
  std::string port;
  auto server = start_server("0.0005", "0", port); // the recording's 2nd message comes ~3 min later
  ASSERT_FALSE(port.empty()) << server->output();
  auto o = options_for(port);
  o.stale_after_ms = 300;
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  binance_stream_client client(system, market_sink_actor{}, o);
  client.start();
  ASSERT_TRUE(eventually([&] { return client.health().messages >= 1; }, 30s));
  EXPECT_TRUE(eventually([&] { return client.health().state == "stale"; }, 10s)) << client.health().state;
  EXPECT_GE(client.health().last_message_age_ms, 300);
  client.stop();
}

} // namespace
} // namespace pt::test
