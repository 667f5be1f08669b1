// Google Benchmark for the hot core functions: what one market event or one bar costs a session.
// Inputs are real: the BTCUSDT trades of ../shared/data (prices and quantities as recorded).

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "feeds/market_file.hpp"
#include "core/market/candle.hpp"
#include "core/execution/fill_model.hpp"
#include "core/fixed_point.hpp"
#include "core/indicators/indicators.hpp"
#include "core/execution/ledger.hpp"
#include "core/strategy/rule.hpp"
#include "core/execution/virtual_exchange.hpp"

namespace {

using namespace pt;

std::vector<market_event> read_events(const std::string& relative) {
  market_file_source src(std::string(PAPERTRADER_SHARED_DATA) + "/" + relative);
  std::vector<market_event> out;
  std::string symbol;
  market_event ev;
  while (src.next(symbol, ev))
    out.push_back(ev);
  return out;
}

const std::vector<market_event>& recorded_trades() {
  static const auto events = read_events("trades/BTCUSDT-trades-2024-08-08T235415Z_2024-08-09T000505Z.csv");
  return events;
}

// The BTCUSDT WebSocket recording: trades, bookTicker and the local book's top (depth).
const std::vector<market_event>& recorded_stream() {
  static const auto events = read_events("streams/binance-spot-BTCUSDT-2024-08-08T2354Z_2024-08-09T0005Z.txt.gz");
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

// The fill model's taker walk: a 2 BTC market buy against the book as it stood at each of the
// recording's depth updates (the views are built beforehand, so only the walk is timed).
void BM_TakerWalkBook(benchmark::State& state) {
  std::vector<market_view> views;
  market_view view;
  for (const auto& ev : recorded_stream()) {
    view.apply(ev);
    if (std::holds_alternative<book_depth>(ev.data) && views.size() < 2000)
      views.push_back(view);
  }
  fill_params params = fill_profile_params(fill_profile::realistic);
  liquidity_memory memory;
  taker_want want;
  want.order_side = side::buy;
  want.qty = quantity::from_units(2);
  size_t i = 0;
  for (auto _ : state)
    benchmark::DoNotOptimize(taker_slices(want, views[i++ % views.size()], params, memory));
}
BENCHMARK(BM_TakerWalkBook);

// One market event through a virtual exchange holding a resting limit buy (queue model on every
// trade at its price) and a trailing stop sell (re-anchored on every trade): the whole recording
// per iteration, so the figure per item is the cost of one event.
void BM_VirtualExchangeEvent(benchmark::State& state) {
  const auto& events = recorded_stream();
  int64_t fills = 0, rejected = 0;
  for (auto _ : state) {
    virtual_exchange ex(symbol_rules{}, fill_profile_params(fill_profile::realistic), money::from_units(100'000));
    exchange_events out;
    bool placed = false;
    for (const auto& ev : events) {
      ex.on_market(ev, out);
      if (!placed && ex.market().best_bid()) {
        order_request buy;
        buy.type = order_type::market;
        buy.qty = quantity::from_raw(10'000'000); // 0.1 BTC
        ex.submit(buy, ev.ts_event_ms, out);
        order_request rest;
        rest.type = order_type::limit;
        rest.qty = quantity::from_raw(1'000'000);
        price below = *adjust_price_bps(*ex.market().best_bid(), bps::from_units(-50));
        rest.limit_px = price::from_raw(below.raw() / ex.rules().tick_size.raw() * ex.rules().tick_size.raw());
        ex.submit(rest, ev.ts_event_ms, out);
        placed = true;
      }
      if (placed && ex.open_orders().size() < 2 && ex.base_free().is_positive()) {
        order_request trail;
        trail.type = order_type::trailing_stop;
        trail.order_side = side::sell;
        trail.qty = ex.base_free();
        trail.callback_bps = bps::from_units(20);
        ex.submit(trail, ev.ts_event_ms, out);
      }
      fills += static_cast<int64_t>(out.fills.size());
      for (const auto& u : out.updates)
        rejected += u.status == exec_status::rejected;
      out.updates.clear();
      out.fills.clear();
    }
    benchmark::DoNotOptimize(ex.equity());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(events.size()));
  state.counters["fills_per_pass"] = static_cast<double>(fills) / static_cast<double>(state.iterations());
  state.counters["rejected_per_pass"] = static_cast<double>(rejected) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_VirtualExchangeEvent)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
