// Message types survive CAF's binary serialization (what the network layer does), shared
// payloads included.

#include "actors/messages.hpp"
#include "actors/session_errc.hpp"

#include <vector>

#include <caf/all.hpp>
#include <gtest/gtest.h>

namespace pt::test {
namespace {

class Messages : public ::testing::Test {
protected:
  Messages() : system(registered(cfg)) {}

  static caf::actor_system_config& registered(caf::actor_system_config& c) {
    register_message_types(c);
    return c;
  }

  /// Serializes `x` and reads it back into a fresh value.
  template <class T>
  T round_trip(T x) {
    std::vector<char> buf;
    caf::binary_serializer sink{system, buf};
    if (auto err = sink(x))
      ADD_FAILURE() << "serialize: " << system.render(err);
    T y;
    caf::binary_deserializer source{system, buf};
    if (auto err = source(y))
      ADD_FAILURE() << "deserialize: " << system.render(err);
    return y;
  }

  caf::actor_system_config cfg;
  caf::actor_system system;
};

candle bar(int64_t open_ms, const char* close) {
  candle c;
  c.open_time_ms = open_ms;
  c.close_time_ms = open_ms + 59'999;
  c.open = c.high = c.low = c.close = *price::parse(close);
  c.volume = *quantity::parse("1.5");
  c.input_count = 3;
  return c;
}

TEST_F(Messages, MarketBatchKeepsItsEventsAndCandles) {
  market_batch b;
  b.symbol = "BTCUSDT";
  b.seq = 7;
  market_event ev;
  ev.ts_event_ms = 60'000;
  ev.data = trade{42, *price::parse("100"), *quantity::parse("0.1"), true};
  b.events = std::make_shared<const std::vector<market_event>>(std::vector<market_event>{ev, ev});
  batch_candles bc;
  bc.timeframes_ms = {60'000, 300'000};
  bc.closed.push_back({1, 60'000, bar(0, "99.5")});
  b.candles = std::make_shared<const batch_candles>(bc);
  auto got = round_trip(b);
  EXPECT_EQ(got.symbol, "BTCUSDT");
  EXPECT_EQ(got.seq, 7);
  ASSERT_EQ(batch_size(got), 2u);
  EXPECT_EQ(std::get<trade>(got.events->at(1).data).trade_id, 42);
  ASSERT_TRUE(got.candles);
  EXPECT_EQ(got.candles->timeframes_ms, bc.timeframes_ms);
  ASSERT_EQ(got.candles->closed.size(), 1u);
  EXPECT_EQ(got.candles->closed[0].event_index, 1u);
  EXPECT_EQ(got.candles->closed[0].bar.close, *price::parse("99.5"));
  EXPECT_EQ(got.candles->closed[0].bar.input_count, 3);
  b.candles.reset();
  EXPECT_FALSE(round_trip(b).candles); // no candles stays no candles
}

TEST_F(Messages, BroadcasterAnswersRoundTrip) {
  auto d = round_trip(symbol_demand{"ETHUSDT", true});
  EXPECT_EQ(d.symbol, "ETHUSDT");
  EXPECT_TRUE(d.wanted);
  auto s = round_trip(symbol_stats{"BTCUSDT", 3, 10, 5120, 1'723'161'905'000, 812.5});
  EXPECT_EQ(s.symbol, "BTCUSDT");
  EXPECT_EQ(s.subscribers, 3);
  EXPECT_EQ(s.batches, 10);
  EXPECT_EQ(s.events, 5120);
  EXPECT_EQ(s.last_event_ms, 1'723'161'905'000);
  EXPECT_EQ(s.events_per_second, 812.5);
  candle_history h;
  h.symbol = "BTCUSDT";
  h.timeframe_ms = 60'000;
  h.closed = {bar(0, "1"), bar(60'000, "2")};
  h.has_forming = true;
  h.forming = bar(120'000, "3");
  auto g = round_trip(h);
  ASSERT_EQ(g.closed.size(), 2u);
  EXPECT_EQ(g.closed[1].close, *price::parse("2"));
  EXPECT_TRUE(g.has_forming);
  EXPECT_EQ(g.forming.open_time_ms, 120'000);
}

TEST_F(Messages, SessionSummaryRoundTrips) {
  session_summary s;
  s.session_id = 3;
  s.name = "btc-ema";
  s.strategy = "ema-crossover";
  s.symbol = "BTCUSDT";
  s.status = session_status::failed;
  s.failure = "boom";
  s.account.cash = *money::parse("9500.5");
  s.account.position_qty = *quantity::parse("0.01");
  s.fills = 4;
  s.events = 1234;
  s.max_drawdown = 0.125;
  s.last_event_ms = 1'723'161'255'342;
  auto t = round_trip(s);
  EXPECT_EQ(t.session_id, 3);
  EXPECT_EQ(t.name, "btc-ema");
  EXPECT_EQ(t.strategy, "ema-crossover");
  EXPECT_EQ(t.symbol, "BTCUSDT");
  EXPECT_EQ(t.status, session_status::failed);
  EXPECT_EQ(t.failure, "boom");
  EXPECT_EQ(t.account.cash, s.account.cash);
  EXPECT_EQ(t.account.position_qty, s.account.position_qty);
  EXPECT_EQ(t.fills, 4);
  EXPECT_EQ(t.events, 1234);
  EXPECT_EQ(t.max_drawdown, 0.125);
  EXPECT_EQ(t.last_event_ms, s.last_event_ms);
}

TEST_F(Messages, OrderRoundTripsWithItsFillReport) {
  order o;
  o.order_id = 5;
  o.ts_event_ms = 1'723'161'255'342;
  o.order_side = side::sell;
  o.qty = *quantity::parse("0.25");
  o.type = order_type::limit;
  o.tif = time_in_force::ioc;
  o.limit_px = *price::parse("61000.5");
  fill_report rep;
  rep.order_id = 5;
  rep.arrival_px = *price::parse("61001");
  rep.slippage_bps = -0.75;
  rep.filled_qty = *quantity::parse("0.1");
  rep.maker_qty = *quantity::parse("0.04");
  rep.taker_qty = *quantity::parse("0.06");
  rep.fees = *money::parse("6.1");
  rep.time_to_fill_ms = 1500;
  rep.queue_at_placement = *quantity::parse("3.5");
  o.report = rep;
  o.status = exec_status::partially_filled;
  o.reason = reject_reason::none;
  auto t = round_trip(o);
  EXPECT_EQ(t.order_id, 5);
  EXPECT_EQ(t.order_side, side::sell);
  EXPECT_EQ(t.status, exec_status::partially_filled);
  EXPECT_EQ(t.tif, std::optional<time_in_force>(time_in_force::ioc));
  EXPECT_EQ(t.limit_px, o.limit_px);
  EXPECT_FALSE(t.stop_px);
  ASSERT_TRUE(t.report);
  EXPECT_EQ(t.report->order_id, 5);
  EXPECT_EQ(t.report->arrival_px, rep.arrival_px);
  EXPECT_FALSE(t.report->avg_px); // none before a fill stays none
  EXPECT_EQ(t.report->slippage_bps, -0.75);
  EXPECT_EQ(t.report->filled_qty, rep.filled_qty);
  EXPECT_EQ(t.report->maker_qty, rep.maker_qty);
  EXPECT_EQ(t.report->taker_qty, rep.taker_qty);
  EXPECT_EQ(t.report->fees, rep.fees);
  EXPECT_EQ(t.report->time_to_fill_ms, 1500);
  EXPECT_EQ(t.report->queue_at_placement, rep.queue_at_placement);
  o.report.reset();
  EXPECT_FALSE(round_trip(o).report); // no report stays no report
}

TEST_F(Messages, PersistBatchKeepsItsOptionalStatusAndCommand) {
  persist_batch b;
  b.session_id = 9;
  b.status = session_status::paused;
  b.command = session_command::resume;
  b.feed_events = 42;
  auto t = round_trip(b);
  EXPECT_EQ(t.session_id, 9);
  EXPECT_EQ(t.status, std::optional<session_status>(session_status::paused));
  EXPECT_EQ(t.command, std::optional<session_command>(session_command::resume));
  EXPECT_EQ(t.feed_events, 42);
  auto unchanged = round_trip(persist_batch{});
  EXPECT_FALSE(unchanged.status);
  EXPECT_FALSE(unchanged.command);
}

TEST_F(Messages, SessionErrorsHaveTheirCategoryAndRenderWithTheirContext) {
  caf::error e = make_error(session_errc::invalid_transition, "session 2 is stopped");
  EXPECT_EQ(e.category(), caf::atom("session"));
  EXPECT_EQ(e.code(), 2);
  EXPECT_TRUE(e == session_errc::invalid_transition);
  EXPECT_EQ(system.render(e), "session: invalid_transition: session 2 is stopped");
  EXPECT_EQ(system.render(make_error(session_errc::unknown_session)), "session: unknown_session");
  auto back = round_trip(e);
  EXPECT_TRUE(back == session_errc::invalid_transition);
}

} // namespace
} // namespace pt::test
