#pragma once

// Every message type that crosses an actor boundary, its atoms, and its `inspect()`.
// (DESIGN decision 10: all message types are inspectable and registered from day one.)
// Which actor takes which of them, with which reply, is in actors/handles.hpp (the typed handles).

#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "core/market/candle.hpp"
#include "core/market/market_event.hpp"
#include "core/execution/order.hpp"
#include "core/session/session_status.hpp"
#include "core/session/session_step.hpp"
#include "core/session/session_types.hpp"

namespace pt {

// -- atoms (CAF 0.17: at most 10 characters) ----------------------------------------------------

using subscribe_atom = caf::atom_constant<caf::atom("subscribe")>;
using end_data_atom = caf::atom_constant<caf::atom("end_data")>;
using commit_atom = caf::atom_constant<caf::atom("commit")>;
using flush_atom = caf::atom_constant<caf::atom("flush")>;
using await_atom = caf::atom_constant<caf::atom("await")>;
using start_atom = caf::atom_constant<caf::atom("start")>;
using ok_atom = caf::atom_constant<caf::atom("ok")>;
using status_atom = caf::atom_constant<caf::atom("status")>;
using stop_atom = caf::atom_constant<caf::atom("stop")>;
/// `(unsub_atom, symbol, actor)`: drop a subscription (see `market_data_broadcaster`).
using unsub_atom = caf::atom_constant<caf::atom("unsub")>;
/// `(watch_atom, actor)`: register a feed control for `symbol_demand` notifications.
using watch_atom = caf::atom_constant<caf::atom("watch")>;
/// `(candles_atom, symbol, timeframe_ms, n)`: ask for a `candle_history`.
using candles_atom = caf::atom_constant<caf::atom("candles")>;
/// `(pause_atom, session_id)` to the supervisor; `pause_atom` alone along a session's pipeline.
using pause_atom = caf::atom_constant<caf::atom("pause")>;
/// `(resume_atom, session_id)` to the supervisor; `resume_atom` alone along a session's pipeline.
using resume_atom = caf::atom_constant<caf::atom("resume")>;
/// `(create_atom, session_config)` to the supervisor: start a new session.
using create_atom = caf::atom_constant<caf::atom("create")>;
/// `(restart_atom, session_id, …)`: the supervisor's timer for a failed session's restart, and its
/// question to the persister for the session's `restart_point`.
using restart_atom = caf::atom_constant<caf::atom("restart")>;
/// `(indicators_atom, int64_t n)` to a session's indicator engine: ask for its `indicator_history`.
using indicators_atom = caf::atom_constant<caf::atom("indicators")>;

/// `from_events` of a subscription (see `market_data_broadcaster`): join now.
constexpr int64_t join_now = -1;
/// `from_events` of a subscription: join now, and when the data has already ended, receive
/// `end_data_atom` at once (a restarted session must not wait for an end that has passed).
constexpr int64_t join_now_or_end = -2;

// -- inspect() for core types -------------------------------------------------------------------

template <class Inspector, class Tag>
typename Inspector::result_type inspect(Inspector& f, fixed<Tag>& x) {
  return f(x.raw_ref());
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, trade& x) {
  return f(caf::meta::type_name("trade"), x.trade_id, x.px, x.qty, x.buyer_is_maker, x.ts_trade_ms);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, book_ticker& x) {
  return f(caf::meta::type_name("book_ticker"), x.update_id, x.bid_px, x.bid_qty, x.ask_px, x.ask_qty);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, kline& x) {
  return f(caf::meta::type_name("kline"), x.open_time_ms, x.close_time_ms, x.open, x.high, x.low, x.close,
           x.volume, x.is_closed);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, book_level& x) {
  return f(caf::meta::type_name("book_level"), x.px, x.qty);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, book_depth& x) {
  return f(caf::meta::type_name("book_depth"), x.update_id, x.bids, x.asks);
}

/// market_event's variant travels as (index, alternative); loading rebuilds the variant.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, market_event& x) {
  uint8_t index = static_cast<uint8_t>(x.data.index());
  trade t;
  book_ticker b;
  kline k;
  book_depth d;
  if constexpr (Inspector::reads_state) {
    switch (index) {
      case 0: t = std::get<trade>(x.data); break;
      case 1: b = std::get<book_ticker>(x.data); break;
      case 2: k = std::get<kline>(x.data); break;
      default: d = std::get<book_depth>(x.data); break;
    }
  }
  auto rebuild = [&]() -> caf::error {
    switch (index) {
      case 0: x.data = t; break;
      case 1: x.data = b; break;
      case 2: x.data = k; break;
      case 3: x.data = std::move(d); break;
      default: return caf::sec::invalid_argument;
    }
    return caf::none;
  };
  return f(caf::meta::type_name("market_event"), x.ts_event_ms, index, t, b, k, d, caf::meta::load_callback(rebuild));
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, candle& x) {
  return f(caf::meta::type_name("candle"), x.open_time_ms, x.close_time_ms, x.open, x.high, x.low, x.close,
           x.volume, x.input_count);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, closed_candle& x) {
  return f(caf::meta::type_name("closed_candle"), x.event_index, x.timeframe_ms, x.bar);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, batch_candles& x) {
  return f(caf::meta::type_name("batch_candles"), x.timeframes_ms, x.closed);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, signal& x) {
  return f(caf::meta::type_name("signal"), x.ts_event_ms, x.entry, x.exit, x.inputs);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, decision& x) {
  return f(caf::meta::type_name("decision"), x.ts_event_ms, x.rule, x.inputs, x.action, x.order_id);
}

