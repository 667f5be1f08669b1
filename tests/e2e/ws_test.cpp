// WebSocket push (`GET /api/v1/ws`) of a real `papertrader run` replaying the recorded BTCUSDT
// stream at 10× (so the sessions are still running while the tests talk to it): auth on the
// upgrade, session summaries, market tops, bad messages, and a pause seen as a push.

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <regex>
#include <string>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "tests/support/child_process.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/ws_client.hpp"

namespace pt::test {
namespace {

namespace fs = std::filesystem;

const std::string admin = "ws-admin-token";
const std::string reader = "ws-read-token";
constexpr auto wait_limit = std::chrono::seconds(30);

/// A connection and the checks every message gets: valid JSON, a type, a seq one past the last.
struct push_client {
  ws_client ws;
  int64_t last_seq = 0;

  // Reads until `want` holds for a message (which is returned) or `wait_limit` passes (null).
  std::unique_ptr<rapidjson::Document> until(const std::function<bool(const rapidjson::Document&)>& want,
                                             std::chrono::seconds limit = wait_limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      auto text = ws.read(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
      if (!text)
        break;
      auto d = std::make_unique<rapidjson::Document>();
      d->Parse(text->c_str());
      EXPECT_FALSE(d->HasParseError()) << *text;
      if (d->HasParseError() || !d->IsObject() || !d->HasMember("seq") || !d->HasMember("type")) {
        ADD_FAILURE() << "not a push message: " << *text;
        return nullptr;
      }
      EXPECT_EQ((*d)["seq"].GetInt64(), last_seq + 1) << *text;
      last_seq = (*d)["seq"].GetInt64();
      if (want(*d))
        return d;
    }
    ADD_FAILURE() << "no such message within the time limit (" << ws.error() << ")";
    return nullptr;
  }

  static bool of_type(const rapidjson::Document& d, const char* type) { return d["type"] == rapidjson::StringRef(type); }
};

class WsE2E : public testing::Test {
protected:
  static void SetUpTestSuite() {
    dir_ = make_temp_dir("ws-e2e");
    fs::create_directories(dir_ + "/strategies");
    fs::copy_file(source_file("config/strategies/ema_crossover_10s.yaml"), dir_ + "/strategies/ema.yaml");
    std::ofstream(dir_ + "/papertrader.yaml")
      << "database: " << dir_ << "/pt.db\n"
      << "api:\n  tokens: [{token: " << admin << ", role: admin}, {token: " << reader << ", role: read}]\n"
      << "  rate_per_s: 1000\n  burst: 1000\n"
      << "defaults: {initial_cash: 10000, taker_fee_bps: 10, slippage_bps: 0, qty_step: 0.00001}\n"
      << "sessions:\n  - {name: ema, strategy: strategies/ema.yaml}\n";
    proc_ = std::make_unique<child_process>(std::vector<std::string>{
      binary(), "run", "--config", dir_ + "/papertrader.yaml", "--replay",
      shared_data("streams/binance-spot-BTCUSDT-2024-08-08T2354Z_2024-08-09T0005Z.txt.gz"), "--speed", "10",
      "--listen", "127.0.0.1:0"});
    ASSERT_TRUE(proc_->wait_for_output("api listening on", std::chrono::seconds(60))) << proc_->output();
    std::smatch m;
    const std::string out = proc_->output();
    ASSERT_TRUE(std::regex_search(out, m, std::regex(R"(api listening on 127\.0\.0\.1:(\d+))"))) << out;
    port_ = static_cast<uint16_t>(std::stoi(m[1]));
  }

  static void TearDownTestSuite() {
    if (proc_) {
      proc_->signal(SIGINT);
      EXPECT_EQ(proc_->wait_exit(std::chrono::seconds(60)), 0) << proc_->output();
    }
    proc_.reset();
  }

  // A connection with the admin token in the query, past its `connected` status message.
  static std::unique_ptr<push_client> connected() {
    auto c = std::make_unique<push_client>();
    EXPECT_TRUE(c->ws.connect(port_, "/api/v1/ws?token=" + admin)) << c->ws.error();
    auto hello = c->until([](auto& d) { return push_client::of_type(d, "status"); });
    EXPECT_TRUE(hello && (*hello)["state"] == "connected");
    return c;
  }

  static void subscribe(push_client& c, const std::string& channel) {
    ASSERT_TRUE(c.ws.send("{\"op\":\"subscribe\",\"channels\":[\"" + channel + "\"]}"));
    auto ack = c.until([](auto& d) { return push_client::of_type(d, "status"); });
    ASSERT_TRUE(ack);
    EXPECT_EQ((*ack)["state"], "subscribed");
  }

