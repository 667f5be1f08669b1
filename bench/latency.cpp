// Event-to-fill latency of many sessions on the recorded BTCUSDT stream, paced at live speed
// (or N times it): from a market batch's arrival at the broadcaster to each resulting fill
// (actors/fill_latency.hpp).
//
//   papertrader_latency [--sessions 1000] [--speed 1] [--seconds 60] [--data FILE] [--threads 2]
//                       [--pipeline actors|fused|plain] [--policy sharing|stealing]
//
// --pipeline says what the broadcaster feeds, on the same replay feed and broadcaster:
//   actors  the real sessions (supervisor, four actors per session, the persister writing to a
//           temporary SQLite database as in a real run); a sample is a fill at the session's
//           position tracker.
//   fused   the same core code without the pipeline's hops: one actor per session running the
//           session's `session_runner` (the four stages' work in one object); a sample is a fill
//           when that actor has run the batch. Not how papertrader runs (DESIGN decision 2): it
//           measures what the per-stage messages cost.
//   plain   the plain loop: one actor, so one thread, running every session's `session_runner`
//           over each batch, session by session — the practical limit, as in
//           papertrader_throughput; a sample is a fill when its session has run the batch.
// Nothing is stored in fused and plain mode (the actors' samples are taken before the commit too).
//
// Replays the recording from its start for `--seconds` of wall time (the recording's first
// seconds·speed seconds), then ends the feed and waits for every session to settle. Prints one
// Markdown table row: pipeline, sessions, speed, the recording time covered, batches, fills
// (= samples), p50 / p99 / p99.9 / max in µs, and for the actors the time to the persister's
// commit acknowledgement.

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/fill_latency.hpp"
#include "actors/market_data_broadcaster.hpp"
#include "actors/messages.hpp"
#include "store/migrations.hpp"
#include "actors/persister.hpp"
#include "feeds/replay_feed.hpp"
#include "actors/session_supervisor.hpp"
#include "app/strategy_loader.hpp"
#include "core/session/session_runner.hpp"