/// The optional prices travel as (present, raw) pairs; loading rebuilds them.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, fill_report& x) {
  bool has_arrival = false, has_avg = false;
  int64_t arrival_raw = 0, avg_raw = 0;
  if constexpr (Inspector::reads_state) {
    has_arrival = x.arrival_px.has_value();
    arrival_raw = x.arrival_px ? x.arrival_px->raw() : 0;
    has_avg = x.avg_px.has_value();
    avg_raw = x.avg_px ? x.avg_px->raw() : 0;
  }
  auto rebuild = [&]() -> caf::error {
    x.arrival_px = has_arrival ? std::optional<price>(price::from_raw(arrival_raw)) : std::nullopt;
    x.avg_px = has_avg ? std::optional<price>(price::from_raw(avg_raw)) : std::nullopt;
    return caf::none;
  };
  return f(caf::meta::type_name("fill_report"), x.order_id, has_arrival, arrival_raw, has_avg, avg_raw,
           x.slippage_bps, x.filled_qty, x.maker_qty, x.taker_qty, x.fees, x.time_to_fill_ms, x.queue_at_placement,
           caf::meta::load_callback(rebuild));
}

/// The optional fields (the fill report included) travel as (present, value) pairs; loading
/// rebuilds them.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, order& x) {
  bool has_report = false;
  fill_report report;
  if constexpr (Inspector::reads_state) {
    has_report = x.report.has_value();
    report = x.report.value_or(fill_report{});
  }
  bool has_tif = false, has_limit = false, has_stop = false, has_callback = false;
  time_in_force tif = time_in_force::gtc;
  int64_t limit_raw = 0, stop_raw = 0, callback_raw = 0;
  if constexpr (Inspector::reads_state) {
    has_tif = x.tif.has_value();
    tif = x.tif.value_or(time_in_force::gtc);
    has_limit = x.limit_px.has_value();
    limit_raw = x.limit_px ? x.limit_px->raw() : 0;
    has_stop = x.stop_px.has_value();
    stop_raw = x.stop_px ? x.stop_px->raw() : 0;
    has_callback = x.callback_bps.has_value();
    callback_raw = x.callback_bps ? x.callback_bps->raw() : 0;
  }
  auto rebuild = [&]() -> caf::error {
    x.tif = has_tif ? std::optional<time_in_force>(tif) : std::nullopt;
    x.limit_px = has_limit ? std::optional<price>(price::from_raw(limit_raw)) : std::nullopt;
    x.stop_px = has_stop ? std::optional<price>(price::from_raw(stop_raw)) : std::nullopt;
    x.callback_bps = has_callback ? std::optional<bps>(bps::from_raw(callback_raw)) : std::nullopt;
    x.report = has_report ? std::optional<fill_report>(std::move(report)) : std::nullopt;
    return caf::none;
  };
  return f(caf::meta::type_name("order"), x.order_id, x.ts_event_ms, x.order_side, x.qty, x.status, x.reason, x.type,
           has_tif, tif, has_limit, limit_raw, has_stop, stop_raw, has_callback, callback_raw, x.list_id,
           x.linked_order_id, has_report, report, caf::meta::load_callback(rebuild));
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, fill& x) {
  return f(caf::meta::type_name("fill"), x.fill_id, x.order_id, x.ts_event_ms, x.fill_side, x.px, x.qty, x.fee,
           x.role, x.reference_px, x.trade_id, x.ts_trade_ms);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, equity_point& x) {
  return f(caf::meta::type_name("equity_point"), x.ts_event_ms, x.equity, x.cash, x.position_qty, x.mark);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, round_trip& x) {
  return f(caf::meta::type_name("round_trip"), x.entry_ms, x.exit_ms, x.bought_qty, x.cost, x.proceeds, x.fees,
           x.gross_pnl, x.net_pnl, x.fills);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ledger_figures& x) {
  return f(caf::meta::type_name("ledger_figures"), x.cash, x.position_qty, x.cost_basis, x.realized_pnl, x.fees);
}

