#include "core/metrics/equity_curve.hpp"

#include <algorithm>

namespace pt {

equity_curve::equity_curve(int64_t interval_ms) : interval_ms_(std::max<int64_t>(0, interval_ms)) {}

std::optional<equity_point> equity_curve::on_mark(int64_t ts_event_ms, const ledger& account, price mark,
                                                  bool force) {
  auto equity = account.equity(mark);
  if (!equity)
    return std::nullopt;
  equity_point p{ts_event_ms, *equity, account.cash(), account.position_qty(), mark};
  last_ = p;
  if (p.equity > peak_)
    peak_ = p.equity;
  if (peak_.is_positive()) {
    double dd = (peak_ - p.equity).to_double() / peak_.to_double();
    max_drawdown_ = std::max(max_drawdown_, dd);
  }
  if (!force && last_emit_ms_ && ts_event_ms - *last_emit_ms_ < interval_ms_)
    return std::nullopt;
  last_emit_ms_ = ts_event_ms;
  return p;
}

} // namespace pt
