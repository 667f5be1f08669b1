#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <thread>

#include <caf/fwd.hpp>
#include <caf/actor.hpp>

#include "actors/handles.hpp"
#include "feeds/market_file.hpp"

namespace pt {

/// How to replay a recorded file.
struct replay_options {
  std::string path;                  ///< trades/klines CSV or recorded stream, gzip or plain
  std::optional<std::string> symbol; ///< overrides a CSV's symbol
  double speed = 0;                  ///< event-time multiplier: 1 = real time, 10 = ten times; 0 = as fast as possible
  size_t max_batch = 512;            ///< events per batch at most
  /// Per symbol: this many first events go out as fast as possible whatever `speed` is (restored
  /// sessions are re-fed up to their stored position); the pace starts after them.
  std::map<std::string, int64_t> fast_forward_events;
  /// Drop trades whose id is not above the last one fed for their symbol (`trade_dedupe`): the
  /// rule the live feed applies, for re-feeding its journal.
  bool dedupe_trades = false;
  /// Send `end_data` at the end (false: the live feed follows the re-fed journal).
  bool send_end_data = true;
  /// The persister, when the sessions store what they do. Every `commit_lag_batches` batches the
  /// feed sends it a commit barrier (`flush_atom`), first waiting for the answer to the previous
  /// one, so what had reached the persister 2 × `commit_lag_batches` batches ago is committed
  /// before the next batch goes out: a full-speed replay goes at the database's pace instead of
  /// queueing the sessions' writes in the persister's mailbox. Writes still inside the sessions'
  /// actors are not counted (when the sessions are the slower side, they set the pace through the
  /// broadcaster anyway). Invalid: no waiting.
  commit_barrier_actor persister;
  int64_t commit_lag_batches = 4; ///< batches between two commit barriers; 0 = none
};

/// What a replay did, for logs and tests.
struct replay_stats {
  int64_t events = 0;
  int64_t batches = 0;
  feed_counters counters;
  bool completed = false; ///< reached the end of the file (false when stopped early)
  std::string error;      ///< why the replay could not run, if it could not
};

/// Replays a recorded market data file into the broadcaster on its own thread.
///
/// Events are grouped into one batch per symbol per drain; at speed N the thread waits until
/// each event's time (relative to the first event) divided by N has passed on the wall clock,
/// so a batch holds the events that came due together. Each batch is a request the broadcaster
/// acknowledges, which bounds how far the feed runs ahead of the broadcaster; with a persister in
/// the options, its commit barriers bound how far it runs ahead of the database. At the end (or on `stop()`), it
/// sends `end_data` so every session settles.
class replay_feed {
public:
  replay_feed(caf::actor_system& system, market_sink_actor broadcaster, replay_options options);
  ~replay_feed();
  replay_feed(const replay_feed&) = delete;
  replay_feed& operator=(const replay_feed&) = delete;

  /// Opens the file (throws `std::runtime_error` if it cannot be read or recognised) and starts
  /// the thread.
  void start();

  /// Asks the thread to stop at the next event; `end_data` is still sent.
  void stop() { stop_requested_ = true; }

  /// Waits for the thread to end.
  void join();

  /// True once the thread has sent `end_data`.
  bool finished() const { return finished_; }

  /// Valid after `join()`.
  const replay_stats& stats() const { return stats_; }

private:
  void run(std::unique_ptr<market_file_source> source);

  caf::actor_system& system_;
  market_sink_actor broadcaster_;
  replay_options options_;
  std::thread thread_;
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> finished_{false};
  replay_stats stats_;
};

} // namespace pt