/// Every running figure, so a session's report carries its metrics (declared a friend in core).
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, running_performance& x) {
  return f(caf::meta::type_name("running_performance"), x.initial_cash_, x.period_ms_, x.slippage_, x.keep_trips_,
           x.error_, x.started_, x.start_ms_, x.last_ms_, x.account_, x.fills_, x.trip_open_, x.trip_, x.round_trips_,
           x.wins_, x.losses_, x.gross_profit_, x.gross_loss_, x.trips_, x.holding_, x.holding_since_ms_, x.held_ms_,
           x.traded_notional_, x.slippage_cost_, x.points_, x.first_, x.last_, x.peak_, x.peak_ms_, x.under_,
           x.max_drawdown_, x.max_drawdown_money_, x.max_drawdown_duration_ms_, x.weighted_hi_, x.weighted_lo_,
           x.next_period_, x.prev_value_, x.returns_undefined_, x.returns_, x.sum_, x.mean_, x.m2_, x.downside_);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, account_snapshot& x) {
  return f(caf::meta::type_name("account_snapshot"), x.ts_event_ms, x.initial_cash, x.cash, x.position_qty,
           x.cost_basis, x.realized_pnl, x.fees, x.mark, x.equity);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, session_report& x) {
  return f(caf::meta::type_name("session_report"), x.session_id, x.name, x.strategy, x.symbol, x.initial_cash,
           x.fills, x.decisions, x.fill_count, x.bounded_history, x.final, x.max_drawdown, x.events,
           x.bars, x.orders_rejected, x.status, x.failure, x.performance, x.equity_interval_ms, x.slippage_bps);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, bar_closed& x) {
  return f(caf::meta::type_name("bar_closed"), x.event_index, x.closed, x.bar, x.values);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, signal_raised& x) {
  return f(caf::meta::type_name("signal_raised"), x.event_index, x.sig);
}

// -- market data ------------------------------------------------------------------------------

/// Market events of one symbol, in exchange order, shared immutably by every subscriber.
/// One batch per drain of the feed (DESIGN decision 3): never one message per tick per session.
struct market_batch {
  std::string symbol;                                      ///< e.g. "BTCUSDT"
  int64_t seq = 0;                                         ///< per-feed batch counter, from 1
  std::shared_ptr<const std::vector<market_event>> events; ///< never null once sent
  /// Bars that closed during this batch, built by the broadcaster once per (symbol, timeframe)
  /// for every timeframe a live subscriber asked for; null when none was asked for.
  std::shared_ptr<const batch_candles> candles;
  /// Steady-clock time (ns) the batch reached the broadcaster, stamped there; 0 before. Local to
  /// one process (see actors/fill_latency.hpp); not serialized.
  int64_t arrival_ns = 0;
};

