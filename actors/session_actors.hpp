#pragma once

// The four actors of one session's pipeline (DESIGN decision 2):
//   indicator_engine → signal_detector → paper_executor → position_tracker
// Market data enters once, at the indicator engine; each stage adds its output to the
// `session_batch` and forwards it. Each stage links to the next, so a failure in any stage
// ends the whole session (and only that session); the supervisor monitors the tracker.

#include <deque>
#include <optional>
#include <utility>
#include <vector>

#include <caf/all.hpp>

#include "actors/messages.hpp"
#include "core/equity_curve.hpp"
#include "core/paper_exchange.hpp"
#include "core/series_engine.hpp"
#include "core/session_types.hpp"
#include "core/strategy.hpp"

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
/// session once its pipeline has ended.
caf::behavior indicator_engine(caf::stateful_actor<indicator_engine_state>* self, session_config cfg,
                               caf::actor next, caf::actor supervisor);

/// The last `n` rows of `h` (all when n ≥ its rows; none when n ≤ 0), with its series.
indicator_history last_bars(const indicator_history& h, int64_t n);

/// Signal detector state: the compiled entry and exit rules.
struct signal_detector_state {
  std::optional<signal_rules> rules;
  static inline const char* name = "signal_detector";
};

/// Evaluates the entry and exit rules on every closed bar and adds the signals that fire.
/// Fails at start-up (the session fails) if the rules do not compile. Forwards `pause_atom`,
/// `resume_atom` and `(stop_atom, bool flatten)` in line with the batches.
caf::behavior signal_detector(caf::stateful_actor<signal_detector_state>* self, session_config cfg,
                              caf::actor next);

/// Paper executor state: the session's virtual exchange and account.
struct paper_executor_state {
  std::optional<paper_exchange> exchange;
  std::optional<equity_curve> curve;
  std::optional<size_t> risk_atr; ///< column of the risk ATR in each row
  int64_t events = 0;             ///< market events processed so far (the session's feed position)
  size_t next_pause = 0;          ///< next entry of `restore.pauses` to apply
  bool restore_checked = false;   ///< a restored session reached its restore position
  static inline const char* name = "paper_executor";
};

/// Replays the batch's events into the virtual exchange, acting on each signal right after the
/// event that raised it; adds order updates, fills, decisions, equity points and the account.
/// A restored session (`session_config::restore`) re-applies its stored pause/resume commands at
/// their positions, and moves the outputs of its first `restore.events` events out of the batch
/// (its fills into `replayed_fills`): they are committed already. At that position it compares
/// its account with the stored one and logs the outcome (a warning when they differ).
/// Lifecycle: `pause_atom` / `resume_atom` set the exchange's paused flag (no new entries, see
/// `paper_exchange::set_paused`); each is forwarded to `next` as
/// `(pause_atom|resume_atom, int64_t events)`, the position at which it took effect.
/// `(stop_atom, bool flatten)` cancels pending orders and, with `flatten`, sells the position at
/// the current bid (`paper_exchange::flatten`); it forwards those as one more `session_batch`
/// (with no market events), then `(stop_atom, flatten)`.
caf::behavior paper_executor(caf::stateful_actor<paper_executor_state>* self, session_config cfg,
                             caf::actor next);

/// Position tracker state: the session's running report.
struct position_tracker_state {
  session_report report;
  int64_t equity_interval_ms = 0;
  int64_t last_progress_wall_ms = 0; ///< steady clock, when the last progress summary went out
  int64_t acks_pending = 0;          ///< batches sent to the persister whose commit is not yet answered
  /// Longest wall time between two progress summaries while batches keep coming, ms.
  static constexpr int64_t progress_interval_ms = 500;
  static inline const char* name = "position_tracker";
};

/// Keeps the session's position, P&L and fills; sends what must be stored to the persister
/// (if any) as `(await_atom, persist_batch)` with the feed position, and, at the end of data, the
/// `session_report` to the supervisor — once the persister has committed what came before.
/// Progress: a `session_summary` (status "running"; the supervisor owns the status) goes to the
/// supervisor when the persister confirms the commit of a batch with fills (the summary as of that
/// batch: nobody hears of a fill before it is stored), or when `progress_interval_ms` of wall time
/// passed since the last one and nothing waits for a commit — never one message per tick. While a
/// restored session is re-fed (before its restore position) no progress is sent.
/// `(pause_atom|resume_atom, int64_t events)`: stored as a command at that feed position.
/// When `fill_latency::enabled()`, records for each fill of a batch the time since the batch
/// arrived at the broadcaster (actors/fill_latency.hpp).
/// `(stop_atom, bool)`: the report becomes final with status "stopped", stored as such, and is
/// sent to the supervisor.
caf::behavior position_tracker(caf::stateful_actor<position_tracker_state>* self, session_config cfg,
                               caf::actor supervisor, caf::actor persister);

/// The summary of a report: its figures, status and failure as they stand.
session_summary summary_of(const session_report& r);

} // namespace pt
