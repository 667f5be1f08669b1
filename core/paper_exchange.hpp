#pragma once

#include <optional>
#include <vector>

#include "core/fixed_point.hpp"
#include "core/ledger.hpp"
#include "core/market_event.hpp"
#include "core/order.hpp"
#include "core/strategy.hpp"

namespace pt {

/// What a session's virtual exchange knows of the market: the latest L1 quote, trade and kline.
class market_state {
public:
  /// Folds one event in.
  void apply(const market_event& ev);

  std::optional<price> best_bid() const { return bid_; }
  std::optional<price> best_ask() const { return ask_; }
  std::optional<price> last_trade() const { return last_trade_; }

  /// The price to value a position at: the mid of bid/ask when known, else the last trade,
  /// else the last kline close. nullopt before any event.
  std::optional<price> mark() const;

  /// The event time of the latest event, ms.
  int64_t ts_event_ms() const { return ts_event_ms_; }

private:
  std::optional<price> bid_, ask_, last_trade_, last_close_;
  int64_t ts_event_ms_ = 0;
};

/// How market orders fill. Amounts in bps are exact (see `bps`).
struct execution_params {
  bps taker_fee_bps = bps::from_units(10); ///< fee on every fill (market orders are takers); 10 bps = 0.1 %
  bps slippage_bps = bps::from_units(0);   ///< price moved against the order, on top of bid/ask
  quantity qty_step = quantity::from_raw(1'000); ///< order quantities are multiples of this (0.00001)
};

/// The price a market order of `s` fills at from `state`, before slippage: the best ask for a
/// buy / best bid for a sell when an L1 quote is known, else the last trade. nullopt if neither.
std::optional<price> market_fill_reference(side s, const market_state& state);

/// Output of the virtual exchange for one input: order updates and fills, in order.
struct exchange_output {
  std::vector<order> orders;
  std::vector<fill> fills;
};

/// A session's virtual exchange and account: turns signals into sized market orders and fills
/// them against the market as it arrives (DESIGN: pure core, returns events).
///
/// Fill rule: a market order fills at once against the current quote (best bid/ask when known,
/// else the last trade), moved by `slippage_bps` against the order, and pays `taker_fee_bps`.
/// When the feed is klines only, the signal comes from a closed bar, so the order waits and
/// fills at the *next* kline's open (the first price anyone could have traded at).
/// Sizing: an entry spends `position_size_bps` of equity, so qty = ⌊budget / (px · (1 + fee))⌋
/// to the step; an exit sells the whole position. An order the account cannot pay for is
/// rejected with its reason; nothing else changes.
class paper_exchange {
public:
  paper_exchange(money initial_cash, execution_params params, bps position_size_bps);

  /// Folds a market event in; fills orders that were waiting for the next kline.
  void on_market(const market_event& ev, exchange_output& out);

  /// Acts on a strategy signal: an entry when flat, an exit when long; otherwise nothing.
  void on_signal(const signal& sig, exchange_output& out);

  const ledger& account() const { return ledger_; }
  const market_state& market() const { return market_; }
  const execution_params& params() const { return params_; }

  /// Orders waiting for the next kline's open.
  size_t pending_orders() const { return pending_.size(); }

private:
  void execute(order o, price reference, int64_t ts_event_ms, exchange_output& out);
  void reject(order o, reject_reason why, exchange_output& out);

  execution_params params_;
  bps position_size_bps_;
  ledger ledger_;
  market_state market_;
  std::vector<order> pending_;
  bool kline_feed_ = false; // the latest event was a kline: orders wait for the next one
  int64_t next_order_id_ = 1;
  int64_t next_fill_id_ = 1;
};

} // namespace pt
