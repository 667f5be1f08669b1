#pragma once

#include <optional>

#include "core/fixed_point.hpp"
#include "core/execution/ledger.hpp"
#include "core/strategy/strategy.hpp"

namespace pt {

/// How large a session's entry is (`sizing_spec`): percent of equity, fixed quote amount, fixed
/// base quantity, or risk per trade (qty = equity · risk % / (entry − stop)); capped by
/// `max_position_quote` and by the free cash, with room for the fee; rounded down to `qty_step`.
class sizing {
public:
  /// `risk` gives the cap (`max_position_quote`) and the stop loss a risk-per-trade size measures
  /// from; `qty_step` the quantity step sizes are rounded down to.
  sizing(sizing_spec spec, risk_spec risk, quantity qty_step)
    : spec_(std::move(spec)), risk_(std::move(risk)), qty_step_(qty_step) {}

  /// The quote an entry at `px` may spend: the free cash `quote_free`, capped by the spec's share
  /// of `account`'s equity at `px` (or its fixed amount) and by `max_position_quote`. nullopt
  /// when the equity at `px` does not fit.
  std::optional<money> entry_budget(price px, const ledger& account, money quote_free) const;

  /// The base quantity of an entry at `px` paying fee `fee` (a multiple of the step): what the
  /// budget affords with the fee, or the spec's fixed / risk-based size capped by that. 0 for a
  /// risk size with no stop distance (`atr`: the ATR at this point, for ATR distances).
  std::optional<quantity> entry_quantity(price px, std::optional<double> atr, bps fee, const ledger& account,
                                         money quote_free) const;

  /// `q` rounded down to the quantity step.
  quantity stepped(quantity q) const {
    return quantity::from_raw((q.raw() / qty_step_.raw()) * qty_step_.raw());
  }

  const sizing_spec& spec() const { return spec_; }

private:
  sizing_spec spec_;
  risk_spec risk_;
  quantity qty_step_;
};

} // namespace pt
