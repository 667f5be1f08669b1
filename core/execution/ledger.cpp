#include "core/execution/ledger.hpp"

namespace pt {

ledger::ledger(money initial_cash) : initial_cash_(initial_cash), cash_(initial_cash) {}

ledger::ledger(money initial_cash, const ledger_figures& figures)
  : initial_cash_(initial_cash), cash_(figures.cash), position_(figures.position_qty), cost_basis_(figures.cost_basis),
    realized_(figures.realized_pnl), fees_(figures.fees) {}

reject_reason ledger::check(const fill& f) const {
  if (f.qty.raw() <= 0)
    return reject_reason::zero_quantity;
  auto value = notional(f.px, f.qty);
  if (!value || f.fee.is_negative())
    return reject_reason::overflow;
  if (f.fill_side == side::buy) {
    if (*value + f.fee > cash_)
      return reject_reason::insufficient_balance; // the cash
  } else if (f.qty > position_) {
    return reject_reason::insufficient_balance; // the base held (long only)
  }
  return reject_reason::none;
}

reject_reason ledger::apply(const fill& f) {
  auto why = check(f);
  if (why != reject_reason::none)
    return why;
  money value = *notional(f.px, f.qty);
  if (f.fill_side == side::buy) {
    cash_ -= value + f.fee;
    cost_basis_ += value;
    position_ += f.qty;
  } else {
    money removed = f.qty == position_ ? cost_basis_ : *pro_rata(cost_basis_, f.qty, position_);
    realized_ += value - removed;
    cost_basis_ -= removed;
    position_ -= f.qty;
    cash_ += value - f.fee;
  }
  fees_ += f.fee;
  return reject_reason::none;
}

std::optional<money> ledger::unrealized_pnl(price mark) const {
  auto value = mark_value(position_, mark);
  if (!value)
    return std::nullopt;
  return *value - cost_basis_;
}

std::optional<money> ledger::equity(price mark) const {
  auto value = mark_value(position_, mark);
  if (!value)
    return std::nullopt;
  return cash_ + *value;
}

} // namespace pt
