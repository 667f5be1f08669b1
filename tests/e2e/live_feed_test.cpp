// The live Binance connector, end to end on 127.0.0.1: against `papertrader replay-server`
// serving the real BTCUSDT recording in Binance's wire format, and against nothing at all.

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "feeds/line_reader.hpp"
#include "store/sqlite.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/ledger_replay.hpp"
#include "tests/support/process.hpp"

namespace pt::test {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

const std::string stream = "streams/binance-spot-BTCUSDT-2024-08-08T2354Z_2024-08-09T0005Z.txt.gz";

std::string write_config(const std::string& dir) {
  std::string path = dir + "/papertrader.yaml";
  std::ofstream(path) << "database: " << dir << "/pt.db\n"
                      << "defaults: {initial_cash: 10000, taker_fee_bps: 10, slippage_bps: 0, qty_step: 0.00001}\n"
                      << "sessions:\n"
                      << "  - {name: ema, strategy: " << source_file("config/strategies/ema_crossover_10s.yaml") << "}\n"
                      << "  - {name: rsi, strategy: " << source_file("config/strategies/rsi_scalper_5s.yaml") << "}\n";
  return path;
}

// The port a child printed as "listening on 127.0.0.1:PORT".
std::string port_of(const std::string& output) {
  std::smatch m;
  if (std::regex_search(output, m, std::regex("listening on 127\\.0\\.0\\.1:([0-9]+)")))
    return m[1];
  return "";
}

TEST(LiveFeedE2E, SessionsOnTheLiveConnectorTradeExactlyAsOnTheFile) {
  auto dir = make_temp_dir("live");
  child_process server({binary(), "replay-server", "--data", shared_data(stream), "--speed", "max", "--port", "0"});
  ASSERT_TRUE(server.wait_for_output("listening on", 30s)) << server.output();
  auto port = port_of(server.output());
  ASSERT_FALSE(port.empty()) << server.output();

  auto run = run_command(binary() + " run --listen 127.0.0.1:0 --config " + write_config(dir) + " --live-url ws://127.0.0.1:" + port +
                           " --rest-url http://127.0.0.1:" + port + " --exit-at-end",
                         dir);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("closed the stream normally"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("BTCUSDT: tick size 0.01000000, step size 0.00001000"), std::string::npos) << run.err;

  auto bt = run_command(binary() + " backtest --data " + shared_data(stream) + " --json " + dir + "/bt.json" +
                          " --strategy " + source_file("config/strategies/ema_crossover_10s.yaml") + " --strategy " +
                          source_file("config/strategies/rsi_scalper_5s.yaml"),
                        dir);
  ASSERT_EQ(bt.exit_code, 0) << bt.err;
  rapidjson::Document json;
  json.Parse(slurp(dir + "/bt.json").c_str());
  ASSERT_TRUE(json.IsArray());

  sql::database db(dir + "/pt.db", true);
  size_t total = 0;
  for (int64_t id = 1; id <= 2; ++id) {
    sql::statement st(db, "SELECT ts_event_ms, side, price_raw, qty_raw, fee_raw FROM fills WHERE session_id = ?1 "
                          "ORDER BY fill_id");
    st.bind(1, id);
    const auto& fills = json[static_cast<rapidjson::SizeType>(id - 1)]["fills"];
    rapidjson::SizeType i = 0;
    while (st.step()) {
      ASSERT_LT(i, fills.Size()) << "session " << id << " has more fills live than on the file";
      const auto& f = fills[i++];
      EXPECT_EQ(st.column_int(0), f["ts_ms"].GetInt64());
      EXPECT_EQ(st.column_text(1), str(f, "side"));
      EXPECT_EQ(st.column_int(2), decimal_raw(str(f, "price")));
      EXPECT_EQ(st.column_int(3), decimal_raw(str(f, "qty")));
      EXPECT_EQ(st.column_int(4), decimal_raw(str(f, "fee")));
    }
    EXPECT_EQ(i, fills.Size()) << "session " << id;
    total += i;
  }
  EXPECT_GT(total, 0u);
}

TEST(LiveFeedE2E, ASymbolTheExchangeDoesNotListIsRefusedByName) {
  auto dir = make_temp_dir("live-badsymbol");
  child_process server({binary(), "replay-server", "--data", shared_data(stream), "--port", "0"});
  ASSERT_TRUE(server.wait_for_output("listening on", 30s)) << server.output();
  auto port = port_of(server.output());
  std::string config = dir + "/papertrader.yaml";
  std::ofstream(config) << "database: " << dir << "/pt.db\nsessions:\n  - {name: nope, symbol: NOPEUSDT, strategy: "
                        << source_file("config/strategies/ema_crossover_10s.yaml") << "}\n";
  auto run = run_command(binary() + " run --listen 127.0.0.1:0 --config " + config + " --live-url ws://127.0.0.1:" + port +
                           " --rest-url http://127.0.0.1:" + port,
                         dir);
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("NOPEUSDT: not tradable"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("Invalid symbol."), std::string::npos) << run.err;
}

TEST(LiveFeedE2E, WithNoServerItSaysSoRetriesWithBackoffAndKeepsServing) {
  auto dir = make_temp_dir("live-down");
  // A port nothing listens on: take one from a server that is then stopped.
  std::string port;
  {
    child_process server({binary(), "replay-server", "--data", shared_data(stream), "--port", "0"});
    ASSERT_TRUE(server.wait_for_output("listening on", 30s)) << server.output();
    port = port_of(server.output());
    server.signal(SIGTERM);
    ASSERT_EQ(server.wait_exit(30s), 0) << server.output();
  }
  child_process run({binary(), "run", "--listen", "127.0.0.1:0", "--config", write_config(dir), "--live-url", "ws://127.0.0.1:" + port});
  ASSERT_TRUE(run.wait_for_output("(attempt 3)", 30s)) << run.output();
  EXPECT_NE(run.output().find("reconnecting in"), std::string::npos);
  run.signal(SIGINT);
  EXPECT_EQ(run.wait_exit(30s), 0) << run.output();
}

TEST(LiveFeedE2E, TheConnectorSubscribesAndUnsubscribesAsSessionsStopAndStart) {
  auto dir = make_temp_dir("live-subs");
  child_process server({binary(), "replay-server", "--data", shared_data(stream), "--speed", "1", "--port", "0"});
  ASSERT_TRUE(server.wait_for_output("listening on", 30s)) << server.output();
  auto port = port_of(server.output());
  std::string config = dir + "/papertrader.yaml";
  fs::create_directories(dir + "/strategies");
  fs::copy_file(source_file("config/strategies/ema_crossover_10s.yaml"), dir + "/strategies/ema_crossover_10s.yaml");
  std::ofstream(config) << "database: " << dir << "/pt.db\n"
                        << "api: {tokens: [{token: admin-token-1, role: admin}]}\n"
                        << "sessions:\n  - {name: only, strategy: strategies/ema_crossover_10s.yaml}\n";
  child_process run({binary(), "run", "--config", config, "--live-url", "ws://127.0.0.1:" + port, "--rest-url",
                     "http://127.0.0.1:" + port, "--listen", "127.0.0.1:0"});
  ASSERT_TRUE(run.wait_for_output("BTCUSDT order book in sync", 30s)) << run.output();
  std::smatch m;
  std::string out = run.output();
  ASSERT_TRUE(std::regex_search(out, m, std::regex(R"(api listening on 127\.0\.0\.1:(\d+))"))) << out;
  auto api = static_cast<uint16_t>(std::stoi(m[1]));
  auto post = [&](const std::string& target, const std::string& body) {
    return http_call(api, "POST", target, body, {{"Authorization", "Bearer admin-token-1"}, {"Content-Type", "application/json"}});
  };
  // The only session on BTCUSDT stops: nobody trades it, the connector unsubscribes.
  auto stopped = post("/api/v1/sessions/1/stop", "");
  ASSERT_EQ(stopped.status, 200) << stopped.body;
  ASSERT_TRUE(run.wait_for_output("unsubscribing from BTCUSDT", 30s)) << run.output();
  // A new session on it: subscribed again. (replay-server has only the recording's first snapshot,
  // older than the diffs now: the book waits, retrying, which the connector's own test covers.)
  auto created = post("/api/v1/sessions", R"({"strategy": "ema_crossover_10s", "name": "again"})");
  ASSERT_EQ(created.status, 201) << created.body;
  ASSERT_TRUE(run.wait_for_output("subscribing to BTCUSDT", 30s)) << run.output();
  run.signal(SIGINT);
  EXPECT_EQ(run.wait_exit(30s), 0) << run.output();
  EXPECT_EQ(run.output().find("malformed"), std::string::npos) << run.output();
}

// Feed health's message rate is the last 10 s of wall time: right within seconds of a connect, and
// 0 within the window once the server is gone (it used to roll only when a message arrived, so an
// outage kept reading the last busy rate, and the first 10 s read 0).
TEST(LiveFeedE2E, TheMessageRateIsRightAfterAConnectAndFallsToZeroWhenTheServerGoes) {
  auto dir = make_temp_dir("live-rate");
  child_process server({binary(), "replay-server", "--data", shared_data(stream), "--speed", "1", "--port", "0"});
  ASSERT_TRUE(server.wait_for_output("listening on", 30s)) << server.output();
  auto port = port_of(server.output());
  std::string config = dir + "/papertrader.yaml";
  std::ofstream(config) << "database: " << dir << "/pt.db\n"
                        << "api: {tokens: [{token: read-token-1, role: read}]}\n"
                        << "sessions:\n  - {name: only, strategy: " << source_file("config/strategies/ema_crossover_10s.yaml")
                        << "}\n";
  child_process run({binary(), "run", "--config", config, "--live-url", "ws://127.0.0.1:" + port, "--rest-url",
                     "http://127.0.0.1:" + port, "--listen", "127.0.0.1:0", "--no-warmup"});
  ASSERT_TRUE(run.wait_for_output("api listening on", 30s)) << run.output();
  std::smatch m;
  std::string out = run.output();
  ASSERT_TRUE(std::regex_search(out, m, std::regex(R"(api listening on 127\.0\.0\.1:(\d+))"))) << out;
  auto api = static_cast<uint16_t>(std::stoi(m[1]));
  struct health_read {
    std::string state;
    int64_t messages = 0;
    double per_s = -1;
  };
  auto read = [&]() {
    health_read h;
    auto r = http_call(api, "GET", "/api/v1/market/BTCUSDT", "", {{"Authorization", "Bearer read-token-1"}});
    rapidjson::Document d;
    if (r.status != 200 || d.Parse(r.body.c_str()).HasParseError() || !d.IsObject() || !d.HasMember("live_feed"))
      return h;
    const auto& f = d["live_feed"];
    if (f.IsNull()) // the connector is not started yet
      return h;
    if (!f.IsObject() || !f.HasMember("state") || !f["state"].IsString() || !f.HasMember("messages") ||
        !f["messages"].IsInt64() || !f.HasMember("messages_per_s") || !f["messages_per_s"].IsNumber()) {
      ADD_FAILURE() << "unexpected market answer: " << r.body;
      return h;
    }
    h.state = f["state"].GetString();
    h.messages = f["messages"].GetInt64();
    h.per_s = f["messages_per_s"].GetDouble();
    return h;
  };
  // Within a few seconds of the first message the rate is there (the recording sends tens a second).
  auto connected_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(eventually([&] { return read().messages > 0; }, 30s)) << run.output();
  health_read flowing;
  ASSERT_TRUE(eventually([&] { flowing = read(); return flowing.per_s > 1.0; }, 6s))
      << "messages " << flowing.messages << ", rate " << flowing.per_s;
  EXPECT_LT(std::chrono::steady_clock::now() - connected_at, 10s) << "the rate took a whole window to show";
  // The server goes away: within the 10 s window (and some slack) the rate reads 0.
  server.signal(SIGKILL);
  server.wait_exit(30s);
  health_read gone;
  ASSERT_TRUE(eventually([&] { gone = read(); return gone.per_s == 0.0; }, 15s, 200ms))
      << "state " << gone.state << ", rate " << gone.per_s << " long after the server went";
  EXPECT_NE(gone.state, "connected");
  run.signal(SIGINT);
  EXPECT_EQ(run.wait_exit(30s), 0) << run.output();
}

TEST(RecordE2E, RecordingTheReplayServerGivesBackTheRecordingAndReplaysTheSame) {
  auto dir = make_temp_dir("record");
  child_process server({binary(), "replay-server", "--data", shared_data(stream), "--speed", "max", "--port", "0"});
  ASSERT_TRUE(server.wait_for_output("listening on", 30s)) << server.output();
  std::string out = dir + "/binance-spot-BTCUSDT-recorded.txt.gz";
  auto port = port_of(server.output());
  auto rec = run_command(binary() + " record --symbols btcusdt --out " + out + " --live-url ws://127.0.0.1:" + port +
                           " --rest-url http://127.0.0.1:" + port + " --exit-at-end",
                         dir);
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  EXPECT_NE(rec.err.find("BTCUSDT order book in sync"), std::string::npos) << rec.err;
  // Every combined-stream line of the source, JSON byte for byte, in order, each with a receive
  // time in ns; and, where the connector fetched it, the REST snapshot that synced the book
  // (the server's is the source's own).
  line_reader source(shared_data(stream)), recorded(out);
  std::string a, b, source_snapshot, recorded_snapshot;
  int64_t lines = 0;
  auto next_recorded = [&]() {
    while (recorded.next(b)) {
      auto json = b.substr(b.find(' ') + 1);
      if (json.rfind("{\"stream\"", 0) == 0)
        return true;
      EXPECT_TRUE(recorded_snapshot.empty()) << "a second snapshot: " << json.substr(0, 60);
      recorded_snapshot = json;
    }
    return false;
  };
  while (source.next(a)) {
    auto json = a.substr(a.find(' ') + 1);
    if (json.rfind("{\"stream\"", 0) != 0) {
      source_snapshot = json;
      continue;
    }
    ASSERT_TRUE(next_recorded()) << "recording ends after " << lines << " lines";
    auto space = b.find(' ');
    ASSERT_EQ(space, 19u) << b.substr(0, 40); // ns since the epoch: 19 digits
    ASSERT_EQ(b.substr(space + 1), json) << "line " << lines + 1;
    ++lines;
  }
  EXPECT_FALSE(next_recorded());
  EXPECT_EQ(lines, 99'573);
  EXPECT_FALSE(source_snapshot.empty());
  EXPECT_EQ(recorded_snapshot, source_snapshot);
  // And the recording backtests like the original.
  auto strategy = source_file("config/strategies/ema_crossover_10s.yaml");
  auto original = run_command(binary() + " backtest --data " + shared_data(stream) + " --strategy " + strategy, dir);
  auto again = run_command(binary() + " backtest --data " + out + " --strategy " + strategy, dir);
  ASSERT_EQ(original.exit_code, 0) << original.err;
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, original.out);
}

} // namespace
} // namespace pt::test
