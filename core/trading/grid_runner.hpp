#pragma once

#include <cstdint>
#include <vector>

#include "core/execution/exchange_order.hpp"
#include "core/market/exchange_rules.hpp"
#include "core/fixed_point.hpp"
#include "core/strategy/grid.hpp"
#include "core/market/market_event.hpp"
#include "core/trading/decision_text.hpp"

namespace pt {

/// What a `grid_runner` asks of the session that runs it, while it runs (`grid_runner::run`).
class grid_orders {
public:
  virtual ~grid_orders() = default;
  /// The base the session may sell now (free on its exchange).
  virtual quantity base_free() const = 0;
  /// Sends a grid order (a limit `buy` or sale at `level`), logged as `why`; the session then
  /// reports it back (`grid_runner::on_placed`, `on_fill`, `on_done`).
  virtual void place(const order_request& req, bool buy, int level, decision why) = 0;
  /// Withdraws the resting grid buy `id` (new buys are paused): sends its cancel at `ts`, once.
  virtual void withdraw(int64_t id, int64_t ts) = 0;
};

/// A session's grid run as real resting orders: each armed level below the market with no lot
/// rests a GTC limit buy of `qty_per_level`; each lot bought at level i rests a limit sell at
/// level i + 1, filled by the queue model. New buys pause (their orders are canceled) while the
/// filter is false or the session may not buy (paused, a daily-loss / drawdown halt); sales
/// always go on. A buy the free cash cannot lock is refused once and retried only after a sale.
class grid_runner {
public:
  explicit grid_runner(const grid_spec& spec);

  /// The ladder and which levels are armed.
  const grid_book& book() const { return grid_; }

  /// The filter rule's latest word: new buys only while it allows them (a grid without a filter
  /// allows them from the start; one with a filter not before it first says yes).
  void set_filter(bool allows) { buying_ = allows; }

  /// Acts on a trade (its price) or a kline (its high); nothing on other events. Sales of the
  /// lots held (once their buy is done), then buys from the highest armed level down — the order
  /// the price falls through them, so the cash goes to the nearest levels first. `may_buy` false
  /// (paused, halted) withdraws resting buys and places none. Prices are rounded to `rules`' tick
  /// (never more aggressive), sale quantities to its step.
  void run(const market_event& ev, bool may_buy, const symbol_rules& rules, grid_orders& orders);

  /// The grid order `id` was sent for `level` (a buy or a sale).
  void on_placed(bool buy, int level, int64_t id);
  /// A grid order at `level` filled `qty`: the lot there grows (buy) or shrinks (sale).
  void on_fill(bool buy, int level, quantity qty);
  /// The grid order `id` at `level` is done (filled, canceled or refused, `xo`).
  void on_done(bool buy, int level, int64_t id, const exchange_order& xo);

private:
  grid_book grid_;
  quantity qty_;
  bool buying_ = true;                  // false until a grid's filter first says yes
  std::vector<int64_t> buy_id_, sell_id_; // open order per level, 0 if none
  std::vector<quantity> lot_;           // base held per level
  std::vector<bool> refused_;           // a buy refused for cash: retried after a sale
};

} // namespace pt
