#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/market/candle.hpp"
#include "core/metrics/equity_curve.hpp"
#include "core/metrics/running_performance.hpp"
#include "core/fixed_point.hpp"
#include "core/execution/ledger.hpp"
#include "core/execution/order.hpp"
#include "core/trading/session_trader.hpp"
#include "core/session/session_start.hpp"
#include "core/session/session_status.hpp"
#include "core/strategy/strategy.hpp"

namespace pt {

/// What a failed session does next (docs/operations.md, "Restart policy"): after a failure
/// (an actor of its pipeline ending abnormally once it was running) the supervisor starts it
/// again after `backoff_ms`, doubling for each further restart and capped at `max_backoff_ms`,
/// at most `max_restarts` times; past that it stays `failed`. 0 restarts (the default) = off.
struct restart_policy {
  int64_t max_restarts = 0;      ///< restarts allowed over the session's life; 0 = never restarted
  int64_t backoff_ms = 1000;     ///< wall time before the first restart, ms (> 0)
  int64_t max_backoff_ms = 60'000; ///< cap of the doubled backoff, ms (>= backoff_ms)

  /// The wait before restart number `n` (1-based): backoff_ms · 2^(n−1), at most max_backoff_ms.
  int64_t backoff_before(int64_t n) const {
    int64_t wait = backoff_ms;
    for (int64_t i = 1; i < n && wait < max_backoff_ms; ++i)
      wait = wait > max_backoff_ms / 2 ? max_backoff_ms : wait * 2;
    return wait < max_backoff_ms ? wait : max_backoff_ms;
  }

  /// Why the policy is not valid (empty = valid): negative restarts, a backoff ≤ 0, a cap below it.
  std::string invalid() const {
    if (max_restarts < 0 || max_restarts > 1'000'000)
      return "restart.max_restarts must be between 0 and 1000000";
    if (backoff_ms <= 0 || backoff_ms > 86'400'000)
      return "restart.backoff_ms must be between 1 and 86400000";
    if (max_backoff_ms < backoff_ms || max_backoff_ms > 86'400'000)
      return "restart.max_backoff_ms must be at least backoff_ms and at most 86400000";
    return {};
  }
};

/// Everything needed to start one session: its strategy, market and account settings.
struct session_config {
  int64_t session_id = 0;      ///< stable id (assigned by the persister, or 1..N in a backtest)
  std::string name;            ///< display name, e.g. "btc-ema"
  std::string symbol;          ///< e.g. "BTCUSDT"
  strategy_spec strategy;
  std::string strategy_file;   ///< where the strategy came from (for logs and the database)
  std::string strategy_text;   ///< the YAML as written, kept with the session
  money initial_cash = money::from_units(10'000);
  execution_params execution;
  int64_t equity_interval_ms = 60'000; ///< equity curve sampling, event time
  /// Where it starts from: fresh (the default), restored from the database (set at start-up),
  /// or restarted after a failure (set by the supervisor).
  session_start start;
  restart_policy restart;      ///< what happens when it fails (default: nothing, it stays failed)
  /// Where the session joined its symbol's feed: market events of that symbol the broadcaster
  /// had passed on before its first one (-1 = joins now). A restored session created over the API
  /// joins again at this position (docs/operations.md, "Restore").
  int64_t feed_start = -1;
  /// Fault injection, for tests of failure handling only (never set from config or the API): per
  /// start of the session (index 0 = its first start, 1 = its first restart, …), its paper executor
  /// throws on that start's n-th market event; 0 or no entry = never.
  std::vector<int64_t> fail_after_events;
  /// Keep every fill and decision in the session's report even with a database (`backtest
  /// --json` prints them all); otherwise a session that stores them keeps only the latest
  /// (`session_report::bounded_history`), so its memory does not grow with its history.
  bool keep_full_history = false;
};

/// An account at a moment: the ledger's figures plus the mark used to value the position.
struct account_snapshot {
  int64_t ts_event_ms = 0;
  money initial_cash;
  money cash;
  quantity position_qty;
  money cost_basis;
  money realized_pnl;
  money fees;
  price mark;    ///< 0 until a price is known
  money equity;  ///< cash + position · mark

