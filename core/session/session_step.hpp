#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/market/candle.hpp"
#include "core/metrics/equity_curve.hpp"
#include "core/execution/ledger.hpp"
#include "core/market/market_event.hpp"
#include "core/trading/session_trader.hpp"
#include "core/session/session_start.hpp"
#include "core/session/session_types.hpp"
#include "core/strategy/strategy.hpp"

namespace pt {

/// An evaluation point reached while processing event `event_index` of the batch: a closed bar of
/// the strategy timeframe (or, with `evaluate_on: tick`, a tick), with the series row the rules see
/// (`values`, in `compiled_strategy::series` order; NaN while an indicator warms up).
struct bar_closed {
  uint32_t event_index = 0;
  bool closed = true;           ///< a bar of the strategy timeframe closed here
  candle bar;                   ///< that bar, when `closed`
  std::vector<double> values;
};

/// A strategy signal raised at event `event_index` of the batch.
struct signal_raised {
  uint32_t event_index = 0;
  signal sig;
};

/// A restored session at its restore position: the account its re-feed rebuilt against the one
/// stored at its last commit (they differ only if the re-feed did not reproduce the run).
struct restore_check {
  int64_t position = 0;  ///< market events re-fed (the restore position)
  ledger_figures refed;  ///< the account the re-feed rebuilt
  ledger_figures stored; ///< the account as last committed (`session_start::account`)

  /// How many of the five figures differ (0 = the account is as stored).
  int differences() const {
    return (refed.cash != stored.cash) + (refed.position_qty != stored.position_qty) +
           (refed.cost_basis != stored.cost_basis) + (refed.realized_pnl != stored.realized_pnl) +
           (refed.fees != stored.fees);
  }
};

/// What the session step produced, in order: order updates, fills and decisions (the
/// `exchange_output` it derives from, ids already moved past a restart's offsets), the equity
/// points it sampled, and for a restored session the fills it rebuilt before its restore position.
/// Each call of `session_step` appends to one.
struct step_output : exchange_output {
  std::vector<equity_point> equity; ///< sampled equity curve points
  /// Restore: fills of events before the restore position, rebuilt by the re-feed; committed and
  /// reported already, so only to be counted, never stored again. Their orders, decisions and
  /// equity points are dropped.
  std::vector<fill> replayed_fills;
  /// Set by the call in which a restored session reached its restore position.
  std::optional<restore_check> restored;
};

/// The session step (DESIGN decision 1): what a session does with a batch of market events once
/// its bars and signals are known, in one pure object — the virtual exchange and account
/// (`session_trader`), the equity curve, and the session's start (`session_start`).
///
/// Per event of a batch, in order: stored pause/resume commands of a restore that fall due at this
/// position are applied; the event goes into the exchange; the risk ATR is read from the bars
/// found at this event; the signals raised at it are acted on; the equity curve is marked when a
/// bar closed or an order filled. A restored session's outputs before `start.events` are moved out
/// (its fills to `replayed_fills`) and its account is checked there (`step_output::restored`);
/// a restarted one starts from the committed account and feed position and numbers its orders and
/// fills after the stored ones.
///
/// The `paper_executor` actor runs one per session on the pipeline's batches; `session_runner`
/// runs one event by event as the single-threaded reference. No CAF, no I/O, nothing thrown.
class session_step {
public:
  /// A session of `cfg` starting at `cfg.start`; `strategy` is its compiled strategy (for the
  /// column of the risk ATR in each row).
  session_step(const session_config& cfg, const compiled_strategy& strategy);

  /// Processes `count` market events (`events[0..count)`), with the bars the indicator engine
  /// found in them and the signals the rules raised, each tagged with the index of its event in
  /// the batch (ascending). Appends to `out`.
  void on_batch(const market_event* events, size_t count, const std::vector<bar_closed>& bars,
                const std::vector<signal_raised>& signals, step_output& out);

  /// The operator's stop, after every batch: pending orders are cancelled and, with `flatten`, the
  /// position is sold at the last known market (`session_trader::flatten`); when that filled, an
  /// equity point at the clock the orders left the exchange at. Appends to `out`. Returns that
  /// clock (event time, ms: the latest event's, or later when the orders took latency).
  int64_t on_stop(bool flatten, step_output& out);

  /// Pauses (`true`) or resumes new entries (see `session_trader::set_paused`).
  void set_paused(bool paused) { exchange_.set_paused(paused); }

  /// Market events processed so far over the session's life (its feed position); a restart
  /// counts on from `start.events`.
  int64_t events() const { return events_; }

  /// The account now, valued at the mark (0 before any price), stamped `ts_event_ms`.
  account_snapshot account(int64_t ts_event_ms) const {
    return snapshot_of(exchange_.account(), exchange_.market().mark().value_or(price{}), ts_event_ms);
  }

  /// Largest drawdown of the sampled equity so far, fraction of peak.
  double max_drawdown() const { return curve_.max_drawdown(); }

  /// The session's trading logic and virtual exchange, for reading (orders, market, account).
  const session_trader& exchange() const { return exchange_; }

private:
  // Applies the stored commands due at `position`; at the restore position, checks the account
  // and returns true (once).
  bool at_position(int64_t position, step_output& out);
  // One event of a batch (its `index`): into the exchange, the bars and signals found at it (the
  // cursors `next_row` / `next_signal` move past them; `atr` keeps the latest risk ATR), then the
  // equity point when a bar closed or an order filled.
  void on_event(const market_event& ev, uint32_t index, const std::vector<bar_closed>& bars, size_t& next_row,
                const std::vector<signal_raised>& signals, size_t& next_signal, std::optional<double>& atr,
                step_output& out);
  // Moves the ids of outputs from `from` on past a restart's offsets.
  void renumber(exchange_output& out, size_t orders_from, size_t fills_from, size_t decisions_from) const;

  session_start start_;
  std::optional<size_t> risk_atr_;
  session_trader exchange_;
  equity_curve curve_;
  int64_t events_ = 0;
  size_t next_pause_ = 0;       // next entry of `start_.pauses` to apply
  bool restore_checked_ = false; // a restored session reached its restore position
};

} // namespace pt
