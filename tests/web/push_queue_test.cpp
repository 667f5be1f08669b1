// The WebSocket push plumbing without a network: the per-client coalescing queue, the channel
// names, the messages and the registry's fan-out and market demand.

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "web/api/push.hpp"

namespace pt::test {
namespace {

push_ptr msg(const std::string& key, int n) {
  return std::make_shared<const push_message>(push_message{key, "{\"n\":" + std::to_string(n) + "}"});
}

int n_of(const push_ptr& m) {
  rapidjson::Document d;
  d.Parse(m->json.c_str());
  return d["n"].GetInt();
}

TEST(PushQueue, BelowCapacityEverythingIsKeptInOrder) {
  push_queue q(4);
  q.push(msg("market:BTCUSDT", 1));
  q.push(msg("market:BTCUSDT", 2));
  q.push(msg("session:1", 3));
  ASSERT_EQ(q.size(), 3u);
  EXPECT_EQ(n_of(q.pop()), 1);
  EXPECT_EQ(n_of(q.pop()), 2);
  EXPECT_EQ(n_of(q.pop()), 3);
  EXPECT_EQ(q.pop(), nullptr);
  EXPECT_EQ(q.coalesced(), 0);
  EXPECT_EQ(q.dropped(), 0);
}

TEST(PushQueue, WhenFullANewerMessageReplacesTheOldestOfItsChannel) {
  push_queue q(3);
  q.push(msg("market:BTCUSDT", 1));
  q.push(msg("session:1", 2));
  q.push(msg("market:BTCUSDT", 3));
  q.push(msg("session:1", 4)); // replaces 2
  q.push(msg("market:BTCUSDT", 5)); // replaces 1
  EXPECT_EQ(q.coalesced(), 2);
  EXPECT_EQ(q.dropped(), 0);
  std::vector<int> order;
  while (auto m = q.pop())
    order.push_back(n_of(m));
  EXPECT_EQ(order, (std::vector<int>{3, 4, 5}));
}

TEST(PushQueue, WhenFullWithNothingToCoalesceTheOldestIsDroppedAndCounted) {
  push_queue q(2);
  q.push(msg("market:BTCUSDT", 1));
  q.push(msg("session:1", 2));
  q.push(msg("", 3));                // an ack: no channel, drops 1
  q.push(msg("market:ETHUSDT", 4));  // drops 2
  q.push(msg("", 5));                // never coalesced: drops 3
  EXPECT_EQ(q.dropped(), 3);
  EXPECT_EQ(q.coalesced(), 0);
  EXPECT_EQ(n_of(q.pop()), 4);
  EXPECT_EQ(n_of(q.pop()), 5);
}

TEST(PushQueue, AFloodOfOneChannelKeepsTheNewestAndStaysBounded) {
  push_queue q(256);
  for (int i = 0; i < 100000; ++i)
    q.push(msg("market:BTCUSDT", i));
  EXPECT_EQ(q.size(), 256u);
  EXPECT_EQ(q.coalesced(), 100000 - 256);
  int last = -1;
  while (auto m = q.pop())
    last = n_of(m);
  EXPECT_EQ(last, 99999);
}

TEST(PushMessages, SeqIsStampedFirst) {
  EXPECT_EQ(stamp_seq(push_message{"", "{\"type\":\"pong\"}"}, 7), "{\"seq\":7,\"type\":\"pong\"}");
  EXPECT_EQ(stamp_seq(push_message{"", "{}"}, 1), "{\"seq\":1}");
}

TEST(PushMessages, ChannelNames) {
  for (auto ok : {"sessions", "session:1", "session:42", "market:BTCUSDT", "market:1INCHUSDT"})
    EXPECT_TRUE(valid_channel(ok)) << ok;
  for (auto bad : {"", "session", "session:", "session:0", "session:-1", "session:01", "session:x", "market:",
                   "market:btcusdt", "market:BTC-USDT", "markets", "market:ABCDEFGHIJKLMNOPQRSTU"})
    EXPECT_FALSE(valid_channel(bad)) << bad;
}

TEST(PushMessages, AMarketMessageHasTheLastTopAndTradeOfTheBatch) {
  auto events = std::make_shared<std::vector<market_event>>();
  events->push_back({1000, trade{1, *price::parse("60000"), *quantity::parse("0.1"), false}});
  events->push_back({1001, book_ticker{5, *price::parse("60000.5"), *quantity::parse("1"), *price::parse("60001"),
                                       *quantity::parse("2")}});
  events->push_back({1002, trade{2, *price::parse("60001"), *quantity::parse("0.2"), true}});
  market_batch b{"BTCUSDT", 9, events, nullptr};
  auto m = market_message(b);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->key, "market:BTCUSDT");
  rapidjson::Document d;
  d.Parse(m->json.c_str());
  ASSERT_FALSE(d.HasParseError()) << m->json;
  EXPECT_STREQ(d["type"].GetString(), "market");
  EXPECT_STREQ(d["bid"].GetString(), "60000.50000000");
  EXPECT_STREQ(d["ask"].GetString(), "60001.00000000");
  EXPECT_EQ(d["events"].GetInt(), 3);
  EXPECT_EQ(d["last_trade"]["id"].GetInt(), 2);
  EXPECT_STREQ(d["last_trade"]["aggressor"].GetString(), "sell");
  // Rendered just now, in µs since the epoch: clients measure their delivery lag against it.
  auto now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                  std::chrono::system_clock::now().time_since_epoch()).count();
  ASSERT_TRUE(d.HasMember("server_ts_us")) << m->json;
  EXPECT_LE(d["server_ts_us"].GetInt64(), now_us);
  EXPECT_GT(d["server_ts_us"].GetInt64(), now_us - 60'000'000);
  EXPECT_EQ(market_message(market_batch{"BTCUSDT", 1, std::make_shared<std::vector<market_event>>(), nullptr}),
            nullptr);
}

