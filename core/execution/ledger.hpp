#pragma once

#include <optional>

#include "core/fixed_point.hpp"
#include "core/execution/order.hpp"

namespace pt {

/// A ledger's figures as its accessors return them and the database stores them (the columns
/// `cash_raw`, `position_qty_raw`, `cost_basis_raw`, `realized_pnl_raw`, `fees_raw` of
/// `sessions`): what a restarted session takes up and what a restored one is checked against.
struct ledger_figures {
  money cash;            ///< quote cash, fees paid
  quantity position_qty; ///< base position
  money cost_basis;      ///< what the open position cost, excluding fees
  money realized_pnl;    ///< before fees
  money fees;            ///< paid so far

  bool operator==(const ledger_figures& o) const {
    return cash == o.cash && position_qty == o.position_qty && cost_basis == o.cost_basis &&
           realized_pnl == o.realized_pnl && fees == o.fees;
  }
  bool operator!=(const ledger_figures& o) const { return !(*this == o); }
};

/// A spot account in one symbol: quote cash and a long base position, exact to 1e-8.
///
/// Accounting (all sums exact, each product rounded once, half to even):
/// - buy q at p:  cash −= p·q + fee;  cost_basis += p·q
/// - sell q at p: cost_removed = cost_basis · q / position (pro rata);
///                realized_pnl += p·q − cost_removed;  cost_basis −= cost_removed;
///                cash += p·q − fee
/// - fees accumulate separately; realized P&L is before fees.
/// Hence, for any mark price m: equity = cash + position·m
///                                     = initial_cash + realized + unrealized − fees,
/// with unrealized = position·m − cost_basis. Closing the whole position zeroes cost_basis.
class ledger {
public:
  /// A fresh account holding `initial_cash` of quote currency and no position.
  explicit ledger(money initial_cash);

  /// An account as it stood at some moment (a restarted session takes up its committed account):
  /// `initial_cash` and the stored `figures`. Nothing is checked against anything else: they come
  /// from a ledger that applied the fills.
  ledger(money initial_cash, const ledger_figures& figures);

  /// The account's figures (cash, position, cost basis, realized P&L, fees) in one value.
  ledger_figures figures() const { return {cash_, position_, cost_basis_, realized_, fees_}; }

  /// Whether `f` can be applied: `none`, or why not (`insufficient_balance`: the cash for a buy or the
  /// position for a sell; `zero_quantity`; `overflow`).
  reject_reason check(const fill& f) const;

  /// Applies `f` if `check(f)` passes; returns the check's result. On rejection nothing changes.
  reject_reason apply(const fill& f);

  money initial_cash() const { return initial_cash_; }
  money cash() const { return cash_; }
  quantity position_qty() const { return position_; }
  /// What the open position cost, excluding fees.
  money cost_basis() const { return cost_basis_; }
  /// cost_basis / position; nullopt when flat.
  std::optional<price> avg_entry_price() const { return average_price(cost_basis_, position_); }
  money realized_pnl() const { return realized_; }
  money fees() const { return fees_; }

  /// position · mark − cost_basis. nullopt on overflow.
  std::optional<money> unrealized_pnl(price mark) const;

  /// cash + position · mark. nullopt on overflow.
  std::optional<money> equity(price mark) const;

private:
  money initial_cash_;
  money cash_;
  quantity position_;
  money cost_basis_;
  money realized_;
  money fees_;
};

} // namespace pt
