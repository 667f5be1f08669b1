#include "core/trading/execution_params.hpp"

namespace pt {

symbol_rules session_symbol_rules(const execution_params& p) {
  symbol_rules r;
  r.tick_size = r.min_price = p.price_tick.is_positive() ? p.price_tick : price::from_raw(1);
  r.max_price = price::from_units(1'000'000'000);
  r.step_size = r.min_qty = p.qty_step.is_positive() ? p.qty_step : quantity::from_raw(1);
  r.max_qty = r.market_max_qty = quantity::from_units(1'000'000'000);
  r.min_notional = money{};
  r.min_notional_applies_to_market = false;
  return r;
}

fill_params session_fill_params(const execution_params& p) {
  fill_params f = p.overrides.apply(fill_profile_params(p.profile));
  f.taker_fee_bps = p.taker_fee_bps;
  f.maker_fee_bps = p.maker_fee_bps;
  f.slippage_bps = f.slippage_bps + p.slippage_bps;
  return f;
}

} // namespace pt
