// The session step: batches of any size give the fills of the plain loop; a restored start
// rebuilds its committed part without reporting it again; a restarted start takes up its
// committed account and numbers its ids after the stored ones.

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "app/strategy_loader.hpp"
#include "core/indicators/series_engine.hpp"
#include "core/session/session_runner.hpp"
#include "core/session/session_step.hpp"
#include "core/strategy/strategy.hpp"
#include "tests/support/builders.hpp"
#include "tests/support/process.hpp"
#include "tests/support/recorded_events.hpp"

namespace pt::test {
namespace {

const char* klines_file = "klines/spot-1h/BTCUSDT-1h-2022-01-01_2026-04-30.csv.gz";

session_config ema_session() {
  auto loaded = load_strategy_file(source_file("config/strategies/ema_crossover.yaml"));
  session_config cfg;
  cfg.name = "ema";
  cfg.symbol = "BTCUSDT";
  cfg.strategy = loaded.spec;
  cfg.execution.slippage_bps = bps::from_units(3);
  return cfg;
}

// The session step fed as the pipeline feeds it: per batch, the indicator engine's rows and the
// rules' signals first, then the step, all of one session.
class batched_session {
public:
  explicit batched_session(const session_config& cfg)
    : compiled_(compile(cfg.strategy)), engine_(*compiled_), rules_(*compiled_), step_(cfg, *compiled_) {}

  void run(const std::vector<market_event>& events, size_t batch, step_output& out) {
    for (size_t from = 0; from < events.size(); from += batch) {
      size_t n = std::min(batch, events.size() - from);
      std::vector<bar_closed> bars;
      std::vector<signal_raised> signals;
      for (size_t i = 0; i < n; ++i) {
        const auto& ev = events[from + i];
        rows_.clear();
        engine_.on_event(ev, rows_);
        for (auto& row : rows_) {
          if (auto sig = rules_.on_row(ev.ts_event_ms, row.values))
            signals.push_back({static_cast<uint32_t>(i), std::move(*sig)});
          bars.push_back({static_cast<uint32_t>(i), row.bar_closed, row.bar, std::move(row.values)});
        }
      }
      step_.on_batch(events.data() + from, n, bars, signals, out);
    }
  }

  session_step& step() { return step_; }

private:
  static std::unique_ptr<compiled_strategy> compile(const strategy_spec& spec) {
    std::vector<strategy_rule_error> errors;
    auto cs = compile_strategy(spec, errors);
    EXPECT_TRUE(cs) << spec.name;
    return std::make_unique<compiled_strategy>(std::move(*cs));
  }

