// The restart policy: a session whose strategy throws is started again after a doubling backoff,
// from the feed where it is, with its committed account and fresh order and fill ids, up to its
// limit; the other sessions trade as if nothing happened.

#include <algorithm>
#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <caf/all.hpp>
#include <gtest/gtest.h>

#include "actors/market_data_broadcaster.hpp"
#include "actors/messages.hpp"
#include "store/migrations.hpp"
#include "actors/persister.hpp"
#include "actors/session_supervisor.hpp"
#include "app/strategy_loader.hpp"
#include "tests/support/plain_session.hpp"
#include "tests/support/process.hpp"
#include "tests/support/recorded_events.hpp"

namespace pt::test {
namespace {

constexpr auto timeout = std::chrono::seconds(60);
const char* klines_file = "klines/spot-1h/BTCUSDT-1h-2022-01-01_2026-04-30.csv.gz";

session_config ema(const std::string& name) {
  auto loaded = load_strategy_file(source_file("config/strategies/ema_crossover.yaml"));
  session_config cfg;
  cfg.name = name;
  cfg.strategy = loaded.spec;
  cfg.strategy_text = loaded.text;
  cfg.symbol = "BTCUSDT";
  cfg.execution.slippage_bps = bps::from_units(3);
  return cfg;
}

// A broadcaster, a persister on a fresh database and a supervisor, driven with bounded waits.
class rig {
public:
  explicit rig(std::vector<session_config> configs) : system_(make_config(cfg_)), self_(system_) {
    db_ = open_database(make_temp_dir("restart") + "/pt.db");
    broadcaster_ = system_.spawn(market_data_broadcaster);
    persister_ = system_.spawn(persister, db_);
    supervisor_ = system_.spawn(session_supervisor, std::move(configs), broadcaster_, persister_);
    bool started = false;
    self_->request(supervisor_, timeout, start_atom::value)
      .receive([&](ok_atom) { started = true; }, [&](caf::error& e) { ADD_FAILURE() << system_.render(e); });
    EXPECT_TRUE(started);
  }

  ~rig() {
    for (auto& a : {caf::actor_cast<caf::actor>(supervisor_), caf::actor_cast<caf::actor>(broadcaster_),
                    caf::actor_cast<caf::actor>(persister_)})
      self_->send_exit(a, caf::exit_reason::user_shutdown);
  }

  void feed(const std::vector<market_event>& events, size_t from, size_t to, size_t batch = 64) {
    for (size_t pos = from; pos < to;) {
      size_t n = std::min(batch, to - pos);
      market_batch b;
      b.symbol = "BTCUSDT";
      b.seq = ++seq_;
      b.events = std::make_shared<const std::vector<market_event>>(events.begin() + static_cast<long>(pos),
                                                                   events.begin() + static_cast<long>(pos + n));
      pos += n;
      self_->request(broadcaster_, timeout, std::move(b))
        .receive([](ok_atom) {}, [&](caf::error& e) { ADD_FAILURE() << system_.render(e); });
    }
  }

  std::vector<session_report> end_and_await() {
    self_->request(broadcaster_, timeout, end_data_atom::value)
      .receive([](ok_atom) {}, [&](caf::error& e) { ADD_FAILURE() << system_.render(e); });
    std::vector<session_report> reports;
    self_->request(supervisor_, timeout, await_atom::value)
      .receive([&](std::vector<session_report>& r) { reports = std::move(r); },
               [&](caf::error& e) { ADD_FAILURE() << "await: " << system_.render(e); });
    return reports;
  }

  /// The first summary of session `id` that satisfies `pred`, as a watcher of the supervisor
  /// sees them (every summary it stores is pushed); nullopt when `timeout` passes first.
  std::optional<session_summary> await_summary(int64_t id, const std::function<bool(const session_summary&)>& pred) {
    caf::scoped_actor watcher{system_};
    std::optional<session_summary> found;
    watcher->request(supervisor_, timeout, watch_atom::value, caf::actor_cast<caf::actor>(watcher))
      .receive(
        [&](std::vector<session_summary>& now) {
          for (auto& s : now)
            if (!found && s.session_id == id && pred(s))
              found = s;
        },
        [&](caf::error& e) { ADD_FAILURE() << system_.render(e); });
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!found && std::chrono::steady_clock::now() < deadline) {
      bool got = false;
      watcher->receive(
        [&](session_summary& s) {
          got = true;
          if (s.session_id == id && pred(s))
            found = s;
        },
        caf::after(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now())) >>
          [] {});
      if (!got)
        break;
    }
    return found;
  }

