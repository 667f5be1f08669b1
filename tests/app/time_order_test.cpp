// Every record a session writes is in time order on the market clock (docs/market-data.md): every
// example strategy, a tight grid and a resting-limit entry, under the three fill profiles, on both
// stream recordings and a klines file, run with the core code the session actors run.
//
// Per session: no fill of an order before it was created or went live, nor after its last update;
// a fill made by a trade print never by one that printed before the order was live; orders, fills,
// decisions and equity points non-decreasing; each record made while the event that caused it was
// processed (so it goes out, and is stored, with that event's batch); metrics computed.

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "feeds/market_file.hpp"
#include "app/strategy_loader.hpp"
#include "core/metrics/performance_metrics.hpp"
#include "core/session/session_runner.hpp"
#include "tests/support/process.hpp"

namespace pt::test {
namespace {

struct recorded_file {
  std::string path;
  std::vector<market_event> events;
  price first_px; ///< the first trade's price, or the first kline's close
};

const recorded_file& load(const std::string& path) {
  static std::map<std::string, recorded_file> cache;
  auto it = cache.find(path);
  if (it != cache.end())
    return it->second;
  recorded_file f;
  f.path = path;
  market_file_source src(path);
  std::string symbol;
  market_event ev;
  while (src.next(symbol, ev)) {
    if (f.first_px.is_zero()) {
      if (auto t = std::get_if<trade>(&ev.data))
        f.first_px = t->px;
      else if (auto k = std::get_if<kline>(&ev.data))
        f.first_px = k->close;
    }
    f.events.push_back(std::move(ev));
  }
  return cache.emplace(path, std::move(f)).first->second;
}

std::string stream_file(const std::string& symbol) {
  for (auto& e : std::filesystem::directory_iterator(shared_data("streams"))) {
    auto name = e.path().filename().string();
    if (name.find(symbol) != std::string::npos && name.find("legacy") == std::string::npos)
      return e.path().string();
  }
  return {};
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// A tight arithmetic grid of 31 levels around the file's first price (±`half_width` of it).
std::string grid_yaml(price first, double half_width, double qty) {
  double p = first.to_double();
  return "name: tight-grid\nsymbol: BTCUSDT\ntimeframe: 1m\ngrid:\n  lower: " + fixed(p * (1 - half_width), 2) +
         "\n  upper: " + fixed(p * (1 + half_width), 2) + "\n  levels: 31\n  spacing: arithmetic\n  qty_per_level: " +
         fixed(qty, 4) + "\n";
}

// A 5s EMA pullback entered with a resting limit one bp under the bid, canceled after 20 s.
const char* resting_limit_yaml = R"(name: ema-pullback-5s
symbol: BTCUSDT
timeframe: 5s
indicators:
  ema_fast: {type: ema, period: 5}
  ema_slow: {type: ema, period: 13}
entry: crosses_above(ema_fast, ema_slow)
exit: crosses_below(ema_fast, ema_slow)
order: {type: limit, offset_bps: 1, time_in_force: gtc, expire_ms: 20000}
risk: {protection: exchange, stop_loss: {percent: 0.3}, take_profit: {percent: 0.3}}
sizing: {percent_of_equity: 50}
)";

std::vector<loaded_strategy> strategies(const recorded_file& f, bool klines) {
  std::vector<loaded_strategy> out;
  for (auto& e : std::filesystem::directory_iterator(source_file("config/strategies")))
    if (e.path().extension() == ".yaml")
      out.push_back(load_strategy_file(e.path().string()));
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.file < b.file; });
  double qty = f.first_px.to_double() > 10'000 ? 0.01 : 0.2;
  out.push_back(load_strategy_text(grid_yaml(f.first_px, klines ? 0.03 : 0.0026, qty), "tight-grid.yaml"));
  out.push_back(load_strategy_text(resting_limit_yaml, "ema-pullback-5s.yaml"));
  return out;
}

// What one session did, as the checks below read it.
struct session_run {
  std::string label;
  size_t maker_fills = 0;
  size_t fills = 0;
  size_t decisions = 0;
};

