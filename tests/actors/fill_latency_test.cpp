// The event-to-fill latency probe (actors/fill_latency.hpp): the broadcaster stamps a batch's
// arrival, and the position tracker records one sample per fill, only while enabled.

#include <chrono>
#include <memory>
#include <vector>

#include <caf/all.hpp>
#include <gtest/gtest.h>

#include "actors/fill_latency.hpp"
#include "actors/market_data_broadcaster.hpp"
#include "actors/messages.hpp"
#include "actors/position_tracker.hpp"

namespace pt::test {
namespace {

constexpr auto timeout = std::chrono::seconds(30);

session_batch batch_with_fills(int64_t arrival_ns, size_t fills) {
  session_batch b;
  b.market.symbol = "BTCUSDT";
  b.market.events = std::make_shared<const std::vector<market_event>>();
  b.market.arrival_ns = arrival_ns;
  for (size_t i = 0; i < fills; ++i) {
    fill f;
    f.fill_id = static_cast<int64_t>(i + 1);
    b.fills.push_back(f);
  }
  return b;
}

TEST(FillLatency, TheTrackerRecordsOneSamplePerFillOnlyWhenEnabled) {
  caf::actor_system_config cfg;
  register_message_types(cfg);
  caf::actor_system system(cfg);
  caf::scoped_actor self(system);
  session_config sc;
  sc.session_id = 1;
  // The test's scoped actor stands in for the supervisor: it takes what a tracker reports.
  auto tracker = system.spawn(position_tracker, sc, caf::actor_cast<tracker_supervisor_actor>(self), persister_actor{});
  auto wait_summary = [&] {
    self->receive([](session_summary&) {}, caf::after(timeout) >> [] { FAIL() << "no summary from the tracker"; });
  };
  fill_latency::histogram().reset();

  fill_latency::enabled() = false;
  self->send(tracker, batch_with_fills(steady_now_ns(), 2));
  wait_summary(); // a batch with fills always sends a summary, after recording
  EXPECT_EQ(fill_latency::histogram().count(), 0u);

  fill_latency::enabled() = true;
  int64_t arrival = steady_now_ns() - 5'000'000; // arrived 5 ms ago
  self->send(tracker, batch_with_fills(arrival, 3));
  wait_summary();
  self->send(tracker, batch_with_fills(0, 4)); // never stamped (e.g. a stop's flatten): not a sample
  wait_summary();
  fill_latency::enabled() = false;
  EXPECT_EQ(fill_latency::histogram().count(), 3u);
  EXPECT_GE(fill_latency::histogram().percentile(0.5), 5'000'000);
  fill_latency::histogram().reset();
  self->send_exit(tracker, caf::exit_reason::user_shutdown);
}

TEST(FillLatency, StageAndCommitSamplesAreKeptApartAndOnlyWhenEnabled) {
  fill_latency::reset();
  int64_t arrival = steady_now_ns() - 2'000'000; // arrived 2 ms ago
  fill_latency::enabled() = false;
  fill_latency::on_stage(pipeline_stage::executor, arrival);
  fill_latency::on_committed(arrival, 2);
  EXPECT_EQ(fill_latency::stage_histogram(pipeline_stage::executor).count(), 0u);
  EXPECT_EQ(fill_latency::committed_histogram().count(), 0u);

  fill_latency::enabled() = true;
  fill_latency::on_stage(pipeline_stage::executor, arrival);
  fill_latency::on_stage(pipeline_stage::executor, 0); // not stamped: skipped
  fill_latency::on_committed(arrival, 2);
  fill_latency::enabled() = false;
  EXPECT_EQ(fill_latency::stage_histogram(pipeline_stage::executor).count(), 1u);
  EXPECT_EQ(fill_latency::stage_histogram(pipeline_stage::engine).count(), 0u);
  EXPECT_GE(fill_latency::stage_histogram(pipeline_stage::executor).percentile(0.5), 2'000'000);
  EXPECT_EQ(fill_latency::committed_histogram().count(), 2u);
  EXPECT_EQ(fill_latency::histogram().count(), 0u);
  EXPECT_STREQ(to_string(pipeline_stage::tracker), "position_tracker");
  fill_latency::reset();
  EXPECT_EQ(fill_latency::committed_histogram().count(), 0u);
  EXPECT_EQ(fill_latency::stage_histogram(pipeline_stage::executor).count(), 0u);
}

TEST(FillLatency, TheBroadcasterStampsEachBatchOnArrival) {
  caf::actor_system_config cfg;
  register_message_types(cfg);
  caf::actor_system system(cfg);
  caf::scoped_actor self(system);
  auto broadcaster = system.spawn(market_data_broadcaster);
  self->request(broadcaster, timeout, subscribe_atom::value, std::string("BTCUSDT"), caf::actor_cast<caf::actor>(self))
    .receive([](ok_atom) {}, [](caf::error&) { FAIL() << "subscribe refused"; });
  market_batch b;
  b.symbol = "BTCUSDT";
  b.events = std::make_shared<const std::vector<market_event>>();
  int64_t before = steady_now_ns();
  self->request(broadcaster, timeout, std::move(b)).receive([](ok_atom) {}, [](caf::error&) { FAIL() << "refused"; });
  self->receive(
    [&](const market_batch& got) {
      EXPECT_GE(got.arrival_ns, before);
      EXPECT_LE(got.arrival_ns, steady_now_ns());
    },
    caf::after(timeout) >> [] { FAIL() << "no batch"; });
  self->send_exit(broadcaster, caf::exit_reason::user_shutdown);
}

} // namespace
} // namespace pt::test
