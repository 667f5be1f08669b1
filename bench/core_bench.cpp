// Google Benchmark for the hot core functions: what one market event or one bar costs a session.
// Inputs are real: the BTCUSDT trades of ../shared/data (prices and quantities as recorded).

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "actors/market_file.hpp"
#include "core/candle.hpp"
#include "core/fixed_point.hpp"
#include "core/indicators.hpp"
#include "core/ledger.hpp"
#include "core/rule.hpp"

namespace {

using namespace pt;

const std::vector<market_event>& recorded_trades() {
  static const std::vector<market_event> events = [] {
    market_file_source src(std::string(PAPERTRADER_SHARED_DATA) +
                           "/trades/BTCUSDT-trades-2024-08-08T235415Z_2024-08-09T000505Z.csv");
    std::vector<market_event> out;
    std::string symbol;
    market_event ev;
    while (src.next(symbol, ev))
      out.push_back(ev);
    return out;
  }();
  return events;
}

void BM_ParseDecimal(benchmark::State& state) {
  const std::string text = "61837.63000000";
  int64_t raw = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(parse_decimal_raw(text, raw));
    benchmark::DoNotOptimize(raw);
  }
}
BENCHMARK(BM_ParseDecimal);

void BM_NotionalAndFee(benchmark::State& state) {
  const auto& events = recorded_trades();
  auto fee = bps::from_units(10);
  size_t i = 0;
  for (auto _ : state) {
    const auto& t = std::get<trade>(events[i++ % events.size()].data);
    auto n = notional(t.px, t.qty);
    benchmark::DoNotOptimize(apply_bps(*n, fee));
  }
}
BENCHMARK(BM_NotionalAndFee);

void BM_CandleFromTrade(benchmark::State& state) {
  const auto& events = recorded_trades();
  candle_aggregator agg(state.range(0) * 1000);
  std::vector<candle> out;
  size_t i = 0;
  for (auto _ : state) {
    const auto& ev = events[i++ % events.size()];
    const auto& t = std::get<trade>(ev.data);
    out.clear();
    agg.on_trade(ev.ts_event_ms + static_cast<int64_t>(i / events.size()) * 1'000'000, t.px, t.qty, out);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_CandleFromTrade)->Arg(1)->Arg(60);

template <class Indicator>
void BM_IndicatorUpdate(benchmark::State& state) {
  const auto& events = recorded_trades();
  Indicator ind(static_cast<int>(state.range(0)));
  size_t i = 0;
  for (auto _ : state) {
    const auto& t = std::get<trade>(events[i++ % events.size()].data);
    benchmark::DoNotOptimize(ind.update(t.px.to_double()));
  }
}
BENCHMARK_TEMPLATE(BM_IndicatorUpdate, sma)->Arg(20)->Arg(200);
BENCHMARK_TEMPLATE(BM_IndicatorUpdate, ema)->Arg(20);
BENCHMARK_TEMPLATE(BM_IndicatorUpdate, rsi)->Arg(14);

void BM_RuleEvaluate(benchmark::State& state) {
  std::vector<std::string> names{"close", "ema_fast", "ema_slow", "rsi"};
  std::vector<rule_error> errors;
  auto r = rule::compile("crosses_above(ema_fast, ema_slow) and rsi < 70 and close > ema_slow * 1.001", names, errors);
  series_table table(names, 2);
  table.push({61800.0, 61790.0, 61795.0, 55.0});
  table.push({61810.0, 61799.0, 61796.0, 56.0});
  for (auto _ : state)
    benchmark::DoNotOptimize(r->evaluate(table));
}
BENCHMARK(BM_RuleEvaluate);

void BM_LedgerRoundTrip(benchmark::State& state) {
  const auto& events = recorded_trades();
  ledger l(money::from_units(1'000'000));
  size_t i = 0;
  for (auto _ : state) {
    const auto& t = std::get<trade>(events[i++ % events.size()].data);
    fill buy{0, 0, 0, side::buy, t.px, quantity::from_raw(100'000), money::from_raw(61'000), liquidity::taker};
    fill sell = buy;
    sell.fill_side = side::sell;
    benchmark::DoNotOptimize(l.apply(buy));
    benchmark::DoNotOptimize(l.apply(sell));
  }
}
BENCHMARK(BM_LedgerRoundTrip);

} // namespace

BENCHMARK_MAIN();
