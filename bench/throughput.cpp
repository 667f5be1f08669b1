// Throughput and memory of many sessions on recorded data: the actor pipeline against a plain
// single-threaded loop over the same core code (session_runner), measured in the same run.
//
//   papertrader_throughput [--sessions 1,100,1000,10000] [--repeat 3] [--data FILE] [--threads N]
//                          [--policy stealing|sharing]
//
// Prints one Markdown row per session count: median session-events per second of each, their
// ratio, the actors' start-up time (spawning, compiling and subscribing every session; part of
// their run time, as building the runners is part of the plain loop's), and resident memory per
// session.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/market_data_broadcaster.hpp"
#include "feeds/market_file.hpp"
#include "actors/messages.hpp"
#include "actors/session_supervisor.hpp"
#include "app/strategy_loader.hpp"
#include "core/session/session_runner.hpp"

namespace {

using namespace pt;
using clock_type = std::chrono::steady_clock;

constexpr size_t batch_events = 512; // events per market batch, as the file feed sends them

// Resident set size of this process, bytes (Linux /proc/self/statm).
int64_t rss_bytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t pages_total = 0, pages_resident = 0;
  statm >> pages_total >> pages_resident;
  return pages_resident * 4096;
}

std::vector<market_event> load_events(const std::string& path, std::string& symbol) {
  market_file_source src(path);
  std::vector<market_event> events;
  market_event ev;
  while (src.next(symbol, ev))
    events.push_back(ev);
  return events;
}

// Sessions cycling through the tick-level example strategies.
std::vector<session_config> make_sessions(size_t n, const std::string& symbol, const std::string& strategies_dir) {
  std::vector<loaded_strategy> kinds;
  for (const char* f : {"ema_crossover_10s.yaml", "rsi_scalper_5s.yaml", "ema_crossover.yaml", "grid.yaml"})
    kinds.push_back(load_strategy_file(strategies_dir + "/" + f));
  std::vector<session_config> out;
  for (size_t i = 0; i < n; ++i) {
    session_config cfg;
    const auto& k = kinds[i % kinds.size()];
    cfg.session_id = static_cast<int64_t>(i + 1);
    cfg.name = k.spec.name + "-" + std::to_string(i);
    cfg.strategy = k.spec;
    cfg.symbol = symbol;
    out.push_back(std::move(cfg));
  }
  return out;
}

double plain_loop_seconds(const std::vector<session_config>& sessions, const std::vector<market_event>& events,
                          size_t& fills) {
  auto start = clock_type::now();
  std::vector<std::unique_ptr<session_runner>> runners;
  runners.reserve(sessions.size());
  for (auto& s : sessions)
    runners.push_back(std::make_unique<session_runner>(s));
  // The same batches the feed sends the actors, each run session by session: the cache-friendly
  // order, so the baseline is the best a single thread does.
  for (size_t pos = 0; pos < events.size(); pos += batch_events) {
    size_t end = std::min(events.size(), pos + batch_events);
    for (auto& r : runners)
      for (size_t i = pos; i < end; ++i)
        r->on_event(events[i]);
  }
  double seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  fills = 0;
  for (auto& r : runners)
    fills += r->output().fills.size();
  return seconds;
}

struct actor_result {
  double seconds = 0;
  double startup_seconds = 0; ///< until every session was started and subscribed
  int64_t rss_per_session = 0;
  size_t fills = 0;
};

actor_result actors_run(const std::vector<session_config>& sessions, const std::vector<market_event>& events,
                        const std::string& symbol, int threads, const std::string& policy) {
  caf::actor_system_config cfg;
  register_message_types(cfg);
  cfg.set("scheduler.max-threads", threads);
  cfg.set("scheduler.policy", caf::atom_from_string(policy));
  caf::actor_system system{cfg};
  int64_t rss_before = rss_bytes();
  auto start = clock_type::now();
  auto broadcaster = system.spawn(market_data_broadcaster);
  auto supervisor = system.spawn(session_supervisor, sessions, broadcaster, persister_actor{});
  caf::scoped_actor self{system};
  self->request(supervisor, caf::infinite, start_atom::value).receive([](ok_atom) {}, [](caf::error&) {});
  int64_t rss_started = rss_bytes();
  double startup = std::chrono::duration<double>(clock_type::now() - start).count();
  for (size_t pos = 0; pos < events.size(); pos += batch_events) {
    market_batch b;
    b.symbol = symbol;
    b.events = std::make_shared<const std::vector<market_event>>(
      events.begin() + static_cast<long>(pos),
      events.begin() + static_cast<long>(std::min(events.size(), pos + batch_events)));
    self->request(broadcaster, caf::infinite, std::move(b)).receive([](ok_atom) {}, [](caf::error&) {});
  }
  self->request(broadcaster, caf::infinite, end_data_atom::value).receive([](ok_atom) {}, [](caf::error&) {});
  actor_result r;
  self->request(supervisor, caf::infinite, await_atom::value)
    .receive(
      [&](std::vector<session_report>& reports) {
        for (auto& rep : reports)
          r.fills += rep.fills.size();
      },
      [](caf::error&) {});
  r.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  r.startup_seconds = startup;
  r.rss_per_session = (rss_started - rss_before) / static_cast<int64_t>(std::max<size_t>(1, sessions.size()));
  self->send_exit(supervisor, caf::exit_reason::user_shutdown);
  self->send_exit(broadcaster, caf::exit_reason::user_shutdown);
  return r;
}

