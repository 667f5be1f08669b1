#include "actors/persister.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <spdlog/spdlog.h>

#include "core/execution/exchange_order.hpp"

namespace pt {

namespace {

int64_t wall_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

int64_t steady_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

// Binds ?9..?17 of the order statement: the report's columns, all NULL without a report
// (filled_qty_raw, ?12, is never NULL with one: it tells whether a row has a report).
void bind_report(sql::statement& st, const std::optional<fill_report>& r) {
  if (!r) {
    for (int i = 9; i <= 17; ++i)
      st.bind_null(i);
    return;
  }
  if (r->arrival_px)
    st.bind(9, r->arrival_px->raw());
  else
    st.bind_null(9);
  if (r->avg_px)
    st.bind(10, r->avg_px->raw());
  else
    st.bind_null(10);
  if (std::isfinite(r->slippage_bps))
    st.bind(11, r->slippage_bps);
  else
    st.bind_null(11);
  st.bind(12, r->filled_qty.raw()).bind(13, r->maker_qty.raw()).bind(14, r->taker_qty.raw());
  st.bind(15, r->fees.raw());
  if (r->time_to_fill_ms >= 0)
    st.bind(16, r->time_to_fill_ms);
  else
    st.bind_null(16);
  st.bind(17, r->queue_at_placement.raw());
}

// Binds ?18..?24 of the order statement: what the order was sent as (NULL where it does not apply).
void bind_request(sql::statement& st, const order& o) {
  auto opt_raw = [&st](int i, auto v) {
    if (v)
      st.bind(i, v->raw());
    else
      st.bind_null(i);
  };
  auto id_or_null = [&st](int i, int64_t id) {
    if (id > 0)
      st.bind(i, id);
    else
      st.bind_null(i);
  };
  st.bind(18, std::string_view(to_string(o.type)));
  if (o.tif)
    st.bind(19, std::string_view(to_string(*o.tif)));
  else
    st.bind_null(19);
  opt_raw(20, o.limit_px);
  opt_raw(21, o.stop_px);
  opt_raw(22, o.callback_bps);
  id_or_null(23, o.list_id);
  id_or_null(24, o.linked_order_id);
}

void write_batches(sql::database& db, const std::vector<persist_batch>& batches) {
  // A later update without a report (e.g. a rejection the executor reports alone) keeps the stored
  // report: each report column takes the new value only when that update carries a report.
  sql::statement order_stmt(db,
    "INSERT INTO orders (session_id, order_id, side, type, qty_raw, status, reject_reason, created_ms, updated_ms, "
    "arrival_px_raw, avg_px_raw, slippage_bps, filled_qty_raw, maker_qty_raw, taker_qty_raw, "
    "report_fees_raw, time_to_fill_ms, queue_at_placement_raw, time_in_force, limit_px_raw, stop_px_raw, "
    "callback_bps_raw, list_id, linked_order_id) "
    "VALUES (?1, ?2, ?3, ?18, ?4, ?5, ?6, ?7, ?7, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?19, ?20, ?21, ?22, "
    "?23, ?24) "
    // What the order was sent as (?18..?24) does not change over its life: kept as first stored.
    "ON CONFLICT (session_id, order_id) DO UPDATE SET qty_raw = excluded.qty_raw, status = excluded.status, "
    "reject_reason = excluded.reject_reason, updated_ms = excluded.updated_ms, "
    "arrival_px_raw = CASE WHEN excluded.filled_qty_raw IS NULL THEN arrival_px_raw ELSE excluded.arrival_px_raw END, "
    "avg_px_raw = CASE WHEN excluded.filled_qty_raw IS NULL THEN avg_px_raw ELSE excluded.avg_px_raw END, "
    "slippage_bps = CASE WHEN excluded.filled_qty_raw IS NULL THEN slippage_bps ELSE excluded.slippage_bps END, "
    "maker_qty_raw = CASE WHEN excluded.filled_qty_raw IS NULL THEN maker_qty_raw ELSE excluded.maker_qty_raw END, "
    "taker_qty_raw = CASE WHEN excluded.filled_qty_raw IS NULL THEN taker_qty_raw ELSE excluded.taker_qty_raw END, "
    "report_fees_raw = CASE WHEN excluded.filled_qty_raw IS NULL THEN report_fees_raw ELSE excluded.report_fees_raw END, "
    "time_to_fill_ms = CASE WHEN excluded.filled_qty_raw IS NULL THEN time_to_fill_ms ELSE excluded.time_to_fill_ms END, "
    "queue_at_placement_raw = CASE WHEN excluded.filled_qty_raw IS NULL THEN queue_at_placement_raw "
    "ELSE excluded.queue_at_placement_raw END, "
    "filled_qty_raw = COALESCE(excluded.filled_qty_raw, filled_qty_raw)");
  sql::statement fill_stmt(db,
    "INSERT INTO fills (session_id, fill_id, order_id, ts_event_ms, side, price_raw, qty_raw, fee_raw, liquidity, "
    "reference_px_raw) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  sql::statement equity_stmt(db,
    "INSERT INTO equity_points (session_id, ts_event_ms, equity_raw, cash_raw, position_qty_raw, mark_price_raw) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  sql::statement decision_stmt(db,
    "INSERT INTO decisions (session_id, ts_event_ms, rule, inputs, action, order_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  sql::statement account_stmt(db,
    "UPDATE sessions SET cash_raw = ?2, position_qty_raw = ?3, cost_basis_raw = ?4, realized_pnl_raw = ?5, "
    "fees_raw = ?6, mark_price_raw = ?7, equity_raw = ?8, last_event_ms = ?9, "
    "status = COALESCE(NULLIF(?10, ''), status), updated_at_ms = ?11, "
    "feed_events = CASE WHEN ?12 < 0 THEN feed_events ELSE ?12 END WHERE session_id = ?1");
  sql::statement command_stmt(db, "INSERT INTO session_commands (session_id, feed_events, command) VALUES (?1, ?2, ?3)");
  sql::statement status_stmt(db, "UPDATE sessions SET status = ?2, updated_at_ms = ?3, "
                                 "failure = COALESCE(NULLIF(?4, ''), failure) WHERE session_id = ?1");
  sql::statement start_stmt(db, "UPDATE sessions SET feed_start_events = ?2 WHERE session_id = ?1");
  sql::statement restarts_stmt(db, "UPDATE sessions SET restarts = ?2 WHERE session_id = ?1");
  int64_t now = wall_ms();
  for (auto& b : batches) {
    if (b.feed_start >= 0) {
      start_stmt.bind(1, b.session_id).bind(2, b.feed_start);
      start_stmt.run();
    }
    if (b.restarts >= 0) {
      restarts_stmt.bind(1, b.session_id).bind(2, b.restarts);
      restarts_stmt.run();
    }
    if (b.command) {
      command_stmt.bind(1, b.session_id).bind(2, b.feed_events).bind(3, std::string_view(to_string(*b.command)));
      command_stmt.run();
      continue;
    }
    for (auto& o : b.orders) {
      order_stmt.bind(1, b.session_id).bind(2, o.order_id).bind(3, std::string_view(to_string(o.order_side)));
      order_stmt.bind(4, o.qty.raw()).bind(5, std::string_view(to_string(o.status))).bind(7, o.ts_event_ms);
      if (o.reason == reject_reason::none)
        order_stmt.bind_null(6);
      else
        order_stmt.bind(6, std::string_view(to_string(o.reason)));
      bind_report(order_stmt, o.report);
      bind_request(order_stmt, o);
      order_stmt.run();
    }
    for (auto& f : b.fills) {
      fill_stmt.bind(1, b.session_id).bind(2, f.fill_id).bind(3, f.order_id).bind(4, f.ts_event_ms);
      fill_stmt.bind(5, std::string_view(to_string(f.fill_side))).bind(6, f.px.raw()).bind(7, f.qty.raw());
      fill_stmt.bind(8, f.fee.raw()).bind(9, std::string_view(to_string(f.role)));
      if (f.reference_px.is_zero())
        fill_stmt.bind_null(10);
      else
        fill_stmt.bind(10, f.reference_px.raw());
      fill_stmt.run();
    }
    for (auto& p : b.equity) {
      equity_stmt.bind(1, b.session_id).bind(2, p.ts_event_ms).bind(3, p.equity.raw()).bind(4, p.cash.raw());
      equity_stmt.bind(5, p.position_qty.raw()).bind(6, p.mark.raw());
      equity_stmt.run();
    }
    for (auto& d : b.decisions) {
      decision_stmt.bind(1, b.session_id).bind(2, d.ts_event_ms).bind(3, std::string_view(d.rule));
      decision_stmt.bind(4, std::string_view(d.inputs)).bind(5, std::string_view(d.action));
      if (d.order_id > 0)
        decision_stmt.bind(6, d.order_id);
      else
        decision_stmt.bind_null(6);
      decision_stmt.run();
    }
    if (!b.has_account) {
      if (b.status) {
        status_stmt.bind(1, b.session_id).bind(2, std::string_view(to_string(*b.status))).bind(3, now);
        status_stmt.bind(4, std::string_view(b.failure));
        status_stmt.run();
      }
      continue;
    }
    const auto& a = b.account;
    account_stmt.bind(1, b.session_id).bind(2, a.cash.raw()).bind(3, a.position_qty.raw());
    account_stmt.bind(4, a.cost_basis.raw()).bind(5, a.realized_pnl.raw()).bind(6, a.fees.raw());
    account_stmt.bind(7, a.mark.raw()).bind(8, a.equity.raw()).bind(9, a.ts_event_ms);
    account_stmt.bind(10, std::string_view(b.status ? to_string(*b.status) : "")).bind(11, now).bind(12, b.feed_events);
    account_stmt.run();
  }
}

// The retention, applied while running when its interval has passed (see `persister_with_retention`).
void prune_if_due(persister_state& st) {
  if (!st.retention.any())
    return;
  int64_t now = std::max<int64_t>(1, steady_ms());
  bool wall_due = st.last_prune_wall_ms == 0 || now - st.last_prune_wall_ms >= st.prune_interval_ms;
  bool market_due = st.latest_event_ms - st.last_prune_event_ms >= st.retention.shortest_window_ms() / 4;
  if (!wall_due && !market_due)
    return;
  st.last_prune_wall_ms = now;
  st.last_prune_event_ms = st.latest_event_ms;
  try {
    sql::transaction tx(*st.db);
    auto pruned = prune_history(*st.db, st.retention);
    tx.commit();
    if (pruned.any())
      spdlog::info("retention: {} (in {} ms)", describe(pruned), std::max<int64_t>(1, steady_ms()) - now);
  } catch (const std::exception& e) {
    ++st.failures;
    spdlog::error("persister: applying the retention failed and was rolled back: {}", e.what());
  }
}

void commit_pending(persister_actor::stateful_pointer<persister_state> self) {
  auto& st = self->state;
  st.commit_queued = false;
  if (st.pending.empty())
    return;
  auto batches = std::move(st.pending);
  st.pending.clear();
  auto acks = std::move(st.acks);
  st.acks.clear();
  try {
    sql::transaction tx(*st.db);
    write_batches(*st.db, batches);
    tx.commit();
    ++st.commits;
    for (auto& b : batches) {
      st.fills_committed += static_cast<int64_t>(b.fills.size());
      if (b.has_account)
        st.latest_event_ms = std::max(st.latest_event_ms, b.account.ts_event_ms);
    }
    for (auto& rp : acks)
      rp.deliver(ok_atom::value);
  } catch (const std::exception& e) {
    ++st.failures;
    spdlog::error("persister: commit of {} batch(es) failed and was rolled back: {}", batches.size(), e.what());
    for (auto& rp : acks)
      rp.deliver(caf::make_error(caf::sec::runtime_error, std::string("commit failed: ") + e.what()));
  }
  prune_if_due(st);
}

// What a restarted session takes up (see `restart_point`), read after everything queued is committed.
restart_point read_restart_point(sql::database& db, int64_t id) {
  restart_point out;
  out.session_id = id;
  sql::statement row(db, "SELECT feed_events, initial_cash_raw, cash_raw, position_qty_raw, cost_basis_raw, "
                         "realized_pnl_raw, fees_raw, mark_price_raw, equity_raw, last_event_ms, "
                         "(SELECT COALESCE(MAX(order_id), 0) FROM orders o WHERE o.session_id = s.session_id), "
                         "(SELECT COALESCE(MAX(fill_id), 0) FROM fills f WHERE f.session_id = s.session_id) "
                         "FROM sessions s WHERE session_id = ?1");
  row.bind(1, id);
  if (!row.step())
    return out;
  out.found = true;
  out.feed_events = row.column_int(0);
  auto& a = out.account;
  a.initial_cash = money::from_raw(row.column_int(1));
  a.cash = money::from_raw(row.column_int(2));
  a.position_qty = quantity::from_raw(row.column_int(3));
  a.cost_basis = money::from_raw(row.column_int(4));
  a.realized_pnl = money::from_raw(row.column_int(5));
  a.fees = money::from_raw(row.column_int(6));
  a.mark = price::from_raw(row.column_int(7));
  a.equity = money::from_raw(row.column_int(8));
  a.ts_event_ms = row.column_int(9);
  out.max_order_id = row.column_int(10);
  out.max_fill_id = row.column_int(11);
  sql::statement fills(db, "SELECT fill_id, order_id, ts_event_ms, side, price_raw, qty_raw, fee_raw, liquidity "
                           "FROM fills WHERE session_id = ?1 ORDER BY fill_id");
  fills.bind(1, id);
  while (fills.step()) {
    fill f;
    f.fill_id = fills.column_int(0);
    f.order_id = fills.column_int(1);
    f.ts_event_ms = fills.column_int(2);
    f.fill_side = fills.column_text(3) == "sell" ? side::sell : side::buy;
    f.px = price::from_raw(fills.column_int(4));
    f.qty = quantity::from_raw(fills.column_int(5));
    f.fee = money::from_raw(fills.column_int(6));
    f.role = fills.column_text(7) == "maker" ? liquidity::maker : liquidity::taker;
    out.fills.push_back(f);
  }
  return out;
}

} // namespace

persister_actor::behavior_type persister(persister_actor::stateful_pointer<persister_state> self,
                                         std::shared_ptr<sql::database> db) {
  return persister_with_retention(self, std::move(db), history_retention{}, default_prune_interval_ms);
}

persister_actor::behavior_type persister_with_retention(persister_actor::stateful_pointer<persister_state> self,
                                                        std::shared_ptr<sql::database> db,
                                                        history_retention retention, int64_t prune_interval_ms) {
  self->state.db = std::move(db);
  self->state.retention = retention;
  self->state.prune_interval_ms = prune_interval_ms;
  return {
    [self](session_row& row) -> caf::result<int64_t> {
      commit_pending(self); // keep the order of writes
      try {
        int64_t now = wall_ms();
        sql::statement st(*self->state.db,
          "INSERT INTO sessions (name, strategy_name, strategy_file, strategy_yaml, symbol, status, "
          "initial_cash_raw, taker_fee_bps_raw, slippage_bps_raw, cash_raw, equity_raw, created_at_ms, updated_at_ms, "
          "fill_settings, restart_max, restart_backoff_ms, restart_max_backoff_ms, qty_step_raw, price_tick_raw, "
          "equity_interval_ms) "
          "VALUES (?1, ?2, ?3, ?4, ?5, 'running', ?6, ?7, ?8, ?6, ?6, ?9, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)");
        st.bind(1, std::string_view(row.name)).bind(2, std::string_view(row.strategy_name));
        st.bind(3, std::string_view(row.strategy_file)).bind(4, std::string_view(row.strategy_yaml));
        st.bind(5, std::string_view(row.symbol)).bind(6, row.initial_cash_raw).bind(7, row.taker_fee_bps_raw);
        st.bind(8, row.slippage_bps_raw).bind(9, now);
        if (row.fill_settings.empty())
          st.bind_null(10);
        else
          st.bind(10, std::string_view(row.fill_settings));
        st.bind(11, row.restart_max).bind(12, row.restart_backoff_ms).bind(13, row.restart_max_backoff_ms);
        int index = 14;
        for (int64_t v : {row.qty_step_raw, row.price_tick_raw, row.equity_interval_ms}) { // −1: not known
          if (v >= 0)
            st.bind(index, v);
          else
            st.bind_null(index);
          ++index;
        }
        st.run();
        return self->state.db->last_insert_rowid();
      } catch (const std::exception& e) {
        spdlog::error("persister: cannot create session '{}': {}", row.name, e.what());
        return caf::make_error(caf::sec::runtime_error, e.what());
      }
    },
    [self](persist_batch& b) {
      self->state.pending.push_back(std::move(b));
      if (!self->state.commit_queued) {
        self->state.commit_queued = true;
        self->send(self, commit_atom::value);
      }
    },
    [self](std::vector<persist_batch>& bs) {
      for (auto& b : bs)
        self->state.pending.push_back(std::move(b));
      if (!self->state.commit_queued) {
        self->state.commit_queued = true;
        self->send(self, commit_atom::value);
      }
    },
    [self](await_atom, persist_batch& b) {
      auto rp = self->make_response_promise<ok_atom>();
      self->state.pending.push_back(std::move(b));
      self->state.acks.push_back(rp);
      if (!self->state.commit_queued) {
        self->state.commit_queued = true;
        self->send(self, commit_atom::value);
      }
      return rp;
    },
    [self](restart_atom, int64_t id) -> caf::result<restart_point> {
      commit_pending(self); // what the session sent before it failed is in the answer
      try {
        return read_restart_point(*self->state.db, id);
      } catch (const std::exception& e) {
        spdlog::error("persister: cannot read session {} for its restart: {}", id, e.what());
        return caf::make_error(caf::sec::runtime_error, e.what());
      }
    },
    [self](commit_atom) { commit_pending(self); },
    [self](flush_atom) {
      commit_pending(self);
      return ok_atom::value;
    },
  };
}

} // namespace pt
