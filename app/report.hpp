#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/metrics/performance_metrics.hpp"
#include "core/session/session_types.hpp"

namespace pt {

/// Return on initial cash in percent: (equity − initial) / initial × 100. 0 if initial is 0.
double return_percent(const session_report& r);

/// The session's performance metrics (core/metrics/performance_metrics.hpp): its running figures
/// (`session_report::performance`, kept over its fills and equity curve as they came) closed at its
/// last event and valued at its final mark; the return period is its `equity_interval_ms` (60 s if
/// 0); `trips` holds the latest `session_report::kept_trips`. nullopt with `error` set when they
/// cannot be computed (see `running_performance::result`).
std::optional<performance_metrics> performance_of(const session_report& r, std::string* error = nullptr);

/// Prints one row per session: fills, fees, realized P&L, equity, return, max drawdown, status;
/// then one row of performance metrics per session (round trips, win rate, profit factor,
/// Sharpe, Sortino, Calmar, exposure, turnover, slippage cost; "-" where not defined).
void print_summary_table(std::ostream& out, const std::vector<session_report>& reports);

/// The reports as a JSON document (RapidJSON): an array with, per session, `session_id`, `name`,
/// `strategy`, `symbol`, `status`, `initial_cash`, `fills` (each `ts_ms`, `side` buy/sell, `price`,
/// `qty`, `fee`, `liquidity` maker/taker) and `final` (`cash`, `position_qty`, `mark_price`,
/// `equity`, `realized_pnl`, `fees`), plus `max_drawdown` (fraction), `return_pct` and
/// `performance`: the object of wire/performance_json.hpp (docs/execution.md, "## Metrics"), or
/// null with `performance_error` saying why.
/// Money, prices and quantities are decimal strings with 8 decimals.
std::string reports_to_json(const std::vector<session_report>& reports);

/// Writes `reports_to_json` to `path`; throws `std::runtime_error` if it cannot.
void write_reports_json(const std::string& path, const std::vector<session_report>& reports);

} // namespace pt
