// The session routes that read the sessions row (and, for the metrics, equity points and buckets).

#include "web/api/routes/queries.hpp"

#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

#include "wire/fill_settings_json.hpp"
#include "core/metrics/performance_metrics.hpp"
#include "core/session/session_status.hpp"
#include "store/retention.hpp"
#include "web/api/json.hpp"
#include "wire/performance_json.hpp"

namespace pt {

namespace {

constexpr const char* session_columns =
  "session_id, name, strategy_name, strategy_file, symbol, status, initial_cash_raw, taker_fee_bps_raw, "
  "slippage_bps_raw, cash_raw, position_qty_raw, cost_basis_raw, realized_pnl_raw, fees_raw, mark_price_raw, "
  "equity_raw, last_event_ms, created_at_ms, updated_at_ms, failure, fill_settings, restarts";

// What `write_fill_settings` writes for one stored settings text and fee/slippage pair: the
// three values already rendered, as JSON text (`valid` false: all three null).
struct rendered_fill_settings {
  bool valid = false;
  std::string profile, overrides, params;
};

rendered_fill_settings render_fill_settings(const std::string& text, int64_t taker_raw, int64_t slippage_raw) {
  rendered_fill_settings r;
  auto stored = parse_fill_settings_json(text);
  if (!stored)
    return r;
  execution_params e;
  e.profile = stored->profile;
  e.overrides = stored->overrides;
  e.maker_fee_bps = stored->maker_fee_bps;
  e.taker_fee_bps = bps::from_raw(taker_raw);
  e.slippage_bps = bps::from_raw(slippage_raw);
  r.valid = true;
  r.profile = to_string(e.profile);
  rapidjson::StringBuffer overrides, params;
  json_writer wo(overrides), wp(params);
  write_fill_overrides(wo, e.overrides);
  write_fill_params(wp, session_fill_params(e));
  r.overrides.assign(overrides.GetString(), overrides.GetSize());
  r.params.assign(params.GetString(), params.GetSize());
  return r;
}

// Sessions mostly share a few settings: the rendering of each distinct (text, taker fee,
// slippage) is kept per worker thread, so a page of 100 rows does not parse 100 JSON texts.
const rendered_fill_settings& cached_fill_settings(const std::string& text, int64_t taker_raw, int64_t slippage_raw) {
  constexpr size_t max_entries = 256; // distinct settings kept; the cache starts over past it
  thread_local std::unordered_map<std::string, rendered_fill_settings> cache;
  std::string key = std::to_string(taker_raw) + ' ' + std::to_string(slippage_raw) + ' ' + text;
  auto it = cache.find(key);
  if (it != cache.end())
    return it->second;
  if (cache.size() >= max_entries)
    cache.clear();
  auto rendered = render_fill_settings(text, taker_raw, slippage_raw);
  return cache.emplace(std::move(key), std::move(rendered)).first->second;
}

// `fill_profile`, `fill_overrides` (what the session set) and `fill` (every parameter its orders
// fill under: the profile's, the overrides applied, its fees and slippage added) from the stored
// settings; all three null for a session stored before its settings were kept.
void write_fill_settings(json_out& j, const sql::statement& st) {
  const rendered_fill_settings* r = nullptr;
  if (!st.column_is_null(20))
    r = &cached_fill_settings(st.column_text(20), st.column_int(7), st.column_int(8));
  if (r == nullptr || !r->valid) {
    j.null("fill_profile").null("fill_overrides").null("fill");
    return;
  }
  j.str("fill_profile", r->profile);
  j.key("fill_overrides");
  j.w().RawValue(r->overrides.data(), r->overrides.size(), rapidjson::kObjectType);
  j.key("fill");
  j.w().RawValue(r->params.data(), r->params.size(), rapidjson::kObjectType);
}

void write_session(json_out& j, const sql::statement& st) {
  j.w().StartObject();
  j.i64("id", st.column_int(0))
    .str("name", st.column_text(1))
    .str("strategy_name", st.column_text(2))
    .str("strategy_file", st.column_text(3))
    .str("symbol", st.column_text(4))
    .str("status", st.column_text(5))
    .decimal("initial_cash", st.column_int(6))
    .decimal("taker_fee_bps", st.column_int(7))
    .decimal("slippage_bps", st.column_int(8))
    .decimal("cash", st.column_int(9))
    .decimal("position_qty", st.column_int(10))
    .decimal("cost_basis", st.column_int(11))
    .decimal("realized_pnl", st.column_int(12))
    .decimal("fees", st.column_int(13))
    .decimal("mark_price", st.column_int(14))
    .decimal("equity", st.column_int(15))
    .i64("last_event_ms", st.column_int(16))
    .i64("created_at_ms", st.column_int(17))
    .i64("updated_at_ms", st.column_int(18));
  if (!st.column_is_null(19)) {
    if (parse_session_status(st.column_text(5)) == session_status::failed)
      j.str("failure", st.column_text(19));
    j.str("last_failure", st.column_text(19)); // kept once a restart runs it again
  }
  j.i64("restarts", st.column_int(21));
  write_fill_settings(j, st);
  j.w().EndObject();
}

api_response unknown_session(int64_t id) {
  return json_error(404, "unknown_session", "no session with id " + std::to_string(id));
}

// qty × mark − cost basis, in raw units (0 when it overflows, which no real account reaches).
int64_t unrealized_raw(int64_t qty_raw, int64_t mark_raw, int64_t cost_raw) {
  if (qty_raw == 0)
    return 0;
  return mul_div_raw(qty_raw, mark_raw, fixed_scale).value_or(cost_raw) - cost_raw;
}

} // namespace

bool session_exists(sql::database& db, int64_t id) {
  auto st = db.cached("SELECT 1 FROM sessions WHERE session_id = ?1");
  st->bind(1, id);
  return st->step();
}

api_response query_sessions(sql::database& db, const api_request& req) {
  if (auto bad = reject_unknown_params(req, {"status", "limit", "offset"}))
    return *bad;
  bool ok = true;
  int64_t limit = query_int(req, "limit", 1, 1000, ok).value_or(100);
  int64_t offset = query_int(req, "offset", 0, INT64_MAX, ok).value_or(0);
  if (!ok)
    return json_error(400, "invalid_parameter", "limit must be 1..1000 and offset a non-negative integer");
  auto status = req.query.count("status") ? req.query.at("status") : std::string();
  // ?1 = '' matches every status: one statement, no SQL assembled from input.
  int64_t total = 0;
  {
    auto count = db.cached("SELECT COUNT(*) FROM sessions WHERE (?1 = '' OR status = ?1)");
    count->bind(1, status);
    count->step();
    total = count->column_int(0);
  }
  static const std::string page_sql = std::string("SELECT ") + session_columns +
                                      " FROM sessions WHERE (?1 = '' OR status = ?1) ORDER BY session_id LIMIT ?2 OFFSET ?3";
  auto lease = db.cached(page_sql);
  auto& st = *lease;
  st.bind(1, status).bind(2, limit).bind(3, offset);
  json_out j;
  j.w().StartObject();
  j.key("items");
  j.w().StartArray();
  while (st.step())
    write_session(j, st);
  j.w().EndArray();
  j.i64("total", total).i64("limit", limit).i64("offset", offset);
  j.w().EndObject();
  return json_ok(j.text());
}

api_response query_session(sql::database& db, int64_t id) {
  static const std::string one_sql = std::string("SELECT ") + session_columns + " FROM sessions WHERE session_id = ?1";
  auto lease = db.cached(one_sql);
  auto& st = *lease;
  st.bind(1, id);
  if (!st.step())
    return unknown_session(id);
  json_out j;
  write_session(j, st);
  return json_ok(j.text());
}

api_response query_positions(sql::database& db, int64_t id) {
  auto lease = db.cached("SELECT symbol, position_qty_raw, cost_basis_raw, mark_price_raw, realized_pnl_raw "
                         "FROM sessions WHERE session_id = ?1");
  auto& st = *lease;
  st.bind(1, id);
  if (!st.step())
    return unknown_session(id);
  int64_t qty = st.column_int(1), cost = st.column_int(2), mark = st.column_int(3);
  json_out j;
  j.w().StartObject();
  j.i64("session_id", id).key("items");
  j.w().StartArray();
  if (qty != 0) {
    j.w().StartObject();
    j.str("symbol", st.column_text(0))
      .decimal("quantity", qty)
      .decimal("average_entry_price", mul_div_raw(cost, fixed_scale, qty).value_or(0))
      .decimal("cost_basis", cost)
      .decimal("mark_price", mark)
      .decimal("market_value", mul_div_raw(qty, mark, fixed_scale).value_or(0))
      .decimal("unrealized_pnl", unrealized_raw(qty, mark, cost));
    j.w().EndObject();
  }
  j.w().EndArray();
  j.w().EndObject();
  return json_ok(j.text());
}

api_response query_session_metrics(sql::database& db, int64_t id, const api_request& req) {
  if (auto bad = reject_unknown_params(req, {"period_ms"}))
    return *bad;
  bool ok = true;
  int64_t period_ms = query_int(req, "period_ms", 1000, 365LL * 86'400'000LL, ok).value_or(60'000);
  if (!ok)
    return json_error(400, "invalid_parameter", "period_ms must be an integer from 1000 to 31536000000");
  sql::statement st(db, "SELECT initial_cash_raw, cash_raw, position_qty_raw, cost_basis_raw, realized_pnl_raw, "
                        "fees_raw, mark_price_raw, equity_raw, status, slippage_bps_raw, last_event_ms "
                        "FROM sessions WHERE session_id = ?1");
  st.bind(1, id);
  if (!st.step())
    return unknown_session(id);
  int64_t initial = st.column_int(0), equity = st.column_int(7);
  int64_t unrealized = unrealized_raw(st.column_int(2), st.column_int(6), st.column_int(3));
  metrics_input in;
  in.initial_cash = money::from_raw(initial);
  in.period_ms = period_ms;
  in.slippage_bps = bps::from_raw(st.column_int(9));
  if (st.column_int(10) > 0)
    in.end_ms = st.column_int(10);
  if (st.column_int(6) > 0)
    in.end_mark = price::from_raw(st.column_int(6));
  // Max drawdown: the largest fall from a running peak of the stored equity curve, as a fraction;
  // exact over the downsampled buckets too (`drawdown_fold`). A bucket stands in the metrics' equity
  // curve as its close.
  drawdown_fold dd(initial);
  int64_t buckets = 0, bucket_points = 0;
  for (const auto& b : read_equity_buckets(db, id)) {
    dd.add(b);
    ++buckets;
    bucket_points += b.points;
    in.equity.push_back(b.close_point());
  }
  sql::statement eq(db, std::string("SELECT ") + equity_point_columns +
                          " FROM equity_points WHERE session_id = ?1 ORDER BY ts_event_ms, rowid");
  eq.bind(1, id);
  int64_t points = 0;
  while (eq.step()) {
    ++points;
    in.equity.push_back(equity_point_of_row(eq));
    dd.add(in.equity.back().equity.raw());
  }
  sql::statement fl(db, "SELECT fill_id, order_id, ts_event_ms, side, price_raw, qty_raw, fee_raw, liquidity, "
                        "reference_px_raw FROM fills WHERE session_id = ?1 ORDER BY fill_id");
  fl.bind(1, id);
  while (fl.step()) {
    fill f;
    f.fill_id = fl.column_int(0);
    f.order_id = fl.column_int(1);
    f.ts_event_ms = fl.column_int(2);
    f.fill_side = fl.column_text(3) == "sell" ? side::sell : side::buy;
    f.px = price::from_raw(fl.column_int(4));
    f.qty = quantity::from_raw(fl.column_int(5));
    f.fee = money::from_raw(fl.column_int(6));
    f.role = fl.column_text(7) == "maker" ? liquidity::maker : liquidity::taker;
    // The stored reference price makes the slippage cost exact; without it, the bps estimate.
    if (!fl.column_is_null(8))
      f.reference_px = price::from_raw(fl.column_int(8));
    in.fills.push_back(f);
  }
  // The same window compute_performance uses, to answer a too-fine period_ms with a 400.
  std::vector<int64_t> times;
  if (!in.equity.empty())
    times.insert(times.end(), {in.equity.front().ts_event_ms, in.equity.back().ts_event_ms});
  if (!in.fills.empty())
    times.insert(times.end(), {in.fills.front().ts_event_ms, in.fills.back().ts_event_ms});
  if (in.end_ms)
    times.push_back(*in.end_ms);
  if (!times.empty()) {
    auto [lo, hi] = std::minmax_element(times.begin(), times.end());
    if ((*hi - *lo) / period_ms > max_return_periods)
      return json_error(400, "invalid_parameter",
                        "period_ms " + std::to_string(period_ms) + " splits the session into more than " +
                          std::to_string(max_return_periods) + " periods");
  }
  std::string error;
  auto perf = compute_performance(in, &error);
  json_out j;
  j.w().StartObject();
  j.i64("session_id", id)
    .str("status", st.column_text(8))
    .decimal("initial_cash", initial)
    .decimal("cash", st.column_int(1))
    .decimal("equity", equity)
    .decimal("realized_pnl", st.column_int(4))
    .decimal("unrealized_pnl", unrealized)
    .decimal("fees", st.column_int(5))
    .decimal("return", initial > 0 ? mul_div_raw(equity - initial, fixed_scale, initial).value_or(0) : 0)
    .decimal("max_drawdown", dd.max_drawdown_raw())
    .i64("equity_points", points)
    .i64("equity_buckets", buckets)
    .i64("equity_downsampled_points", bucket_points);
  j.key("performance");
  if (perf) {
    write_performance(j.w(), *perf);
  } else {
    j.w().Null();
    j.str("performance_error", error);
  }
  j.w().EndObject();
  return json_ok(j.text());
}

void count_platform(sql::database& db, platform_counts& out) {
  sql::statement st(db, "SELECT status, COUNT(*) FROM sessions GROUP BY status");
  while (st.step())
    out.sessions_by_status[st.column_text(0)] = st.column_int(1);
  sql::statement fills(db, "SELECT COUNT(*) FROM fills");
  fills.step();
  out.fills_total = fills.column_int(0);
}

} // namespace pt