/// A sink that keeps what it is given.
struct kept : push_sink {
  std::vector<push_ptr> got;
  void deliver(push_ptr m) override { got.push_back(std::move(m)); }
};

TEST(PushRegistry, FansOutByChannelAndTellsMarketDemandOnce) {
  std::vector<std::pair<std::string, bool>> demand;
  push_registry reg([&](const std::string& s, bool wanted) { demand.emplace_back(s, wanted); });
  auto a = std::make_shared<kept>(), b = std::make_shared<kept>();
  auto ia = reg.add(a), ib = reg.add(b);
  session_summary s1;
  s1.session_id = 1;
  s1.status = session_status::running;
  reg.publish_session(s1); // nobody subscribed yet: stored only
  reg.subscribe(ia, "sessions");
  ASSERT_EQ(a->got.size(), 1u) << "the current summary on subscribe";
  reg.subscribe(ib, "session:2");
  s1.status = session_status::paused;
  reg.publish_session(s1);
  EXPECT_EQ(a->got.size(), 2u);
  EXPECT_TRUE(b->got.empty());
  reg.subscribe(ia, "market:BTCUSDT");
  reg.subscribe(ib, "market:BTCUSDT");
  reg.subscribe(ib, "market:BTCUSDT"); // twice: no-op
  reg.publish_market("BTCUSDT", msg("market:BTCUSDT", 1));
  EXPECT_EQ(a->got.size(), 3u);
  EXPECT_EQ(b->got.size(), 1u);
  reg.unsubscribe(ia, "market:BTCUSDT");
  EXPECT_EQ(reg.channels(ia), (std::vector<std::string>{"sessions"}));
  reg.remove(ib);
  EXPECT_EQ(demand, (std::vector<std::pair<std::string, bool>>{{"BTCUSDT", true}, {"BTCUSDT", false}}));
  b.reset(); // a gone sink is skipped
  reg.publish_market("BTCUSDT", msg("market:BTCUSDT", 2));
  EXPECT_EQ(a->got.size(), 3u);
}