// RSS per session measured in a fresh child process, so memory freed by earlier runs in this
// process (and kept by the allocator) cannot hide what the sessions take.
int64_t fresh_rss_per_session(const std::vector<session_config>& sessions, const std::vector<market_event>& events,
                              const std::string& symbol, int threads, const std::string& policy) {
  int fds[2];
  if (pipe(fds) != 0)
    return -1;
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    int64_t rss = actors_run(sessions, events, symbol, threads, policy).rss_per_session;
    ssize_t written = write(fds[1], &rss, sizeof rss);
    _exit(written == sizeof rss ? 0 : 1);
  }
  close(fds[1]);
  int64_t rss = -1;
  if (read(fds[0], &rss, sizeof rss) != sizeof rss)
    rss = -1;
  close(fds[0]);
  waitpid(pid, nullptr, 0);
  return rss;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"Session throughput and memory: actors against a plain single-threaded loop"};
  std::vector<size_t> counts{1, 100, 1000};
  int repeat = 3;
  int threads = 2;
  std::string data = std::string(PAPERTRADER_SHARED_DATA) +
                     "/trades/BTCUSDT-trades-2024-08-08T235415Z_2024-08-09T000505Z.csv";
  std::string strategies = std::string(PAPERTRADER_SOURCE_DIR) + "/config/strategies";
  app.add_option("--sessions", counts, "Session counts to measure")->delimiter(',')->capture_default_str();
  app.add_option("--repeat", repeat, "Runs per measurement (the median is reported)")->capture_default_str();
  app.add_option("--threads", threads, "Actor scheduler threads")->capture_default_str();
  std::string policy = "sharing";
  app.add_option("--policy", policy, "CAF scheduler policy: sharing (as papertrader run) or stealing (CAF's default)")
    ->capture_default_str()->check(CLI::IsMember({"stealing", "sharing"}));
  app.add_option("--data", data, "Recorded market data to replay")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);

  std::string symbol;
  auto events = load_events(data, symbol);
  std::printf("data: %s (%zu events, %s)\n\n", std::filesystem::path(data).filename().c_str(), events.size(),
              symbol.c_str());
  std::printf("| sessions | session-events | plain loop, 1 thread (ev/s) | actors, %d threads (ev/s) | actors / plain | "
              "actors' start-up (s) | RSS per session (KB) | fills |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n",
              threads);
  for (size_t n : counts) {
    auto sessions = make_sessions(n, symbol, strategies);
    std::vector<double> plain, actor, startup;
    int64_t rss = 0;
    size_t plain_fills = 0, actor_fills = 0;
    rss = fresh_rss_per_session(sessions, events, symbol, threads, policy);
    for (int i = 0; i < repeat; ++i) {
      plain.push_back(plain_loop_seconds(sessions, events, plain_fills));
      auto r = actors_run(sessions, events, symbol, threads, policy);
      actor.push_back(r.seconds);
      startup.push_back(r.startup_seconds);
      actor_fills = r.fills;
    }
    double work = static_cast<double>(n) * static_cast<double>(events.size());
    double plain_rate = work / median(plain), actor_rate = work / median(actor);
    std::printf("| %zu | %.0f | %.3g | %.3g | %.2f | %.2f | %.1f | %zu%s |\n", n, work, plain_rate, actor_rate,
                actor_rate / plain_rate, median(startup), static_cast<double>(rss) / 1024.0, actor_fills,
                plain_fills == actor_fills ? "" : " (plain loop differs!)");
    std::fflush(stdout);
  }
  return 0;
}
