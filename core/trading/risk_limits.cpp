#include "core/trading/risk_limits.hpp"

#include <cmath>

#include "core/trading/decision_text.hpp"

namespace pt {

std::optional<std::string> risk_limits::entry_blocked(int64_t ts_event_ms, std::optional<double> atr,
                                                      bool paused) const {
  if (paused)
    return paused_reason();
  if (halted_for_good_)
    return drawdown_reason();
  if (halted_day_ms_ >= 0 && utc_day(ts_event_ms) == halted_day_ms_)
    return daily_loss_reason(halted_day_ms_ + day_ms);
  bool needs_atr = risk_.stop_loss.type == stop_distance::kind::atr ||
                   risk_.take_profit.type == stop_distance::kind::atr ||
                   risk_.trailing_stop.type == stop_distance::kind::atr;
  if (needs_atr && (!atr || !std::isfinite(*atr) || *atr <= 0))
    return atr_unknown_reason();
  if (last_exit_ms_ >= 0 && ts_event_ms < last_exit_ms_ + risk_.cooldown_ms)
    return cooldown_reason(last_exit_ms_ + risk_.cooldown_ms);
  return std::nullopt;
}

void risk_limits::track_equity(int64_t ts_event_ms, std::optional<price> mark, const ledger& account) {
  if (!mark)
    return;
  int64_t day = utc_day(ts_event_ms);
  std::array<int64_t, 4> inputs{mark->raw(), account.position_qty().raw(), account.cash().raw(), day};
  if (inputs == equity_inputs_)
    return;
  equity_inputs_ = inputs;
  auto equity = account.equity(*mark);
  if (!equity)
    return;
  if (*equity > peak_equity_)
    peak_equity_ = *equity;
  if (day != day_start_ms_) {
    day_start_ms_ = day;
    day_start_equity_ = *equity;
  }
  if (risk_.max_drawdown_bps && !halted_for_good_) {
    auto limit = apply_bps(peak_equity_, *risk_.max_drawdown_bps);
    if (limit && peak_equity_ - *equity >= *limit)
      halted_for_good_ = true;
  }
  if (risk_.max_daily_loss_bps && halted_day_ms_ != day) {
    auto limit = apply_bps(day_start_equity_, *risk_.max_daily_loss_bps);
    if (limit && day_start_equity_ - *equity >= *limit)
      halted_day_ms_ = day;
  }
}

} // namespace pt
