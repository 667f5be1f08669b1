// Orders carry what they were sent as — type, time in force, limit and stop price, trailing
// callback, OCO list and other leg — in SQLite, in `GET /sessions/{id}/orders` and in the
// pushed `order` messages: sessions with a limit entry and an exchange-side OCO, an exchange-side
// trailing stop, and a grid, on the real BTCUSDT stream recording.

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <caf/all.hpp>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "actors/market_data_broadcaster.hpp"
#include "actors/messages.hpp"
#include "store/migrations.hpp"
#include "actors/persister.hpp"
#include "actors/session_activity.hpp"
#include "actors/session_supervisor.hpp"
#include "app/strategy_loader.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/process.hpp"
#include "tests/support/recorded_events.hpp"
#include "tests/support/temp_dir_test.hpp"
#include "web/api/push.hpp"
#include "web/api/routes/queries.hpp"

namespace pt::test {
namespace {

constexpr auto timeout = std::chrono::seconds(120);

session_config session_of(const std::string& name, const std::string& yaml) {
  auto loaded = load_strategy_text(yaml, name + ".yaml");
  session_config cfg;
  cfg.name = name;
  cfg.strategy = loaded.spec;
  cfg.strategy_file = name + ".yaml";
  cfg.strategy_text = yaml;
  cfg.symbol = "BTCUSDT";
  return cfg;
}

// A trend entry on 2 s bars, every few seconds on this recording.
const std::string trend = "symbol: BTCUSDT\ntimeframe: 2s\nindicators:\n  fast: {type: ema, period: 3}\n"
                          "  slow: {type: ema, period: 8}\nentry: crosses_above(fast, slow)\n"
                          "exit: crosses_below(fast, slow)\nsizing: {percent_of_equity: 50}\n";

struct collected {
  std::mutex mutex;
  std::vector<session_activity> activities;
  std::set<int64_t> finished; ///< sessions whose final summary came (after all their activity)
};

// Runs `configs` with a persister on `db_path` over the recording; every `session_activity` the
// supervisor reports goes to `out`.
void run(const std::string& db_path, const std::vector<session_config>& configs, collected& out) {
  auto events = recorded_events(shared_data("streams/binance-spot-BTCUSDT-2024-08-08T2354Z_2024-08-09T0005Z.txt.gz"));
  ASSERT_GT(events.size(), 10'000u);
  std::shared_ptr<sql::database> db = open_database(db_path);
  caf::actor_system_config cfg;
  register_message_types(cfg);
  caf::actor_system system{cfg};
  auto writer = system.spawn(persister, db);
  auto broadcaster = system.spawn(market_data_broadcaster);
  auto supervisor = system.spawn(session_supervisor, configs, broadcaster, writer);
  auto watcher = system.spawn([&out]() -> caf::behavior {
    return {
      [&out](session_activity& a) {
        std::lock_guard<std::mutex> lock(out.mutex);
        out.activities.push_back(std::move(a));
      },
      [&out](session_summary& s) {
        std::lock_guard<std::mutex> lock(out.mutex);
        if (s.status == session_status::finished)
          out.finished.insert(s.session_id);
      },
    };
  });
  caf::scoped_actor self{system};
  self->request(supervisor, timeout, watch_atom::value, watcher, activity_atom::value)
    .receive([](std::vector<session_summary>&) {}, [&](caf::error& e) { ADD_FAILURE() << system.render(e); });
  self->request(supervisor, timeout, start_atom::value)
    .receive([](ok_atom) {}, [&](caf::error& e) { ADD_FAILURE() << system.render(e); });
  int64_t seq = 0;
  for (size_t pos = 0; pos < events.size(); pos += 256) {
    market_batch b;
    b.symbol = "BTCUSDT";
    b.seq = ++seq;
    auto end = std::min(events.size(), pos + 256);
    b.events = std::make_shared<const std::vector<market_event>>(events.begin() + static_cast<long>(pos),
                                                                 events.begin() + static_cast<long>(end));
    self->request(broadcaster, timeout, std::move(b))
      .receive([](ok_atom) {}, [&](caf::error& e) { ADD_FAILURE() << system.render(e); });
  }
  self->request(broadcaster, timeout, end_data_atom::value)
    .receive([](ok_atom) {}, [&](caf::error& e) { ADD_FAILURE() << system.render(e); });
  self->request(supervisor, timeout, await_atom::value)
    .receive([](std::vector<session_report>&) {}, [&](caf::error& e) { ADD_FAILURE() << system.render(e); });
  self->request(writer, timeout, flush_atom::value)
    .receive([](ok_atom) {}, [&](caf::error& e) { ADD_FAILURE() << system.render(e); });
  // The supervisor tells its watcher of a session's end after everything else of that session.
  EXPECT_TRUE(eventually(
    [&] {
      std::lock_guard<std::mutex> lock(out.mutex);
      return out.finished.size() == configs.size();
    },
    timeout));
  for (auto& a : {caf::actor_cast<caf::actor>(supervisor), caf::actor_cast<caf::actor>(broadcaster),
                  caf::actor_cast<caf::actor>(writer), watcher})
    self->send_exit(a, caf::exit_reason::user_shutdown);
}

// A member as text: a string's value, "null", or an integer's digits.
std::string text(const rapidjson::Value& o, const char* key) {
  EXPECT_TRUE(o.HasMember(key)) << key;
  if (!o.HasMember(key))
    return "(missing)";
  const auto& v = o[key];
  if (v.IsNull())
    return "null";
  if (v.IsString())
    return v.GetString();
  if (v.IsInt64())
    return std::to_string(v.GetInt64());
  return "(other)";
}

// The order-describing members of an order object, as one line (its status and reason last).
std::string describe(const rapidjson::Value& o) {
  std::string out;
  for (auto key : {"order_id", "side", "type", "time_in_force", "limit_price", "stop_price", "callback_bps",
                   "list_id", "linked_order_id", "status", "reject_reason"})
    out += text(o, key) + "|";
  return out;
}

// Every order of session `id` as the REST route serves it, by order id.
std::map<int64_t, std::string> served_orders(sql::database& db, int64_t id, rapidjson::Document& doc) {
  api_request req;
  req.query["limit"] = "1000";
  auto r = query_orders(db, id, req);
  EXPECT_EQ(r.status, 200) << r.body;
  doc.Parse(r.body.c_str());
  std::map<int64_t, std::string> out;
  EXPECT_FALSE(doc.HasParseError());
  if (doc.HasParseError())
    return out;
  EXPECT_TRUE(doc["next_after"].IsNull()) << "more than one page";
  for (const auto& o : doc["items"].GetArray())
    out[o["order_id"].GetInt64()] = describe(o);
  return out;
}

int64_t session_id_of(sql::database& db, const std::string& name) {
  sql::statement st(db, "SELECT session_id FROM sessions WHERE name = ?1");
  st.bind(1, std::string_view(name));
  return st.step() ? st.column_int(0) : 0;
}

class OrderDetails : public temp_dir_test {};

TEST_F(OrderDetails, LimitEntriesOcoLegsTrailingStopsAndGridLevelsKeepTheirTypePricesAndLinks) {
  std::vector<session_config> configs{
    session_of("limit-oco", "name: limit-oco\n" + trend +
                              "order: {type: limit, offset_bps: 1, time_in_force: gtc, expire_ms: 30000}\n"
                              "risk: {protection: exchange, stop_loss: {percent: 0.05}, take_profit: {percent: 0.04}}\n"),
    session_of("trail", "name: trail\n" + trend + "risk: {protection: exchange, trailing_stop: {percent: 0.03}}\n"),
    session_of("grid", "name: grid\nsymbol: BTCUSDT\ntimeframe: 1m\ngrid: {lower: 61500, upper: 61900, levels: 21, "
                       "spacing: arithmetic, qty_per_level: 0.001}\n"),
  };
  auto db_path = in_dir("pt.db");
  collected pushed;
  run(db_path, configs, pushed);

  sql::database db(db_path, true);
  rapidjson::Document limit_doc, trail_doc, grid_doc;
  auto limit_orders = served_orders(db, session_id_of(db, "limit-oco"), limit_doc);
  auto trail_orders = served_orders(db, session_id_of(db, "trail"), trail_doc);
  auto grid_orders = served_orders(db, session_id_of(db, "grid"), grid_doc);

  // Limit entries: GTC limit buys at a price, in no list; some filled as maker.
  const auto& limit_items = limit_doc["items"];
  int entries = 0, maker_entries = 0, oco_pairs = 0;
  std::map<int64_t, const rapidjson::Value*> by_id;
  for (const auto& o : limit_items.GetArray())
    by_id[o["order_id"].GetInt64()] = &o;
  for (const auto& [id, o] : by_id) {
    const auto& v = *o;
    std::string type = text(v, "type");
    EXPECT_TRUE(type == "limit" || type == "stop_loss" || type == "market") << describe(v);
    if (type == "limit" && text(v, "side") == "buy") {
      ++entries;
      EXPECT_EQ(text(v, "time_in_force"), "GTC");
      EXPECT_NE(text(v, "limit_price"), "null");
      EXPECT_EQ(text(v, "stop_price"), "null");
      EXPECT_EQ(text(v, "list_id"), "null");
      EXPECT_EQ(text(v, "linked_order_id"), "null");
      if (v.HasMember("report") && std::string(v["report"]["maker_qty"].GetString()) != "0.00000000")
        ++maker_entries;
    }
    if (text(v, "list_id") == "null")
      continue;
    // An OCO leg: its other leg is in the same list and names it back.
    auto other_id = v["linked_order_id"].GetInt64();
    ASSERT_TRUE(by_id.count(other_id)) << describe(v);
    const auto& w = *by_id[other_id];
    EXPECT_EQ(text(w, "list_id"), text(v, "list_id"));
    EXPECT_EQ(w["linked_order_id"].GetInt64(), id);
    EXPECT_EQ(text(v, "side"), "sell");
    if (type == "limit") { // the take profit, above the stop
      ++oco_pairs;
      EXPECT_EQ(text(v, "time_in_force"), "GTC");
      EXPECT_EQ(text(v, "stop_price"), "null");
      EXPECT_EQ(text(w, "type"), "stop_loss");
      EXPECT_EQ(text(w, "time_in_force"), "null");
      EXPECT_EQ(text(w, "limit_price"), "null");
      EXPECT_GT(price::parse(text(v, "limit_price"))->raw(), price::parse(text(w, "stop_price"))->raw());
    } else {
      EXPECT_EQ(type, "stop_loss") << describe(v);
    }
  }
  EXPECT_GE(entries, 2);
  EXPECT_GE(maker_entries, 1) << "no limit entry filled as maker: nothing shows the type was lost before";
  EXPECT_GE(oco_pairs, 1);

  // The trailing stop: its callback, no prices (active at once), alone.
  int trailing = 0;
  for (const auto& o : trail_doc["items"].GetArray()) {
    if (text(o, "type") != "trailing_stop") {
      EXPECT_EQ(text(o, "type"), "market") << describe(o);
      continue;
    }
    ++trailing;
    EXPECT_EQ(describe(o).substr(describe(o).find('|') + 1).rfind("sell|trailing_stop|null|null|null|3.00000000|null|null|", 0),
              0u) << describe(o);
    EXPECT_EQ(text(o, "reject_reason"), "null") << describe(o); // it ends FILLED or CANCELED, never refused
  }
  EXPECT_GE(trailing, 1);

  // Grid levels: GTC limit orders at a level (61,500 + k · 20), in no list.
  ASSERT_GE(grid_orders.size(), 4u);
  for (const auto& o : grid_doc["items"].GetArray()) {
    EXPECT_EQ(text(o, "type"), "limit") << describe(o);
    EXPECT_EQ(text(o, "time_in_force"), "GTC");
    auto px = price::parse(text(o, "limit_price"));
    ASSERT_TRUE(px) << describe(o);
    EXPECT_EQ((px->raw() - price::from_units(61'500).raw()) % price::from_units(20).raw(), 0) << describe(o);
    EXPECT_EQ(text(o, "stop_price") + text(o, "callback_bps") + text(o, "list_id") + text(o, "linked_order_id"),
              "nullnullnullnull");
  }

  // What the database stores is what is served; the pushes carry the same for each order.
  sql::statement raw(db, "SELECT COUNT(*) FROM orders WHERE type = 'market'");
  ASSERT_TRUE(raw.step());
  int64_t market_rows = raw.column_int(0);
  EXPECT_LT(market_rows, static_cast<int64_t>(limit_orders.size() + trail_orders.size() + grid_orders.size()) / 2);
  std::map<int64_t, std::map<int64_t, std::string>> pushed_orders; // session → order → last push
  {
    std::lock_guard<std::mutex> lock(pushed.mutex);
    for (const auto& a : pushed.activities)
      for (const auto& m : activity_messages(a)) {
        rapidjson::Document d;
        d.Parse(m->json.c_str());
        ASSERT_FALSE(d.HasParseError()) << m->json;
        if (std::string(d["type"].GetString()) == "order")
          pushed_orders[a.session_id][d["order"]["order_id"].GetInt64()] = describe(d["order"]);
      }
  }
  EXPECT_EQ(pushed_orders[session_id_of(db, "limit-oco")], limit_orders);
  EXPECT_EQ(pushed_orders[session_id_of(db, "trail")], trail_orders);
  EXPECT_EQ(pushed_orders[session_id_of(db, "grid")], grid_orders);
}

// Rows stored before migration 0007 keep type "market" and serve null for the new fields.
TEST_F(OrderDetails, RowsStoredBeforeTheMigrationServeMarketAndNulls) {
  auto db_path = in_dir("old.db");
  {
    sql::database db(db_path);
    std::vector<migration> up_to_6;
    for (const auto& m : embedded_migrations())
      if (m.file_name < "0007")
        up_to_6.push_back(m);
    ASSERT_EQ(apply_migrations(db, up_to_6), 6);
    db.exec("INSERT INTO sessions (name, strategy_name, strategy_file, strategy_yaml, symbol, status, "
            "initial_cash_raw, taker_fee_bps_raw, slippage_bps_raw, cash_raw, equity_raw, created_at_ms, "
            "updated_at_ms) VALUES ('old', 's', 'f', '', 'BTCUSDT', 'finished', 1, 0, 0, 1, 1, 0, 0)");
    db.exec("INSERT INTO orders (session_id, order_id, side, type, qty_raw, status, created_ms, updated_ms) "
            "VALUES (1, 1, 'buy', 'market', 100, 'filled', 5, 5)");
  }
  open_database(db_path); // migrates to the newest
  sql::database db(db_path, true);
  rapidjson::Document doc;
  auto orders = served_orders(db, 1, doc);
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(orders[1], "1|buy|market|null|null|null|null|null|null|FILLED|null|");
}

// Rows stored before migration 0008 (status 'accepted'/'filled'/'rejected'/'canceled' beside the
// report's exec_status) keep their meaning with the one status: DENIED for what the session's own
// sizing refused, Binance-like reason names, the report as it was (without a status of its own).
TEST_F(OrderDetails, RowsStoredBeforeTheOneStatusMigrationKeepTheirMeaning) {
  auto db_path = in_dir("old.db");
  {
    sql::database db(db_path);
    std::vector<migration> up_to_7;
    for (const auto& m : embedded_migrations())
      if (m.file_name < "0008")
        up_to_7.push_back(m);
    ASSERT_EQ(apply_migrations(db, up_to_7), 7);
    db.exec("INSERT INTO sessions (name, strategy_name, strategy_file, strategy_yaml, symbol, status, "
            "initial_cash_raw, taker_fee_bps_raw, slippage_bps_raw, cash_raw, equity_raw, created_at_ms, "
            "updated_at_ms) VALUES ('old', 's', 'f', '', 'BTCUSDT', 'finished', 1, 0, 0, 1, 1, 0, 0)");
    // order id, side, status, reject_reason, exec_status, arrival_px_raw; rows with an exec_status
    // have a report (filled_qty_raw and the rest), as the persister wrote them.
    const char* rows[][6] = {
      {"1", "buy", "filled", nullptr, "FILLED", "100"},
      {"2", "buy", "rejected", "zero_quantity", "REJECTED", "100"},
      {"3", "buy", "rejected", "no_price", "REJECTED", nullptr},    // nothing to price it from when sent
      {"4", "buy", "rejected", "no_price", "REJECTED", "100"},      // no book when it arrived: the venue's
      {"5", "buy", "rejected", "insufficient_cash", "REJECTED", "100"},
      {"6", "sell", "rejected", "insufficient_position", "REJECTED", "100"},
      {"7", "buy", "rejected", "exchange_rule", "REJECTED", "100"},
      {"8", "buy", "rejected", "would_match", "REJECTED", "100"},
      {"9", "buy", "canceled", nullptr, "EXPIRED", "100"},
      {"10", "buy", "canceled", nullptr, "CANCELED", "100"},
      {"11", "buy", "accepted", nullptr, "PARTIALLY_FILLED", "100"},
      {"12", "buy", "accepted", nullptr, "PENDING_NEW", "100"},
      {"13", "buy", "accepted", nullptr, nullptr, nullptr},         // before reports were kept
      {"14", "buy", "rejected", "no_price", nullptr, nullptr},      // no report: cannot tell, the venue's
    };
    sql::statement ins(db, "INSERT INTO orders (session_id, order_id, side, type, qty_raw, status, reject_reason, "
                           "created_ms, updated_ms, exec_status, arrival_px_raw, filled_qty_raw, maker_qty_raw, "
                           "taker_qty_raw, report_fees_raw, queue_at_placement_raw) "
                           "VALUES (1, ?1, ?2, 'market', 100, ?3, ?4, 5, 6, ?5, ?6, ?7, 0, 0, 0, 0)");
    for (auto& r : rows) {
      ins.bind(1, static_cast<int64_t>(std::stoll(r[0]))).bind(2, std::string_view(r[1])).bind(3, std::string_view(r[2]));
      if (r[3])
        ins.bind(4, std::string_view(r[3]));
      else
        ins.bind_null(4);
      if (r[4])
        ins.bind(5, std::string_view(r[4])).bind(7, int64_t{0});
      else
        ins.bind_null(5).bind_null(7);
      if (r[5])
        ins.bind(6, static_cast<int64_t>(std::stoll(r[5])));
      else
        ins.bind_null(6);
      ins.run();
    }
  }
  open_database(db_path); // migrates to the newest
  sql::database db(db_path, true);
  api_request req;
  req.query["limit"] = "1000";
  auto r = query_orders(db, 1, req);
  ASSERT_EQ(r.status, 200) << r.body;
  rapidjson::Document doc;
  doc.Parse(r.body.c_str());
  ASSERT_FALSE(doc.HasParseError());
  std::map<int64_t, std::string> got;
  for (const auto& o : doc["items"].GetArray()) {
    got[o["order_id"].GetInt64()] = text(o, "status") + " " + text(o, "reject_reason") +
                                    (o.HasMember("report") ? " report" : "");
    if (o.HasMember("report")) {
      EXPECT_FALSE(o["report"].HasMember("status")) << "one status: the order's own";
    }
  }
  std::map<int64_t, std::string> want{
    {1, "FILLED null report"},
    {2, "DENIED ZERO_QUANTITY report"},
    {3, "DENIED NO_PRICE report"},
    {4, "REJECTED NO_PRICE report"},
    {5, "REJECTED INSUFFICIENT_BALANCE report"},
    {6, "REJECTED INSUFFICIENT_BALANCE report"},
    {7, "REJECTED INVALID_ORDER report"},
    {8, "REJECTED WOULD_MATCH report"},
    {9, "EXPIRED null report"},
    {10, "CANCELED null report"},
    {11, "PARTIALLY_FILLED null report"},
    {12, "PENDING_NEW null report"},
    {13, "NEW null"},
    {14, "REJECTED NO_PRICE"},
  };
  EXPECT_EQ(got, want);

  // The status filter takes the new names, and refuses the old ones.
  req.query["status"] = "DENIED";
  auto denied = query_orders(db, 1, req);
  ASSERT_EQ(denied.status, 200) << denied.body;
  doc.Parse(denied.body.c_str());
  ASSERT_FALSE(doc.HasParseError());
  ASSERT_EQ(doc["items"].Size(), 2u);
  EXPECT_EQ(doc["items"][0]["order_id"].GetInt64(), 2);
  EXPECT_EQ(doc["items"][1]["order_id"].GetInt64(), 3);
  req.query["status"] = "rejected";
  EXPECT_EQ(query_orders(db, 1, req).status, 400);
  // The merged column is gone.
  EXPECT_THROW(sql::statement(db, "SELECT exec_status FROM orders"), sql::error);
}

} // namespace
} // namespace pt::test