TEST(PushMessages, DeniedOrderCarriesItsStatusAndReason) {
  session_activity a;
  a.session_id = 3;
  order o;
  o.order_id = 8;
  o.status = exec_status::denied;
  o.reason = reject_reason::zero_quantity;
  a.orders.push_back(o);
  auto ms = activity_messages(a);
  ASSERT_EQ(ms.size(), 1u);
  rapidjson::Document d;
  d.Parse(ms[0]->json.c_str());
  ASSERT_FALSE(d.HasParseError()) << ms[0]->json;
  EXPECT_EQ(d["order"]["status"], "DENIED");
  EXPECT_EQ(d["order"]["reject_reason"], "ZERO_QUANTITY");
}

TEST(PushMessages, ActivityIsTypedCauseFirstAndGoesToItsSessionChannelOnly) {
  session_activity a;
  a.session_id = 3;
  order o;
  o.order_id = 7;
  o.ts_event_ms = 1000;
  o.qty = quantity::from_raw(15000000);
  o.status = exec_status::filled;
  fill_report report;
  report.arrival_px = price::from_units(61240);
  report.avg_px = price::from_units(61234);
  report.slippage_bps = 0.98;
  report.time_to_fill_ms = 40;
  o.report = report;
  a.orders.push_back(o);
  fill f;
  f.fill_id = 4;
  f.reference_px = price::from_units(61240);
  f.order_id = 7;
  f.ts_event_ms = 1000;
  f.fill_side = side::sell;
  f.px = price::from_units(61234);
  f.qty = quantity::from_raw(15000000);
  f.fee = money::from_raw(918510000);
  a.fills.push_back(f);
  a.decisions.push_back({1000, "exit", "ema_fast=1, ema_slow=2", "sell 0.15 submitted", 7});
  auto ms = activity_messages(a);
  ASSERT_EQ(ms.size(), 3u);
  std::vector<std::string> types;
  for (auto& m : ms) {
    rapidjson::Document d;
    d.Parse(m->json.c_str());
    ASSERT_FALSE(d.HasParseError()) << m->json;
    EXPECT_EQ(d["channel"], "session:3");
    EXPECT_EQ(d["session_id"].GetInt64(), 3);
    EXPECT_TRUE(m->key.empty()) << "events never coalesce";
    types.push_back(d["type"].GetString());
    if (types.back() == "fill") {
      EXPECT_EQ(d["fill"]["fill_id"].GetInt64(), 4);
      EXPECT_EQ(d["fill"]["side"], "sell");
      EXPECT_EQ(d["fill"]["price"], "61234.00000000");
      EXPECT_EQ(d["fill"]["qty"], "0.15000000");
      EXPECT_EQ(d["fill"]["fee"], "9.18510000");
      EXPECT_EQ(d["fill"]["liquidity"], "taker");
      EXPECT_EQ(d["fill"]["reference_px"], "61240.00000000");
    } else if (types.back() == "order") {
      EXPECT_EQ(d["order"]["status"], "FILLED");
      EXPECT_TRUE(d["order"]["reject_reason"].IsNull());
      ASSERT_TRUE(d["order"].HasMember("report")) << m->json;
      EXPECT_EQ(d["order"]["report"]["arrival_px"], "61240.00000000");
      EXPECT_EQ(d["order"]["report"]["avg_px"], "61234.00000000");
      EXPECT_DOUBLE_EQ(d["order"]["report"]["slippage_bps"].GetDouble(), 0.98);
      EXPECT_EQ(d["order"]["report"]["time_to_fill_ms"].GetInt64(), 40);
      EXPECT_FALSE(d["order"]["report"].HasMember("status")) << "one status: the order's own";
    } else {
      EXPECT_EQ(d["decision"]["order_id"].GetInt64(), 7);
    }
  }
  EXPECT_EQ(types, (std::vector<std::string>{"decision", "order", "fill"}));

  push_registry reg([](const std::string&, bool) {});
  auto mine = std::make_shared<kept>(), all = std::make_shared<kept>(), other = std::make_shared<kept>();
  reg.subscribe(reg.add(mine), "session:3");
  reg.subscribe(reg.add(all), "sessions");
  reg.subscribe(reg.add(other), "session:4");
  reg.publish_activity(a);
  EXPECT_EQ(mine->got.size(), 3u);
  EXPECT_TRUE(all->got.empty());
  EXPECT_TRUE(other->got.empty());
}

} // namespace
} // namespace pt::test
