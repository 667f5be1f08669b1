#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/fill_model.hpp"
#include "core/fixed_point.hpp"
#include "core/grid.hpp"
#include "core/ledger.hpp"
#include "core/market_event.hpp"
#include "core/order.hpp"
#include "core/strategy.hpp"

namespace pt {

/// What a session's virtual exchange knows of the market: the latest L1 quote, trade and kline.
class market_state {
public:
  /// Folds one event in. Best bid/ask come from bookTicker (L1) events; a `book_depth` top
  /// sets them only on a feed that has carried no bookTicker, since the L1 stream is the faster
  /// of the two and a replay must not depend on when the depth book was first in sync. The
  /// latest depth is kept either way (`depth()`).
  void apply(const market_event& ev);

  std::optional<price> best_bid() const { return bid_; }
  std::optional<price> best_ask() const { return ask_; }
  std::optional<price> last_trade() const { return last_trade_; }
  /// The latest top of the L2 book, when the feed carries depth; nullptr before any.
  const book_depth* depth() const { return depth_ ? &*depth_ : nullptr; }

  /// The price to value a position at: the mid of bid/ask when known, else the last trade,
  /// else the last kline close. nullopt before any event.
  std::optional<price> mark() const;

  /// The event time of the latest event, ms.
  int64_t ts_event_ms() const { return ts_event_ms_; }

private:
  std::optional<price> bid_, ask_, last_trade_, last_close_;
  std::optional<book_depth> depth_;
  bool seen_ticker_ = false;
  int64_t ts_event_ms_ = 0;
};

/// How market orders fill. Amounts in bps are exact (see `bps`).
struct execution_params {
  bps taker_fee_bps = bps::from_units(10); ///< fee on taker fills (market orders); 10 bps = 0.1 %
  bps maker_fee_bps = bps::from_units(10); ///< fee on maker fills (a grid's resting limit orders)
  bps slippage_bps = bps::from_units(0);   ///< price moved against the order, on top of bid/ask
  quantity qty_step = quantity::from_raw(1'000); ///< order quantities are multiples of this (0.00001)
  /// The fill model's profile (docs/execution.md, setting `fill_profile`). With an L2 book, market
  /// orders walk it level by level, remembering the liquidity they took, and what they want past
  /// the levels shown fills at the worst one moved by the profile's `beyond_book_bps`; the
  /// profile's slippage is added to `slippage_bps`. Fees stay the two fields above.
  fill_profile profile = fill_profile::realistic;
  /// Per-session replacements of the profile's other parameters (latency, queue, …).
  fill_overrides overrides;
};

/// The fill model parameters a session's orders use: `p.profile`'s, with `p.overrides` applied,
/// `p`'s fees, and its slippage added to the profile's.
fill_params session_fill_params(const execution_params& p);

/// The price a market order of `s` fills at from `state`, before slippage: the best ask for a
/// buy / best bid for a sell when an L1 quote is known, else the last trade. nullopt if neither.
std::optional<price> market_fill_reference(side s, const market_state& state);

/// One entry of a session's decision log: a rule fired (or a risk exit triggered) and what was
/// done about it — the "why" behind every order.
struct decision {
  int64_t ts_event_ms = 0;
  std::string rule;     ///< "entry", "exit", "stop_loss", "take_profit", "trailing_stop"
  std::string inputs;   ///< the values the rule saw, e.g. "rsi=28.1, close=61790"
  std::string action;   ///< "buy 0.15 submitted", "blocked: cooldown until …", "rejected: insufficient_cash"
  int64_t order_id = 0; ///< the order it led to, 0 if none
};

/// Output of the virtual exchange for one input: order updates, fills and decisions, in order.
struct exchange_output {
  std::vector<order> orders;
  std::vector<fill> fills;
  std::vector<decision> decisions;
};

/// A session's virtual exchange and account: turns signals into sized market orders, enforces
/// the strategy's risk rules and fills orders against the market as it arrives (DESIGN: pure
/// core, returns events).
///
/// Fills: a market order fills at once against the current quote (best bid/ask when known, else
/// the last trade), moved by `slippage_bps` against the order, and pays `taker_fee_bps`. When the
/// feed is klines only, the signal comes from a closed bar, so the order waits and fills at the
/// *next* kline's open (the first price anyone could have traded at).
///
/// Sizing (`sizing_spec`): percent of equity, fixed quote amount, fixed base quantity, or risk
/// per trade (qty = equity · risk % / (entry − stop)); capped by `max_position_quote` and by
/// cash, with room for the fee; rounded down to `qty_step`. Exits sell the whole position.
///
/// Risk (`risk_spec`), checked on every event while long: stop loss and take profit from the
/// entry price, trailing stop from the highest price since entry, each a percentage or an ATR
/// multiple (ATR at entry). On tick data a trigger sells at market at once. On klines the
/// conservative intrabar rule applies: the stop (or trailing stop, against the anchor of the
/// bars before) is tested before the take profit; a stop fills at min(open, stop), a take profit
/// at its target; the trailing anchor then moves to the bar's high. New entries are
/// blocked during `cooldown_ms` after an exit, for the rest of the UTC day once the day's loss
/// reaches `max_daily_loss_bps`, and for good once drawdown from peak equity reaches
/// `max_drawdown_bps`, and while an ATR that a risk distance needs is not known yet. Every fired
/// rule that leads to an order is logged as a `decision`, and so is each distinct reason an
/// entry was blocked (once while it holds, not on every evaluation). A fill at a kline's open
/// is stamped with the kline's open time.
///
/// Grid: the levels of `grid_book` fill as limit orders at their price, as
/// makers (`maker_fee_bps`), `qty_per_level` each; trades and klines move the grid, best bid/ask
/// updates do not (a resting order fills when trades print through it). New buys pause while
/// the filter is false or a daily-loss / drawdown halt is on; sales always go on.
class paper_exchange {
public:
  /// With `grid`, the exchange runs a grid (see `grid_book`) instead of acting on entry/exit signals.
  paper_exchange(money initial_cash, execution_params params, sizing_spec sizing, risk_spec risk,
                 std::optional<grid_spec> grid = std::nullopt);

