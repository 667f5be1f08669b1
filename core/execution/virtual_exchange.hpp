#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "core/execution/done_orders.hpp"
#include "core/execution/exchange_order.hpp"
#include "core/market/exchange_rules.hpp"
#include "core/execution/fill_model.hpp"
#include "core/execution/ledger.hpp"
#include "core/market/market_event.hpp"
#include "core/market/market_view.hpp"

namespace pt {

/// A virtual spot exchange for one symbol and one account, in event time (DESIGN: pure core,
/// returns events). Long only: sells never exceed the base held.
///
/// Orders (`order_type`): market, limit, limit maker, stop loss (market/limit), take profit
/// (market/limit), trailing stop; GTC/IOC/FOK; OCO lists (`submit_oco`) and brackets
/// (`submit_bracket`); cancel and cancel-replace. Requests are checked against `symbol_rules`
/// at submission (PRICE_FILTER, LOT_SIZE, MARKET_LOT_SIZE, NOTIONAL) and against the free balance
/// (INSUFFICIENT_BALANCE); a resting or conditional buy locks quote (notional at its price plus
/// room for the larger fee), a sell locks base.
///
/// Time is the feed's market clock (`market_event::ts_event_ms`, docs/market-data.md), which
/// never goes back. An order reaches the exchange `submit_latency` after submission (drawn from a
/// seeded generator); until then it is `pending_new` and the market moves on without it. Cancels
/// take effect `cancel_latency` later; the order may fill meanwhile. Actions that fall due before
/// a market event are carried out against the market as it was before that event. So no fill,
/// cancel or expiry of an order carries a time before it went live, and a trade print whose own
/// time `T` is before the order went live neither fills nor triggers it, even when its message
/// arrives later. Fills made by a print carry its id and `T` (`fill::trade_id`, `ts_trade_ms`).
///
/// Fills follow `fill_params` (see `core/execution/fill_model.hpp` and docs/execution.md): takers walk the
/// book; resting limits fill on trades through their price, or at their price once the queue
/// ahead has traded; conditional orders trigger on the last trade price. On a kline-only feed
/// orders fill from each bar's OHLC by the conservative intrabar rule (docs/execution.md).
///
/// Accounting goes through `ledger` (exact, fees in quote); totals = free + locked per asset.
class virtual_exchange {
public:
  /// An account holding `quote_balance` of the quote asset and no base.
  virtual_exchange(symbol_rules rules, fill_params params, money quote_balance);

  /// An account that starts from `account` (a restarted session's committed ledger): its cash
  /// and position, all of it free (no order is open yet).
  virtual_exchange(symbol_rules rules, fill_params params, ledger account);

  /// Submits an order at event time `ts_ms` (≥ the latest event's). Returns its id; a refused
  /// order gets an id too and is reported `rejected` with its reason in `out`.
  int64_t submit(const order_request& req, int64_t ts_ms, exchange_events& out);

  /// Submits an OCO list: two orders of the same side and quantity (e.g. a LIMIT/LIMIT_MAKER
  /// sell above and a STOP_LOSS(_LIMIT) sell below). The balance is locked once; when either leg
  /// fills (even partly) or triggers, the other is canceled. Both are rejected if either is.
  std::pair<int64_t, int64_t> submit_oco(const order_request& a, const order_request& b, int64_t ts_ms,
                                         exchange_events& out);

  /// Submits a buy `entry` (market or limit) with `exits`: once the entry is done (filled, or
  /// expired/canceled with a partial fill), an OCO sell of the filled quantity — a LIMIT at the
  /// take profit and a STOP_LOSS (or STOP_LOSS_LIMIT) at the stop — is placed at once. A sell
  /// entry is rejected (`invalid_order`: long only). Returns the entry's id.
  int64_t submit_bracket(const order_request& entry, const bracket_exits& exits, int64_t ts_ms, exchange_events& out);

  /// Asks to cancel an open order; it is canceled `cancel_latency` later if still open then
  /// (with its OCO sibling). `unknown_order` (and a rejected update) if it is not open now.
  reject_reason cancel(int64_t order_id, int64_t ts_ms, exchange_events& out);

  /// Cancel-replace (Binance STOP_ON_FAILURE): the new order arrives after its submit latency,
  /// cancels the old one then and takes its place; if the old one is no longer open by then the
  /// new one is rejected (`unknown_order`). Returns the new order's id.
  int64_t cancel_replace(int64_t order_id, const order_request& req, int64_t ts_ms, exchange_events& out);

  /// Folds one market event in: first carries out the arrivals and cancels due by its time,
  /// then triggers conditional orders, fills resting ones, and on a kline-only feed runs the
  /// intrabar rule.
  void on_market(const market_event& ev, exchange_events& out);

  /// Executes a market order of `qty` on side `s` at once at `px` (moved by `slippage_bps`
  /// against it), as a taker: for a price the caller's own rule decided, such as a session's
  /// protective exit on a kline-only feed (the intrabar rule: the stop's level, or the open it
  /// gapped through) or an operator's flatten there at the last close. No latency, no book.
  /// Reported like any order (PENDING_NEW, then FILLED or REJECTED); returns its id.
  int64_t execute_at(side s, quantity qty, price px, int64_t ts_ms, exchange_events& out);

