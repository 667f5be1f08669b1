#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/market/exchange_rules.hpp"
#include "core/fixed_point.hpp"
#include "core/strategy/grid.hpp"
#include "core/execution/ledger.hpp"
#include "core/market/market_event.hpp"
#include "core/market/market_view.hpp"
#include "core/execution/order.hpp"
#include "core/strategy/strategy.hpp"
#include "core/trading/decision_text.hpp"
#include "core/trading/execution_params.hpp"
#include "core/trading/grid_runner.hpp"
#include "core/trading/protection.hpp"
#include "core/trading/risk_limits.hpp"
#include "core/trading/sizing.hpp"
#include "core/execution/done_orders.hpp"
#include "core/execution/virtual_exchange.hpp"

namespace pt {

/// Output of a session's trading logic for one input: order updates, fills and decisions, in order.
struct exchange_output {
  std::vector<order> orders;
  std::vector<fill> fills;
  std::vector<decision> decisions;
};

/// A session's trading logic and account in front of its executor, a `virtual_exchange`
/// (docs/execution.md "Sessions and the fill model"; DESIGN: pure core, returns events). Its parts
/// live beside it in core/trading/: `sizing`, `protection`, `risk_limits`, `grid_runner` and the
/// decision texts (decision_text.hpp); this class sends, tracks and answers the orders.
///
/// Every order — entries, exits, protective exits, an operator's flatten, grid levels — is an
/// order submitted to the virtual exchange, which fills it by the session's `fill_params`
/// (`session_fill_params`): it reaches the exchange after the submit latency (the market moves
/// meanwhile), takers walk the book (or take the L1 quote up to its size, or the last trade ±
/// half spread), resting limits wait for their queue, fees by role. Fills, balances (free and
/// locked) and fees are the exchange's; each order update carries its `fill_report` and each fill
/// its `reference_px`. On a kline-only feed a market order fills at the next bar's open.
///
/// Entries (`entry_order_spec`): market, or a `limit` / `limit_maker` buy priced `offset_bps`
/// below the best bid, with its time in force, canceled (cancel latency) when still open
/// `expire_ms` after submission. A limit_maker that would cross is rejected (`would_match`).
///
/// Sizing (`sizing_spec`): percent of equity, fixed quote amount, fixed base quantity, or risk
/// per trade (qty = equity · risk % / (entry − stop)); capped by `max_position_quote` and by the
/// free cash, with room for the fee; rounded down to `qty_step`. A market buy sized by a budget
/// is sent with that budget (Binance's quoteOrderQty, fees included here), so it buys what the
/// budget pays for at the prices it meets when it arrives. Exits sell the whole position.
///
/// Risk (`risk_spec`): stop loss and take profit from the average entry price, trailing stop from
/// the highest price since entry, each a percentage or an ATR multiple (ATR at entry).
/// - `protection: session` (default): checked on every trade / quote while long; a trigger
///   sends a market sell. On klines the conservative intrabar rule applies: the stop (or trailing
///   stop, against the anchor of the bars before) is tested before the take profit; a stop sells
///   at min(open, stop), a take profit at its target (`virtual_exchange::execute_at`).
/// - `protection: exchange`: once the entry is done, they are sent as orders resting on the
///   exchange — an OCO of a `limit` sell at the take profit and a `stop_loss` (or
///   `trailing_stop`) sell, or the one order there is; an exit signal or a flatten replaces
///   them (cancel-replace) by a market sell. A protective order refused because its trigger is
///   already met (`would_trigger`) is replaced by a market sell at once.
/// New entries are blocked during `cooldown_ms` after an exit, for the rest of the UTC day once
/// the day's loss reaches `max_daily_loss_bps`, for good once drawdown from peak equity reaches
/// `max_drawdown_bps`, and while an ATR that a risk distance needs is not known yet. Every order
/// is logged as a `decision` when it is sent, in the output of the event that made it (the rule,
/// the inputs that led to it, and what was sent: "buy 0.06 limit at 61835.8 submitted (order 1)"),
/// and so is each distinct reason an entry was blocked (once while it holds). What then happens
/// to the order is its own records, linked by order id: an order update when it is sent, on each
/// trigger and partial fill and when it is done (with its `fill_report`), and its fills.
///
/// Grid: each armed level below the market with no lot rests a GTC limit buy of `qty_per_level`;
/// each lot bought at level i rests a limit sell at level i + 1 — real resting orders, filled by
/// the queue model. New buys pause (their orders are canceled) while the filter is false or a
/// daily-loss / drawdown halt is on; sales always go on. A buy the free cash cannot lock is
/// refused once and retried only after a sale.
class session_trader {
public:
  /// With `grid`, the exchange runs a grid (see `grid_book`) instead of acting on entry/exit
  /// signals. `entry` says how entries are sent.
  session_trader(money initial_cash, execution_params params, sizing_spec sizing, risk_spec risk,
                 std::optional<grid_spec> grid = std::nullopt, entry_order_spec entry = {});

  /// As above, with an account that starts from `account` (a restarted session takes up its
  /// committed ledger) instead of `account.initial_cash()` and no position. Peak equity for the
  /// drawdown limit starts at the initial cash, as for a fresh account; protective prices armed
  /// at an earlier entry are not known (docs/operations.md).
  session_trader(ledger account, execution_params params, sizing_spec sizing, risk_spec risk,
                 std::optional<grid_spec> grid = std::nullopt, entry_order_spec entry = {});

