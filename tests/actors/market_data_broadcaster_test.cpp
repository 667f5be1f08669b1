// The broadcaster: candles built once per (symbol, timeframe) equal a plain aggregator's whatever
// the batching, symbol demand notifications for the feed control, and per-symbol statistics.

#include "actors/market_data_broadcaster.hpp"

#include <chrono>
#include <map>

#include <caf/all.hpp>
#include <gtest/gtest.h>

#include "feeds/market_file.hpp"
#include "actors/messages.hpp"
#include "tests/support/process.hpp"
#include "tests/support/recorded_events.hpp"

namespace pt::test {
namespace {

constexpr auto timeout = std::chrono::seconds(30);
constexpr int64_t m1 = 60'000, m5 = 300'000;

/// A bar and the index, in the whole event stream, of the event that closed it.
using indexed_bars = std::vector<std::pair<size_t, candle>>;

/// A subscriber that keeps the broadcaster's bars of each timeframe, with their stream index.
struct collector_state {
  std::map<int64_t, indexed_bars> bars;
  size_t events_seen = 0;
};

caf::behavior collector(caf::stateful_actor<collector_state>* self) {
  return {
    [self](const market_batch& b) {
      if (b.candles)
        for (auto& c : b.candles->closed)
          self->state.bars[c.timeframe_ms].emplace_back(self->state.events_seen + c.event_index, c.bar);
      self->state.events_seen += batch_size(b);
    },
    [self](candles_atom, int64_t tf) {
      std::vector<candle> out;
      std::vector<uint64_t> index;
      for (auto& [i, c] : self->state.bars[tf]) {
        index.push_back(i);
        out.push_back(c);
      }
      return caf::make_message(std::move(index), std::move(out));
    },
    [](end_data_atom) {},
  };
}

bool same(const candle& a, const candle& b) {
  return a.open_time_ms == b.open_time_ms && a.close_time_ms == b.close_time_ms && a.open == b.open &&
         a.high == b.high && a.low == b.low && a.close == b.close && a.volume == b.volume &&
         a.input_count == b.input_count;
}

class Broadcaster : public ::testing::Test {
protected:
  Broadcaster() : system(registered(cfg)), self(system), bcast(system.spawn(market_data_broadcaster)) {}
  ~Broadcaster() override { self->send_exit(bcast, caf::exit_reason::user_shutdown); }

  static caf::actor_system_config& registered(caf::actor_system_config& c) {
    register_message_types(c);
    return c;
  }

  /// Sends `xs` to the broadcaster and waits for its `ok_atom`.
  template <class... Ts>
  void ask_ok(Ts&&... xs) {
    self->request(bcast, timeout, std::forward<Ts>(xs)...)
      .receive([](ok_atom) {}, [&](caf::error& e) { ADD_FAILURE() << system.render(e); });
  }

  void feed(const std::vector<market_event>& events, std::vector<size_t> sizes, const std::string& symbol = "BTCUSDT") {
    size_t pos = 0, which = 0;
    while (pos < events.size()) {
      size_t n = std::min(sizes[which++ % sizes.size()], events.size() - pos);
      market_batch b;
      b.symbol = symbol;
      b.events = std::make_shared<const std::vector<market_event>>(events.begin() + static_cast<long>(pos),
                                                                   events.begin() + static_cast<long>(pos + n));
      pos += n;
      ask_ok(std::move(b));
    }
  }

  /// The next symbol_demand sent to `self`, or a failure after `timeout`.
  symbol_demand next_demand() {
    symbol_demand d{"(none within the timeout)", false};
    self->receive([&](symbol_demand& got) { d = got; }, caf::after(timeout) >> [] {});
    return d;
  }

