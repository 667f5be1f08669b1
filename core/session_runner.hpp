#pragma once

#include <cmath>
#include <optional>
#include <stdexcept>
#include <vector>

#include "core/equity_curve.hpp"
#include "core/paper_exchange.hpp"
#include "core/series_engine.hpp"
#include "core/session_types.hpp"
#include "core/strategy.hpp"

namespace pt {

/// One session stepped synchronously, event by event: the work the session's four actors do
/// (indicator_engine → signal_detector → paper_executor), in one object, in the same order.
/// It is the reference the actor pipeline must reproduce exactly (tests) and the single-threaded
/// baseline it is measured against (benchmarks).
class session_runner {
public:
  /// Throws `std::invalid_argument` when the strategy's rules do not compile.
  explicit session_runner(const session_config& cfg)
    : compiled_(compile(cfg.strategy)),
      engine_(compiled_),
      rules_(compiled_),
      exchange_(cfg.initial_cash, cfg.execution, cfg.strategy.sizing, cfg.strategy.risk, cfg.strategy.grid,
                cfg.strategy.order),
      curve_(cfg.equity_interval_ms) {}

  /// Per event: the market state first, then the bars the event closes, their signals acted on;
  /// then the equity curve is marked when a bar closed or an order filled (as the paper executor
  /// samples it).
  void on_event(const market_event& ev) {
    rows_.clear();
    engine_.on_event(ev, rows_);
    size_t fills_before = out_.fills.size();
    exchange_.on_market(ev, out_);
    bool bar_closed = false;
    for (auto& row : rows_) {
      bar_closed = bar_closed || row.bar_closed;
      if (compiled_.risk_atr && !std::isnan(row.values[*compiled_.risk_atr]))
        atr_ = row.values[*compiled_.risk_atr];
      if (auto sig = rules_.on_row(ev.ts_event_ms, row.values))
        exchange_.on_signal(*sig, atr_, out_);
    }
    bool filled = out_.fills.size() != fills_before;
    if (bar_closed || filled)
      if (auto mark = exchange_.market().mark())
        if (auto p = curve_.on_mark(ev.ts_event_ms, exchange_.account(), *mark, filled))
          equity_.push_back(*p);
  }

  /// The sampled equity curve so far, in order (the points a session persists).
  const std::vector<equity_point>& equity() const { return equity_; }

  /// History before the first event, as the indicator engine takes a `warmup_history`: closed
  /// bars of `timeframe_ms`, oldest first, into the indicators only (see `series_engine::warm`).
  size_t warm(int64_t timeframe_ms, const std::vector<candle>& bars) { return engine_.warm(timeframe_ms, bars); }

  /// Everything the exchange produced so far: orders, fills, decisions.
  const exchange_output& output() const { return out_; }
  const paper_exchange& exchange() const { return exchange_; }

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
  paper_exchange exchange_;
  exchange_output out_;
  equity_curve curve_;
  std::vector<equity_point> equity_;
  std::vector<series_row> rows_;
  std::optional<double> atr_;
};

} // namespace pt
