// The supervisor's session lifecycle on real data: pause/resume, stop with and without flatten,
// invalid transitions, create, status, the status written to the database, and isolation of a
// session whose actors die.

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <caf/all.hpp>
#include <gtest/gtest.h>

#include "actors/market_data_broadcaster.hpp"
#include "feeds/market_file.hpp"
#include "actors/messages.hpp"
#include "store/migrations.hpp"
#include "actors/persister.hpp"
#include "actors/session_supervisor.hpp"
#include "app/strategy_loader.hpp"
#include "tests/support/builders.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/plain_session.hpp"
#include "tests/support/process.hpp"
#include "tests/support/recorded_events.hpp"

namespace pt::test {
namespace {

constexpr auto timeout = std::chrono::seconds(60);

const char* trades_file = "trades/BTCUSDT-trades-2024-08-08T235415Z_2024-08-09T000505Z.csv";
const char* stream_file = "streams/binance-spot-BTCUSDT-2024-08-08T2354Z_2024-08-09T0005Z.txt.gz";
const char* klines_file = "klines/spot-1h/BTCUSDT-1h-2022-01-01_2026-04-30.csv.gz";

// Buys at every 10 s bar close when flat and never exits on a signal: it is long almost all the
// time, so a protective stop (when given) does the selling.
session_config always_long(const std::string& name, const std::string& risk_yaml = "") {
  std::string yaml = "name: always-long\nsymbol: BTCUSDT\ntimeframe: 10s\n"
                     "indicators:\n  ema: {type: ema, period: 3}\n"
                     "entry: close > 0\nexit: close < 0\n"
                     "sizing:\n  percent_of_equity: 90\n" +
                     risk_yaml;
  auto loaded = load_strategy_text(yaml, name);
  session_config cfg;
  cfg.name = name;
  cfg.strategy = loaded.spec;
  cfg.strategy_text = loaded.text;
  cfg.symbol = "BTCUSDT";
  cfg.execution.slippage_bps = bps::from_units(2);
  return cfg;
}

session_config from_file(const std::string& strategy_file, const std::string& name) {
  auto loaded = load_strategy_file(source_file("config/strategies/" + strategy_file));
  session_config cfg;
  cfg.name = name;
  cfg.strategy = loaded.spec;
  cfg.symbol = "BTCUSDT";
  cfg.execution.slippage_bps = bps::from_units(3);
  return cfg;
}

// A broadcaster and a supervisor, driven from a blocking scoped actor with bounded timeouts.
class rig {
public:
  explicit rig(std::vector<session_config> configs, std::shared_ptr<sql::database> db = nullptr)
    : system_(make_config(cfg_)), self_(system_) {
    broadcaster_ = system_.spawn(market_data_broadcaster);
    if (db)
      persister_ = system_.spawn(persister, db);
    supervisor_ = system_.spawn(session_supervisor, std::move(configs), broadcaster_, persister_);
    bool started = false;
    self_->request(supervisor_, timeout, start_atom::value)
      .receive([&](ok_atom) { started = true; }, [&](caf::error& e) { ADD_FAILURE() << render(e); });
    EXPECT_TRUE(started);
  }

  ~rig() {
    for (auto& a : {caf::actor_cast<caf::actor>(supervisor_), caf::actor_cast<caf::actor>(broadcaster_),
                    caf::actor_cast<caf::actor>(persister_)})
      if (a)
        self_->send_exit(a, caf::exit_reason::user_shutdown);
  }

  std::string render(const caf::error& e) { return system_.render(e); }

  // Feeds events [from, to) in batches of `batch`; each is in the subscribers' mailboxes on return.
  void feed(const std::vector<market_event>& events, size_t from, size_t to, size_t batch = 200) {
    for (size_t pos = from; pos < to;) {
      size_t n = std::min(batch, to - pos);
      market_batch b;
      b.symbol = "BTCUSDT";
      b.seq = ++seq_;
      b.events = std::make_shared<const std::vector<market_event>>(events.begin() + static_cast<long>(pos),
                                                                   events.begin() + static_cast<long>(pos + n));
      pos += n;
      self_->request(broadcaster_, timeout, std::move(b))
        .receive([](ok_atom) {}, [&](caf::error& e) { ADD_FAILURE() << render(e); });
    }
  }