/// The shared vectors travel by value; loading makes new shared ones (candles stay null when
/// there were none).
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, market_batch& x) {
  std::vector<market_event> events;
  bool has_candles = false;
  batch_candles candles;
  if constexpr (Inspector::reads_state) {
    if (x.events)
      events = *x.events;
    has_candles = x.candles != nullptr;
    if (x.candles)
      candles = *x.candles;
  }
  auto rebuild = [&]() -> caf::error {
    x.events = std::make_shared<const std::vector<market_event>>(std::move(events));
    x.candles = has_candles ? std::make_shared<const batch_candles>(std::move(candles)) : nullptr;
    return caf::none;
  };
  return f(caf::meta::type_name("market_batch"), x.symbol, x.seq, events, has_candles, candles,
           caf::meta::load_callback(rebuild));
}

/// Size of a batch (0 for an empty one).
inline size_t batch_size(const market_batch& b) { return b.events ? b.events->size() : 0; }

/// Tells the feed control (see `watch_atom` on the broadcaster) that a symbol's market data is
/// needed (`wanted`: it got its first subscriber) or no longer needed (its last one left).
/// Sent in the order the changes happen; never twice the same state in a row for a symbol.
struct symbol_demand {
  std::string symbol; ///< e.g. "BTCUSDT"
  bool wanted = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, symbol_demand& x) {
  return f(caf::meta::type_name("symbol_demand"), x.symbol, x.wanted);
}

/// What the broadcaster has seen of one symbol, for status pages.
struct symbol_stats {
  std::string symbol;
  int64_t subscribers = 0;       ///< live subscriptions now
  int64_t batches = 0;           ///< batches received from feeds, since start
  int64_t events = 0;            ///< events in them
  int64_t last_event_ms = 0;     ///< exchange time of the latest event (0 = none yet)
  double events_per_second = 0;  ///< over the last ~10 s of wall time
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, symbol_stats& x) {
  return f(caf::meta::type_name("symbol_stats"), x.symbol, x.subscribers, x.batches, x.events, x.last_event_ms,
           x.events_per_second);
}

/// The broadcaster's answer to `(candles_atom, symbol, timeframe_ms, n)`: the latest closed bars
/// of that (symbol, timeframe), oldest first, and the forming one.
struct candle_history {
  std::string symbol;
  int64_t timeframe_ms = 0;
  std::vector<candle> closed;  ///< at most the n asked for
  bool has_forming = false;
  candle forming;              ///< when `has_forming`
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, candle_history& x) {
  return f(caf::meta::type_name("candle_history"), x.symbol, x.timeframe_ms, x.closed, x.has_forming, x.forming);
}

/// An indicator engine's answer to `(indicators_atom, n)`: the indicator series its strategy reads
/// and their values at the close of each of its latest (at most n) bars of the strategy timeframe,
/// oldest first. `values[i][c]` is series `c` at the bar opening at `open_times_ms[i]`; NaN while
/// that indicator warms up. Bar fields (`close`, `volume`, …) are not series here.
struct indicator_history {
  int64_t timeframe_ms = 0;                 ///< the strategy timeframe (the bars of the rows)
  std::vector<std::string> names;           ///< as written in the rules, e.g. "ema_fast", "sma_200@1h"
  std::vector<int64_t> series_timeframes_ms; ///< the timeframe each series is computed on
  std::vector<int64_t> open_times_ms;       ///< one per row, strictly increasing
  std::vector<std::vector<double>> values;  ///< one row per bar, one value per name
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, indicator_history& x) {
  return f(caf::meta::type_name("indicator_history"), x.timeframe_ms, x.names, x.series_timeframes_ms,
           x.open_times_ms, x.values);
}

// -- a session's pipeline -----------------------------------------------------------------------

