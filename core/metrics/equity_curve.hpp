#pragma once

#include <cstdint>
#include <optional>

#include "core/fixed_point.hpp"
#include "core/execution/ledger.hpp"

namespace pt {

/// A point of a session's equity curve: the account marked to market at an event time.
struct equity_point {
  int64_t ts_event_ms = 0;
  money equity;          ///< cash + position · mark
  money cash;
  quantity position_qty;
  price mark;            ///< the price the position was valued at
};

/// Samples a session's equity and tracks its peak and maximum drawdown.
///
/// Drawdown at t = (peak equity up to t − equity_t) / peak, reported as a fraction (0.05 = 5 %),
/// measured on every mark (not only on sampled points).
class equity_curve {
public:
  /// Emit at most one point per `interval_ms` of event time (0 = every mark).
  explicit equity_curve(int64_t interval_ms);

  /// Marks `account` at `mark` at `ts_event_ms`. Returns a point when one is due: the first mark,
  /// and then once `interval_ms` has passed since the last point. nullopt on overflow too.
  std::optional<equity_point> on_mark(int64_t ts_event_ms, const ledger& account, price mark, bool force = false);

  /// The latest mark, sampled or not.
  const std::optional<equity_point>& last() const { return last_; }
  money peak() const { return peak_; }
  /// Largest drawdown seen, as a fraction of the peak.
  double max_drawdown() const { return max_drawdown_; }

private:
  int64_t interval_ms_;
  std::optional<int64_t> last_emit_ms_;
  std::optional<equity_point> last_;
  money peak_;
  double max_drawdown_ = 0;
};

} // namespace pt