  caf::actor_system_config cfg;
  caf::actor_system system;
  caf::scoped_actor self;
  broadcaster_actor bcast;
};

TEST_F(Broadcaster, CandlesOfEveryTimeframeEqualAPlainAggregatorsWhateverTheBatching) {
  auto events = btc_trades();
  ASSERT_GT(events.size(), 19'000u);
  std::map<int64_t, indexed_bars> expected;
  std::map<int64_t, candle_aggregator> plain{{m1, candle_aggregator(m1)}, {m5, candle_aggregator(m5)}};
  std::vector<candle> closed;
  for (size_t i = 0; i < events.size(); ++i)
    for (auto& [tf, agg] : plain) {
      closed.clear();
      agg.on_event(events[i], closed);
      for (auto& c : closed)
        expected[tf].emplace_back(i, c);
    }
  ASSERT_GE(expected[m1].size(), 10u);
  ASSERT_GE(expected[m5].size(), 2u);
  for (auto sizes : {std::vector<size_t>{1}, std::vector<size_t>{7, 256, 1, 33}, std::vector<size_t>{events.size()}}) {
    auto sub = system.spawn(collector);
    // One subscriber asks for 1m, another for 1m and 5m: still one aggregator per timeframe.
    auto other = system.spawn(collector);
    ask_ok(subscribe_atom::value, std::string("BTCUSDT"), sub, std::vector<int64_t>{m1, m5});
    ask_ok(subscribe_atom::value, std::string("BTCUSDT"), other, std::vector<int64_t>{m1});
    feed(events, sizes);
    for (auto tf : {m1, m5}) {
      self->request(sub, timeout, candles_atom::value, tf)
        .receive(
          [&](std::vector<uint64_t>& index, std::vector<candle>& bars) {
            ASSERT_EQ(bars.size(), expected[tf].size()) << format_timeframe(tf);
            for (size_t i = 0; i < bars.size(); ++i) {
              EXPECT_EQ(index[i], expected[tf][i].first) << format_timeframe(tf) << " bar " << i;
              EXPECT_TRUE(same(bars[i], expected[tf][i].second)) << format_timeframe(tf) << " bar " << i;
            }
          },
          [&](caf::error& e) { ADD_FAILURE() << system.render(e); });
      // The chart query: the latest closed bars and the forming one.
      self->request(bcast, timeout, candles_atom::value, std::string("BTCUSDT"), tf, int64_t{3})
        .receive(
          [&](candle_history& h) {
            ASSERT_EQ(h.closed.size(), 3u);
            for (size_t i = 0; i < 3; ++i)
              EXPECT_TRUE(same(h.closed[i], expected[tf][expected[tf].size() - 3 + i].second));
            ASSERT_TRUE(h.has_forming);
            EXPECT_TRUE(same(h.forming, *plain.at(tf).forming()));
          },
          [&](caf::error& e) { ADD_FAILURE() << system.render(e); });
    }
    self->send_exit(sub, caf::exit_reason::user_shutdown);
    self->send_exit(other, caf::exit_reason::user_shutdown);
    // Once both are gone, nobody asks for the candles any more.
    bool gone = false;
    for (auto until = std::chrono::steady_clock::now() + timeout; !gone && std::chrono::steady_clock::now() < until;)
      self->request(bcast, timeout, candles_atom::value, std::string("BTCUSDT"), m1, int64_t{1})
        .receive([](candle_history&) {}, [&](caf::error&) { gone = true; });
    EXPECT_TRUE(gone);
  }
}

TEST_F(Broadcaster, TellsTheFeedControlWhenASymbolGetsItsFirstAndLosesItsLastSubscriber) {
  auto idle = [] { return caf::behavior{[](const market_batch&) {}, [](end_data_atom) {}}; };
  auto a = system.spawn(idle), b = system.spawn(idle), c = system.spawn(idle);
  ask_ok(watch_atom::value, caf::actor_cast<caf::actor>(self));
  ask_ok(subscribe_atom::value, std::string("BTCUSDT"), a);
  auto d = next_demand();
  EXPECT_EQ(d.symbol, "BTCUSDT");
  EXPECT_TRUE(d.wanted);
  ask_ok(subscribe_atom::value, std::string("BTCUSDT"), b, std::vector<int64_t>{m1});
  ask_ok(subscribe_atom::value, std::string("ETHUSDT"), c);
  d = next_demand(); // BTCUSDT's second subscriber changes nothing
  EXPECT_EQ(d.symbol, "ETHUSDT");
  EXPECT_TRUE(d.wanted);
  self->send_exit(a, caf::exit_reason::kill); // b still wants BTCUSDT
  ask_ok(unsub_atom::value, std::string("ETHUSDT"), c);
  d = next_demand();
  EXPECT_EQ(d.symbol, "ETHUSDT");
  EXPECT_FALSE(d.wanted);
  self->send_exit(b, caf::exit_reason::kill);
  d = next_demand();
  EXPECT_EQ(d.symbol, "BTCUSDT");
  EXPECT_FALSE(d.wanted);
  // c's death (no longer subscribed) is no news: the next notification is SOLUSDT's.
  self->monitor(c);
  self->send_exit(c, caf::exit_reason::kill);
  self->receive([](caf::down_msg&) {}, caf::after(timeout) >> [] { ADD_FAILURE() << "c did not end"; });
  auto e = system.spawn(idle);
  ask_ok(subscribe_atom::value, std::string("SOLUSDT"), e);
  d = next_demand();
  EXPECT_EQ(d.symbol, "SOLUSDT");
  EXPECT_TRUE(d.wanted);
  // A feed control that registers late hears of the symbols wanted already.
  ask_ok(watch_atom::value, caf::actor_cast<caf::actor>(self));
  d = next_demand();
  EXPECT_EQ(d.symbol, "SOLUSDT");
  EXPECT_TRUE(d.wanted);
  self->send_exit(e, caf::exit_reason::kill);
}

TEST_F(Broadcaster, CountsSubscribersBatchesEventsAndRatePerSymbol) {
  auto events = btc_trades();
  events.resize(1000);
  auto sub = system.spawn(collector);
  ask_ok(subscribe_atom::value, std::string("BTCUSDT"), sub);
  feed(events, {100});
  feed({events.begin(), events.begin() + 10}, {10}, "ETHUSDT");
  self->request(bcast, timeout, status_atom::value)
    .receive(
      [&](std::vector<symbol_stats>& stats) {
        ASSERT_EQ(stats.size(), 2u);
        EXPECT_EQ(stats[0].symbol, "BTCUSDT");
        EXPECT_EQ(stats[0].subscribers, 1);
        EXPECT_EQ(stats[0].batches, 10);
        EXPECT_EQ(stats[0].events, 1000);
        EXPECT_EQ(stats[0].last_event_ms, events.back().ts_event_ms);
        // All within a second or so of wall time: at least 1000 events over at most 10 s.
        EXPECT_GE(stats[0].events_per_second, 100.0);
        EXPECT_LE(stats[0].events_per_second, 1000.0);
        EXPECT_EQ(stats[1].symbol, "ETHUSDT");
        EXPECT_EQ(stats[1].subscribers, 0);
        EXPECT_EQ(stats[1].batches, 1);
        EXPECT_EQ(stats[1].events, 10);
      },
      [&](caf::error& e) { ADD_FAILURE() << system.render(e); });
  self->send_exit(sub, caf::exit_reason::user_shutdown);
}

TEST(EventRate, AveragesOverTheLastTenSecondsOfWallTime) {
  event_rate r;
  EXPECT_EQ(r.per_second(0), 0.0);
  r.add(100'000, 50);
  r.add(100'500, 150);
  EXPECT_DOUBLE_EQ(r.per_second(100'800), 200.0); // under a second so far: over 1 s
  r.add(104'000, 300);
  EXPECT_DOUBLE_EQ(r.per_second(105'000), 100.0); // 500 events over 5 s
  EXPECT_DOUBLE_EQ(r.per_second(112'000), 30.0);  // only the 300 of second 104 are within 10 s
  EXPECT_DOUBLE_EQ(r.per_second(200'000), 0.0);
}

} // namespace
} // namespace pt::test
