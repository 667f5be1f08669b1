#pragma once

// The first stage of a session's pipeline (see actors/session_stage.hpp): market batches in,
// bars and series rows out to the signal detector.

#include <optional>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/handles.hpp"
#include "actors/messages.hpp"
#include "core/indicators/series_engine.hpp"
#include "core/session/session_types.hpp"

namespace pt {

/// Indicator engine state: candles of every timeframe the strategy reads and its indicators.
struct indicator_engine_state {
  std::optional<series_engine> engine;
  bool warned_kline_interval = false;
  bool evaluated = false;              ///< the first evaluation point has been logged
  std::vector<std::string> series_names; ///< column names, for that log line
  indicator_history recent;            ///< indicator columns at each recent bar close, for `indicators_atom`
  std::vector<size_t> indicator_columns; ///< row columns of `recent.names` (indicator series only)
  /// Bars kept in `recent` (the oldest are dropped past it): as many as the candles route serves.
  static constexpr size_t history_bars = 1000;
  static inline const char* name = "indicator_engine";
};

/// Builds the strategy's bars from trades or klines, updates its indicators on each close and
/// adds one row of series values per evaluation point (see `series_engine`). Bars of the
/// timeframes a batch's `candles` cover (built by the broadcaster) are taken from there instead
/// of being built again; subscribe it with `series_engine::shared_timeframes` of its strategy.
/// Takes `warmup_history` (folded in as history, logged, nothing forwarded), `market_batch` and
/// `end_data_atom`; forwards `session_batch` / `end_data_atom` to `next`, and the lifecycle
/// commands `pause_atom`, `resume_atom` and `(stop_atom, bool flatten)` in line with the batches
/// (so they act on the paper executor after every batch received before them). Logs the series values
/// of its first evaluation point (so a log shows what a warm-up made known).
/// `(indicators_atom, int64_t n)` → `indicator_history`: the indicator series' values at the close
/// of each of the last n (at most `history_bars`) bars of the strategy timeframe it evaluated.
/// At the end of data and on `stop_atom` it also sends `(indicators_atom, session_id,
/// indicator_history)` — every bar it kept — to `supervisor` (when valid), which keeps it for the
/// session once its pipeline has ended. Its protocol is `indicator_engine_actor`
/// (actors/handles.hpp).
indicator_engine_actor::behavior_type indicator_engine(indicator_engine_actor::stateful_pointer<indicator_engine_state> self,
                                                       session_config cfg, signal_detector_actor next,
                                                       engine_supervisor_actor supervisor);

/// The last `n` rows of `h` (all when n ≥ its rows; none when n ≤ 0), with its series.
indicator_history last_bars(const indicator_history& h, int64_t n);

} // namespace pt