  /// Folds a market event in: fills orders waiting for the next kline, checks protective exits
  /// and risk limits.
  void on_market(const market_event& ev, exchange_output& out);

  /// Acts on a strategy signal: an entry when flat, an exit when long; otherwise nothing.
  /// `atr` is the risk ATR at this point, when the risk rules use one.
  /// For a grid, a signal only says whether its filter allows new buys.
  void on_signal(const signal& sig, std::optional<double> atr, exchange_output& out);

  /// Pauses (`true`) or resumes new entries. While paused, an entry signal places no order and
  /// is logged once as a decision "blocked: session paused" (like any other block reason); a
  /// grid places no new buys. Everything else goes on: the market is folded in, protective exits
  /// (stop loss, take profit, trailing stop) trigger and fill, exit signals sell, risk limits
  /// are tracked. An order already waiting for the next kline still fills.
  void set_paused(bool paused) { paused_ = paused; }
  bool paused() const { return paused_; }

  /// Cancels every order waiting for the next kline's open: each is reported once more in `out`
  /// with status `canceled`, stamped `ts_event_ms`. Nothing when none waits.
  void cancel_pending(int64_t ts_event_ms, exchange_output& out);

  /// Sells the whole position at market now, as an operator's stop asks: first cancels what is
  /// pending, then fills at the best bid (else the last trade, else — on a kline-only feed — the
  /// last close), less slippage, paying the taker fee, like any other fill; logged as a decision
  /// with rule "flatten". Nothing when flat; a `no_price` rejection before any price is known.
  void flatten(int64_t ts_event_ms, exchange_output& out);

  /// The grid, if this session runs one.
  const std::optional<grid_book>& grid() const { return grid_; }

  const ledger& account() const { return ledger_; }
  const market_state& market() const { return market_; }
  const execution_params& params() const { return params_; }

  /// Orders waiting for the next kline's open.
  size_t pending_orders() const { return pending_.size(); }

  /// The protective prices while long (0 = none): stop loss, take profit, trailing stop.
  price stop_loss_price() const { return stop_px_; }
  price take_profit_price() const { return target_px_; }
  price trailing_stop_price() const;

private:
  struct pending_order {
    order o;
    decision why;
    std::optional<double> atr;
  };

  void submit(side s, decision why, std::optional<double> atr, exchange_output& out);
  void execute(pending_order p, price reference, int64_t ts_event_ms, exchange_output& out, bool walk = false);
  bool execute_walking(pending_order& p, price reference, int64_t ts_event_ms, exchange_output& out);
  void filled(pending_order& p, const std::vector<fill>& fills, int64_t ts_event_ms, exchange_output& out);
  void reject(order o, reject_reason why, decision d, exchange_output& out);
  std::optional<quantity> entry_quantity(price px, std::optional<double> atr) const;
  std::optional<std::string> entry_blocked(int64_t ts_event_ms, std::optional<double> atr) const;
  void arm_protection(price entry, std::optional<double> atr);
  void check_protection(const market_event& ev, exchange_output& out);
  void track_equity(int64_t ts_event_ms);
  void run_grid(const market_event& ev, exchange_output& out);
  std::optional<price> distance_price(const stop_distance& d, price from, bool below, std::optional<double> atr) const;

  execution_params params_;
  sizing_spec sizing_;
  risk_spec risk_;
  ledger ledger_;
  market_state market_;
  fill_params fill_;          // the fill model (session_fill_params)
  market_view view_;          // what the fill model sees of the market
  liquidity_memory memory_;   // liquidity this session took from the book
  std::vector<pending_order> pending_;
  bool kline_feed_ = false; // the latest event was a kline: orders wait for the next one
  int64_t next_order_id_ = 1;
  int64_t next_fill_id_ = 1;

  // Protection while long.
  price stop_px_, target_px_, trail_anchor_, trail_distance_;
  std::optional<bps> trail_bps_;

  // Limits on new entries.
  int64_t last_exit_ms_ = -1;
  money peak_equity_;
  int64_t day_start_ms_ = -1;
  money day_start_equity_;
  bool halted_for_good_ = false;
  int64_t halted_day_ms_ = -1;

  std::optional<grid_book> grid_;
  quantity grid_qty_;
  bool grid_buying_ = true;        // false until a grid's filter first says yes
  std::string last_block_;         // the block last logged: each reason is logged once
  bool paused_ = false;            // no new entries (see set_paused)
};

} // namespace pt
