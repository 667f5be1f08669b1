// A subscription at a feed position: the broadcaster cuts the batch that spans it, so the
// subscriber's first event is exactly that one (how a session created over the API is restored
// into a re-fed replay, docs/operations.md "Restore").

#include <chrono>
#include <vector>

#include <caf/all.hpp>
#include <gtest/gtest.h>

#include "actors/market_data_broadcaster.hpp"
#include "actors/messages.hpp"
#include "tests/support/process.hpp"
#include "tests/support/recorded_events.hpp"

namespace pt::test {
namespace {

constexpr auto timeout = std::chrono::seconds(30);

TEST(BroadcasterDeferredSubscribe, JoinsExactlyAtItsPositionWhateverTheBatching) {
  auto events = recorded_events(shared_data("trades/BTCUSDT-trades-2024-08-08T235415Z_2024-08-09T000505Z.csv"), 300);
  ASSERT_EQ(events.size(), 300u);
  caf::actor_system_config cfg;
  register_message_types(cfg);
  caf::actor_system system{cfg};
  auto broadcaster = system.spawn(market_data_broadcaster);
  caf::scoped_actor self{system}, sub{system};
  int64_t joined = -1;
  self->request(broadcaster, timeout, subscribe_atom::value, std::string("BTCUSDT"), caf::actor_cast<caf::actor>(sub),
                std::vector<int64_t>{60'000}, int64_t{150})
    .receive([&](int64_t at) { joined = at; }, [&](caf::error& e) { ADD_FAILURE() << system.render(e); });
  EXPECT_EQ(joined, 150);
  for (size_t pos = 0; pos < events.size(); pos += 100) { // 150 falls inside the second batch
    market_batch b;
    b.symbol = "BTCUSDT";
    b.seq = static_cast<int64_t>(pos / 100 + 1);
    b.events = std::make_shared<const std::vector<market_event>>(events.begin() + static_cast<long>(pos),
                                                                 events.begin() + static_cast<long>(pos + 100));
    self->request(broadcaster, timeout, std::move(b))
      .receive([](ok_atom) {}, [&](caf::error& e) { ADD_FAILURE() << system.render(e); });
  }
  std::vector<market_event> got;
  while (got.size() < 150) {
    bool received = false;
    sub->receive([&](market_batch& b) {
                   received = true;
                   got.insert(got.end(), b.events->begin(), b.events->end());
                 },
                 caf::after(timeout) >> [] {});
    if (!received)
      break;
  }
  ASSERT_EQ(got.size(), 150u);
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].ts_event_ms, events[150 + i].ts_event_ms) << i;
    EXPECT_EQ(std::get<trade>(got[i].data).trade_id, std::get<trade>(events[150 + i].data).trade_id) << i;
  }
  // Asked now, a subscription joins at once, after the 300 events passed on.
  caf::scoped_actor late{system};
  self->request(broadcaster, timeout, subscribe_atom::value, std::string("BTCUSDT"),
                caf::actor_cast<caf::actor>(late), std::vector<int64_t>{}, join_now)
    .receive([&](int64_t at) { joined = at; }, [&](caf::error& e) { ADD_FAILURE() << system.render(e); });
  EXPECT_EQ(joined, 300);
  self->send_exit(broadcaster, caf::exit_reason::user_shutdown);
}

} // namespace
} // namespace pt::test
