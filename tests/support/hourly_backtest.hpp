#pragma once

// A real backtest for the metrics tests: the EMA crossover example on hourly BTCUSDT klines, its
// equity sampled hourly as a session samples it, each event's new fills and point handed to a
// callback.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "app/strategy_loader.hpp"
#include "core/metrics/equity_curve.hpp"
#include "core/session/session_runner.hpp"
#include "feeds/market_file.hpp"
#include "tests/support/process.hpp"

namespace pt::test {

/// One hour, ms: the run's equity interval and return period.
constexpr int64_t backtest_hour_ms = 3'600'000;

/// What the run produced so far.
struct hourly_backtest {
  session_config cfg;
  std::vector<fill> fills;
  std::vector<equity_point> equity; ///< the sampled curve (a point on each hour and each fill)
  double curve_max_drawdown = 0;    ///< the sampler's own drawdown, measured on every mark
  int64_t last_ms = 0;              ///< the last event's time
  price last_mark;
};

/// Runs the first `bars` klines of BTCUSDT-1h-2022-01-01_2026-04-30 (slippage 3 bps), calling
/// `on_step(new_fills, point, run_so_far)` after each event (`point`: the equity point sampled at
/// it, if any).
template <class OnStep>
hourly_backtest run_hourly_backtest(int bars, OnStep on_step) {
  hourly_backtest run;
  run.cfg.name = "ema";
  run.cfg.symbol = "BTCUSDT";
  run.cfg.strategy = load_strategy_file(source_file("config/strategies/ema_crossover.yaml")).spec;
  run.cfg.execution.slippage_bps = bps::from_units(3);
  run.cfg.equity_interval_ms = backtest_hour_ms;
  session_runner runner(run.cfg);
  equity_curve curve(run.cfg.equity_interval_ms);
  market_file_source src(shared_data("klines/spot-1h/BTCUSDT-1h-2022-01-01_2026-04-30.csv.gz"));
  std::string symbol;
  market_event ev;
  for (int n = 0; n < bars && src.next(symbol, ev); ++n) {
    runner.on_event(ev);
    size_t before = run.fills.size();
    const auto& all = runner.output().fills;
    run.fills.insert(run.fills.end(), all.begin() + static_cast<std::ptrdiff_t>(before), all.end());
    std::vector<fill> new_fills(run.fills.begin() + static_cast<std::ptrdiff_t>(before), run.fills.end());
    std::optional<equity_point> point;
    if (auto mark = runner.exchange().market().mark()) {
      point = curve.on_mark(ev.ts_event_ms, runner.exchange().account(), *mark, !new_fills.empty());
      if (point)
        run.equity.push_back(*point);
      run.last_mark = *mark;
    }
    run.curve_max_drawdown = curve.max_drawdown();
    run.last_ms = ev.ts_event_ms;
    on_step(new_fills, point, run);
  }
  return run;
}

} // namespace pt::test