  std::vector<session_report> end_and_await() {
    self_->request(broadcaster_, timeout, end_data_atom::value)
      .receive([](ok_atom) {}, [&](caf::error& e) { ADD_FAILURE() << render(e); });
    std::vector<session_report> reports;
    self_->request(supervisor_, timeout, await_atom::value)
      .receive([&](std::vector<session_report>& r) { reports = std::move(r); },
               [&](caf::error& e) { ADD_FAILURE() << "await: " << render(e); });
    return reports;
  }

  // The answer to a command: a summary, or the error in `err`.
  template <class... Ts>
  std::optional<session_summary> ask(caf::error& err, Ts... xs) {
    std::optional<session_summary> out;
    err = caf::error{};
    self_->request(supervisor_, timeout, xs...)
      .receive([&](session_summary& s) { out = std::move(s); }, [&](caf::error& e) { err = std::move(e); });
    return out;
  }

  // The answer to a command that must succeed.
  template <class... Ts>
  session_summary must(Ts... xs) {
    caf::error err;
    auto s = ask(err, xs...);
    EXPECT_TRUE(s.has_value()) << render(err);
    return s.value_or(session_summary{});
  }

  std::vector<session_summary> list() {
    std::vector<session_summary> out;
    self_->request(supervisor_, timeout, status_atom::value)
      .receive([&](std::vector<session_summary>& s) { out = std::move(s); },
               [&](caf::error& e) { ADD_FAILURE() << render(e); });
    return out;
  }

  indicator_engine_actor engine_of(int64_t id) {
    indicator_engine_actor out;
    self_->request(supervisor_, timeout, caf::get_atom::value, id)
      .receive([&](indicator_engine_actor& a) { out = std::move(a); },
               [&](caf::error& e) { ADD_FAILURE() << render(e); });
    return out;
  }

  /// Waits, as a watcher of the supervisor (it pushes every summary it stores), until session
  /// `id` has `status`; false when `timeout` passes first.
  bool await_status(int64_t id, session_status status) {
    caf::scoped_actor watcher{system_};
    bool reached = false;
    watcher->request(supervisor_, timeout, watch_atom::value, caf::actor_cast<caf::actor>(watcher))
      .receive(
        [&](std::vector<session_summary>& now) {
          for (auto& s : now)
            reached = reached || (s.session_id == id && s.status == status);
        },
        [&](caf::error& e) { ADD_FAILURE() << render(e); });
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!reached && std::chrono::steady_clock::now() < deadline) {
      bool got = false;
      watcher->receive(
        [&](session_summary& s) {
          got = true;
          reached = s.session_id == id && s.status == status;
        },
        caf::after(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now())) >>
          [] {});
      if (!got)
        break;
    }
    return reached;
  }

  void flush() {
    self_->request(persister_, timeout, flush_atom::value)
      .receive([](ok_atom) {}, [&](caf::error& e) { ADD_FAILURE() << render(e); });
  }

private:
  static caf::actor_system_config& make_config(caf::actor_system_config& cfg) {
    register_message_types(cfg);
    return cfg;
  }

  caf::actor_system_config cfg_;
  caf::actor_system system_;
  caf::scoped_actor self_;
  broadcaster_actor broadcaster_;
  persister_actor persister_;
  supervisor_actor supervisor_;
  int64_t seq_ = 0;
};

// The index of the first event after `ts_ms`.
size_t first_after(const std::vector<market_event>& events, int64_t ts_ms) {
  return static_cast<size_t>(std::upper_bound(events.begin(), events.end(), ts_ms,
                                              [](int64_t t, const market_event& ev) { return t < ev.ts_event_ms; }) -
                             events.begin());
}

void expect_same_fills(const std::vector<fill>& actual, const std::vector<fill>& expected, const std::string& name) {
  ASSERT_EQ(actual.size(), expected.size()) << name;
  for (size_t i = 0; i < actual.size(); ++i) {
    EXPECT_EQ(actual[i].ts_event_ms, expected[i].ts_event_ms) << name << " fill " << i;
    EXPECT_EQ(actual[i].fill_side, expected[i].fill_side) << name << " fill " << i;
    EXPECT_EQ(actual[i].px, expected[i].px) << name << " fill " << i;
    EXPECT_EQ(actual[i].qty, expected[i].qty) << name << " fill " << i;
  }
}

