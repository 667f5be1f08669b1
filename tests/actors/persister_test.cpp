// The persister stores what the API serves of fill settings and execution: a new session's fill
// settings, each order's fill report (NULL without one, kept by a later update without one) and
// each fill's reference price (NULL when 0); the history routes read them back.

#include <chrono>
#include <memory>
#include <string>

#include <caf/all.hpp>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "wire/fill_settings_json.hpp"
#include "actors/messages.hpp"
#include "store/migrations.hpp"
#include "actors/persister.hpp"
#include "tests/support/temp_dir_test.hpp"
#include "web/api/routes/queries.hpp"

namespace pt::test {
namespace {

constexpr auto timeout = std::chrono::seconds(30);

class Persister : public temp_dir_test {};

rapidjson::Document json(const api_response& r) {
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  EXPECT_FALSE(d.HasParseError()) << r.body;
  EXPECT_EQ(r.status, 200) << r.body;
  return d;
}

TEST_F(Persister, FillSettingsReportsAndReferencePricesRoundTrip) {
  auto db_path = in_dir("pt.db");
  std::shared_ptr<sql::database> db = open_database(db_path);
  caf::actor_system_config cfg;
  register_message_types(cfg);
  caf::actor_system system{cfg};
  auto p = system.spawn(persister, db);
  caf::scoped_actor self{system};

  execution_params e;
  e.profile = fill_profile::optimistic;
  e.overrides.queue_factor_pct = 130;
  e.overrides.submit_latency = latency_range{3, 8};
  session_row row;
  row.name = "s";
  row.strategy_name = "st";
  row.symbol = "BTCUSDT";
  row.initial_cash_raw = money::from_units(1'000'000).raw(); // the metrics replay the fills through a ledger
  row.taker_fee_bps_raw = bps::from_units(7).raw();
  row.fill_settings = fill_settings_json(e);
  int64_t id = 0;
  self->request(p, timeout, row).receive([&](int64_t i) { id = i; },
                                          [&](caf::error& err) { ADD_FAILURE() << system.render(err); });
  ASSERT_GT(id, 0);

  // A synthetic batch: order 1 with a report and a fill with its reference price, order 2 with
  // neither (as the executor before the virtual exchange reports them).
  persist_batch b;
  b.session_id = id;
  order o1;
  o1.order_id = 1;
  o1.ts_event_ms = 100;
  o1.qty = quantity::from_units(2);
  o1.status = exec_status::filled;
  fill_report r;
  r.order_id = 1;
  r.arrival_px = price::from_units(60'000);
  r.avg_px = price::from_units(60'006);
  r.slippage_bps = 1.0;
  r.filled_qty = quantity::from_units(2);
  r.maker_qty = quantity::from_raw(50'000'000);
  r.taker_qty = quantity::from_raw(150'000'000);
  r.fees = money::from_units(12);
  r.time_to_fill_ms = 85;
  r.queue_at_placement = quantity::from_raw(3);
  o1.report = r;
  order o2;
  o2.order_id = 2;
  o2.ts_event_ms = 200;
  o2.order_side = side::sell;
  o2.qty = quantity::from_units(1);
  b.orders = {o1, o2};
  fill f1;
  f1.fill_id = 1;
  f1.order_id = 1;
  f1.ts_event_ms = 100;
  f1.px = price::from_units(60'006);
  f1.qty = quantity::from_units(2);
  f1.reference_px = price::from_units(60'005);
  fill f2 = f1;
  f2.fill_id = 2;
  f2.order_id = 2;
  f2.fill_side = side::sell;
  f2.reference_px = price::from_raw(0);
  b.fills = {f1, f2};
  b.account.cash = money::from_units(1);
  b.status = session_status::running;
  self->request(p, timeout, await_atom::value, b)
    .receive([](ok_atom) {}, [&](caf::error& err) { ADD_FAILURE() << system.render(err); });
  // A later update of order 1 without a report keeps the stored one.
  persist_batch later;
  later.session_id = id;
  auto o1_again = o1;
  o1_again.report.reset();
  o1_again.ts_event_ms = 300;
  later.orders = {o1_again};
  later.account.cash = money::from_units(1);
  self->request(p, timeout, await_atom::value, later)
    .receive([](ok_atom) {}, [&](caf::error& err) { ADD_FAILURE() << system.render(err); });
  self->send_exit(p, caf::exit_reason::user_shutdown);

  sql::database reader(db_path, true);
  auto orders = json(query_orders(reader, id, api_request{}));
  const auto& items = orders["items"];
  ASSERT_EQ(items.Size(), 2u);
  ASSERT_TRUE(items[0].HasMember("report"));
  const auto& rep = items[0]["report"];
  EXPECT_EQ(std::string(rep["arrival_px"].GetString()), "60000.00000000");
  EXPECT_EQ(std::string(rep["avg_px"].GetString()), "60006.00000000");
  EXPECT_DOUBLE_EQ(rep["slippage_bps"].GetDouble(), 1.0);
  EXPECT_EQ(std::string(rep["maker_qty"].GetString()), "0.50000000");
  EXPECT_EQ(std::string(rep["taker_qty"].GetString()), "1.50000000");
  EXPECT_EQ(std::string(rep["filled_qty"].GetString()), "2.00000000");
  EXPECT_EQ(std::string(rep["fees"].GetString()), "12.00000000");
  EXPECT_EQ(rep["time_to_fill_ms"].GetInt64(), 85);
  EXPECT_EQ(std::string(rep["queue_at_placement"].GetString()), "0.00000003");
  EXPECT_FALSE(rep.HasMember("status")); // the order's one status is its own
  EXPECT_EQ(std::string(items[0]["status"].GetString()), "FILLED");
  EXPECT_EQ(std::string(items[1]["status"].GetString()), "PENDING_NEW");
  EXPECT_EQ(items[0]["updated_ms"].GetInt64(), 300);
  EXPECT_FALSE(items[1].HasMember("report"));

  auto fills = json(query_fills(reader, id, api_request{}));
  ASSERT_EQ(fills["items"].Size(), 2u);
  EXPECT_EQ(std::string(fills["items"][0]["reference_px"].GetString()), "60005.00000000");
  EXPECT_TRUE(fills["items"][1]["reference_px"].IsNull());
  sql::statement nulls(reader, "SELECT COUNT(*) FROM fills WHERE reference_px_raw IS NULL");
  ASSERT_TRUE(nulls.step());
  EXPECT_EQ(nulls.column_int(0), 1);

  // The session row keeps its settings; GET shows them and what they amount to.
  auto s = json(query_session(reader, id));
  EXPECT_EQ(std::string(s["fill_profile"].GetString()), "optimistic");
  EXPECT_EQ(s["fill_overrides"]["queue_factor_pct"].GetInt64(), 130);
  EXPECT_EQ(s["fill"]["queue_factor_pct"].GetInt64(), 130);
  EXPECT_EQ(s["fill"]["submit_latency_ms"][1].GetInt64(), 8);
  EXPECT_EQ(std::string(s["fill"]["taker_fee_bps"].GetString()), "7.00000000");

  // The metrics' slippage cost is |px − reference| · qty = 1 · 2 for fill 1, and 0 for fill 2,
  // whose reference is not stored (and the session's slippage setting is 0).
  api_request req;
  auto m = json(query_session_metrics(reader, id, req));
  ASSERT_TRUE(m["performance"].IsObject()) << query_session_metrics(reader, id, req).body;
  EXPECT_EQ(std::string(m["performance"]["slippage_cost"].GetString()), "2.00000000");
}

// The retention applied while running: after a commit, equity points and decisions older than
// the window (counted back from the session's last event) are gone; the rest and the fills stay.
// A persister applying a retention on a fresh database, with one session created through it.
struct retention_rig {
  static caf::actor_system_config& with_types(caf::actor_system_config& c) {
    register_message_types(c);
    return c;
  }
  retention_rig(const std::string& db_path, history_retention r, int64_t prune_interval_ms)
      : p(system.spawn(persister_with_retention, std::shared_ptr<sql::database>(open_database(db_path)), r,
                       prune_interval_ms)) {
    session_row row;
    row.name = "s";
    row.strategy_name = "st";
    row.symbol = "BTCUSDT";
    row.initial_cash_raw = money::from_units(1'000).raw();
    self->request(p, timeout, row).receive([&](int64_t i) { id = i; },
                                            [&](caf::error& err) { ADD_FAILURE() << system.render(err); });
  }
  ~retention_rig() { self->send_exit(p, caf::exit_reason::user_shutdown); }
  // Commits `b` and waits for what follows the commit in the same handler (the pruning).
  void commit(const persist_batch& b) {
    self->request(p, timeout, await_atom::value, b)
      .receive([](ok_atom) {}, [&](caf::error& err) { ADD_FAILURE() << system.render(err); });
    self->request(p, timeout, flush_atom::value)
      .receive([](ok_atom) {}, [&](caf::error& err) { ADD_FAILURE() << system.render(err); });
  }
  caf::actor_system_config cfg;
  caf::actor_system system{with_types(cfg)};
  persister_actor p;
  caf::scoped_actor self{system};
  int64_t id = 0;
};

TEST_F(Persister, AppliesTheRetentionWhileRunning) {
  auto db_path = in_dir("pt.db");
  // An interval of 0: every commit prunes (an hour by default).
  retention_rig rig(db_path, history_retention{1'000, 2'000}, 0);
  ASSERT_GT(rig.id, 0);
  auto count = [&](const char* table) {
    sql::database reader(db_path, true);
    sql::statement st(reader, std::string("SELECT COUNT(*), COALESCE(MIN(ts_event_ms), -1) FROM ") + table);
    EXPECT_TRUE(st.step());
    return std::make_pair(st.column_int(0), st.column_int(1));
  };
  auto store = [&](int64_t from_ms, int64_t to_ms) { // a point and a decision every 500 ms, the account at to_ms
    persist_batch b;
    b.session_id = rig.id;
    for (int64_t t = from_ms; t <= to_ms; t += 500) {
      equity_point e;
      e.ts_event_ms = t;
      e.equity = money::from_units(1'000);
      b.equity.push_back(e);
      decision d;
      d.ts_event_ms = t;
      d.rule = "entry";
      b.decisions.push_back(d);
    }
    b.account.cash = money::from_units(1'000);
    b.account.ts_event_ms = to_ms;
    rig.commit(b);
  };
  store(0, 3'000); // last event 3000: points before 2000 and decisions before 1000 go
  EXPECT_EQ(count("equity_points"), std::make_pair(int64_t{3}, int64_t{2'000}));
  EXPECT_EQ(count("decisions"), std::make_pair(int64_t{5}, int64_t{1'000}));
  store(3'500, 10'000); // the window moves with the market clock
  EXPECT_EQ(count("equity_points"), std::make_pair(int64_t{3}, int64_t{9'000}));
  EXPECT_EQ(count("decisions"), std::make_pair(int64_t{5}, int64_t{8'000}));
}

// A replay at full speed covers weeks of market time in minutes: with an hour of wall time between
// prunings, the persister still downsamples once the market clock has moved a quarter of the
// shortest window, and not on every commit before that.
TEST_F(Persister, DownsamplesAsTheMarketClockMovesNotOnlyHourly) {
  auto db_path = in_dir("pt.db");
  history_retention r;
  r.equity_full_ms = 8'000; // a quarter: 2 s of market time
  r.equity_bucket_ms = 1'000;
  retention_rig rig(db_path, r, default_prune_interval_ms);
  ASSERT_GT(rig.id, 0);
  auto count = [&](const char* sql) {
    sql::database reader(db_path, true);
    sql::statement st(reader, sql);
    EXPECT_TRUE(st.step());
    return st.column_int(0);
  };
  auto store = [&](int64_t from_ms, int64_t to_ms) { // a point every 100 ms, the account at to_ms
    persist_batch b;
    b.session_id = rig.id;
    for (int64_t t = from_ms; t <= to_ms; t += 100) {
      equity_point e;
      e.ts_event_ms = t;
      e.equity = money::from_units(1'000 - t / 1'000);
      b.equity.push_back(e);
    }
    b.account.cash = money::from_units(1'000);
    b.account.ts_event_ms = to_ms;
    rig.commit(b);
  };
  store(0, 10'000); // the first commit prunes: points before 2 s go into buckets 0 and 1
  EXPECT_EQ(count("SELECT COUNT(*) FROM equity_buckets"), 2);
  EXPECT_EQ(count("SELECT MIN(ts_event_ms) FROM equity_points"), 2'000);
  store(10'100, 11'900); // 1.9 s later: not due yet
  EXPECT_EQ(count("SELECT COUNT(*) FROM equity_buckets"), 2);
  store(12'000, 12'000); // 2 s after the last pruning: due, points before 4 s go
  EXPECT_EQ(count("SELECT COUNT(*) FROM equity_buckets"), 4);
  EXPECT_EQ(count("SELECT MIN(ts_event_ms) FROM equity_points"), 4'000);
  EXPECT_EQ(count("SELECT SUM(points) FROM equity_buckets"), 40);
}

} // namespace
} // namespace pt::test
