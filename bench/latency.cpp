// Event-to-fill latency of many sessions on the recorded BTCUSDT stream, paced at live speed
// (or N times it): from a market batch's arrival at the broadcaster to each resulting fill at
// the session's position tracker (actors/fill_latency.hpp), with the persister writing to a
// temporary SQLite database as in a real run.
//
//   papertrader_latency [--sessions 1000] [--speed 1] [--seconds 60] [--data FILE] [--threads 2]
//
// Replays the recording from its start for `--seconds` of wall time (the recording's first
// seconds·speed seconds), then ends the feed and waits for every session to settle. Prints one
// Markdown table row: sessions, speed, the recording time covered, batches, fills (= samples),
// p50 / p99 / p99.9 / max in µs.

#include <chrono>
#include <cstdio>
#include <filesystem>
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
#include "actors/migrations.hpp"
#include "actors/persister.hpp"
#include "actors/replay_feed.hpp"
#include "actors/scheduler_policy.hpp"
#include "actors/session_supervisor.hpp"
#include "app/strategy_loader.hpp"

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

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"Event-to-fill latency of many sessions on the recorded stream at live speed (or N times it)"};
  size_t sessions = 1000;
  double speed = 1;
  double seconds = 60;
  int threads = 2;
  bool header = false;
  std::string data = std::string(PAPERTRADER_SHARED_DATA) +
                     "/streams/binance-spot-BTCUSDT-2024-08-08T2354Z_2024-08-09T0005Z.txt.gz";
  std::string strategies = std::string(PAPERTRADER_SOURCE_DIR) + "/config/strategies";
  app.add_option("--sessions", sessions, "Sessions")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--speed", speed, "Replay speed, times real time")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--seconds", seconds, "Wall seconds of replay")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--threads", threads, "Actor scheduler threads")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--data", data, "Recorded stream (or trades CSV) to replay")->capture_default_str();
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
    use_sharing_scheduler(cfg); // as papertrader run
    caf::actor_system system{cfg};
    auto persister_actor = system.spawn(persister, db);
    auto broadcaster = system.spawn(market_data_broadcaster);
    auto supervisor = system.spawn(session_supervisor, configs, broadcaster, persister_actor);
    caf::scoped_actor self{system};
    self->request(supervisor, caf::infinite, start_atom::value).receive([](ok_atom) {}, [](caf::error&) {});

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
    self->request(supervisor, caf::infinite, await_atom::value)
      .receive(
        [&](std::vector<session_report>& reports) {
          for (auto& r : reports)
            fills += r.fills.size();
        },
        [](caf::error&) {});
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    fill_latency::enabled() = false;
    self->request(persister_actor, caf::infinite, flush_atom::value).receive([](ok_atom) {}, [](caf::error&) {});
    const auto& h = fill_latency::histogram();
    const auto& st = feed.stats();
    if (header)
      std::printf("| sessions | speed | recording covered (s) | wall (s) | batches | events | fills (samples) | "
                  "p50 (µs) | p99 (µs) | p99.9 (µs) | max (µs) | to commit ack p50 (µs) | to commit ack p99 (µs) |\n"
                  "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    const auto& c = fill_latency::committed_histogram();
    std::printf("| %zu | %g× | %.0f | %.1f | %lld | %lld | %llu | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f |\n",
                sessions, speed, seconds * speed, wall, static_cast<long long>(st.batches),
                static_cast<long long>(st.events), static_cast<unsigned long long>(h.count()),
                us(h.percentile(0.5)), us(h.percentile(0.99)), us(h.percentile(0.999)), us(h.max()),
                us(c.percentile(0.5)), us(c.percentile(0.99)));
    // Where the time goes: the lag at the start of each stage, over every session-batch.
    for (size_t i = 0; i < pipeline_stages; ++i) {
      const auto& s = fill_latency::stage_histogram(static_cast<pipeline_stage>(i));
      std::fprintf(stderr, "latency: %-16s reached after p50 %8.0f µs, p99 %8.0f µs, max %8.0f µs (%llu batches)\n",
                   to_string(static_cast<pipeline_stage>(i)), us(s.percentile(0.5)), us(s.percentile(0.99)),
                   us(s.max()), static_cast<unsigned long long>(s.count()));
    }
    if (h.count() != fills) {
      std::fprintf(stderr, "latency: %llu samples but %zu fills\n", static_cast<unsigned long long>(h.count()), fills);
      rc = 1;
    }
    for (auto& a : {supervisor, broadcaster, persister_actor})
      self->send_exit(a, caf::exit_reason::user_shutdown);
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  return rc;
}