bool is_session_error(const caf::error& e, session_errc code) {
  return e.category() == session_errc_category && e.code() == static_cast<uint8_t>(code);
}

TEST(SessionLifecycle, PausedSessionMakesNoEntriesButItsStopLossStillSells) {
  auto events = recorded_events(shared_data(trades_file));
  ASSERT_GT(events.size(), 10'000u);
  auto cfg = always_long("paused", "risk:\n  stop_loss: {percent: 0.1}\n");
  // Unpaused, the session buys, is stopped out, and buys again at the next bar.
  auto plain = run_plain_session(cfg, events);
  ASSERT_GE(plain.size(), 3u);
  ASSERT_EQ(plain[0].fill_side, side::buy);
  ASSERT_EQ(plain[1].fill_side, side::sell);
  ASSERT_EQ(plain[2].fill_side, side::buy);
  // Paused right after the first buy, resumed a minute after the plain run's second buy.
  size_t pause_at = first_after(events, plain[0].ts_event_ms);
  size_t resume_at = first_after(events, plain[2].ts_event_ms + 60'000);
  ASSERT_LT(resume_at, events.size());
  int64_t pause_ms = events[pause_at].ts_event_ms;
  int64_t resume_ms = events[resume_at].ts_event_ms;

  rig r({cfg});
  r.feed(events, 0, pause_at);
  auto paused = r.must(pause_atom::value, int64_t{1});
  EXPECT_EQ(paused.status, session_status::paused);
  EXPECT_EQ(r.must(status_atom::value, int64_t{1}).status, session_status::paused);
  r.feed(events, pause_at, resume_at);
  EXPECT_EQ(r.must(resume_atom::value, int64_t{1}).status, session_status::running);
  r.feed(events, resume_at, events.size());
  auto reports = r.end_and_await();
  ASSERT_EQ(reports.size(), 1u);
  auto& rep = reports[0];
  EXPECT_EQ(rep.status, session_status::finished);
  ASSERT_GE(rep.fills.size(), 3u);
  // Before the pause: as unpaused. While paused: the stop loss sold, exactly as unpaused, and
  // nothing was bought.
  expect_same_fills({rep.fills[0], rep.fills[1]}, {plain[0], plain[1]}, "up to the stop loss");
  EXPECT_GE(rep.fills[1].ts_event_ms, pause_ms);
  for (auto& f : rep.fills) {
    if (f.ts_event_ms >= pause_ms && f.ts_event_ms < resume_ms) {
      EXPECT_EQ(f.fill_side, side::sell) << "a fill at " << f.ts_event_ms << " while paused";
    }
  }
  auto stop = std::find_if(rep.decisions.begin(), rep.decisions.end(),
                           [&](const decision& d) { return d.order_id == rep.fills[1].order_id; });
  ASSERT_NE(stop, rep.decisions.end());
  EXPECT_EQ(stop->rule, "stop_loss");
  auto blocked = std::count_if(rep.decisions.begin(), rep.decisions.end(),
                               [](const decision& d) { return d.action == "blocked: session paused"; });
  EXPECT_EQ(blocked, 1); // logged once, not on every bar
  // Resumed: it buys again, at its first bar close.
  EXPECT_EQ(rep.fills[2].fill_side, side::buy);
  EXPECT_GE(rep.fills[2].ts_event_ms, resume_ms);
  EXPECT_LT(rep.fills[2].ts_event_ms, resume_ms + 10'000 + 1'000);
}

// The price a market sell fills at after `events[0, n)`: the best bid (else the last trade),
// less `slippage`.
price expected_flatten_px(const std::vector<market_event>& events, size_t n, bps slippage) {
  market_view m;
  for (size_t i = 0; i < n; ++i)
    m.apply(events[i]);
  auto ref = market_fill_reference(side::sell, m);
  return adjust_price_bps(ref.value_or(price{}), -slippage).value_or(price{});
}

TEST(SessionLifecycle, StopWithFlattenSellsAtTheBidAndTakesNoMoreData) {
  auto events = recorded_events(shared_data(stream_file));
  ASSERT_GT(events.size(), 10'000u);
  auto cfg = always_long("flatten");
  size_t stop_at = events.size() / 2;
  rig r({cfg, cfg});
  r.feed(events, 0, stop_at);
  auto s = r.must(stop_atom::value, int64_t{1}, true);
  EXPECT_EQ(s.status, session_status::stopped);
  EXPECT_EQ(s.account.position_qty, quantity{});
  EXPECT_EQ(s.events, static_cast<int64_t>(stop_at));
  r.feed(events, stop_at, events.size()); // session 1 no longer listens
  auto reports = r.end_and_await();
  ASSERT_EQ(reports.size(), 2u);
  auto& rep = reports[0];
  EXPECT_EQ(rep.status, session_status::stopped);
  EXPECT_EQ(rep.events, static_cast<int64_t>(stop_at));
  EXPECT_EQ(rep.final.position_qty, quantity{});
  ASSERT_GE(rep.fills.size(), 2u);
  auto& last = rep.fills.back();
  EXPECT_EQ(rep.decisions.back().rule, "flatten");
  EXPECT_EQ(rep.decisions.back().order_id, last.order_id);
  // The flatten sell walks the book down from the bid (one fill per level, docs/execution.md):
  // together its fills sell the whole position, none better than the bid less the configured
  // slippage, each level no better than the one before.
  quantity held, sold;
  // Every fill is in the report (fewer than its bounded history keeps), so they add up.
  ASSERT_EQ(static_cast<int64_t>(rep.fills.size()), rep.fill_count);
  price best = expected_flatten_px(events, stop_at, cfg.execution.slippage_bps), prev = best;
  for (auto& f : rep.fills) {
    if (f.order_id != last.order_id) {
      held = f.fill_side == side::buy ? held + f.qty : held - f.qty;
      continue;
    }
    EXPECT_EQ(f.fill_side, side::sell);
    EXPECT_TRUE(f.px.is_positive());
    EXPECT_LE(f.px, prev) << "fill " << f.fill_id;
    prev = f.px;
    sold = sold + f.qty;
  }
  EXPECT_TRUE(held.is_positive());
  EXPECT_EQ(sold, held);
  EXPECT_EQ(s.fills, rep.fill_count);
  // The other session went on to the end.
  EXPECT_EQ(reports[1].status, session_status::finished);
  EXPECT_EQ(reports[1].events, static_cast<int64_t>(events.size()));
}

TEST(SessionLifecycle, StopWithoutFlattenKeepsThePosition) {
  auto events = recorded_events(shared_data(stream_file));
  auto cfg = always_long("keep");
  size_t stop_at = events.size() / 2;
  rig r({cfg});
  r.feed(events, 0, stop_at);
  auto s = r.must(stop_atom::value, int64_t{1}, false);
  EXPECT_EQ(s.status, session_status::stopped);
  EXPECT_TRUE(s.account.position_qty.is_positive());
  auto reports = r.end_and_await();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].status, session_status::stopped);
  EXPECT_TRUE(reports[0].final.position_qty.is_positive());
  ASSERT_FALSE(reports[0].fills.empty());
  EXPECT_EQ(reports[0].fills.back().fill_side, side::buy);
  EXPECT_NE(reports[0].decisions.back().rule, "flatten");
}

TEST(SessionLifecycle, InvalidTransitionsAndUnknownSessionsAreErrors) {
  rig r({always_long("one")});
  caf::error err;
  EXPECT_FALSE(r.ask(err, resume_atom::value, int64_t{1}));
  EXPECT_TRUE(is_session_error(err, session_errc::invalid_transition)) << r.render(err);
  EXPECT_NE(r.render(err).find("invalid_transition"), std::string::npos) << r.render(err);
  EXPECT_EQ(r.must(pause_atom::value, int64_t{1}).status, session_status::paused);
  EXPECT_FALSE(r.ask(err, pause_atom::value, int64_t{1}));
  EXPECT_TRUE(is_session_error(err, session_errc::invalid_transition)) << r.render(err);
  EXPECT_EQ(r.must(stop_atom::value, int64_t{1}, false).status, session_status::stopped); // a paused one can stop
  for (auto cmd : {0, 1, 2}) {
    std::optional<session_summary> s;
    if (cmd == 0)
      s = r.ask(err, pause_atom::value, int64_t{1});
    else if (cmd == 1)
      s = r.ask(err, resume_atom::value, int64_t{1});
    else
      s = r.ask(err, stop_atom::value, int64_t{1}, true);
    EXPECT_FALSE(s) << "command " << cmd << " on a stopped session";
    EXPECT_TRUE(is_session_error(err, session_errc::invalid_transition)) << r.render(err);
  }
  EXPECT_FALSE(r.ask(err, pause_atom::value, int64_t{99}));
  EXPECT_TRUE(is_session_error(err, session_errc::unknown_session)) << r.render(err);
  EXPECT_FALSE(r.ask(err, status_atom::value, int64_t{99}));
  EXPECT_TRUE(is_session_error(err, session_errc::unknown_session)) << r.render(err);
  EXPECT_FALSE(r.ask(err, stop_atom::value, int64_t{99}, false));
  EXPECT_TRUE(is_session_error(err, session_errc::unknown_session)) << r.render(err);
  auto broken = always_long("broken");
  broken.strategy.entry_rule = "close >";
  EXPECT_FALSE(r.ask(err, create_atom::value, broken));
  EXPECT_TRUE(is_session_error(err, session_errc::invalid_request)) << r.render(err);
  auto nowhere = always_long("nowhere");
  nowhere.symbol.clear();
  EXPECT_FALSE(r.ask(err, create_atom::value, nowhere));
  EXPECT_TRUE(is_session_error(err, session_errc::invalid_request)) << r.render(err);
  EXPECT_EQ(r.list().size(), 1u); // nothing was created
}

TEST(SessionLifecycle, CreateAddsARunningSessionThatTradesAndStatusListsAll) {
  auto events = recorded_events(shared_data(klines_file), 3000);
  auto ema = from_file("ema_crossover.yaml", "ema");
  auto rsi = from_file("rsi_mean_reversion.yaml", "rsi");
  rig r({ema});
  auto created = r.must(create_atom::value, rsi);
  EXPECT_EQ(created.session_id, 2);
  EXPECT_EQ(created.status, session_status::running);
  EXPECT_EQ(created.name, "rsi");
  EXPECT_EQ(created.symbol, "BTCUSDT");
  EXPECT_EQ(created.account.equity, rsi.initial_cash);
  auto all = r.list();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].session_id, 1);
  EXPECT_EQ(all[0].name, "ema");
  EXPECT_EQ(all[1].session_id, 2);
  EXPECT_EQ(all[1].status, session_status::running);
  r.feed(events, 0, events.size(), 64);
  auto reports = r.end_and_await();
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[1].status, session_status::finished);
  auto expected = run_plain_session(rsi, events);
  ASSERT_FALSE(expected.empty());
  expect_same_fills(reports[1].fills, expected, "created");
  expect_same_fills(reports[0].fills, run_plain_session(ema, events), "start-up");
  // Status now carries the final figures.
  auto after = r.must(status_atom::value, int64_t{2});
  EXPECT_EQ(after.status, session_status::finished);
  EXPECT_EQ(after.fills, static_cast<int64_t>(expected.size()));
  EXPECT_EQ(after.events, 3000);
  EXPECT_EQ(after.account.equity, reports[1].final.equity);
  EXPECT_EQ(after.last_event_ms, events.back().ts_event_ms);
}

