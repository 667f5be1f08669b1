#pragma once

// JSON forms of a session's fill settings and of an order's fill report, shared by the REST API
// (`POST /sessions` `fill`, `GET /sessions/{id}`, order objects), the persister
// (`sessions.fill_settings`) and restore, so all of them read and write the same shape.

#include <optional>
#include <string>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/execution/fill_fields.hpp"
#include "core/execution/fill_model.hpp"
#include "core/execution/order.hpp"
#include "core/trading/execution_params.hpp"

namespace pt {

/// The RapidJSON writer every JSON answer of the project uses.
using json_writer = rapidjson::Writer<rapidjson::StringBuffer>;

/// A rejected field of a `fill` object: its name (e.g. "queue_factor_pct") and why.
struct fill_field_problem {
  std::string field;
  std::string why;
};

/// Reads a `fill` object into `out` (fields not named stay as they are). Fields and values (the
/// table `fill_fields()`, core/execution/fill_fields.hpp):
/// - `half_spread_bps`, `beyond_book_bps`: bps from 0 to 10000, a decimal string ("0.5") or an
///   integer;
/// - `walk_book`, `remember_liquidity`, `fill_on_touch`: booleans;
/// - `queue_factor_pct`: integer 0–10000; `trade_share_pct`: integer 0–100;
/// - `submit_latency_ms`, `ack_latency_ms`, `cancel_latency_ms`: an integer (fixed) or
///   `[min, max]` with 0 ≤ min ≤ max ≤ `max_latency_ms`;
/// - `seed`: a non-negative integer.
/// Returns the first problem (unknown field, wrong type, out of range), nullopt when all is well.
std::optional<fill_field_problem> read_fill_overrides(const rapidjson::Value& v, fill_overrides& out);

/// Writes the fields set in `o` as a JSON object, in the form `read_fill_overrides` reads
/// (bps as decimal strings, latencies as `[min, max]`).
void write_fill_overrides(json_writer& w, const fill_overrides& o);

/// Writes every parameter of `p` as a JSON object: the fees, `slippage_bps`, the `fill_overrides`
/// fields (same names and forms) — what a session's orders actually fill under.
void write_fill_params(json_writer& w, const fill_params& p);

/// `base` with every field set in `top` replacing its own (a session's `fill` over the
/// `defaults:` one).
fill_overrides overlay(const fill_overrides& base, const fill_overrides& top);

/// What `sessions.fill_settings` keeps of a session's execution settings beyond the columns
/// `taker_fee_bps_raw` and `slippage_bps_raw`.
struct stored_fill_settings {
  fill_profile profile = fill_profile::realistic;
  bps maker_fee_bps = bps::from_units(10);
  fill_overrides overrides;
};

/// `{"profile": "optimistic", "maker_fee_bps": "10.00000000", "overrides": {…}}` for `e`.
std::string fill_settings_json(const execution_params& e);

/// Parses what `fill_settings_json` wrote; nullopt with `error` set when the text is not that.
std::optional<stored_fill_settings> parse_fill_settings_json(const std::string& text, std::string* error = nullptr);

/// Writes a fill report as a JSON object: `arrival_px`, `avg_px` (decimal strings or null),
/// `slippage_bps` (number, positive = worse), `filled_qty`, `maker_qty`, `taker_qty`, `fees`,
/// `queue_at_placement` (decimal strings) and `time_to_fill_ms` (null until filled in full). The
/// order's status is its own `status`, beside the report (docs/api.md, "Orders").
void write_fill_report(json_writer& w, const fill_report& r);

} // namespace pt