namespace {

using namespace pt;

// A fast EMA crossover on `tf` bars: trades every few seconds of the recording, so a minute of it
// gives thousands of fills over a thousand sessions.
loaded_strategy fast_ema(const std::string& tf, int fast, int slow) {
  std::string name = "bench-ema-" + tf + "-" + std::to_string(fast) + "-" + std::to_string(slow);
  std::string yaml = "name: " + name + "\nsymbol: BTCUSDT\ntimeframe: " + tf +
                     "\nindicators:\n  ema_fast: {type: ema, period: " + std::to_string(fast) +
                     "}\n  ema_slow: {type: ema, period: " + std::to_string(slow) +
                     "}\nentry: crosses_above(ema_fast, ema_slow)\nexit: crosses_below(ema_fast, ema_slow)\n"
                     "sizing:\n  percent_of_equity: 90\n";
  return load_strategy_text(yaml, name);
}

// Sessions mixing the 10 s EMA crossover and 5 s RSI examples with fast EMA crossovers on 1–3 s
// bars of varied periods (so fills spread over many batches instead of one burst per strategy).
std::vector<session_config> make_sessions(size_t n, const std::string& strategies_dir) {
  std::vector<loaded_strategy> kinds;
  kinds.push_back(load_strategy_file(strategies_dir + "/ema_crossover_10s.yaml"));
  kinds.push_back(load_strategy_file(strategies_dir + "/rsi_scalper_5s.yaml"));
  for (const char* tf : {"1s", "2s", "3s"})
    for (int fast : {2, 3, 4})
      for (int slow : {6, 9})
        kinds.push_back(fast_ema(tf, fast, slow));
  std::vector<session_config> out;
  for (size_t i = 0; i < n; ++i) {
    // Every fourth session runs an example, the rest the fast variants.
    const auto& k = i % 4 == 0 ? kinds[(i / 4) % 2] : kinds[2 + i % (kinds.size() - 2)];
    session_config cfg;
    cfg.session_id = static_cast<int64_t>(i + 1);
    cfg.name = k.spec.name + "-" + std::to_string(i);
    cfg.strategy = k.spec;
    cfg.strategy_file = k.file;
    cfg.strategy_text = k.text;
    cfg.symbol = "BTCUSDT";
    out.push_back(std::move(cfg));
  }
  return out;
}

double us(int64_t ns) { return static_cast<double>(ns) / 1000.0; }

// The sessions of one actor in fused (one) or plain (all) mode.
struct runner_state {
  std::vector<std::unique_ptr<session_runner>> runners;
  static inline const char* name = "latency_runner";
};

// Runs its sessions over every batch, session by session, recording each session's new fills
// once it has run the batch; at the end of data tells `done` how many fills they made, and quits.
caf::behavior runner_actor(caf::stateful_actor<runner_state>* self, std::vector<session_config> cfgs,
                           caf::actor done) {
  for (auto& c : cfgs)
    self->state.runners.push_back(std::make_unique<session_runner>(c));
  return {
    [self](const market_batch& b) {
      for (auto& r : self->state.runners) {
        size_t before = r->output().fills.size();
        for (auto& ev : *b.events)
          r->on_event(ev);
        fill_latency::on_fills(b.arrival_ns, r->output().fills.size() - before);
      }
    },
    [self, done](end_data_atom) {
      int64_t fills = 0;
      for (auto& r : self->state.runners)
        fills += static_cast<int64_t>(r->output().fills.size());
      self->send(done, ok_atom::value, fills);
      self->quit();
    },
  };
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"Event-to-fill latency of many sessions on the recorded stream at live speed (or N times it)"};
  size_t sessions = 1000;
  double speed = 1;
  double seconds = 60;
  int threads = 2;
  bool header = false;
  std::string policy = "sharing";
  std::string pipeline = "actors";
  std::string data = std::string(PAPERTRADER_SHARED_DATA) +
                     "/streams/binance-spot-BTCUSDT-2024-08-08T2354Z_2024-08-09T0005Z.txt.gz";
  std::string strategies = std::string(PAPERTRADER_SOURCE_DIR) + "/config/strategies";
  app.add_option("--sessions", sessions, "Sessions")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--speed", speed, "Replay speed, times real time")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--seconds", seconds, "Wall seconds of replay")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--threads", threads, "Actor scheduler threads")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--data", data, "Recorded stream (or trades CSV) to replay")->capture_default_str();
  app.add_option("--policy", policy, "CAF scheduler policy: sharing (as papertrader run) or stealing (CAF's default)")
    ->capture_default_str()
    ->check(CLI::IsMember({"sharing", "stealing"}));
  app.add_option("--pipeline", pipeline,
                 "What runs the sessions: actors (the real pipeline), fused (one actor per session), "
                 "plain (every session in one actor: the plain loop)")
    ->capture_default_str()
    ->check(CLI::IsMember({"actors", "fused", "plain"}));
  app.add_flag("--header", header, "Print the Markdown table header first");
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);

  auto configs = make_sessions(sessions, strategies);
  auto dir = std::filesystem::temp_directory_path() / ("papertrader-latency-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  int rc = 0;
  {
    std::shared_ptr<sql::database> db = open_database((dir / "bench.db").string());
    caf::actor_system_config cfg;
    register_message_types(cfg);
    cfg.set("scheduler.max-threads", threads);
    cfg.set("scheduler.policy", caf::atom_from_string(policy)); // sharing, as papertrader run
    caf::actor_system system{cfg};
    auto writer = system.spawn(persister, db);
    auto broadcaster = system.spawn(market_data_broadcaster);
    caf::scoped_actor self{system};
    supervisor_actor supervisor;
    std::vector<caf::actor> runners;
    if (pipeline == "actors") {
      supervisor = system.spawn(session_supervisor, configs, broadcaster, writer);
      self->request(supervisor, caf::infinite, start_atom::value).receive([](ok_atom) {}, [](caf::error&) {});
    } else {
      if (pipeline == "plain")
        runners.push_back(system.spawn(runner_actor, configs, caf::actor{self}));
      else
        for (auto& c : configs)
          runners.push_back(system.spawn(runner_actor, std::vector<session_config>{c}, caf::actor{self}));
      for (auto& r : runners)
        self->request(broadcaster, caf::infinite, subscribe_atom::value, std::string("BTCUSDT"), r)
          .receive([](ok_atom) {}, [](caf::error&) {});
    }

    fill_latency::reset();
    fill_latency::enabled() = true;
    replay_options opts;
    opts.path = data;
    opts.speed = speed;
    replay_feed feed(system, broadcaster, opts);
    auto start = std::chrono::steady_clock::now();
    feed.start();
    auto deadline = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                              std::chrono::duration<double>(seconds));
    while (!feed.finished() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    feed.stop();
    feed.join();
    size_t fills = 0;
    if (supervisor) {
      self->request(supervisor, caf::infinite, await_atom::value)
        .receive(
          [&](std::vector<session_report>& reports) {
            for (auto& r : reports)
              fills += static_cast<size_t>(r.fill_count);
          },
          [](caf::error&) {});
    } else {
      for (size_t left = runners.size(); left > 0; --left)
        self->receive([&](ok_atom, int64_t n) { fills += static_cast<size_t>(n); });
    }
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    fill_latency::enabled() = false;
    self->request(writer, caf::infinite, flush_atom::value).receive([](ok_atom) {}, [](caf::error&) {});
    const auto& h = fill_latency::histogram();
    const auto& st = feed.stats();
    if (header)
      std::printf("| pipeline | sessions | speed | recording covered (s) | wall (s) | batches | events | "
                  "fills (samples) | p50 (µs) | p99 (µs) | p99.9 (µs) | max (µs) | to commit ack p50 (µs) | "
                  "to commit ack p99 (µs) |\n"
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    const auto& c = fill_latency::committed_histogram();
    const char* label = pipeline == "actors" ? "four actors per session"
                        : pipeline == "fused" ? "one actor per session (fused)"
                                              : "plain loop, 1 thread";
    std::string ack_p50 = "–", ack_p99 = "–";
    if (supervisor) {
      ack_p50 = fmt::format("{:.0f}", us(c.percentile(0.5)));
      ack_p99 = fmt::format("{:.0f}", us(c.percentile(0.99)));
    }
    std::printf("| %s | %zu | %g× | %.0f | %.1f | %lld | %lld | %llu | %.0f | %.0f | %.0f | %.0f | %s | %s |\n",
                label, sessions, speed, seconds * speed, wall, static_cast<long long>(st.batches),
                static_cast<long long>(st.events), static_cast<unsigned long long>(h.count()),
                us(h.percentile(0.5)), us(h.percentile(0.99)), us(h.percentile(0.999)), us(h.max()),
                ack_p50.c_str(), ack_p99.c_str());
    // Where the time goes: the lag at the start of each stage, over every session-batch.
    for (size_t i = 0; i < pipeline_stages && supervisor; ++i) {
      const auto& s = fill_latency::stage_histogram(static_cast<pipeline_stage>(i));
      std::fprintf(stderr, "latency: %-16s reached after p50 %8.0f µs, p99 %8.0f µs, max %8.0f µs (%llu batches)\n",
                   to_string(static_cast<pipeline_stage>(i)), us(s.percentile(0.5)), us(s.percentile(0.99)),
                   us(s.max()), static_cast<unsigned long long>(s.count()));
    }
    if (h.count() != fills) {
      std::fprintf(stderr, "latency: %llu samples but %zu fills\n", static_cast<unsigned long long>(h.count()), fills);
      rc = 1;
    }
    for (auto& a : {caf::actor_cast<caf::actor>(supervisor), caf::actor_cast<caf::actor>(broadcaster),
                    caf::actor_cast<caf::actor>(writer)})
      if (a)
        self->send_exit(a, caf::exit_reason::user_shutdown);
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  return rc;
}