/// Closed bars to warm one session's indicators with before its first market batch (from the
/// exchange's REST klines): `bars[i]`, oldest first, are bars of `timeframes_ms[i]`. The
/// indicator engine folds them in as history — no rule sees them. Empty = start cold.
struct warmup_history {
  std::vector<int64_t> timeframes_ms;
  std::vector<std::vector<candle>> bars;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, warmup_history& x) {
  return f(caf::meta::type_name("warmup_history"), x.timeframes_ms, x.bars);
}

/// The warm-up of every session of a run, in the order of the supervisor's configs (a missing
/// or empty entry = that session starts cold). Sent to the supervisor before `start_atom`.
struct run_warmups {
  std::vector<warmup_history> sessions;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, run_warmups& x) {
  return f(caf::meta::type_name("run_warmups"), x.sessions);
}

/// One market batch on its way through a session: each stage adds its output and forwards it
/// (indicator_engine → signal_detector → paper_executor → position_tracker).
struct session_batch {
  market_batch market;
  std::vector<bar_closed> bars;          ///< from the indicator engine
  std::vector<signal_raised> signals;    ///< from the signal detector
  std::vector<order> orders;             ///< from the paper executor: order updates, in order
  std::vector<fill> fills;               ///< from the paper executor
  std::vector<decision> decisions;       ///< from the paper executor: why each order was (not) placed
  std::vector<equity_point> equity;      ///< from the paper executor: sampled equity curve points
  account_snapshot account;              ///< from the paper executor: after the last event
  double max_drawdown = 0;               ///< from the paper executor: so far, fraction of peak
  /// From the paper executor of a restored session: fills of events before its restore position,
  /// rebuilt by the re-feed; already stored and reported, so only counted, never stored again.
  std::vector<fill> replayed_fills;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, session_batch& x) {
  return f(caf::meta::type_name("session_batch"), x.market, x.bars, x.signals, x.orders, x.fills, x.decisions,
           x.equity, x.account, x.max_drawdown, x.replayed_fills);
}

/// What the persister writes for one session after one batch.
struct persist_batch {
  int64_t session_id = 0;
  std::vector<order> orders;
  std::vector<fill> fills;
  std::vector<equity_point> equity;
  std::vector<decision> decisions;
  account_snapshot account;
  std::optional<session_status> status;  ///< the new status; nullopt = unchanged
  std::string failure;                   ///< why, with status `failed`; empty = unchanged
  /// false: only `status` is written (a status change from the supervisor, whose figures may lag
  /// the tracker's); the account columns keep what the tracker last stored.
  bool has_account = true;
  int64_t feed_events = -1;              ///< market events processed after this batch (-1 = unchanged)
  /// `pause` or `resume` taking effect at `feed_events` (`session_commands` row); nullopt = none.
  std::optional<session_command> command;
  /// Where the session joined its symbol's feed (`sessions.feed_start_events`; -1 = unchanged).
  int64_t feed_start = -1;
  int64_t restarts = -1;                 ///< restarts after failures so far (-1 = unchanged)
};

/// The optional status and command travel as (present, value) pairs; loading rebuilds them.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, persist_batch& x) {
  bool has_status = false, has_command = false;
  session_status status = session_status::running;
  session_command command = session_command::pause;
  if constexpr (Inspector::reads_state) {
    has_status = x.status.has_value();
    status = x.status.value_or(session_status::running);
    has_command = x.command.has_value();
    command = x.command.value_or(session_command::pause);
  }
  auto rebuild = [&]() -> caf::error {
    x.status = has_status ? std::optional<session_status>(status) : std::nullopt;
    x.command = has_command ? std::optional<session_command>(command) : std::nullopt;
    return caf::none;
  };
  return f(caf::meta::type_name("persist_batch"), x.session_id, x.orders, x.fills, x.equity, x.decisions, x.account,
           has_status, status, x.failure, x.has_account, x.feed_events, has_command, command, x.feed_start,
           x.restarts, caf::meta::load_callback(rebuild));
}

