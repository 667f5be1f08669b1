#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/candle.hpp"
#include "core/equity_curve.hpp"
#include "core/fixed_point.hpp"
#include "core/ledger.hpp"
#include "core/order.hpp"
#include "core/paper_exchange.hpp"
#include "core/strategy.hpp"

namespace pt {

/// Where a restored session was when the process went down, read from the database at start-up
/// (see docs/operations.md, "Restore"). The session is fed again from the start of the replay:
/// the outputs (orders, fills, decisions, equity points) of its first `events` market events are
/// already committed, so they are rebuilt in memory but neither stored nor reported again; from
/// event `events` on it runs normally.
struct session_restore {
  bool active = false;           ///< this session is a restored one
  int64_t events = 0;            ///< market events processed at its last commit (its feed position)
  bool paused = false;           ///< its stored status was "paused"
  /// Pause (true) and resume (false) commands as they took effect: before the market event of
  /// that position (events processed then), in order.
  std::vector<std::pair<int64_t, bool>> pauses;
  money cash;                    ///< the account as last committed, to check the re-feed against
  quantity position_qty;
  money realized_pnl;
  money fees;
  int64_t fills = 0;             ///< fills committed
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
  session_restore restore;     ///< set when the session comes back from the database
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
};

/// Reads the account's figures and values the position at `mark` (equity = cash if overflow).
inline account_snapshot snapshot_of(const ledger& l, price mark, int64_t ts_event_ms) {
  account_snapshot s;
  s.ts_event_ms = ts_event_ms;
  s.initial_cash = l.initial_cash();
  s.cash = l.cash();
  s.position_qty = l.position_qty();
  s.cost_basis = l.cost_basis();
  s.realized_pnl = l.realized_pnl();
  s.fees = l.fees();
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
  std::vector<fill> fills;     ///< every fill, in order
  std::vector<decision> decisions; ///< the decision log: why each order was (or was not) placed
  account_snapshot final;      ///< account at the last event
  double max_drawdown = 0;     ///< fraction of peak equity
  int64_t events = 0;          ///< market events processed
  int64_t bars = 0;            ///< closed bars of the strategy timeframe
  int64_t orders_rejected = 0;
  std::string status = "running"; ///< "running", "finished", "stopped" or "failed"
  std::string failure;             ///< why, when failed
  std::vector<equity_point> equity;    ///< the sampled equity curve (the points persisted), in order
  int64_t equity_interval_ms = 60'000; ///< the session's equity sampling; the metrics' return period
  bps slippage_bps;                    ///< the session's setting, to estimate slippage cost
};

} // namespace pt
