#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "core/fixed_point.hpp"
#include "core/execution/ledger.hpp"
#include "core/strategy/strategy.hpp"

namespace pt {

/// One UTC day, ms.
inline constexpr int64_t day_ms = 86'400'000;

/// The start of the UTC day `ts_ms` falls in, ms.
inline int64_t utc_day(int64_t ts_ms) { return ts_ms - ((ts_ms % day_ms) + day_ms) % day_ms; }

/// The limits on a session's new entries (`risk_spec`): none during `cooldown_ms` after an exit,
/// none for the rest of the UTC day once the day's loss reaches `max_daily_loss_bps`, none for
/// good once drawdown from peak equity reaches `max_drawdown_bps`, and none while an ATR that a
/// risk distance needs is not known yet. Peak equity starts at the account's initial cash.
class risk_limits {
public:
  risk_limits(risk_spec risk, money initial_cash) : risk_(std::move(risk)), peak_equity_(initial_cash) {}

  /// Records an exit at `ts` (the position is closed): the cooldown starts.
  void on_exit(int64_t ts) { last_exit_ms_ = ts; }

  /// Tracks equity at `mark` (nothing when nullopt) for the day's loss and the drawdown, at event
  /// time `ts_event_ms`; halts new entries when a limit is reached.
  void track_equity(int64_t ts_event_ms, std::optional<price> mark, const ledger& account);

  /// Why a new entry at `ts_event_ms` is blocked (the reason text of the decision log), nullopt
  /// when it may go: `paused`, the drawdown halt, the daily-loss halt, an unknown ATR (`atr`) the
  /// risk distances need, the cooldown — the first that holds.
  std::optional<std::string> entry_blocked(int64_t ts_event_ms, std::optional<double> atr, bool paused) const;

  /// True while a daily-loss or drawdown halt holds at `ts_event_ms` (a grid places no new buys).
  bool halted(int64_t ts_event_ms) const { return halted_for_good_ || utc_day(ts_event_ms) == halted_day_ms_; }

private:
  risk_spec risk_;
  int64_t last_exit_ms_ = -1;
  money peak_equity_;
  int64_t day_start_ms_ = -1;
  money day_start_equity_;
  bool halted_for_good_ = false;
  int64_t halted_day_ms_ = -1;
  // What the last equity check saw (mark, position and cash raw, UTC day): equal inputs give the
  // same equity, which can change nothing `track_equity` keeps, so it returns at once.
  std::array<int64_t, 4> equity_inputs_{0, 0, 0, -1};
};

} // namespace pt