session_run run_and_check(const recorded_file& f, const loaded_strategy& s, fill_profile profile) {
  session_config cfg;
  cfg.session_id = 1;
  cfg.name = s.spec.name;
  cfg.symbol = "BTCUSDT";
  cfg.strategy = s.spec;
  cfg.execution.profile = profile;
  session_runner runner(cfg);
  session_run run;
  run.label = s.spec.name + " / " + to_string(profile) + " / " + std::filesystem::path(f.path).filename().string();
  const auto& label = run.label;

  // Each record appears in the output of the event whose processing made it, stamped between the
  // clock of the event before and that event's: it goes out (and is stored) with that batch.
  size_t orders_seen = 0, fills_seen = 0, decisions_seen = 0, equity_seen = 0;
  int64_t prev_clock = 0;
  size_t misplaced = 0, before_live = 0, print_before_live = 0;
  std::string first_misplaced;
  auto in_window = [&](int64_t ts, int64_t clock, const char* what) {
    if (ts >= prev_clock && ts <= clock)
      return;
    if (misplaced++ == 0)
      first_misplaced = std::string(what) + " at " + std::to_string(ts) + " made while the clock went " +
                        std::to_string(prev_clock) + " → " + std::to_string(clock);
  };
  for (const auto& ev : f.events) {
    EXPECT_GE(ev.ts_event_ms, prev_clock) << label << ": the market clock went back";
    runner.on_event(ev);
    const auto& out = runner.output();
    for (; orders_seen < out.orders.size(); ++orders_seen)
      in_window(out.orders[orders_seen].ts_event_ms, ev.ts_event_ms, "an order update");
    for (; fills_seen < out.fills.size(); ++fills_seen) {
      const auto& fl = out.fills[fills_seen];
      in_window(fl.ts_event_ms, ev.ts_event_ms, "a fill");
      // No fill before its order went live, nor by a print matched before that. Read as the fill
      // comes: the exchange keeps a window of done orders, not all of them.
      const auto* xo = runner.exchange().executor().find(fl.order_id);
      if (!xo) {
        ADD_FAILURE() << label << ": fill " << fl.fill_id << " of order " << fl.order_id << " the exchange does not hold";
        continue;
      }
      before_live += fl.ts_event_ms < xo->ts_live_ms;
      print_before_live += fl.trade_id != 0 && fl.ts_trade_ms < xo->ts_live_ms;
    }
    for (; decisions_seen < out.decisions.size(); ++decisions_seen)
      in_window(out.decisions[decisions_seen].ts_event_ms, ev.ts_event_ms, "a decision");
    for (; equity_seen < runner.equity().size(); ++equity_seen)
      in_window(runner.equity()[equity_seen].ts_event_ms, ev.ts_event_ms, "an equity point");
    prev_clock = ev.ts_event_ms;
  }
  EXPECT_EQ(misplaced, 0u) << label << ": " << misplaced << " records outside their event, first: " << first_misplaced;

  const auto& out = runner.output();
  run.fills = out.fills.size();
  run.decisions = out.decisions.size();
  // Every kind of record is non-decreasing in time.
  auto non_decreasing = [&](const char* what, auto const& records) {
    for (size_t i = 1; i < records.size(); ++i)
      if (records[i].ts_event_ms < records[i - 1].ts_event_ms) {
        ADD_FAILURE() << label << ": " << what << " " << i << " at " << records[i].ts_event_ms << " before "
                      << records[i - 1].ts_event_ms;
        return;
      }
  };
  non_decreasing("order update", out.orders);
  non_decreasing("fill", out.fills);
  non_decreasing("decision", out.decisions);
  non_decreasing("equity point", runner.equity());

  // created_ms ≤ every fill's time ≤ updated_ms (the order's first and last update, as stored),
  // and no fill before the order went live, nor by a print matched before that.
  std::map<int64_t, std::pair<int64_t, int64_t>> span; // order id → (created, updated)
  for (const auto& o : out.orders) {
    auto [it, fresh] = span.try_emplace(o.order_id, o.ts_event_ms, o.ts_event_ms);
    if (!fresh)
      it->second.second = o.ts_event_ms;
  }
  size_t early = 0, late = 0;
  for (const auto& fl : out.fills) {
    run.maker_fills += fl.role == liquidity::maker;
    auto it = span.find(fl.order_id);
    if (it == span.end()) {
      ADD_FAILURE() << label << ": fill " << fl.fill_id << " of order " << fl.order_id << " that has no record";
      continue;
    }
    early += fl.ts_event_ms < it->second.first;
    late += fl.ts_event_ms > it->second.second;
  }
  EXPECT_EQ(early, 0u) << label << ": fills before their order's created_ms, of " << out.fills.size();
  EXPECT_EQ(late, 0u) << label << ": fills after their order's updated_ms, of " << out.fills.size();
  EXPECT_EQ(before_live, 0u) << label << ": fills before their order went live";
  EXPECT_EQ(print_before_live, 0u) << label << ": fills by a print matched before their order went live";

  // Every decision that sent an order names it, and every order has one decision behind it.
  std::map<int64_t, int> decisions_of;
  for (const auto& d : out.decisions)
    if (d.order_id > 0)
      ++decisions_of[d.order_id];
  for (const auto& [id, s] : span)
    EXPECT_EQ(decisions_of[id], 1) << label << ": order " << id << " has " << decisions_of[id] << " decisions";

  // The metrics are computed for every session.
  metrics_input in;
  in.initial_cash = cfg.initial_cash;
  in.equity = runner.equity();
  in.fills = out.fills;
  in.period_ms = cfg.equity_interval_ms;
  in.slippage_bps = cfg.execution.slippage_bps;
  in.end_ms = f.events.back().ts_event_ms;
  in.end_mark = runner.exchange().market().mark();
  std::string error;
  EXPECT_TRUE(compute_performance(in, &error)) << label << ": metrics not computed: " << error;
  return run;
}

class TimeOrder : public testing::TestWithParam<std::string> {};

TEST_P(TimeOrder, EveryRecordOfEverySessionIsInMarketClockOrder) {
  std::string path = GetParam() == "klines" ? shared_data("klines/spot-1m-ohlcv/BTCUSDT-1m-ohlcv-2023-03-16_2023-05-01.csv.gz")
                                            : stream_file(GetParam());
  ASSERT_FALSE(path.empty());
  ASSERT_TRUE(std::filesystem::exists(path)) << path;
  const auto& f = load(path);
  ASSERT_GT(f.events.size(), 1000u);
  size_t maker = 0, fills = 0;
  for (const auto& s : strategies(f, GetParam() == "klines"))
    for (auto profile : {fill_profile::optimistic, fill_profile::realistic, fill_profile::pessimistic}) {
      auto run = run_and_check(f, s, profile);
      maker += run.maker_fills;
      fills += run.fills;
    }
  // The sweep means something only if the sessions trade, resting orders included.
  EXPECT_GT(fills, 100u);
  EXPECT_GT(maker, 50u);
}

INSTANTIATE_TEST_SUITE_P(RecordedData, TimeOrder, testing::Values("BTCUSDT", "ETHUSDT", "klines"),
                         [](const testing::TestParamInfo<std::string>& p) { return p.param; });

} // namespace
} // namespace pt::test
