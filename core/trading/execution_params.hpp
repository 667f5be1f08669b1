#pragma once

#include "core/market/exchange_rules.hpp"
#include "core/execution/fill_model.hpp"
#include "core/fixed_point.hpp"

namespace pt {

/// How a session's orders fill. Amounts in bps are exact (see `bps`).
struct execution_params {
  bps taker_fee_bps = bps::from_units(10); ///< fee on taker fills (market orders); 10 bps = 0.1 %
  bps maker_fee_bps = bps::from_units(10); ///< fee on maker fills (resting limit orders)
  bps slippage_bps = bps::from_units(0);   ///< price moved against the order, on top of the profile's
  quantity qty_step = quantity::from_raw(1'000); ///< order quantities are multiples of this (0.00001)
  /// Limit and stop prices are multiples of this (PRICE_FILTER tickSize; BTCUSDT's 0.01). Limit
  /// entries, protective orders and grid levels are rounded to it (never more aggressive).
  price price_tick = price::from_raw(1'000'000);
  /// The fill model's profile (docs/execution.md, setting `fill_profile`): latency, queue model,
  /// book walk, liquidity memory, … Its slippage is added to `slippage_bps`; fees stay the two
  /// fields above.
  fill_profile profile = fill_profile::realistic;
  /// Per-session replacements of the profile's other parameters (latency, queue, …).
  fill_overrides overrides;
};

/// The symbol rules a session's virtual exchange checks: LOT_SIZE and PRICE_FILTER on
/// `p.qty_step` / `p.price_tick` (minimum one step / one tick), no maximum that a session could
/// reach, and no NOTIONAL minimum (a session sizes its own orders; the feed names no filters).
symbol_rules session_symbol_rules(const execution_params& p);

/// The fill model parameters a session's orders use: `p.profile`'s, with `p.overrides` applied,
/// `p`'s fees, and its slippage added to the profile's.
fill_params session_fill_params(const execution_params& p);

} // namespace pt