  sql::database& db() { return *db_; }

  void flush() {
    self_->request(persister_, timeout, flush_atom::value)
      .receive([](ok_atom) {}, [&](caf::error& e) { ADD_FAILURE() << system_.render(e); });
  }

private:
  static caf::actor_system_config& make_config(caf::actor_system_config& cfg) {
    register_message_types(cfg);
    return cfg;
  }

  caf::actor_system_config cfg_;
  caf::actor_system system_;
  caf::scoped_actor self_;
  std::shared_ptr<sql::database> db_;
  broadcaster_actor broadcaster_;
  persister_actor persister_;
  supervisor_actor supervisor_;
  int64_t seq_ = 0;
};

void expect_same_fills(const std::vector<fill>& actual, const std::vector<fill>& expected, const std::string& name) {
  ASSERT_EQ(actual.size(), expected.size()) << name;
  for (size_t i = 0; i < actual.size(); ++i) {
    EXPECT_EQ(actual[i].ts_event_ms, expected[i].ts_event_ms) << name << " fill " << i;
    EXPECT_EQ(actual[i].px, expected[i].px) << name << " fill " << i;
    EXPECT_EQ(actual[i].qty, expected[i].qty) << name << " fill " << i;
  }
}

int64_t query_int(sql::database& db, const std::string& sql) {
  sql::statement st(db, sql);
  return st.step() ? st.column_int(0) : -1;
}

TEST(RestartPolicy, BackoffDoublesUpToTheCapAndBadValuesAreNamed) {
  restart_policy p{5, 100, 350};
  EXPECT_TRUE(p.invalid().empty());
  EXPECT_EQ(p.backoff_before(1), 100);
  EXPECT_EQ(p.backoff_before(2), 200);
  EXPECT_EQ(p.backoff_before(3), 350);
  EXPECT_EQ(p.backoff_before(40), 350);
  EXPECT_NE(restart_policy({-1, 100, 200}).invalid().find("max_restarts"), std::string::npos);
  EXPECT_NE(restart_policy({1, 0, 200}).invalid().find("backoff_ms"), std::string::npos);
  EXPECT_NE(restart_policy({1, 300, 200}).invalid().find("max_backoff_ms"), std::string::npos);
}