TEST(SessionLifecycle, AKilledSessionFailsAloneAndTheOthersTradeAsWithoutIt) {
  auto events = recorded_events(shared_data(klines_file), 3000);
  auto good = from_file("ema_crossover.yaml", "good");
  auto victim = from_file("rsi_mean_reversion.yaml", "victim");
  auto other = from_file("rsi_mean_reversion.yaml", "other");
  rig r({good, victim, other});
  r.feed(events, 0, 1500, 64);
  auto engine = r.engine_of(2);
  ASSERT_TRUE(engine);
  caf::anon_send_exit(engine, caf::exit_reason::user_shutdown);
  r.feed(events, 1500, events.size(), 64);
  auto reports = r.end_and_await();
  ASSERT_EQ(reports.size(), 3u);
  EXPECT_EQ(reports[1].status, session_status::failed);
  EXPECT_FALSE(reports[1].failure.empty());
  EXPECT_EQ(r.must(status_atom::value, int64_t{2}).status, session_status::failed);
  EXPECT_EQ(reports[0].status, session_status::finished);
  EXPECT_EQ(reports[2].status, session_status::finished);
  expect_same_fills(reports[0].fills, run_plain_session(good, events), "good");
  expect_same_fills(reports[2].fills, run_plain_session(other, events), "other");
}