  /// Carries out the arrivals and cancels due by `ts_ms` without a market event.
  void advance_to(int64_t ts_ms, exchange_events& out);

  /// The order with this id, open or done, nullptr if none. Of the done orders only the latest
  /// `done_orders::default_kept` are kept (see `done_orders`): an older one is nullptr here, a
  /// default report in `report`, and `unknown_order` to `cancel`, as on Binance once an order has
  /// aged out of its order book.
  const exchange_order* find(int64_t order_id) const;
  /// The execution report of an order (a default report for an unknown id).
  fill_report report(int64_t order_id) const;
  /// Orders held: the open ones and the latest done ones (bounded: see `find`).
  size_t orders_held() const { return orders_.size(); }
  /// Ids of the orders still open, ascending.
  std::vector<int64_t> open_orders() const { return {open_.begin(), open_.end()}; }

  money quote_total() const { return ledger_.cash(); }
  money quote_locked() const { return locked_quote_; }
  money quote_free() const { return ledger_.cash() - locked_quote_; }
  quantity base_total() const { return ledger_.position_qty(); }
  quantity base_locked() const { return locked_base_; }
  quantity base_free() const { return ledger_.position_qty() - locked_base_; }
  /// Σ fee of every fill reported.
  money fees_paid() const { return fees_paid_; }
  /// quote_total + base_total · mid (nullopt before any price).
  std::optional<money> equity() const;

  const ledger& account() const { return ledger_; }
  /// The session's one market view, folded in by `on_market` (the rule: core/market/market_view.hpp).
  const market_view& market() const { return view_; }
  const fill_params& params() const { return params_; }
  const symbol_rules& rules() const { return rules_; }
  int64_t now_ms() const { return now_ms_; }

private:
  enum class action_kind { arrive, cancel };
  struct action {
    action_kind kind;
    int64_t order_id;
  };

  // virtual_exchange.cpp: requests, arrivals, taker fills, locks, reports.
  int64_t enter(const order_request& req, int64_t ts_ms, int64_t replaces_id, std::optional<bracket_exits> exits,
                exchange_events& out);
  std::pair<int64_t, int64_t> enter_oco(const order_request& a, const order_request& b, int64_t ts_ms, bool at_once,
                                        exchange_events& out);
  bool lock_for(exchange_order& o, int64_t ts_ms, exchange_events& out);
  std::optional<price> opposite_price(side s) const;
  exchange_order& create(const order_request& req, int64_t ts_ms);
  reject_reason check_rules(const order_request& req) const;
  std::optional<money> buy_lock(const order_request& req) const;
  void reject(exchange_order& o, reject_reason why, int64_t ts_ms, exchange_events& out);
  void finish(exchange_order& o, exec_status st, int64_t ts_ms, exchange_events& out);
  void update(const exchange_order& o, int64_t ts_ms, exchange_events& out);
  void schedule(int64_t ts_ms, action a, exchange_events& out);
  void run_due(int64_t ts_ms, exchange_events& out);
  void arrive(exchange_order& o, int64_t ts_ms, exchange_events& out);
  void do_cancel(exchange_order& o, int64_t ts_ms, exchange_events& out);
  void work_limit(exchange_order& o, price limit_px, int64_t ts_ms, exchange_events& out);
  bool take(exchange_order& o, std::optional<price> limit_px, int64_t ts_ms, exchange_events& out);
  bool apply_fill(exchange_order& o, price px, quantity qty, liquidity role, int64_t ts_ms, exchange_events& out,
                  price reference = price{});
  void release(exchange_order& o);
  void after_fill(exchange_order& o, int64_t ts_ms, exchange_events& out);
  void forget_done(); // drops done orders past the kept window (at the start of `on_market`)

  // virtual_exchange_triggers.cpp: triggers, resting fills, OCO and brackets, bars.
  bool would_trigger(const exchange_order& o, price last) const;
  void on_trade(const trade& t, int64_t ts_ms, exchange_events& out);
  void fire(exchange_order& o, int64_t ts_ms, exchange_events& out);
  void cancel_sibling(exchange_order& o, int64_t ts_ms, exchange_events& out);
  void place_exits(exchange_order& entry, int64_t ts_ms, exchange_events& out);
  void on_bar(const kline& k, int64_t ts_ms, exchange_events& out);
  bool resting_limit(const exchange_order& o) const;
  std::optional<price> last_price() const;

  symbol_rules rules_;
  fill_params params_;
  ledger ledger_;
  market_view view_;
  liquidity_memory memory_;
  latency_sampler latency_;
  std::map<int64_t, exchange_order> orders_;
  done_orders done_; // which done orders `orders_` still holds
  std::set<int64_t> open_;
  std::multimap<int64_t, action> due_; // by event time; equal times in the order scheduled
  money locked_quote_;
  quantity locked_base_;
  money fees_paid_;
  int64_t now_ms_ = 0;
  int64_t next_order_id_ = 1;
  int64_t next_fill_id_ = 1;
  int64_t next_list_id_ = 1;
  bool running_due_ = false; // run_due is on the stack: new actions join its loop
  const trade* matching_ = nullptr; // the print being matched (on_trade), for its fills' trade id and time
};

} // namespace pt
