// The session history routes: orders, fills, equity points, downsampled equity buckets and
// decisions, each paginated with a cursor (`after` = the last id of the previous page, a bucket's
// start for buckets; `next_after` in the answer, null at the end).

#include "web/api/routes/queries.hpp"

#include <functional>

#include "wire/fill_settings_json.hpp"
#include "web/api/json.hpp"

namespace pt {

namespace {

/// The cursor, limit and time window every history route takes.
struct page_params {
  int64_t after = 0;
  int64_t limit = 100;
  int64_t from_ms = INT64_MIN;
  int64_t to_ms = INT64_MAX;
  std::string side;   ///< "" = both
  std::string status; ///< orders only: an order status name ("FILLED", "DENIED", …); "" = any
};

std::optional<api_response> read_page(const api_request& req, const std::vector<std::string>& allowed,
                                      page_params& p) {
  if (auto bad = reject_unknown_params(req, allowed))
    return bad;
  bool ok = true;
  p.after = query_int(req, "after", 0, INT64_MAX, ok).value_or(0);
  p.limit = query_int(req, "limit", 1, 1000, ok).value_or(100);
  p.from_ms = query_int(req, "from_ms", INT64_MIN, INT64_MAX, ok).value_or(INT64_MIN);
  p.to_ms = query_int(req, "to_ms", INT64_MIN, INT64_MAX, ok).value_or(INT64_MAX);
  if (!ok)
    return json_error(400, "invalid_parameter",
                      "after must be a non-negative integer, limit 1..1000, from_ms and to_ms integers (ms)");
  if (auto it = req.query.find("side"); it != req.query.end()) {
    if (it->second != "buy" && it->second != "sell")
      return json_error(400, "invalid_parameter", "side must be buy or sell");
    p.side = it->second;
  }
  if (auto it = req.query.find("status"); it != req.query.end()) {
    if (!parse_exec_status(it->second))
      return json_error(400, "invalid_parameter",
                        "status must be an order status: PENDING_NEW, NEW, TRIGGERED, PARTIALLY_FILLED, FILLED, "
                        "CANCELED, REJECTED, EXPIRED or DENIED");
    p.status = it->second;
  }
  return std::nullopt;
}

api_response unknown_session(int64_t id) {
  return json_error(404, "unknown_session", "no session with id " + std::to_string(id));
}

// The page parameters of a history route (`read_page`) for a session that exists: the 400 or
// 404 answer otherwise.
std::optional<api_response> read_session_page(sql::database& db, int64_t id, const api_request& req,
                                              const std::vector<std::string>& allowed, page_params& p) {
  if (auto bad = read_page(req, allowed, p))
    return bad;
  if (!session_exists(db, id))
    return unknown_session(id);
  return std::nullopt;
}

// Runs `st` (whose first column is the cursor id), writing at most `limit` rows with `row`;
// one row more than the page tells whether there is a next page.
api_response write_page(sql::statement& st, int64_t session_id, int64_t limit,
                        const std::function<void(json_out&, const sql::statement&)>& row) {
  json_out j;
  j.w().StartObject();
  j.i64("session_id", session_id).key("items");
  j.w().StartArray();
  int64_t n = 0, last = 0;
  bool more = false;
  while (st.step()) {
    if (n == limit) {
      more = true;
      break;
    }
    j.w().StartObject();
    row(j, st);
    j.w().EndObject();
    last = st.column_int(0);
    ++n;
  }
  j.w().EndArray();
  if (more)
    j.i64("next_after", last);
  else
    j.null("next_after");
  j.i64("limit", limit);
  j.w().EndObject();
  return json_ok(j.text());
}

// An order row's fill report (columns 8..17 of the orders query; 8 says whether it has one),
// nullopt when it has none.
std::optional<fill_report> stored_report(const sql::statement& s) {
  if (s.column_int(8) == 0)
    return std::nullopt;
  fill_report r;
  r.order_id = s.column_int(0);
  if (!s.column_is_null(9))
    r.arrival_px = price::from_raw(s.column_int(9));
  if (!s.column_is_null(10))
    r.avg_px = price::from_raw(s.column_int(10));
  r.slippage_bps = s.column_is_null(11) ? 0.0 : s.column_double(11);
  r.filled_qty = quantity::from_raw(s.column_int(12));
  r.maker_qty = quantity::from_raw(s.column_int(13));
  r.taker_qty = quantity::from_raw(s.column_int(14));
  r.fees = money::from_raw(s.column_int(15));
  r.time_to_fill_ms = s.column_is_null(16) ? -1 : s.column_int(16);
  r.queue_at_placement = quantity::from_raw(s.column_int(17));
  return r;
}

// What an order was sent as (columns 18..23 of the orders query): time in force, limit and stop
// price (decimal strings), callback bps, OCO list and other leg; null where it does not apply
// and in rows stored before migration 0007.
void write_stored_request(json_out& j, const sql::statement& s) {
  auto text_or_null = [&](const char* key, int c) {
    if (s.column_is_null(c))
      j.null(key);
    else
      j.str(key, s.column_text(c));
  };
  auto decimal_or_null = [&](const char* key, int c) {
    if (s.column_is_null(c))
      j.null(key);
    else
      j.decimal(key, s.column_int(c));
  };
  auto id_or_null = [&](const char* key, int c) {
    if (s.column_is_null(c))
      j.null(key);
    else
      j.i64(key, s.column_int(c));
  };
  text_or_null("time_in_force", 18);
  decimal_or_null("limit_price", 19);
  decimal_or_null("stop_price", 20);
  decimal_or_null("callback_bps", 21);
  id_or_null("list_id", 22);
  id_or_null("linked_order_id", 23);
}

} // namespace

api_response query_orders(sql::database& db, int64_t id, const api_request& req) {
  page_params p;
  if (auto bad = read_session_page(db, id, req, {"after", "limit", "from_ms", "to_ms", "side", "status"}, p))
    return *bad;
  sql::statement st(db, "SELECT order_id, side, type, qty_raw, status, reject_reason, created_ms, updated_ms, "
                        "filled_qty_raw IS NOT NULL, arrival_px_raw, avg_px_raw, slippage_bps, filled_qty_raw, maker_qty_raw, "
                        "taker_qty_raw, report_fees_raw, time_to_fill_ms, queue_at_placement_raw, time_in_force, "
                        "limit_px_raw, stop_px_raw, callback_bps_raw, list_id, linked_order_id "
                        "FROM orders WHERE session_id = ?1 AND order_id > ?2 AND created_ms >= ?3 AND created_ms <= ?4 "
                        "AND (?5 = '' OR side = ?5) AND (?6 = '' OR status = ?6) ORDER BY order_id LIMIT ?7");
  st.bind(1, id).bind(2, p.after).bind(3, p.from_ms).bind(4, p.to_ms).bind(5, p.side).bind(6, p.status);
  st.bind(7, p.limit + 1);
  return write_page(st, id, p.limit, [](json_out& j, const sql::statement& s) {
    j.i64("order_id", s.column_int(0)).str("side", s.column_text(1)).str("type", s.column_text(2));
    write_stored_request(j, s);
    j.decimal("qty", s.column_int(3)).str("status", s.column_text(4));
    if (s.column_is_null(5))
      j.null("reject_reason");
    else
      j.str("reject_reason", s.column_text(5));
    j.i64("created_ms", s.column_int(6)).i64("updated_ms", s.column_int(7));
    if (auto r = stored_report(s)) {
      j.key("report");
      write_fill_report(j.w(), *r);
    }
  });
}

api_response query_fills(sql::database& db, int64_t id, const api_request& req) {
  page_params p;
  if (auto bad = read_session_page(db, id, req, {"after", "limit", "from_ms", "to_ms", "side"}, p))
    return *bad;
  sql::statement st(db, "SELECT fill_id, order_id, ts_event_ms, side, price_raw, qty_raw, fee_raw, liquidity, "
                        "reference_px_raw FROM fills WHERE session_id = ?1 AND fill_id > ?2 AND ts_event_ms >= ?3 AND ts_event_ms <= ?4 "
                        "AND (?5 = '' OR side = ?5) ORDER BY fill_id LIMIT ?6");
  st.bind(1, id).bind(2, p.after).bind(3, p.from_ms).bind(4, p.to_ms).bind(5, p.side).bind(6, p.limit + 1);
  return write_page(st, id, p.limit, [](json_out& j, const sql::statement& s) {
    j.i64("fill_id", s.column_int(0)).i64("order_id", s.column_int(1)).i64("ts_event_ms", s.column_int(2));
    j.str("side", s.column_text(3)).decimal("price", s.column_int(4)).decimal("qty", s.column_int(5));
    j.decimal("fee", s.column_int(6)).str("liquidity", s.column_text(7));
    if (s.column_is_null(8))
      j.null("reference_px");
    else
      j.decimal("reference_px", s.column_int(8));
  });
}

api_response query_equity(sql::database& db, int64_t id, const api_request& req) {
  page_params p;
  if (auto bad = read_session_page(db, id, req, {"after", "limit", "from_ms", "to_ms"}, p))
    return *bad;
  sql::statement st(db, "SELECT rowid, ts_event_ms, equity_raw, cash_raw, position_qty_raw, mark_price_raw "
                        "FROM equity_points WHERE session_id = ?1 AND rowid > ?2 AND ts_event_ms >= ?3 "
                        "AND ts_event_ms <= ?4 ORDER BY rowid LIMIT ?5");
  st.bind(1, id).bind(2, p.after).bind(3, p.from_ms).bind(4, p.to_ms).bind(5, p.limit + 1);
  return write_page(st, id, p.limit, [](json_out& j, const sql::statement& s) {
    j.i64("id", s.column_int(0)).i64("ts_event_ms", s.column_int(1)).decimal("equity", s.column_int(2));
    j.decimal("cash", s.column_int(3)).decimal("position_qty", s.column_int(4));
    j.decimal("mark_price", s.column_int(5));
  });
}

api_response query_equity_ohlc(sql::database& db, int64_t id, const api_request& req) {
  page_params p;
  if (auto bad = read_session_page(db, id, req, {"after", "limit", "from_ms", "to_ms"}, p))
    return *bad;
  // The cursor is the bucket's start: buckets are keyed (session, start), not by row id.
  sql::statement st(db, "SELECT bucket_start_ms, bucket_ms, first_ms, last_ms, open_raw, high_raw, low_raw, "
                        "close_raw, max_drawdown_raw, cash_raw, position_qty_raw, mark_price_raw, points "
                        "FROM equity_buckets WHERE session_id = ?1 AND bucket_start_ms > ?2 AND last_ms >= ?3 "
                        "AND first_ms <= ?4 ORDER BY bucket_start_ms LIMIT ?5");
  // No `after`: from the first bucket (a bucket may start at 0 or before, so 0 is a cursor too).
  st.bind(1, id).bind(2, req.query.count("after") ? p.after : INT64_MIN).bind(3, p.from_ms).bind(4, p.to_ms);
  st.bind(5, p.limit + 1);
  return write_page(st, id, p.limit, [](json_out& j, const sql::statement& s) {
    j.i64("bucket_start_ms", s.column_int(0)).i64("bucket_ms", s.column_int(1));
    j.i64("first_ms", s.column_int(2)).i64("last_ms", s.column_int(3));
    j.decimal("open", s.column_int(4)).decimal("high", s.column_int(5)).decimal("low", s.column_int(6));
    j.decimal("close", s.column_int(7)).decimal("max_drawdown", s.column_int(8));
    j.decimal("cash", s.column_int(9)).decimal("position_qty", s.column_int(10));
    j.decimal("mark_price", s.column_int(11)).i64("points", s.column_int(12));
  });
}

api_response query_decisions(sql::database& db, int64_t id, const api_request& req) {
  page_params p;
  if (auto bad = read_session_page(db, id, req, {"after", "limit", "from_ms", "to_ms"}, p))
    return *bad;
  sql::statement st(db, "SELECT rowid, ts_event_ms, rule, inputs, action, order_id FROM decisions "
                        "WHERE session_id = ?1 AND rowid > ?2 AND ts_event_ms >= ?3 AND ts_event_ms <= ?4 "
                        "ORDER BY rowid LIMIT ?5");
  st.bind(1, id).bind(2, p.after).bind(3, p.from_ms).bind(4, p.to_ms).bind(5, p.limit + 1);
  return write_page(st, id, p.limit, [](json_out& j, const sql::statement& s) {
    j.i64("id", s.column_int(0)).i64("ts_event_ms", s.column_int(1)).str("rule", s.column_text(2));
    j.str("inputs", s.column_text(3)).str("action", s.column_text(4));
    if (s.column_is_null(5))
      j.null("order_id");
    else
      j.i64("order_id", s.column_int(5));
  });
}

} // namespace pt
