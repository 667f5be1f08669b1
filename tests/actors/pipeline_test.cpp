// Wiring of the actor pipeline: broadcaster → sessions → supervisor, on real klines, against the
// plain core loop; and failure isolation between sessions.

#include <chrono>
#include <string>
#include <vector>

#include <caf/all.hpp>
#include <gtest/gtest.h>

#include "actors/market_data_broadcaster.hpp"
#include "feeds/market_file.hpp"
#include "actors/messages.hpp"
#include "actors/session_supervisor.hpp"
#include "app/strategy_loader.hpp"
#include "tests/support/plain_session.hpp"
#include "tests/support/process.hpp"
#include "tests/support/recorded_events.hpp"

namespace pt::test {
namespace {

constexpr auto timeout = std::chrono::seconds(60);

session_config make_session(const std::string& strategy_file, const std::string& name) {
  session_config cfg;
  auto loaded = load_strategy_file(source_file("config/strategies/" + strategy_file));
  cfg.name = name;
  cfg.strategy = loaded.spec;
  cfg.symbol = "BTCUSDT";
  cfg.execution.slippage_bps = bps::from_units(3);
  return cfg;
}

// Runs `configs` through the actors, feeding `events` in batches of the given sizes (cycled).
// `warmups`, when given, go to the supervisor before it starts, as a live run sends them.
std::vector<session_report> run_actors(const std::vector<session_config>& configs,
                                       const std::vector<market_event>& events, std::vector<size_t> batch_sizes,
                                       const run_warmups& warmups = {}) {
  caf::actor_system_config cfg;
  register_message_types(cfg);
  caf::actor_system system{cfg};
  auto broadcaster = system.spawn(market_data_broadcaster);
  auto supervisor = system.spawn(session_supervisor, configs, broadcaster, persister_actor{});
  caf::scoped_actor self{system};
  if (!warmups.sessions.empty())
    self->send(supervisor, warmups);
  bool started = false;
  self->request(supervisor, timeout, start_atom::value)
    .receive([&](ok_atom) { started = true; }, [&](caf::error& e) { ADD_FAILURE() << system.render(e); });
  EXPECT_TRUE(started);
  size_t pos = 0, which = 0;
  int64_t seq = 0;
  while (pos < events.size()) {
    size_t n = std::min(batch_sizes[which++ % batch_sizes.size()], events.size() - pos);
    market_batch b;
    b.symbol = "BTCUSDT";
    b.seq = ++seq;
    b.events = std::make_shared<const std::vector<market_event>>(events.begin() + static_cast<long>(pos),
                                                                 events.begin() + static_cast<long>(pos + n));
    pos += n;
    self->request(broadcaster, timeout, std::move(b))
      .receive([](ok_atom) {}, [&](caf::error& e) { ADD_FAILURE() << system.render(e); });
  }
  self->request(broadcaster, timeout, end_data_atom::value)
    .receive([](ok_atom) {}, [&](caf::error& e) { ADD_FAILURE() << system.render(e); });
  std::vector<session_report> reports;
  self->request(supervisor, timeout, await_atom::value)
    .receive([&](std::vector<session_report>& r) { reports = std::move(r); },
             [&](caf::error& e) { ADD_FAILURE() << "await: " << system.render(e); });
  self->send_exit(supervisor, caf::exit_reason::user_shutdown);
  self->send_exit(broadcaster, caf::exit_reason::user_shutdown);
  return reports;
}

void expect_same_fills(const std::vector<fill>& actual, const std::vector<fill>& expected, const std::string& name) {
  ASSERT_EQ(actual.size(), expected.size()) << name;
  for (size_t i = 0; i < actual.size(); ++i) {
    EXPECT_EQ(actual[i].ts_event_ms, expected[i].ts_event_ms) << name << " fill " << i;
    EXPECT_EQ(actual[i].fill_side, expected[i].fill_side) << name << " fill " << i;
    EXPECT_EQ(actual[i].px, expected[i].px) << name << " fill " << i;
    EXPECT_EQ(actual[i].qty, expected[i].qty) << name << " fill " << i;
    EXPECT_EQ(actual[i].fee, expected[i].fee) << name << " fill " << i;
  }
}

TEST(Pipeline, ActorsTradeExactlyLikeThePlainLoopWhateverTheBatching) {
  auto events = recorded_events(shared_data("klines/spot-1h/BTCUSDT-1h-2022-01-01_2026-04-30.csv.gz"), 6000);
  ASSERT_EQ(events.size(), 6000u);
  std::vector<session_config> configs{make_session("ema_crossover.yaml", "ema"),
                                      make_session("rsi_mean_reversion.yaml", "rsi")};
  for (auto sizes : {std::vector<size_t>{1}, std::vector<size_t>{7, 256, 1, 33}}) {
    auto reports = run_actors(configs, events, sizes);
    ASSERT_EQ(reports.size(), configs.size());
    for (size_t i = 0; i < configs.size(); ++i) {
      auto expected = run_plain_session(configs[i], events);
      EXPECT_FALSE(expected.empty()) << configs[i].name << " should trade on 6000 hourly bars";
      EXPECT_EQ(reports[i].status, session_status::finished);
      EXPECT_EQ(reports[i].events, 6000);
      expect_same_fills(reports[i].fills, expected, configs[i].name);
    }
  }
}

TEST(Pipeline, AWarmedSessionTradesLikeThePlainLoopWarmedTheSameWay) {
  auto all = recorded_events(shared_data("klines/spot-1h/BTCUSDT-1h-2022-01-01_2026-04-30.csv.gz"), 3000);
  ASSERT_EQ(all.size(), 3000u);
  // The first 200 hourly bars are the history, the rest arrive live in batches.
  std::vector<candle> history;
  for (size_t i = 0; i < 200; ++i) {
    auto& k = std::get<kline>(all[i].data);
    history.push_back({k.open_time_ms, k.close_time_ms, k.open, k.high, k.low, k.close, k.volume, 1});
  }
  std::vector<market_event> live(all.begin() + 200, all.end());
  auto cfg = make_session("ema_crossover.yaml", "ema");
  run_warmups warmups;
  warmups.sessions.push_back({{cfg.strategy.timeframe_ms}, {history}});
  auto reports = run_actors({cfg}, live, {64}, warmups);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].status, session_status::finished);
  auto expected = run_plain_session(cfg, live, {{cfg.strategy.timeframe_ms, history}});
  EXPECT_FALSE(expected.empty());
  expect_same_fills(reports[0].fills, expected, "warmed");
  // The warm-up is what made the difference: cold, the first crossover comes later.
  auto cold = run_plain_session(cfg, live);
  ASSERT_FALSE(cold.empty());
  EXPECT_LT(expected.front().ts_event_ms, cold.front().ts_event_ms);
}

TEST(Pipeline, ABrokenSessionFailsAloneAndOthersAreUnchanged) {
  auto events = recorded_events(shared_data("klines/spot-1h/BTCUSDT-1h-2022-01-01_2026-04-30.csv.gz"), 3000);
  auto good = make_session("ema_crossover.yaml", "good");
  auto broken = make_session("rsi_mean_reversion.yaml", "broken");
  broken.strategy.entry_rule = "rsi <"; // cannot compile: the signal detector refuses to start
  auto reports = run_actors({good, broken, good}, events, {64});
  ASSERT_EQ(reports.size(), 3u);
  auto expected = run_plain_session(good, events);
  EXPECT_EQ(reports[0].status, session_status::finished);
  EXPECT_EQ(reports[1].status, session_status::failed);
  EXPECT_FALSE(reports[1].failure.empty());
  EXPECT_TRUE(reports[1].fills.empty());
  EXPECT_EQ(reports[2].status, session_status::finished);
  expect_same_fills(reports[0].fills, expected, "good #1");
  expect_same_fills(reports[2].fills, expected, "good #2");
}

} // namespace
} // namespace pt::test
