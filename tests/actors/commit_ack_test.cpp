// A fill is reported (to the supervisor, and through it to API and WebSocket clients) only once
// the persister has answered that its transaction is committed. A stand-in persister holds its
// answers back until the test releases them.

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <caf/all.hpp>
#include <gtest/gtest.h>

#include "actors/market_data_broadcaster.hpp"
#include "feeds/market_file.hpp"
#include "actors/messages.hpp"
#include "actors/persister.hpp"
#include "actors/session_supervisor.hpp"
#include "app/strategy_loader.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/process.hpp"

namespace pt::test {
namespace {

constexpr auto timeout = std::chrono::seconds(30);

using release_atom = caf::atom_constant<caf::atom("release")>;

// What the stand-in persister has seen, read by the test thread.
struct held_commits {
  std::mutex m;
  int64_t fills_held = 0; ///< fills in batches whose commit is not answered yet
};

// Answers `session_row` with id 1 and takes every batch, but answers `(await_atom, batch)` only
// on `release_atom`.
caf::behavior holding_persister(caf::event_based_actor* self, std::shared_ptr<held_commits> seen) {
  auto pending = std::make_shared<std::vector<caf::response_promise>>();
  return {
    [](session_row&) { return int64_t{1}; },
    [](persist_batch&) {},
    [self, seen, pending](await_atom, persist_batch& b) {
      {
        std::lock_guard<std::mutex> lock(seen->m);
        seen->fills_held += static_cast<int64_t>(b.fills.size());
      }
      pending->push_back(self->make_response_promise());
      return pending->back();
    },
    [seen, pending](release_atom) {
      for (auto& rp : *pending)
        rp.deliver(ok_atom::value);
      pending->clear();
      std::lock_guard<std::mutex> lock(seen->m);
      seen->fills_held = 0;
    },
  };
}

session_config buyer() {
  // Buys at the first 10 s bar close (and then holds): one fill early in the recording.
  auto loaded = load_strategy_text("name: buyer\nsymbol: BTCUSDT\ntimeframe: 10s\n"
                                   "indicators:\n  ema: {type: ema, period: 3}\n"
                                   "entry: close > 0\nexit: close < 0\nsizing:\n  percent_of_equity: 90\n",
                                   "buyer");
  session_config cfg;
  cfg.name = "buyer";
  cfg.strategy = loaded.spec;
  cfg.symbol = "BTCUSDT";
  return cfg;
}

TEST(CommitAck, AFillIsReportedOnlyOnceThePersisterSaysItIsCommitted) {
  market_file_source src(shared_data("trades/BTCUSDT-trades-2024-08-08T235415Z_2024-08-09T000505Z.csv"));
  std::vector<market_event> events;
  std::string symbol;
  market_event ev;
  while (events.size() < 3000 && src.next(symbol, ev))
    events.push_back(ev);
  ASSERT_EQ(events.size(), 3000u);

  caf::actor_system_config cfg;
  register_message_types(cfg);
  caf::actor_system system{cfg};
  auto seen = std::make_shared<held_commits>();
  auto holder = system.spawn(holding_persister, seen);
  auto broadcaster = system.spawn(market_data_broadcaster);
  auto supervisor = system.spawn(session_supervisor, std::vector<session_config>{buyer()}, broadcaster,
                                 caf::actor_cast<persister_actor>(holder)); // a stand-in: what the tracker asks
  caf::scoped_actor self{system};
  self->request(supervisor, timeout, start_atom::value)
    .receive([](ok_atom) {}, [&](caf::error& e) { ADD_FAILURE() << system.render(e); });
  market_batch b;
  b.symbol = "BTCUSDT";
  b.seq = 1;
  b.events = std::make_shared<const std::vector<market_event>>(events);
  self->request(broadcaster, timeout, std::move(b))
    .receive([](ok_atom) {}, [&](caf::error& e) { ADD_FAILURE() << system.render(e); });
  auto fills_reported = [&] {
    int64_t fills = -1;
    self->request(supervisor, timeout, status_atom::value, int64_t{1})
      .receive([&](session_summary& s) { fills = s.fills; },
               [&](caf::error& e) { ADD_FAILURE() << system.render(e); });
    return fills;
  };
  // The batch with the fill is at the persister, uncommitted: whatever the tracker sent the
  // supervisor before storing it is already in the supervisor's mailbox, ahead of this question.
  ASSERT_TRUE(eventually(
    [&] {
      std::lock_guard<std::mutex> lock(seen->m);
      return seen->fills_held > 0;
    },
    timeout));
  EXPECT_EQ(fills_reported(), 0) << "a fill was reported before its commit was confirmed";
  self->send(holder, release_atom::value);
  EXPECT_TRUE(eventually([&] { return fills_reported() > 0; }, timeout));
  for (auto& a : {caf::actor_cast<caf::actor>(supervisor), caf::actor_cast<caf::actor>(broadcaster), holder})
    self->send_exit(a, caf::exit_reason::user_shutdown);
}

} // namespace
} // namespace pt::test
