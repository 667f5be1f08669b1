// `(watch_atom, actor)` on the session supervisor: a watcher gets the sessions as they are now,
// then one `session_summary` per progress report or status change (never one per event), and
// is forgotten when it terminates.

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
#include "tests/support/process.hpp"

namespace pt::test {
namespace {

constexpr auto timeout = std::chrono::seconds(30);

session_config ema_session() {
  auto loaded = load_strategy_file(source_file("config/strategies/ema_crossover_10s.yaml"));
  session_config cfg;
  cfg.name = "ema";
  cfg.strategy = loaded.spec;
  cfg.symbol = "BTCUSDT";
  return cfg;
}

std::vector<market_event> stream_events(size_t limit) {
  market_file_source src(shared_data("streams/binance-spot-BTCUSDT-2024-08-08T2354Z_2024-08-09T0005Z.txt.gz"));
  std::vector<market_event> events;
  std::string symbol;
  market_event ev;
  while (events.size() < limit && src.next(symbol, ev))
    events.push_back(ev);
  return events;
}

caf::actor_system_config& registered(caf::actor_system_config& cfg) {
  register_message_types(cfg);
  return cfg;
}

TEST(SupervisorWatch, AWatcherGetsEverySummaryStoredButNotOnePerEvent) {
  caf::actor_system_config cfg;
  caf::actor_system system(registered(cfg));
  caf::scoped_actor self(system);
  auto broadcaster = system.spawn(market_data_broadcaster);
  auto supervisor = system.spawn(session_supervisor, std::vector<session_config>{ema_session()}, broadcaster,
                                 persister_actor{});
  self->request(supervisor, timeout, start_atom::value).receive([](ok_atom) {}, [&](caf::error& e) {
    FAIL() << system.render(e);
  });
  auto watcher = std::make_unique<caf::scoped_actor>(system);
  std::vector<session_summary> now;
  self->request(supervisor, timeout, watch_atom::value, caf::actor_cast<caf::actor>(*watcher))
    .receive([&](std::vector<session_summary>& s) { now = std::move(s); },
             [&](caf::error& e) { FAIL() << system.render(e); });
  ASSERT_EQ(now.size(), 1u);
  EXPECT_EQ(now[0].status, session_status::running);

  auto events = stream_events(20000);
  ASSERT_GT(events.size(), 10000u);
  int64_t seq = 0;
  for (size_t pos = 0; pos < events.size(); pos += 500) {
    market_batch b;
    b.symbol = "BTCUSDT";
    b.seq = ++seq;
    auto end = std::min(events.size(), pos + 500);
    b.events = std::make_shared<const std::vector<market_event>>(events.begin() + static_cast<long>(pos),
                                                                 events.begin() + static_cast<long>(end));
    self->request(broadcaster, timeout, std::move(b)).receive([](ok_atom) {}, [](caf::error&) {});
  }
  self->request(supervisor, timeout, pause_atom::value, int64_t{1})
    .receive([](session_summary&) {}, [&](caf::error& e) { FAIL() << system.render(e); });

  // Progress reports (at most one per batch) until the pause, which comes last.
  std::vector<session_summary> seen;
  bool paused = false;
  while (!paused) {
    bool got = false;
    (*watcher)->receive(
      [&](session_summary& s) {
        seen.push_back(s);
        got = true;
        paused = s.status == session_status::paused;
      },
      caf::after(timeout) >> [] {});
    ASSERT_TRUE(got) << "no summary within the timeout; " << seen.size() << " so far";
  }
  ASSERT_GE(seen.size(), 2u);
  EXPECT_LE(seen.size(), 41u) << "at most one per batch, plus the pause";
  EXPECT_EQ(seen.back().session_id, 1);
  EXPECT_EQ(seen.back().name, "ema");
  for (size_t i = 1; i < seen.size(); ++i)
    EXPECT_GE(seen[i].events, seen[i - 1].events);

  // A watcher that terminates is dropped: the supervisor goes on answering.
  watcher.reset();
  self->request(supervisor, timeout, resume_atom::value, int64_t{1})
    .receive([](session_summary& s) { EXPECT_EQ(s.status, session_status::running); },
             [&](caf::error& e) { FAIL() << system.render(e); });
  self->send_exit(supervisor, caf::exit_reason::user_shutdown);
  self->send_exit(broadcaster, caf::exit_reason::user_shutdown);
}

} // namespace
} // namespace pt::test