std::string status_in_db(sql::database& db, int64_t id) {
  sql::statement st(db, "SELECT status FROM sessions WHERE session_id = ?1");
  st.bind(1, id);
  return st.step() ? st.column_text(0) : "(none)";
}

TEST(SessionLifecycle, EveryStatusChangeIsStored) {
  auto dir = make_temp_dir("lifecycle");
  std::shared_ptr<sql::database> db = open_database(dir + "/pt.db");
  auto events = recorded_events(shared_data(stream_file), 4000);
  rig r({always_long("stored")}, db);
  r.feed(events, 0, 2000);
  r.must(pause_atom::value, int64_t{1});
  r.flush();
  EXPECT_EQ(status_in_db(*db, 1), "paused");
  r.must(resume_atom::value, int64_t{1});
  r.flush();
  EXPECT_EQ(status_in_db(*db, 1), "running");
  // Both commands are stored with the feed position at which they took effect (restore re-applies
  // them there): after the 2,000 events fed before them. They travel the session's pipeline, so
  // they are stored a little after the status.
  auto commands = [&] {
    sql::statement st(*db, "SELECT feed_events || ' ' || command FROM session_commands WHERE session_id = 1 "
                           "ORDER BY rowid");
    std::vector<std::string> out;
    while (st.step())
      out.push_back(st.column_text(0));
    return out;
  };
  EXPECT_TRUE(eventually([&] { return commands().size() == 2; }, std::chrono::seconds(10)));
  EXPECT_EQ(commands(), (std::vector<std::string>{"2000 pause", "2000 resume"}));
  auto created = r.must(create_atom::value, always_long("created"));
  EXPECT_EQ(created.session_id, 2); // from the persister, like start-up sessions
  EXPECT_EQ(status_in_db(*db, 2), "running");
  // A session that fails is stored failed, with why.
  auto doomed = r.must(create_atom::value, always_long("doomed"));
  ASSERT_EQ(doomed.session_id, 3);
  auto engine = r.engine_of(3);
  ASSERT_TRUE(engine);
  caf::anon_send_exit(engine, caf::exit_reason::user_shutdown);
  ASSERT_TRUE(r.await_status(3, session_status::failed));
  r.flush();
  EXPECT_EQ(status_in_db(*db, 3), "failed");
  sql::statement why(*db, "SELECT failure FROM sessions WHERE session_id = 3");
  ASSERT_TRUE(why.step());
  EXPECT_FALSE(why.column_is_null(0));
  EXPECT_FALSE(why.column_text(0).empty());
  sql::statement none(*db, "SELECT failure IS NULL FROM sessions WHERE session_id = 1");
  ASSERT_TRUE(none.step());
  EXPECT_EQ(none.column_int(0), 1);
  auto s = r.must(stop_atom::value, int64_t{1}, true);
  r.flush();
  EXPECT_EQ(status_in_db(*db, 1), "stopped");
  // The history stays, flatten fill included, and the stored account is the final one.
  sql::statement fills(*db, "SELECT COUNT(*) FROM fills WHERE session_id = 1");
  ASSERT_TRUE(fills.step());
  EXPECT_EQ(fills.column_int(0), s.fills);
  sql::statement pos(*db, "SELECT position_qty_raw FROM sessions WHERE session_id = 1");
  ASSERT_TRUE(pos.step());
  EXPECT_EQ(pos.column_int(0), 0);
  r.feed(events, 2000, events.size());
  r.end_and_await();
  r.flush();
  EXPECT_EQ(status_in_db(*db, 2), "finished");
}

} // namespace
} // namespace pt::test
