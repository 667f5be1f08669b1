#include "core/trading/sizing.hpp"

#include <algorithm>

#include "core/trading/protection.hpp"

namespace pt {

std::optional<money> sizing::entry_budget(price px, const ledger& account, money quote_free) const {
  auto equity = account.equity(px);
  if (!equity)
    return std::nullopt;
  money budget = std::max(money{}, quote_free);
  if (spec_.type == sizing_spec::kind::percent_of_equity)
    budget = std::min(budget, apply_bps(*equity, spec_.percent_bps).value_or(money{}));
  else if (spec_.type == sizing_spec::kind::quote)
    budget = std::min(budget, spec_.amount);
  if (risk_.max_position_quote)
    budget = std::min(budget, *risk_.max_position_quote);
  return budget;
}

std::optional<quantity> sizing::entry_quantity(price px, std::optional<double> atr, bps fee, const ledger& account,
                                               money quote_free) const {
  auto budget = entry_budget(px, account, quote_free);
  auto gross_px = adjust_price_bps(px, fee); // leave room for the fee
  if (!budget || !gross_px)
    return std::nullopt;
  auto affordable = quantity_for(*budget, *gross_px, qty_step_);
  if (!affordable)
    return std::nullopt;
  // gross_px, the notional and the fee are each rounded once, so the sized quantity can cost a
  // few 1e-8 more than the budget: step down until it fits.
  quantity q = *affordable;
  while (q.is_positive()) {
    auto value = notional(px, q);
    auto f = value ? apply_bps(*value, fee) : std::nullopt;
    if (!f || *value + *f <= *budget)
      break;
    q -= qty_step_;
  }
  std::optional<quantity> wanted;
  if (spec_.type == sizing_spec::kind::base) {
    wanted = spec_.qty;
  } else if (spec_.type == sizing_spec::kind::risk_percent) {
    auto equity = account.equity(px);
    auto stop = distance_price(risk_.stop_loss, px, true, atr);
    auto at_risk = equity ? apply_bps(*equity, spec_.percent_bps) : std::nullopt;
    if (!stop || !at_risk || *stop >= px)
      return quantity{}; // no stop distance to size from
    wanted = quantity_for(*at_risk, px - *stop, qty_step_);
  }
  if (!wanted)
    return q;
  // Fixed or risk-based sizes are rounded to the step and capped by what the budget allows.
  return std::min(stepped(*wanted), q);
}

} // namespace pt
