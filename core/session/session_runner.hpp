#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "core/indicators/series_engine.hpp"
#include "core/session/session_step.hpp"
#include "core/session/session_types.hpp"
#include "core/strategy/strategy.hpp"

namespace pt {

/// One session stepped synchronously, event by event: the work the session's actors do
/// (indicator_engine → signal_detector → paper_executor), in one object, in the same order — the
/// engine's rows and the rules' signals for each event, then the same `session_step` the paper
/// executor runs, on a batch of that one event.
/// It is the reference the actor pipeline must reproduce exactly (tests) and the single-threaded
/// baseline it is measured against (benchmarks).
class session_runner {
public:
  /// Throws `std::invalid_argument` when the strategy's rules do not compile.
  explicit session_runner(const session_config& cfg)
    : compiled_(compile(cfg.strategy)), engine_(compiled_), rules_(compiled_), step_(cfg, compiled_) {}

  /// Per event: the bars the event closes and the signals they raise, then the session step
  /// (market state, signals acted on, equity curve marked when a bar closed or an order filled).
  void on_event(const market_event& ev) {
    rows_.clear();
    engine_.on_event(ev, rows_);
    bars_.clear();
    signals_.clear();
    for (auto& row : rows_) {
      // The decision is made when the event that closed the bar (or the tick) arrives.
      if (auto sig = rules_.on_row(ev.ts_event_ms, row.values))
        signals_.push_back({0, std::move(*sig)});
      bars_.push_back({0, row.bar_closed, row.bar, std::move(row.values)});
    }
    step_.on_batch(&ev, 1, bars_, signals_, out_);
  }

  /// The sampled equity curve so far, in order (the points a session persists).
  const std::vector<equity_point>& equity() const { return out_.equity; }

  /// History before the first event, as the indicator engine takes a `warmup_history`: closed
  /// bars of `timeframe_ms`, oldest first, into the indicators only (see `series_engine::warm`).
  size_t warm(int64_t timeframe_ms, const std::vector<candle>& bars) { return engine_.warm(timeframe_ms, bars); }

  /// Everything the exchange produced so far: orders, fills, decisions.
  const exchange_output& output() const { return out_; }
  const session_trader& exchange() const { return step_.exchange(); }

private:
  static compiled_strategy compile(const strategy_spec& spec) {
    std::vector<strategy_rule_error> errors;
    auto cs = compile_strategy(spec, errors);
    if (!cs)
      throw std::invalid_argument("strategy '" + spec.name + "' does not compile: " +
                                  (errors.empty() ? std::string("?") : errors[0].error.message));
    return std::move(*cs);
  }

  compiled_strategy compiled_;
  series_engine engine_;
  signal_rules rules_;
  session_step step_;
  step_output out_;
  std::vector<series_row> rows_;
  std::vector<bar_closed> bars_;
  std::vector<signal_raised> signals_;
};

} // namespace pt