/// A new session's row, as the supervisor asks the persister to create it.
struct session_row {
  std::string name;
  std::string strategy_name;
  std::string strategy_file;
  std::string strategy_yaml;
  std::string symbol;
  int64_t initial_cash_raw = 0;
  int64_t taker_fee_bps_raw = 0;
  int64_t slippage_bps_raw = 0;
  /// `fill_settings_json(execution)` (wire/fill_settings_json.hpp): profile, maker fee and
  /// overrides; empty = stored as NULL.
  std::string fill_settings;
  int64_t restart_max = 0;           ///< its restart policy (`restart_policy`)
  int64_t restart_backoff_ms = 1000;
  int64_t restart_max_backoff_ms = 60'000;
  /// Its quantity step (`execution_params::qty_step`), price tick (`execution_params::price_tick`)
  /// and equity sampling (`session_config::equity_interval_ms`); −1 = not known, stored as NULL.
  int64_t qty_step_raw = -1;
  int64_t price_tick_raw = -1;
  int64_t equity_interval_ms = -1;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, session_row& x) {
  return f(caf::meta::type_name("session_row"), x.name, x.strategy_name, x.strategy_file, x.strategy_yaml, x.symbol,
           x.initial_cash_raw, x.taker_fee_bps_raw, x.slippage_bps_raw, x.fill_settings, x.restart_max,
           x.restart_backoff_ms, x.restart_max_backoff_ms, x.qty_step_raw, x.price_tick_raw, x.equity_interval_ms);
}

/// What the database holds of a session when it is restarted after a failure: its last
/// committed account and feed position, the highest order and fill ids stored, and its fills.
/// The persister's answer to `(restart_atom, int64_t session_id)`.
struct restart_point {
  int64_t session_id = 0;
  bool found = false;          ///< false: no such row (nothing stored yet)
  int64_t feed_events = 0;     ///< `sessions.feed_events`
  account_snapshot account;    ///< the account columns of the row
  int64_t max_order_id = 0;    ///< 0 = none stored
  int64_t max_fill_id = 0;
  std::vector<fill> fills;     ///< every stored fill, by fill id
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, restart_point& x) {
  return f(caf::meta::type_name("restart_point"), x.session_id, x.found, x.feed_events, x.account, x.max_order_id,
           x.max_fill_id, x.fills);
}

// -- session lifecycle --------------------------------------------------------------------------

/// What the supervisor knows of one session now: the answer to its lifecycle commands and to
/// `status_atom`. The figures are as of the tracker's latest progress report (see
/// `position_tracker`: after every batch with fills, else at most every 500 ms of wall time),
/// and final once the session has finished, stopped or failed.
struct session_summary {
  int64_t session_id = 0;
  std::string name;
  std::string strategy;        ///< the strategy's name
  std::string symbol;          ///< e.g. "BTCUSDT"
  session_status status = session_status::starting;
  std::string failure;         ///< why, when `failed`; else empty
  account_snapshot account;    ///< cash, position, P&L, fees, mark and equity
  int64_t fills = 0;           ///< fills so far
  int64_t events = 0;          ///< market events processed so far
  double max_drawdown = 0;     ///< so far, fraction of peak equity
  int64_t last_event_ms = 0;   ///< exchange time of the latest event processed (0 = none yet)
  int64_t restarts = 0;        ///< restarts after failures so far (restart policy)
  std::string last_failure;    ///< why it failed last, also once restarted; empty = never failed
  /// While a restart is scheduled: wall time left until it, ms (as of this summary); else 0.
  int64_t next_restart_ms = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, session_summary& x) {
  return f(caf::meta::type_name("session_summary"), x.session_id, x.name, x.strategy, x.symbol, x.status, x.failure,
           x.account, x.fills, x.events, x.max_drawdown, x.last_event_ms, x.restarts, x.last_failure,
           x.next_restart_ms);
}

/// Registers every message type with CAF under a stable name (needed for the network layer),
/// and the "session" error category (`session_errc`).
void register_message_types(caf::actor_system_config& cfg);

} // namespace pt

// A session's configuration holds a whole strategy spec; it only travels inside one process (the
// `create_atom` command to the supervisor), so it is not inspectable.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(pt::session_config)