  std::unique_ptr<compiled_strategy> compiled_;
  series_engine engine_;
  signal_rules rules_;
  session_step step_;
  std::vector<series_row> rows_;
};

void expect_same_fills(const std::vector<fill>& actual, const std::vector<fill>& expected, const std::string& what) {
  ASSERT_EQ(actual.size(), expected.size()) << what;
  for (size_t i = 0; i < actual.size(); ++i) {
    EXPECT_EQ(actual[i].fill_id, expected[i].fill_id) << what << " fill " << i;
    EXPECT_EQ(actual[i].order_id, expected[i].order_id) << what << " fill " << i;
    EXPECT_EQ(actual[i].ts_event_ms, expected[i].ts_event_ms) << what << " fill " << i;
    EXPECT_EQ(actual[i].fill_side, expected[i].fill_side) << what << " fill " << i;
    EXPECT_EQ(actual[i].px, expected[i].px) << what << " fill " << i;
    EXPECT_EQ(actual[i].qty, expected[i].qty) << what << " fill " << i;
    EXPECT_EQ(actual[i].fee, expected[i].fee) << what << " fill " << i;
  }
}

TEST(SessionStep, BatchesOfAnySizeGiveThePlainLoopsOutputs) {
  auto events = recorded_events(shared_data(klines_file), 3000);
  ASSERT_EQ(events.size(), 3000u);
  auto cfg = ema_session();
  session_runner plain(cfg);
  for (const auto& ev : events)
    plain.on_event(ev);
  ASSERT_GE(plain.output().fills.size(), 4u) << "the strategy should trade on this data";
  for (size_t batch : {1u, 7u, 512u, 3000u}) {
    batched_session s(cfg);
    step_output out;
    s.run(events, batch, out);
    auto what = "batches of " + std::to_string(batch);
    expect_same_fills(out.fills, plain.output().fills, what);
    EXPECT_EQ(out.orders.size(), plain.output().orders.size()) << what;
    EXPECT_EQ(out.decisions.size(), plain.output().decisions.size()) << what;
    ASSERT_EQ(out.equity.size(), plain.equity().size()) << what;
    for (size_t i = 0; i < out.equity.size(); ++i)
      EXPECT_EQ(out.equity[i].equity, plain.equity()[i].equity) << what << " point " << i;
    EXPECT_TRUE(out.replayed_fills.empty()) << what;
    EXPECT_FALSE(out.restored) << what;
    EXPECT_EQ(s.step().events(), 3000) << what;
    EXPECT_EQ(s.step().account(0).figures(), plain.exchange().account().figures()) << what;
  }
}

TEST(SessionStep, ARestoreRebuildsWhatWasCommittedAndReportsOnlyWhatFollows) {
  auto events = recorded_events(shared_data(klines_file), 3000);
  ASSERT_EQ(events.size(), 3000u);
  auto cfg = ema_session();
  // The run that "went down" after 1,700 events, and the whole run for reference.
  batched_session before(cfg);
  step_output committed;
  before.run({events.begin(), events.begin() + 1700}, 100, committed);
  batched_session whole(cfg);
  step_output all;
  whole.run(events, 100, all);
  ASSERT_GT(committed.fills.size(), 0u);
  ASSERT_GT(all.fills.size(), committed.fills.size());

  auto restored_cfg = cfg;
  restored_cfg.start.kind = start_kind::restore;
  restored_cfg.start.events = 1700;
  restored_cfg.start.account = before.step().exchange().account().figures();
  restored_cfg.start.fills_committed = static_cast<int64_t>(committed.fills.size());
  batched_session again(restored_cfg);
  step_output out;
  again.run(events, 256, out); // 1700 falls inside a batch
  ASSERT_TRUE(out.restored);
  EXPECT_EQ(out.restored->position, 1700);
  EXPECT_EQ(out.restored->differences(), 0);
  expect_same_fills(out.replayed_fills, committed.fills, "rebuilt");
  expect_same_fills(out.fills, {all.fills.begin() + static_cast<std::ptrdiff_t>(committed.fills.size()), all.fills.end()},
                    "after the restore position");
  EXPECT_EQ(out.orders.size() + committed.orders.size(), all.orders.size());
  EXPECT_EQ(out.decisions.size() + committed.decisions.size(), all.decisions.size());
  EXPECT_EQ(out.equity.size() + committed.equity.size(), all.equity.size());

  // A stored account that the re-feed does not reproduce is reported, figure by figure.
  restored_cfg.start.account.fees += money::from_raw(1);
  restored_cfg.start.account.cash += money::from_raw(1);
  batched_session differing(restored_cfg);
  step_output out2;
  differing.run(events, 256, out2);
  ASSERT_TRUE(out2.restored);
  EXPECT_EQ(out2.restored->differences(), 2);
}

TEST(SessionStep, ARestartTakesUpItsCommittedAccountAndNumbersAfterTheStoredIds) {
  auto events = recorded_events(shared_data(klines_file), 3000);
  ASSERT_EQ(events.size(), 3000u);
  auto cfg = ema_session();
  cfg.start.kind = start_kind::restart;
  cfg.start.restart = 1;
  cfg.start.events = 500;
  cfg.start.account = {usd("7000"), qty("0.05"), usd("1500"), usd("-12.5"), usd("3.25")};
  cfg.start.order_id_offset = 100;
  cfg.start.fill_id_offset = 200;
  batched_session s(cfg);
  EXPECT_EQ(s.step().exchange().account().figures(), cfg.start.account);
  EXPECT_EQ(s.step().exchange().account().initial_cash(), cfg.initial_cash);
  EXPECT_EQ(s.step().events(), 500);
  step_output out;
  s.run({events.begin() + 500, events.end()}, 64, out);
  EXPECT_EQ(s.step().events(), 3000);
  ASSERT_GT(out.fills.size(), 0u);
  for (const auto& f : out.fills) {
    EXPECT_GT(f.fill_id, 200);
    EXPECT_GT(f.order_id, 100);
  }
  for (const auto& o : out.orders)
    EXPECT_GT(o.order_id, 100);
  for (const auto& d : out.decisions)
    EXPECT_TRUE(d.order_id == 0 || d.order_id > 100) << d.order_id;
  EXPECT_FALSE(out.restored);
  EXPECT_TRUE(out.replayed_fills.empty());
  // Stopping renumbers too; flattening sells what the account holds.
  step_output stop;
  s.step().on_stop(true, stop);
  for (const auto& f : stop.fills)
    EXPECT_GT(f.fill_id, 200);
  EXPECT_FALSE(s.step().exchange().account().position_qty().is_positive());
}

} // namespace
} // namespace pt::test