  static inline std::string dir_;
  static inline std::unique_ptr<child_process> proc_;
  static inline uint16_t port_ = 0;
};

TEST_F(WsE2E, TheUpgradeNeedsAToken) {
  ws_client none;
  EXPECT_FALSE(none.connect(port_, "/api/v1/ws"));
  EXPECT_EQ(none.http_status(), 401);
  ws_client wrong;
  EXPECT_FALSE(wrong.connect(port_, "/api/v1/ws?token=not-a-token"));
  EXPECT_EQ(wrong.http_status(), 401);
  ws_client header, query;
  EXPECT_TRUE(header.connect(port_, "/api/v1/ws", reader)) << header.error();
  EXPECT_TRUE(query.connect(port_, "/api/v1/ws?token=" + reader)) << query.error();
  // A plain GET of the endpoint is not an upgrade.
  EXPECT_EQ(http_get(port_, "/api/v1/ws", admin).status, 426);
}

TEST_F(WsE2E, SessionsChannelCarriesGrowingSummaries) {
  auto c = connected();
  subscribe(*c, "sessions");
  int64_t first_events = -1, fills = 0;
  auto grown = c->until([&](const rapidjson::Document& d) {
    if (!push_client::of_type(d, "session"))
      return false;
    auto& s = d["session"];
    EXPECT_EQ(s["id"].GetInt64(), 1);
    EXPECT_TRUE(std::regex_match(std::string(s["equity"].GetString()), std::regex(R"(-?\d+\.\d{8})")));
    EXPECT_GE(s["fills"].GetInt64(), fills);
    fills = s["fills"].GetInt64();
    if (first_events < 0)
      first_events = s["events"].GetInt64();
    return s["events"].GetInt64() > first_events && s["status"] == "running";
  });
  ASSERT_TRUE(grown) << proc_->output();
}

TEST_F(WsE2E, MarketChannelCarriesTheTopOfTheBook) {
  auto c = connected();
  subscribe(*c, "market:BTCUSDT");
  auto top = c->until([](const rapidjson::Document& d) {
    return push_client::of_type(d, "market") && d.HasMember("bid") && d.HasMember("ask");
  });
  ASSERT_TRUE(top);
  EXPECT_EQ((*top)["symbol"], "BTCUSDT");
  EXPECT_LT(std::stod((*top)["bid"].GetString()), std::stod((*top)["ask"].GetString()));
}

TEST_F(WsE2E, BadMessagesGetErrorsAndTheConnectionStays) {
  auto c = connected();
  for (std::string bad : {"not json", "[1,2]", "{\"op\":\"fly\"}", "{\"op\":\"subscribe\",\"channels\":[\"nope\"]}",
                          "{\"op\":\"subscribe\"}"}) {
    ASSERT_TRUE(c->ws.send(bad));
    auto err = c->until([](auto& d) { return push_client::of_type(d, "error"); });
    ASSERT_TRUE(err) << bad;
    EXPECT_TRUE((*err)["error"]["code"].IsString()) << bad;
  }
  ASSERT_TRUE(c->ws.send("{\"op\":\"ping\"}"));
  EXPECT_TRUE(c->until([](auto& d) { return push_client::of_type(d, "pong"); }));
  EXPECT_TRUE(c->ws.open());
}

TEST_F(WsE2E, APauseIsPushedToTheSessionChannel) {
  auto c = connected();
  subscribe(*c, "session:1");
  ASSERT_TRUE(c->until([](auto& d) { return push_client::of_type(d, "session"); }));
  auto r = http_call(port_, "POST", "/api/v1/sessions/1/pause", "", {{"Authorization", "Bearer " + admin}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto paused = c->until([](const rapidjson::Document& d) {
    return push_client::of_type(d, "session") && d["session"]["status"] == "paused";
  });
  ASSERT_TRUE(paused);
  EXPECT_EQ((*paused)["channel"], "session:1");
  auto resumed = http_call(port_, "POST", "/api/v1/sessions/1/resume", "", {{"Authorization", "Bearer " + admin}});
  EXPECT_EQ(resumed.status, 200) << resumed.body;
}

TEST_F(WsE2E, AClientThatDoesNotReadHoldsNobodyBack) {
  auto slow = connected();
  subscribe(*slow, "market:BTCUSDT");
  ASSERT_TRUE(slow->ws.send("{\"op\":\"subscribe\",\"channels\":[\"sessions\"]}"));
  // While `slow` reads nothing, another client keeps getting market messages and the session
  // keeps processing events.
  auto fast = connected();
  subscribe(*fast, "market:BTCUSDT");
  subscribe(*fast, "session:1");
  int markets = 0;
  int64_t first_events = -1, last_events = -1;
  ASSERT_TRUE(fast->until([&](const rapidjson::Document& d) {
    if (push_client::of_type(d, "market"))
      ++markets;
    if (push_client::of_type(d, "session")) {
      last_events = d["session"]["events"].GetInt64();
      if (first_events < 0)
        first_events = last_events;
    }
    return markets >= 20 && last_events > first_events;
  }));
  // The slow one then finds its messages in order, without a gap in seq.
  EXPECT_TRUE(slow->until([](auto& d) { return push_client::of_type(d, "market"); }));
  EXPECT_TRUE(slow->ws.open());
}

TEST_F(WsE2E, FillsArePushedToTheSessionChannelOnceStored) {
  auto c = connected();
  subscribe(*c, "session:1");
  // The next fill of the replay (its crossovers come every few bars; the whole replay lasts
  // about a minute at 10x), after its decision and its order update.
  bool order = false, decision = false;
  auto pushed = c->until(
    [&](const rapidjson::Document& d) {
      if (push_client::of_type(d, "order")) {
        order = true;
        EXPECT_GE(d["order"]["order_id"].GetInt64(), 1);
      }
      if (push_client::of_type(d, "decision")) {
        decision = true;
        EXPECT_TRUE(d["decision"]["rule"].IsString());
      }
      return push_client::of_type(d, "fill");
    },
    std::chrono::seconds(90));
  ASSERT_TRUE(pushed) << proc_->output();
  EXPECT_TRUE(order) << "no order update before the fill";
  EXPECT_TRUE(decision) << "no decision before the fill";
  EXPECT_EQ((*pushed)["channel"], "session:1");
  EXPECT_EQ((*pushed)["session_id"].GetInt64(), 1);
  const auto& f = (*pushed)["fill"];
  int64_t fill_id = f["fill_id"].GetInt64();
  ASSERT_GE(fill_id, 1);
  EXPECT_TRUE(std::regex_match(std::string(f["price"].GetString()), std::regex(R"(\d+\.\d{8})")));
  // Pushed only after the commit: the fill is already readable, with the same figures.
  auto r = http_get(port_, "/api/v1/sessions/1/fills?limit=1&after=" + std::to_string(fill_id - 1), reader);
  ASSERT_EQ(r.status, 200) << r.body;
  rapidjson::Document page;
  page.Parse(r.body.c_str());
  ASSERT_EQ(page["items"].Size(), 1u) << r.body;
  const auto& stored = page["items"][0];
  EXPECT_EQ(stored["fill_id"].GetInt64(), fill_id);
  for (auto field : {"side", "price", "qty", "fee", "liquidity"})
    EXPECT_EQ(stored[field], f[field]) << field;
  EXPECT_EQ(stored["order_id"].GetInt64(), f["order_id"].GetInt64());
  EXPECT_EQ(stored["ts_event_ms"].GetInt64(), f["ts_event_ms"].GetInt64());
}

TEST_F(WsE2E, CandlesOfARunningSessionWithTheirDecisions) {
  std::string body;
  ASSERT_TRUE(eventually(
    [&] {
      auto r = http_get(port_, "/api/v1/sessions/1/candles?timeframe=10s&limit=1000", reader);
      body = r.body;
      // Until a bar carries a decision (the first crossover after the EMAs warm up).
      return r.status == 200 && body.find("\"rule\"") != std::string::npos;
    },
    std::chrono::seconds(90), std::chrono::milliseconds(100)))
    << body;
  rapidjson::Document d;
  d.Parse(body.c_str());
  EXPECT_EQ(d["session_id"].GetInt64(), 1);
  EXPECT_EQ(d["symbol"], "BTCUSDT");
  EXPECT_EQ(d["timeframe"], "10s");
  const auto& items = d["items"];
  ASSERT_GE(items.Size(), 1u);
  int64_t last_open = 0;
  size_t with_decisions = 0;
  for (rapidjson::SizeType i = 0; i < items.Size(); ++i) {
    const auto& b = items[i];
    int64_t open = b["open_time_ms"].GetInt64();
    EXPECT_EQ(open % 10000, 0);
    EXPECT_EQ(b["close_time_ms"].GetInt64(), open + 9999);
    EXPECT_GE(open, last_open); // the broadcaster can close two bars of one bucket (see the report)
    last_open = open;
    EXPECT_GE(std::stod(b["high"].GetString()), std::stod(b["low"].GetString()));
    if (i + 1 < items.Size()) { // only the last may be forming
      EXPECT_TRUE(b["closed"].GetBool());
    }
    for (auto& dec : b["decisions"].GetArray()) {
      EXPECT_GE(dec["ts_event_ms"].GetInt64(), open);
      EXPECT_LE(dec["ts_event_ms"].GetInt64(), open + 9999);
    }
    with_decisions += b["decisions"].Size() > 0 ? 1 : 0;
  }
  EXPECT_GE(with_decisions, 1u);
  auto few = http_get(port_, "/api/v1/sessions/1/candles?timeframe=10s&limit=2", reader);
  ASSERT_EQ(few.status, 200);
  rapidjson::Document f;
  f.Parse(few.body.c_str());
  EXPECT_LE(f["items"].Size(), 3u); // two closed and the forming one
  auto none = http_get(port_, "/api/v1/sessions/1/candles?timeframe=1m", reader);
  EXPECT_EQ(none.status, 404) << none.body; // the session reads 10s bars only
  EXPECT_EQ(http_get(port_, "/api/v1/sessions/1/candles?timeframe=7q", reader).status, 400);
  EXPECT_EQ(http_get(port_, "/api/v1/sessions/42/candles?timeframe=10s", reader).status, 404);
}

} // namespace
} // namespace pt::test
