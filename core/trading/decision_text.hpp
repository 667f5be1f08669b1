#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/execution/exchange_order.hpp"
#include "core/fixed_point.hpp"

namespace pt {

/// One entry of a session's decision log: a rule fired (or a risk exit triggered) and what was
/// done about it — the "why" behind every order — logged when it is made.
struct decision {
  int64_t ts_event_ms = 0; ///< market-clock time it was made
  std::string rule;     ///< "entry", "exit", "stop_loss", "take_profit", "trailing_stop", "grid_buy", …
  std::string inputs;   ///< the values the rule saw, e.g. "rsi=28.1, close=61790"
  /// What was done: the order sent ("buy 0.15000000 market submitted (order 3)") or why none was
  /// ("blocked: cooldown until …"). How the order ended is in its own records.
  std::string action;
  int64_t order_id = 0; ///< the order it led to, 0 if none
};

// The texts of a session's decisions (`decision::inputs` and `decision::action`), in one place.
// They are part of what a session records: a change here changes stored decisions.

/// What was sent, as the decision log says it: "buy 0.06462000 limit at 61835.80000000 submitted
/// (order 1)", with ", replacing order N" for a cancel-replace (`replaces` ≠ 0).
std::string describe_request(const order_request& r, int64_t id, int64_t replaces);

/// A market sell of `q`, as `virtual_exchange::execute_at` carries one out (for the decision log).
order_request bar_exit_request(quantity q);

/// The action of an entry that was not sent: "blocked: " + `why` (a `risk_limits` reason).
std::string blocked_action(const std::string& why);

/// The inputs of a grid order at level `level` priced `px`: "level 3 = 61000.00000000".
std::string grid_level_inputs(size_t level, price px);

/// The inputs of a protective take-profit limit sell: "limit sell at <px>".
std::string take_profit_inputs(price limit_px);
/// The inputs of a protective stop-loss order: "stop at <px>".
std::string stop_loss_inputs(price stop_px);
/// The inputs of a protective trailing stop: "callback <bps> bps" and ", activation <px>" when
/// it has one (`activation_px` positive).
std::string trailing_stop_inputs(bps callback, price activation_px);
/// The inputs of a session-side protective exit: on a bar "bar low=…, high=…", else "price=<low>",
/// then ", level=<level>".
std::string protection_hit_inputs(bool bar, price low, price high, price level);
/// The inputs of the market sell that replaces a refused protective order: its own inputs and
/// ", protective order refused".
std::string refused_protection_inputs(const std::string& inputs);

/// Rule and inputs of an operator's flatten.
inline constexpr const char* flatten_rule = "flatten";
inline constexpr const char* flatten_inputs = "operator stop";

/// Why new entries are blocked (`risk_limits::entry_blocked`), as logged after "blocked: ".
std::string paused_reason();
/// The max-drawdown halt, for good.
std::string drawdown_reason();
/// The max-daily-loss halt, until `until_ms` (the next UTC day's start).
std::string daily_loss_reason(int64_t until_ms);
/// An ATR the risk distances need is not known yet.
std::string atr_unknown_reason();
/// The cooldown after the last exit, until `until_ms`.
std::string cooldown_reason(int64_t until_ms);

} // namespace pt
