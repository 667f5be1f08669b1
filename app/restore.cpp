#include "app/restore.hpp"

#include <algorithm>
#include <deque>
#include <filesystem>
#include <limits>
#include <optional>

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include "wire/fill_settings_json.hpp"
#include "store/migrations.hpp"
#include "store/retention.hpp"
#include "store/sqlite.hpp"
#include "app/strategy_loader.hpp"

namespace pt {

namespace {

// One restorable row of `sessions`.
struct stored_session {
  int64_t id = 0;
  std::string name;
  std::string strategy_file;
  std::string strategy_yaml;
  std::string symbol;
  session_status status = session_status::running;
  int64_t initial_cash_raw = 0;
  int64_t taker_fee_bps_raw = 0;
  int64_t slippage_bps_raw = 0;
  std::optional<std::string> fill_settings; ///< NULL for a row stored before 0005
  int64_t feed_start = -1;  ///< -1: not recorded
  int64_t restarts = 0;
  restart_policy restart;
  /// Its quantity step, price tick and equity interval; nullopt for a row stored before 0009.
  std::optional<quantity> qty_step;
  std::optional<price> price_tick;
  std::optional<int64_t> equity_interval_ms;
  session_start restore; ///< kind `restore`: where the session was at its last commit
};

// The rows whose status a session keeps for good: `finished` (its data ended), `stopped` (an
// operator stopped it) or `failed` (and no restart followed; a session waiting for its restart is
// stored `failed` too). Read for their name and symbol only.
std::vector<settled_session> read_settled(sql::database& db) {
  std::vector<settled_session> out;
  sql::statement st(db, "SELECT session_id, name, symbol, status FROM sessions "
                        "WHERE status IN ('finished', 'stopped', 'failed') ORDER BY session_id");
  while (st.step())
    // The WHERE clause admits only these three texts.
    out.push_back({st.column_int(0), st.column_text(1), st.column_text(2),
                   parse_session_status(st.column_text(3)).value_or(session_status::failed)});
  return out;
}

std::vector<stored_session> read_rows(sql::database& db) {
  std::vector<stored_session> out;
  sql::statement st(db,
    "SELECT session_id, name, strategy_file, strategy_yaml, symbol, status, initial_cash_raw, taker_fee_bps_raw, "
    "slippage_bps_raw, cash_raw, position_qty_raw, realized_pnl_raw, fees_raw, feed_events, "
    "(SELECT COUNT(*) FROM fills f WHERE f.session_id = s.session_id), fill_settings, "
    "COALESCE(feed_start_events, -1), restarts, restart_max, restart_backoff_ms, restart_max_backoff_ms, "
    "cost_basis_raw, qty_step_raw, price_tick_raw, equity_interval_ms "
    "FROM sessions s WHERE status IN ('starting', 'running', 'paused') ORDER BY session_id");
  while (st.step()) {
    stored_session r;
    r.id = st.column_int(0);
    r.name = st.column_text(1);
    r.strategy_file = st.column_text(2);
    r.strategy_yaml = st.column_text(3);
    r.symbol = st.column_text(4);
    r.status = parse_session_status(st.column_text(5)).value_or(session_status::running); // starting, running or paused
    r.initial_cash_raw = st.column_int(6);
    r.taker_fee_bps_raw = st.column_int(7);
    r.slippage_bps_raw = st.column_int(8);
    auto& rs = r.restore;
    rs.kind = start_kind::restore;
    rs.paused = r.status == session_status::paused;
    rs.account.cash = money::from_raw(st.column_int(9));
    rs.account.position_qty = quantity::from_raw(st.column_int(10));
    rs.account.cost_basis = money::from_raw(st.column_int(21));
    rs.account.realized_pnl = money::from_raw(st.column_int(11));
    rs.account.fees = money::from_raw(st.column_int(12));
    rs.events = st.column_int(13);
    rs.fills_committed = st.column_int(14);
    if (!st.column_is_null(15))
      r.fill_settings = st.column_text(15);
    r.feed_start = st.column_int(16);
    r.restarts = st.column_int(17);
    r.restart.max_restarts = st.column_int(18);
    r.restart.backoff_ms = st.column_int(19);
    r.restart.max_backoff_ms = st.column_int(20);
    if (!st.column_is_null(22))
      r.qty_step = quantity::from_raw(st.column_int(22));
    if (!st.column_is_null(23))
      r.price_tick = price::from_raw(st.column_int(23));
    if (!st.column_is_null(24))
      r.equity_interval_ms = st.column_int(24);
    out.push_back(std::move(r));
  }
  sql::statement commands(db, "SELECT feed_events, command FROM session_commands WHERE session_id = ?1 "
                              "ORDER BY rowid");
  for (auto& r : out) {
    commands.bind(1, r.id);
    while (commands.step())
      r.restore.pauses.emplace_back(commands.column_int(0),
                                    parse_session_command(commands.column_text(1)) == session_command::pause);
    commands.reset();
  }
  return out;
}

// The execution settings `row` was stored with replace the config's, so the session fills as it
// did before (fees, slippage, fill profile, overrides, quantity step, price tick, equity
// interval); a change in the config is logged. A row stored before a setting was kept (0005: fill
// settings, 0009: step, tick, interval) keeps the config's for it. False
// (logged) when the stored settings cannot be read. `warn_on_change` false: nothing is logged for a
// change (a session created over the API had no config entry to change).
bool apply_stored_execution(const stored_session& row, session_config& cfg, bool warn_on_change = true) {
  execution_params stored = cfg.execution;
  stored.taker_fee_bps = bps::from_raw(row.taker_fee_bps_raw);
  stored.slippage_bps = bps::from_raw(row.slippage_bps_raw);
  if (row.fill_settings) {
    std::string error;
    auto s = parse_fill_settings_json(*row.fill_settings, &error);
    if (!s) {
      spdlog::error("session {} ({}) cannot be restored: its stored fill settings do not read: {}", row.id, row.name,
                    error);
      return false;
    }
    stored.profile = s->profile;
    stored.maker_fee_bps = s->maker_fee_bps;
    stored.overrides = s->overrides;
  }
  if (row.qty_step && row.qty_step->is_positive())
    stored.qty_step = *row.qty_step;
  if (row.price_tick && row.price_tick->is_positive())
    stored.price_tick = *row.price_tick;
  int64_t interval = row.equity_interval_ms && *row.equity_interval_ms >= 0 ? *row.equity_interval_ms
                                                                           : cfg.equity_interval_ms;
  if (warn_on_change && (fill_settings_json(stored) != fill_settings_json(cfg.execution) ||
      stored.taker_fee_bps != cfg.execution.taker_fee_bps || stored.slippage_bps != cfg.execution.slippage_bps ||
      stored.qty_step != cfg.execution.qty_step || stored.price_tick != cfg.execution.price_tick ||
      interval != cfg.equity_interval_ms))
    spdlog::warn("session {} ({}): its execution settings in the config changed since it started; it is restored "
                 "with the ones it was started with: {}, taker_fee_bps {}, slippage_bps {}, qty_step {}, "
                 "price_tick {}, equity_interval_ms {}",
                 row.id, row.name, fill_settings_json(stored), stored.taker_fee_bps.to_string(),
                 stored.slippage_bps.to_string(), stored.qty_step.to_string(), stored.price_tick.to_string(),
                 interval);
  cfg.execution = stored;
  cfg.equity_interval_ms = interval;
  return true;
}

// A session created over the API, rebuilt from its row: the stored strategy, cash, fees and
// slippage, fill settings, quantity step, price tick, equity interval and restart policy; the
// settings not stored (rows from before they were) come from the config's defaults.
std::optional<session_config> created_session(const stored_session& row, const session_defaults& defaults) {
  session_config cfg;
  try {
    auto loaded = load_strategy_text(row.strategy_yaml, row.strategy_file);
    cfg.strategy = loaded.spec;
    cfg.strategy_text = row.strategy_yaml;
  } catch (const std::exception& e) {
    spdlog::error("session {} ({}) cannot be restored: its stored strategy does not load: {}", row.id, row.name,
                  e.what());
    return std::nullopt;
  }
  cfg.name = row.name;
  cfg.symbol = row.symbol;
  cfg.strategy_file = row.strategy_file;
  cfg.initial_cash = money::from_raw(row.initial_cash_raw);
  cfg.execution = defaults.execution;
  cfg.execution.taker_fee_bps = bps::from_raw(row.taker_fee_bps_raw);
  cfg.execution.slippage_bps = bps::from_raw(row.slippage_bps_raw);
  cfg.equity_interval_ms = defaults.equity_interval_ms;
  if (!apply_stored_execution(row, cfg, false))
    return std::nullopt;
  cfg.restart = row.restart.invalid().empty() ? row.restart : defaults.restart;
  cfg.feed_start = row.feed_start;
  return cfg;
}

} // namespace

restore_plan restore_sessions(const std::string& database, std::vector<session_config>& sessions) {
  return restore_sessions(database, sessions, session_defaults{});
}

restore_plan restore_sessions(const std::string& database, std::vector<session_config>& sessions,
                              const session_defaults& defaults) {
  restore_plan plan;
  if (database.empty() || !std::filesystem::exists(database))
    return plan;
  std::vector<stored_session> rows;
  std::vector<settled_session> settled_rows;
  {
    auto db = open_database(database); // migrated: an older file gains the restore columns
    rows = read_rows(*db);
    settled_rows = read_settled(*db);
  }
  // The config's sessions by name and symbol, in config order: a row takes the first one not yet
  // taken (one lookup per row instead of a scan of the config, which is quadratic at 10,000 sessions).
  std::map<std::pair<std::string, std::string>, std::deque<size_t>> untaken;
  for (size_t i = 0; i < sessions.size(); ++i)
    if (!sessions[i].start.is_restore())
      untaken[{sessions[i].name, sessions[i].symbol}].push_back(i);
  // A config session whose row ended for good is that session, done: it is not run again (a new
  // id would replay its data a second time beside its stored results).
  std::vector<size_t> done;
  size_t next_settled = 0;
  auto settle_rows_before = [&](int64_t id) {
    for (; next_settled < settled_rows.size() && settled_rows[next_settled].id < id; ++next_settled) {
      const auto& row = settled_rows[next_settled];
      auto it = untaken.find({row.name, row.symbol});
      if (it == untaken.end() || it->second.empty())
        continue; // created over the API, or its config entry is gone: history only
      done.push_back(it->second.front());
      it->second.pop_front();
      spdlog::warn("session {} ({}, {}) is not started again: its row in {} is {}; its results stay as stored (to "
                   "run it anew, give it another name or use another database)",
                   row.id, row.name, row.symbol, database, to_string(row.status));
      plan.settled.push_back(row);
    }
  };
  for (auto& row : rows) {
    settle_rows_before(row.id);
    if (row.restarts > 0) {
      // Its restarts took it up where the feed was then, with its committed account: a re-feed
      // from the start cannot rebuild that (docs/operations.md, "Not done").
      spdlog::warn("session {} ({}) is not restored: it was restarted {} time(s) after failures, which a re-feed "
                   "cannot rebuild; its row stays {}",
                   row.id, row.name, row.restarts, to_string(row.status));
      ++plan.skipped;
      continue;
    }
    session_config* cfg = nullptr;
    if (auto it = untaken.find({row.name, row.symbol}); it != untaken.end() && !it->second.empty()) {
      cfg = &sessions[it->second.front()];
      it->second.pop_front();
    }
    if (!cfg && row.feed_start < 0) {
      // Created over the API before its feed position was stored: a re-feed from the start
      // cannot rebuild it exactly.
      spdlog::warn("session {} ({}) is not restored: no session of the config has its name and symbol {} (a "
                   "session created over the API), and where it joined the feed is not stored; its row stays {}",
                   row.id, row.name, row.symbol, to_string(row.status));
      ++plan.skipped;
      continue;
    }
    if (!cfg) { // created over the API: it joins the re-fed replay where it first joined it
      auto created = created_session(row, defaults);
      if (!created) {
        ++plan.skipped;
        continue;
      }
      created->session_id = row.id;
      created->start = row.restore;
      ++plan.restored;
      auto& ff = plan.fast_forward_events[row.symbol];
      ff = std::max(ff, row.feed_start + row.restore.events);
      spdlog::info("session {} ({}, created over the API) will be restored from {}: {}, joining the feed at event "
                   "{}, {} events processed, {} fills, cash {}, position {}",
                   row.id, row.name, database, to_string(row.status), row.feed_start, row.restore.events,
                   row.restore.fills_committed, row.restore.account.cash.to_string(),
                   row.restore.account.position_qty.to_string());
      sessions.push_back(std::move(*created));
      continue;
    }
    if (cfg->strategy_text != row.strategy_yaml) {
      try {
        auto loaded = load_strategy_text(row.strategy_yaml, row.strategy_file);
        spdlog::warn("session {} ({}): its strategy file {} changed since it started; it is restored with the "
                       "strategy it was started with (stored in the database)",
                       row.id, row.name, row.strategy_file);
        cfg->strategy = loaded.spec;
        cfg->strategy_text = row.strategy_yaml;
      } catch (const std::exception& e) {
        spdlog::error("session {} ({}) cannot be restored: its stored strategy does not load: {}", row.id, row.name,
                      e.what());
        ++plan.skipped;
        continue;
      }
    }
    if (!apply_stored_execution(row, *cfg)) {
      ++plan.skipped;
      continue;
    }
    cfg->session_id = row.id;
    cfg->start = row.restore;
    ++plan.restored;
    auto& ff = plan.fast_forward_events[row.symbol];
    ff = std::max(ff, row.restore.events);
    spdlog::info("session {} ({}) will be restored from {}: {}, {} events processed, {} fills, cash {}, position {}",
                 row.id, row.name, database, to_string(row.status), row.restore.events, row.restore.fills_committed,
                 row.restore.account.cash.to_string(), row.restore.account.position_qty.to_string());
  }
  settle_rows_before(std::numeric_limits<int64_t>::max());
  std::sort(done.rbegin(), done.rend());
  for (auto i : done)
    sessions.erase(sessions.begin() + static_cast<std::ptrdiff_t>(i));
  return plan;
}

void prune_history(const std::string& database, const history_retention& retention) {
  if (database.empty() || !std::filesystem::exists(database) || !retention.any())
    return;
  auto db = open_database(database);
  sql::transaction tx(*db);
  auto pruned = pt::prune_history(*db, retention);
  tx.commit();
  if (pruned.any())
    spdlog::info("retention: {} in {}", describe(pruned), database);
}

} // namespace pt