TEST(SupervisorRestart, AThrowingSessionRestartsWithBackoffFreshIdsAndItsCommittedAccount) {
  auto events = recorded_events(shared_data(klines_file), 3000);
  ASSERT_EQ(events.size(), 3000u);
  auto good = ema("good");
  auto victim = ema("victim");
  victim.restart = {5, 20, 30};
  victim.fail_after_events = {1000, 600}; // its first start throws on event 1000, its first restart on its 600th
  rig r({good, victim});
  auto restarting = [](int64_t n) {
    return [n](const session_summary& s) { return s.status == session_status::restarting && s.restarts == n; };
  };
  auto running = [](int64_t n) {
    return [n](const session_summary& s) { return s.status == session_status::running && s.restarts == n; };
  };
  r.feed(events, 0, 1024);
  auto failed1 = r.await_summary(2, restarting(0));
  ASSERT_TRUE(failed1);
  EXPECT_NE(failed1->last_failure.find("injected failure"), std::string::npos) << failed1->last_failure;
  EXPECT_LE(failed1->next_restart_ms, 20);
  auto back1 = r.await_summary(2, running(1));
  ASSERT_TRUE(back1);
  // It goes on from what it had committed: at least what it had reported (a commit may have
  // landed after its last report), never less; the fill-by-fill check of the account is below.
  EXPECT_GE(back1->events, failed1->events);
  EXPECT_LT(back1->events, 1000);
  EXPECT_GE(back1->fills, failed1->fills);
  EXPECT_EQ(back1->last_failure, failed1->last_failure);
  EXPECT_TRUE(back1->failure.empty());
  r.feed(events, 1024, 2048);
  auto failed2 = r.await_summary(2, restarting(1));
  ASSERT_TRUE(failed2);
  auto back2 = r.await_summary(2, running(2));
  ASSERT_TRUE(back2);
  EXPECT_GE(back2->fills, failed2->fills);
  r.feed(events, 2048, events.size());
  auto reports = r.end_and_await();
  ASSERT_EQ(reports.size(), 2u);
  // The healthy session is unchanged.
  EXPECT_EQ(reports[0].status, session_status::finished);
  expect_same_fills(reports[0].fills, run_plain_session(good, events), "good");
  auto& rep = reports[1];
  EXPECT_EQ(rep.status, session_status::finished);
  ASSERT_FALSE(rep.fills.empty());
  // Every fill id once, increasing across the restarts; fills after a restart exist and their
  // orders are numbered after every order before it.
  std::set<int64_t> ids;
  int64_t last_id = 0;
  size_t after_restart = 0;
  for (auto& f : rep.fills) {
    EXPECT_TRUE(ids.insert(f.fill_id).second) << "fill id " << f.fill_id << " twice";
    EXPECT_GT(f.fill_id, last_id);
    last_id = f.fill_id;
    if (f.ts_event_ms > failed2->last_event_ms)
      ++after_restart;
  }
  EXPECT_GT(after_restart, 0u) << "no fill after the second restart";
  // The account carried across both restarts is exactly the fills applied in order from the
  // initial cash: nothing lost, nothing counted twice.
  ledger replayed(victim.initial_cash);
  for (auto& f : rep.fills)
    ASSERT_EQ(replayed.apply(f), reject_reason::none) << "fill " << f.fill_id;
  EXPECT_EQ(rep.final.cash, replayed.cash());
  EXPECT_EQ(rep.final.position_qty, replayed.position_qty());
  EXPECT_EQ(rep.final.cost_basis, replayed.cost_basis());
  EXPECT_EQ(rep.final.realized_pnl, replayed.realized_pnl());
  EXPECT_EQ(rep.final.fees, replayed.fees());
  r.flush();
  auto& db = r.db();
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM fills WHERE session_id = 2"), rep.fill_count);
  EXPECT_EQ(query_int(db, "SELECT COUNT(DISTINCT order_id) FROM orders WHERE session_id = 2"),
            query_int(db, "SELECT COUNT(*) FROM orders WHERE session_id = 2"));
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM fills f WHERE session_id = 2 AND NOT EXISTS (SELECT 1 FROM orders o "
                          "WHERE o.session_id = 2 AND o.order_id = f.order_id)"),
            0);
  EXPECT_EQ(query_int(db, "SELECT restarts FROM sessions WHERE session_id = 2"), 2);
  EXPECT_EQ(query_int(db, "SELECT restarts FROM sessions WHERE session_id = 1"), 0);
  // The stored account is the report's.
  EXPECT_EQ(query_int(db, "SELECT cash_raw FROM sessions WHERE session_id = 2"), rep.final.cash.raw());
}

TEST(SupervisorRestart, PastItsLimitASessionStaysFailedWithTheReason) {
  auto events = recorded_events(shared_data(klines_file), 2000);
  auto good = ema("good");
  auto victim = ema("victim");
  victim.restart = {1, 10, 10};
  victim.fail_after_events = {300, 300};
  rig r({good, victim});
  r.feed(events, 0, 320);
  ASSERT_TRUE(r.await_summary(
    2, [](const session_summary& s) { return s.status == session_status::running && s.restarts == 1; }));
  r.feed(events, 320, 1000);
  auto failed = r.await_summary(2, [](const session_summary& s) { return s.status == session_status::failed; });
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->restarts, 1);
  EXPECT_NE(failed->failure.find("injected failure"), std::string::npos) << failed->failure;
  EXPECT_EQ(failed->next_restart_ms, 0);
  r.feed(events, 1000, events.size());
  auto reports = r.end_and_await();
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[1].status, session_status::failed);
  EXPECT_EQ(reports[0].status, session_status::finished);
  expect_same_fills(reports[0].fills, run_plain_session(good, events), "good");
  r.flush();
  sql::statement st(r.db(), "SELECT status, failure FROM sessions WHERE session_id = 2");
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.column_text(0), "failed");
  EXPECT_NE(st.column_text(1).find("injected failure"), std::string::npos);
}

TEST(SupervisorRestart, WithoutAPolicyAThrowingSessionFailsAtOnce) {
  auto events = recorded_events(shared_data(klines_file), 600);
  auto victim = ema("victim");
  victim.fail_after_events = {100};
  rig r({victim});
  r.feed(events, 0, events.size());
  auto reports = r.end_and_await();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].status, session_status::failed);
  EXPECT_NE(reports[0].failure.find("injected failure"), std::string::npos) << reports[0].failure;
}

} // namespace
} // namespace pt::test
