// Fills committed per second through the persister (actors/persister.cpp) into a temporary
// SQLite database (WAL, synchronous=NORMAL, as `papertrader run` opens it).
//
//   papertrader_persist [--sessions 1000] [--rounds 100] [--repeat 1]
//
// Each round, every session sends one `persist_batch` shaped like a market order's round of
// output from the paper executor: the order sent (PENDING_NEW) and filled (two order updates), one fill,
// one equity point, one decision and the account. Two ways of sending are measured:
// - *burst*: a round is sent, then `flush_atom` waits for its commit (one transaction per market
//   event that filled every session — the slowest realistic pattern);
// - *streaming*: every round is sent at once, one flush at the end (the persister's group commit
//   takes whatever has queued).
// Prints one Markdown row per mode (the median of `--repeat` runs, each into a fresh database);
// the fills in the database are counted and checked.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/messages.hpp"
#include "store/migrations.hpp"
#include "actors/persister.hpp"
#include "actors/scheduler_policy.hpp"

namespace {

using namespace pt;
using clock_type = std::chrono::steady_clock;

persist_batch batch_for(int64_t session_id, int64_t round) {
  persist_batch b;
  b.session_id = session_id;
  int64_t ts = 1'723'161'255'000 + round * 1000;
  auto px = price::from_raw(6'178'912'000'000 + round * 1'000'000);
  auto qty = quantity::from_raw(14'560'000);
  order o;
  o.order_id = round + 1;
  o.ts_event_ms = ts;
  o.order_side = round % 2 == 0 ? side::buy : side::sell;
  o.qty = qty;
  o.status = exec_status::pending_new;
  b.orders.push_back(o);
  o.status = exec_status::filled;
  b.orders.push_back(o);
  fill f;
  f.fill_id = round + 1;
  f.order_id = o.order_id;
  f.ts_event_ms = ts;
  f.fill_side = o.order_side;
  f.px = px;
  f.qty = qty;
  f.fee = money::from_raw(899'658);
  b.fills.push_back(f);
  equity_point e;
  e.ts_event_ms = ts;
  e.equity = money::from_units(10'000);
  e.cash = money::from_units(1'000);
  e.position_qty = qty;
  e.mark = px;
  b.equity.push_back(e);
  decision d;
  d.ts_event_ms = ts;
  d.rule = round % 2 == 0 ? "entry" : "exit";
  d.inputs = "ema_fast=61791.2, ema_slow=61788.4, close=61789.12";
  d.action = std::string(round % 2 == 0 ? "buy" : "sell") + " 0.1456 submitted";
  d.order_id = o.order_id;
  b.decisions.push_back(d);
  b.account.ts_event_ms = ts;
  b.account.initial_cash = money::from_units(10'000);
  b.account.cash = e.cash;
  b.account.position_qty = qty;
  b.account.mark = px;
  b.account.equity = e.equity;
  return b;
}

int64_t count_fills(const std::string& path) {
  sql::database db(path, true);
  sql::statement st(db, "SELECT COUNT(*) FROM fills");
  int64_t n = 0;
  if (st.step())
    n = st.column_int(0);
  return n;
}

// Runs one mode into a fresh database; returns fills per second (and the fills stored).
double run_mode(const std::filesystem::path& dir, bool burst, size_t sessions, int64_t rounds, int64_t& stored) {
  auto path = (dir / (burst ? "burst.db" : "streaming.db")).string();
  double seconds = 0;
  {
    std::shared_ptr<sql::database> db = open_database(path);
    caf::actor_system_config cfg;
    register_message_types(cfg);
    cfg.set("scheduler.max-threads", 2);
    use_sharing_scheduler(cfg); // as papertrader run
    caf::actor_system system{cfg};
    auto p = system.spawn(persister, db);
    caf::scoped_actor self{system};
    std::vector<int64_t> ids;
    for (size_t i = 0; i < sessions; ++i) {
      session_row row;
      row.name = "bench-" + std::to_string(i);
      row.strategy_name = "bench";
      row.symbol = "BTCUSDT";
      row.initial_cash_raw = money::from_units(10'000).raw();
      self->request(p, caf::infinite, std::move(row))
        .receive([&](int64_t id) { ids.push_back(id); }, [](caf::error&) {});
    }
    auto flush = [&] { self->request(p, caf::infinite, flush_atom::value).receive([](ok_atom) {}, [](caf::error&) {}); };
    auto start = clock_type::now();
    for (int64_t r = 0; r < rounds; ++r) {
      for (auto id : ids)
        self->send(p, batch_for(id, r));
      if (burst)
        flush();
    }
    flush();
    seconds = std::chrono::duration<double>(clock_type::now() - start).count();
    self->send_exit(p, caf::exit_reason::user_shutdown);
  }
  stored = count_fills(path);
  return static_cast<double>(stored) / seconds;
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"Fills committed per second through the persister"};
  size_t sessions = 1000;
  int64_t rounds = 100;
  int repeat = 1;
  app.add_option("--sessions", sessions, "Sessions sending batches")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--rounds", rounds, "Batches per session")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--repeat", repeat, "Runs per mode (the median is reported)")->capture_default_str()->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);

  auto dir = std::filesystem::temp_directory_path() / ("papertrader-persist-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  int rc = 0;
  std::printf("| mode | sessions | fills | fills committed per second | rows per fill |\n|---|---:|---:|---:|---:|\n");
  for (bool burst : {true, false}) {
    int64_t stored = 0;
    int64_t expected = static_cast<int64_t>(sessions) * rounds;
    std::vector<double> rates;
    for (int i = 0; i < repeat && (i == 0 || stored == expected); ++i) {
      rates.push_back(run_mode(dir, burst, sessions, rounds, stored));
      std::filesystem::remove_all(dir);
      std::filesystem::create_directories(dir);
    }
    std::sort(rates.begin(), rates.end());
    double rate = rates[rates.size() / 2];
    std::printf("| %s | %zu | %lld | %.3g | 6 |\n", burst ? "burst (commit per round)" : "streaming (group commit)",
                sessions, static_cast<long long>(stored), rate);
    if (stored != expected) {
      std::fprintf(stderr, "persist: %lld fills stored, %lld sent\n", static_cast<long long>(stored),
                   static_cast<long long>(expected));
      rc = 1;
    }
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  return rc;
}
