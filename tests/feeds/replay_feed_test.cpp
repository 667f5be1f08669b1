// The replay feed's commit barriers (feeds/replay_feed.hpp): a full-speed replay with a persister
// runs at most about 2 × commit_lag_batches batches ahead of what the persister has committed.
// With a stand-in persister that holds its answers, the feed stops exactly where the rule says,
// goes commit_lag_batches further per answer, and reaches the end once the answers come.

#include <atomic>
#include <chrono>
#include <memory>
#include <vector>

#include <caf/all.hpp>
#include <gtest/gtest.h>

#include "actors/handles.hpp"
#include "actors/messages.hpp"
#include "feeds/replay_feed.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/process.hpp"

namespace pt::test {
namespace {

using namespace std::chrono_literals;

struct counts {
  std::atomic<int64_t> batches{0};
  std::atomic<int64_t> barriers{0};
};

market_sink_actor::behavior_type counting_sink(std::shared_ptr<counts> c) {
  return {
    [c](market_batch&) {
      ++c->batches;
      return ok_atom::value;
    },
    [](end_data_atom) { return ok_atom::value; },
  };
}

// A persister's commit barrier that answers only when released: `release_atom` answers what it
// holds; `(release_atom, true)` also answers every later barrier at once.
using held_barrier_actor = caf::typed_actor<caf::replies_to<flush_atom>::with<ok_atom>, caf::reacts_to<release_atom>,
                                            caf::reacts_to<release_atom, bool>>;

struct held_barrier_state {
  std::vector<caf::typed_response_promise<ok_atom>> held;
  bool open = false;
};

held_barrier_actor::behavior_type held_barrier(held_barrier_actor::stateful_pointer<held_barrier_state> self,
                                               std::shared_ptr<counts> c) {
  auto release = [self] {
    for (auto& rp : self->state.held)
      rp.deliver(ok_atom::value);
    self->state.held.clear();
  };
  return {
    [self, c](flush_atom) -> caf::result<ok_atom> {
      ++c->barriers;
      if (self->state.open)
        return ok_atom::value;
      auto rp = self->make_response_promise<ok_atom>();
      self->state.held.push_back(rp);
      return rp;
    },
    [release](release_atom) { release(); },
    [self, release](release_atom, bool open) {
      self->state.open = open;
      release();
    },
  };
}

TEST(ReplayFeed, AFullSpeedReplayWaitsForThePersistersCommitBarriers) {
  caf::actor_system_config cfg;
  register_message_types(cfg);
  caf::actor_system system{cfg};
  auto c = std::make_shared<counts>();
  auto sink = system.spawn(counting_sink, c);
  auto barrier = system.spawn(held_barrier, c);
  replay_options o;
  o.path = shared_data("trades/BTCUSDT-trades-2024-08-08T235415Z_2024-08-09T000505Z.csv");
  o.speed = 0;
  o.max_batch = 100; // 19,904 trades: 200 batches
  o.persister = barrier;
  o.commit_lag_batches = 3;
  replay_feed feed(system, sink, o);
  feed.start();
  // Batch 3 sends the first barrier; batch 6 waits for its answer.
  ASSERT_TRUE(eventually([&] { return c->batches == 6 && c->barriers == 1; }, 30s)) << c->batches << " batches";
  EXPECT_EQ(c->batches, 6);
  caf::anon_send(barrier, release_atom::value);
  // Answered: the second barrier goes out at batch 6, and batch 9 waits for it.
  ASSERT_TRUE(eventually([&] { return c->batches == 9 && c->barriers == 2; }, 30s)) << c->batches << " batches";
  EXPECT_EQ(c->batches, 9);
  EXPECT_FALSE(feed.finished());
  caf::anon_send(barrier, release_atom::value, true);
  ASSERT_TRUE(eventually([&] { return feed.finished(); }, 60s));
  feed.join();
  EXPECT_TRUE(feed.stats().completed);
  EXPECT_EQ(feed.stats().batches, c->batches.load());
  EXPECT_EQ(feed.stats().events, 19'904);
  EXPECT_EQ(c->barriers, feed.stats().batches / 3);
  caf::anon_send_exit(sink, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(barrier, caf::exit_reason::user_shutdown);
}

} // namespace
} // namespace pt::test