  /// Folds a market event in: the executor carries out what falls due and fills against it;
  /// then limit entries past `expire_ms` are canceled, session-side protection and the grid act,
  /// and risk limits are tracked.
  void on_market(const market_event& ev, exchange_output& out);

  /// Acts on a strategy signal: an entry when flat, an exit when long, while no entry or exit
  /// order of the session is open; otherwise nothing. `atr` is the risk ATR at this point, when
  /// the risk rules use one. For a grid, a signal only says whether its filter allows new buys.
  void on_signal(const signal& sig, std::optional<double> atr, exchange_output& out);

  /// Pauses (`true`) or resumes new entries. While paused, an entry signal places no order and
  /// is logged once as a decision "blocked: session paused"; a grid places no new buys.
  /// Everything else goes on: open orders, protective exits, exit signals, risk limits.
  void set_paused(bool paused) { paused_ = paused; }
  bool paused() const { return paused_; }

  /// Cancels every open order of the session (entries, exits, protective and grid orders), as a
  /// stopping session does: the cancels are carried out at once against the last known market
  /// (no later event will come), so an order may still fill first. Nothing when none is open.
  void cancel_pending(int64_t ts_event_ms, exchange_output& out);

  /// Sells the whole position at market, as an operator's stop asks: first cancels what is open
  /// (as `cancel_pending`), then sends a market sell and carries it out against the last known
  /// market — on a kline-only feed at the last close, less slippage. Logged as a decision with
  /// rule "flatten". Nothing when flat; a `no_price` rejection before any price is known.
  void flatten(int64_t ts_event_ms, exchange_output& out);

  /// The grid, if this session runs one (nullptr otherwise).
  const grid_book* grid() const { return grid_ ? &grid_->book() : nullptr; }

  /// The account (the executor's ledger): cash, position, fees.
  const ledger& account() const { return vx_.account(); }
  /// The virtual exchange the session's orders go to: balances free / locked, reports.
  const virtual_exchange& executor() const { return vx_; }
  /// The session's market view: the virtual exchange's own (`virtual_exchange::market()`).
  const market_view& market() const { return vx_.market(); }
  const execution_params& params() const { return params_; }
  const entry_order_spec& entry_order() const { return entry_; }

  /// Orders the session tracks: its open ones and the latest `done_orders::default_kept` done ones
  /// (what it keeps does not grow with its history; the records of every order are its output).
  size_t orders_tracked() const { return tracked_.size(); }

  /// Entry and exit orders of the session still open (sent, resting or waiting for the next
  /// kline's open); protective and grid orders are not counted.
  size_t pending_orders() const;

  /// The protective prices while long (0 = none): stop loss, take profit, trailing stop.
  price stop_loss_price() const { return protection_.stop_loss_price(); }
  price take_profit_price() const { return protection_.take_profit_price(); }
  price trailing_stop_price() const;

private:
  enum class order_role { entry, exit, protect, grid_buy, grid_sell };
  struct tracked {
    order_role role = order_role::entry;
    decision why;
    std::optional<double> atr;
    int level = -1;             // grid level
    int64_t expire_at_ms = -1;  // limit entry: cancel when still open at this time
    bool expired = false;       // the cancel was sent for expire_ms
    bool done = false;          // its final update was handled
  };
  struct grid_venue; // the `grid_orders` the grid runner sends through, for one input

  int64_t send(const order_request& req, order_role role, decision why, std::optional<double> atr,
               exchange_output& out, int64_t replaces = 0, int level = -1);
  void track(int64_t id, order_role role, decision why, std::optional<double> atr, int level);
  void absorb(exchange_events& ev, exchange_output& out);
  void on_done(int64_t id, tracked& t, const exchange_order& xo, int64_t ts, exchange_output& out);
  void decided(decision why, int64_t id, const order_request& req, int64_t replaces, exchange_output& out);
  void submit_entry(decision why, std::optional<double> atr, exchange_output& out);
  void submit_exit(decision why, exchange_output& out);
  void arm_protection(price entry, std::optional<double> atr, int64_t ts, exchange_output& out);
  void place_protection(int64_t ts, exchange_output& out);
  void disarm(int64_t ts);
  void check_protection(const market_event& ev, exchange_output& out);
  void expire_entries(int64_t ts, exchange_output& out);
  void run_grid(const market_event& ev, exchange_output& out);
  bool bars_only() const;

  execution_params params_;
  risk_spec risk_;
  entry_order_spec entry_;
  symbol_rules rules_;
  virtual_exchange vx_;
  sizing sizing_;
  protection protection_;
  risk_limits limits_;
  std::optional<grid_runner> grid_;
  std::map<int64_t, tracked> tracked_; // the open orders the session sent and the latest done ones, by id
  done_orders done_;                   // which done orders `tracked_` still holds
  int64_t entry_id_ = 0;               // the open entry order, 0 if none
  int64_t exit_id_ = 0;                // the open exit order, 0 if none
  std::vector<int64_t> protect_ids_;   // protective orders resting on the exchange
  std::string last_block_;             // the block last logged: each reason is logged once
  bool paused_ = false;                // no new entries (see set_paused)
};

} // namespace pt
