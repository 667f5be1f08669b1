#include "app/runner.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <csignal>
#include <ctime>
#include <thread>
#include <unistd.h>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/market_data_broadcaster.hpp"
#include "actors/feed_gate.hpp"
#include "actors/messages.hpp"
#include "store/migrations.hpp"
#include "actors/persister.hpp"
#include "actors/scheduler_policy.hpp"
#include "actors/session_supervisor.hpp"
#include "app/signal_block.hpp"
#include "feeds/binance/live_feed_control.hpp"

namespace pt {

namespace {

int64_t wall_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

} // namespace

run_outcome run_sessions(const run_request& request) {
  signal_block signals;
  run_outcome outcome;
  std::shared_ptr<sql::database> db;
  if (!request.database.empty()) {
    db = open_database(request.database);
    spdlog::info("database {} (schema version {})", request.database, db->pragma_int("user_version"));
  }
  caf::actor_system_config cfg;
  register_message_types(cfg);
  use_sharing_scheduler(cfg);
  caf::actor_system system{cfg};
  persister_actor writer =
    db ? system.spawn(persister_with_retention, db, request.retention, default_prune_interval_ms) : persister_actor{};
  auto broadcaster = system.spawn(market_data_broadcaster);
  auto supervisor = system.spawn(session_supervisor, request.sessions, broadcaster, writer);
  caf::scoped_actor self{system};
  caf::actor* control_ref = nullptr; // the live feed control, once there is one
  feed_gate_actor* gate_ref = nullptr; // the live feed gate, once there is one
  auto shutdown = [&] {
    if (control_ref && *control_ref)
      self->send_exit(*control_ref, caf::exit_reason::user_shutdown);
    for (auto& a : {caf::actor_cast<caf::actor>(supervisor), caf::actor_cast<caf::actor>(broadcaster),
                    caf::actor_cast<caf::actor>(writer),
                    gate_ref ? caf::actor_cast<caf::actor>(*gate_ref) : caf::actor{}})
      if (a)
        self->send_exit(a, caf::exit_reason::user_shutdown);
  };

  if (!request.warmups.sessions.empty())
    self->send(supervisor, request.warmups); // ahead of start_atom: same sender, FIFO
  self->request(supervisor, caf::infinite, start_atom::value)
    .receive([](ok_atom) {}, [&](caf::error& err) { spdlog::error("starting sessions: {}", system.render(err)); });

  auto replay = request.replay;
  replay.persister = writer; // a full-speed replay goes at the database's pace
  replay_feed feed(system, broadcaster, replay);
  std::unique_ptr<feed_journal> journal; // before `live`: the connector writes to it until stopped
  std::shared_ptr<binance_stream_client> live;
  caf::actor feed_control;
  feed_gate_actor gate;
  std::atomic<binance_stream_client*> live_ptr{nullptr};
  std::unique_ptr<api_server> api; // after `live`: stopped and destroyed before it
  try {
    if (request.api) {
      auto services = request.services;
      services.supervisor = supervisor;
      services.live_health = [&live_ptr]() -> std::optional<feed_health> {
        if (auto* l = live_ptr.load())
          return l->health();
        return std::nullopt;
      };
      api = std::make_unique<api_server>(*request.api, std::move(services), system, broadcaster);
      api->start();
    }
    if (request.live) {
      auto live_options = *request.live;
      bool backfill = false;
      if (request.journal) {
        const auto& jr = *request.journal;
        if (jr.refeed && jr.summary.exists) {
          // The restore path of a file replay: the journal at full speed, outputs suppressed up to
          // each restored session's stored position (the supervisor sees to that).
          replay_options ro;
          ro.path = jr.path;
          ro.speed = 0;
          ro.dedupe_trades = true;
          ro.send_end_data = false; // the live feed follows
          ro.persister = writer;
          spdlog::info("restore: re-feeding the feed journal {} ({} lines) at full speed", jr.path, jr.summary.lines);
          replay_feed refeed(system, broadcaster, ro);
          refeed.start();
          refeed.join();
          spdlog::info("restore: journal re-fed: {} events in {} batches; going live", refeed.stats().events,
                       refeed.stats().batches);
        }
        journal = std::make_unique<feed_journal>(jr.path, jr.refeed);
        backfill = jr.refeed && jr.summary.exists && !jr.rest_url.empty();
        if (backfill)
          journal->hold(); // the backfill's lines go first
        auto* j = journal.get();
        auto previous = live_options.on_raw_message;
        live_options.on_raw_message = [j, previous](int64_t receive_ns, const std::string& json) {
          j->write(receive_ns, json);
          if (previous)
            previous(receive_ns, json);
        };
        live_options.on_connection = [j](int64_t receive_ns) { j->write(receive_ns, connection_marker); };
        gate = system.spawn(feed_gate, broadcaster, jr.summary.last_trade_id, backfill);
        gate_ref = &gate;
      }
      live = std::make_shared<binance_stream_client>(
        system, gate ? market_sink_actor{gate} : market_sink_actor{broadcaster}, live_options);
      live_ptr = live.get();
      live->start();
      if (backfill) {
        // What the stream sends meanwhile waits in the gate (and its lines in the journal), so the
        // sessions get the gap's trades first and nothing twice.
        auto fills = backfill_gap(request.journal->rest_url, request.journal->summary);
        std::vector<std::string> lines;
        for (auto& b : fills)
          lines.insert(lines.end(), b.lines.begin(), b.lines.end());
        journal->release(lines);
        for (auto& b : fills)
          if (b.ok && b.batch.events && !b.batch.events->empty())
            self->request(gate, caf::infinite, backfill_atom::value, b.batch)
              .receive([](ok_atom) {}, [&](caf::error& err) { spdlog::error("backfill: {}", system.render(err)); });
        self->request(gate, caf::infinite, release_atom::value)
          .receive(
            [](int64_t dropped) {
              spdlog::info("live: joined the stream; {} trade(s) already fed (journal or backfill) dropped", dropped);
            },
            [&](caf::error& err) { spdlog::error("releasing the live feed: {}", system.render(err)); });
      }
      // The connector follows the sessions: a symbol's first subscriber subscribes its streams,
      // its last one leaving unsubscribes them (the broadcaster tells, see `watch_atom`).
      feed_control = system.spawn(live_feed_control, std::weak_ptr<binance_stream_client>(live));
      caf::anon_send(broadcaster, watch_atom::value, feed_control);
      control_ref = &feed_control;
    } else {
      feed.start();
    }
  } catch (...) {
    if (api)
      api->stop();
    shutdown();
    throw;
  }

  std::atomic<bool> all_settled{false};
  std::thread waiter([&] {
    caf::scoped_actor waiter_self{system};
    waiter_self->request(supervisor, caf::infinite, await_atom::value)
      .receive([&](std::vector<session_report>& reports) { outcome.reports = std::move(reports); },
               [&](caf::error& err) { spdlog::error("waiting for sessions: {}", system.render(err)); });
    all_settled = true;
  });

  bool announced = false;
  int64_t live_logged = wall_ms();
  while (true) {
    if (int sig = signals.wait(200)) {
      if (outcome.interrupted) {
        spdlog::warn("second signal ({}): exiting now", strsignal(sig));
        _exit(130);
      }
      outcome.interrupted = true;
      spdlog::info("{} received: stopping the feed and settling sessions (again to exit at once)", strsignal(sig));
      caf::anon_send(supervisor, stop_atom::value);
      if (live) {
        live->stop();
        caf::anon_send(broadcaster, end_data_atom::value); // a live feed has no end of its own
      } else {
        feed.stop();
      }
    }
    if (live && !announced && live_logged + 10'000 <= wall_ms()) {
      live_logged = wall_ms();
      auto h = live->health();
      spdlog::info("live feed: {}, {} messages ({:.1f}/s; {} events, {} skipped, {} malformed), {} reconnects, "
                   "last {} ms ago; books in sync {}/{} ({} syncs, {} gaps, {} failed snapshots)",
                   h.state, h.messages, h.messages_per_s, h.events, h.skipped, h.parse_errors, h.reconnects,
                   h.last_message_age_ms, h.books_in_sync, h.symbols, h.book_syncs, h.book_gaps, h.snapshot_failures);
    }
    if (all_settled && (request.exit_at_end || outcome.interrupted))
      break;
    if (all_settled && !announced) {
      announced = true;
      spdlog::info("feed ended; {} session(s) settled; still serving — Ctrl-C to stop", outcome.reports.size());
    }
  }
  waiter.join();
  if (live) {
    live->stop();
    outcome.live = live->health();
  } else {
    feed.join();
    outcome.feed = feed.stats();
  }
  if (writer) {
    self->request(writer, caf::infinite, flush_atom::value)
      .receive([](ok_atom) {}, [&](caf::error& err) { spdlog::error("final flush: {}", system.render(err)); });
  }
  if (api)
    api->stop();
  shutdown();
  return outcome;
}

} // namespace pt
