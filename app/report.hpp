#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "core/session_types.hpp"

namespace pt {

/// Return on initial cash in percent: (equity − initial) / initial × 100. 0 if initial is 0.
double return_percent(const session_report& r);

/// Prints one row per session: fills, fees, realized P&L, equity, return, max drawdown, status.
void print_summary_table(std::ostream& out, const std::vector<session_report>& reports);

/// The reports as a JSON document (RapidJSON): an array with, per session, `session_id`, `name`,
/// `strategy`, `symbol`, `status`, `initial_cash`, `fills` (each `ts_ms`, `side` buy/sell, `price`,
/// `qty`, `fee`, `liquidity` maker/taker) and `final` (`cash`, `position_qty`, `mark_price`,
/// `equity`, `realized_pnl`, `fees`), plus `max_drawdown` (fraction) and `return_pct`.
/// Money, prices and quantities are decimal strings with 8 decimals.
std::string reports_to_json(const std::vector<session_report>& reports);

/// Writes `reports_to_json` to `path`; throws `std::runtime_error` if it cannot.
void write_reports_json(const std::string& path, const std::vector<session_report>& reports);

} // namespace pt