  /// The ledger's figures in this snapshot (cash, position, cost basis, realized P&L, fees).
  ledger_figures figures() const { return {cash, position_qty, cost_basis, realized_pnl, fees}; }
  /// Sets the ledger's figures from `f`; the time, initial cash, mark and equity stay.
  void set_figures(const ledger_figures& f) {
    cash = f.cash;
    position_qty = f.position_qty;
    cost_basis = f.cost_basis;
    realized_pnl = f.realized_pnl;
    fees = f.fees;
  }
};

/// Reads the account's figures and values the position at `mark` (equity = cash if overflow).
inline account_snapshot snapshot_of(const ledger& l, price mark, int64_t ts_event_ms) {
  account_snapshot s;
  s.ts_event_ms = ts_event_ms;
  s.initial_cash = l.initial_cash();
  s.set_figures(l.figures());
  s.mark = mark;
  s.equity = l.equity(mark).value_or(l.cash());
  return s;
}

/// How a session ended (or stands), as the position tracker reports it to the supervisor.
struct session_report {
  int64_t session_id = 0;
  std::string name;
  std::string strategy;
  std::string symbol;
  money initial_cash;
  /// The fills, in order: every one, or with `bounded_history` the latest (at least
  /// `kept_history`, at most twice that); `fill_count` counts them all.
  std::vector<fill> fills;
  /// The decision log (why each order was or was not placed), kept like `fills`.
  std::vector<decision> decisions;
  int64_t fill_count = 0; ///< every fill of the session (a restart's earlier ones included), kept here or not
  /// Whether `fills` and `decisions` keep only the latest: a session whose history is in the
  /// database (the position tracker sets it when there is a persister and the config does not
  /// ask for `keep_full_history`).
  bool bounded_history = false;
  account_snapshot final;      ///< account at the last event
  double max_drawdown = 0;     ///< fraction of peak equity
  int64_t events = 0;          ///< market events processed
  int64_t bars = 0;            ///< closed bars of the strategy timeframe
  int64_t orders_rejected = 0; ///< orders refused: rejected by the venue or denied by the session
  session_status status = session_status::running; ///< running, finished, stopped or failed
  std::string failure;             ///< why, when failed
  /// The metrics of its fills and sampled equity curve (the points persisted), kept up to date
  /// point by point in constant memory; the curve itself is not kept here (the persister stores it
  /// when there is a database).
  running_performance performance;
  int64_t equity_interval_ms = 60'000; ///< the session's equity sampling; the metrics' return period
  bps slippage_bps;                    ///< the session's setting, to estimate slippage cost
  /// Closed round trips a report keeps in `performance` (the latest; counts and sums cover all).
  static constexpr size_t kept_trips = 100;
  /// Fills and decisions a bounded report keeps at least (the latest).
  static constexpr size_t kept_history = 100;

  /// Appends fills and decisions in order, counting the fills; a bounded report then drops its oldest
  /// down to `kept_history` once it holds twice that (amortised O(1) per item).
  void add_history(const std::vector<fill>& new_fills, const std::vector<decision>& new_decisions) {
    fills.insert(fills.end(), new_fills.begin(), new_fills.end());
    decisions.insert(decisions.end(), new_decisions.begin(), new_decisions.end());
    fill_count += static_cast<int64_t>(new_fills.size());
    if (!bounded_history)
      return;
    auto trim = [](auto& v) {
      if (v.size() >= 2 * kept_history)
        v.erase(v.begin(), v.end() - static_cast<std::ptrdiff_t>(kept_history));
    };
    trim(fills);
    trim(decisions);
  }
};

/// The running metrics a report of `cfg`'s session starts with: its initial cash, its equity
/// interval as the return period (60 s when it is 0), its slippage setting, `kept_trips`.
inline running_performance initial_performance(const session_config& cfg) {
  return running_performance(cfg.initial_cash, cfg.equity_interval_ms > 0 ? cfg.equity_interval_ms : 60'000,
                             cfg.execution.slippage_bps, session_report::kept_trips);
}

} // namespace pt
