#include "feeds/replay_feed.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <vector>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/feed_gate.hpp"
#include "actors/messages.hpp"

namespace pt {

replay_feed::replay_feed(caf::actor_system& system, market_sink_actor broadcaster, replay_options options)
  : system_(system), broadcaster_(std::move(broadcaster)), options_(std::move(options)) {}

replay_feed::~replay_feed() {
  stop();
  join();
}

void replay_feed::start() {
  auto source = std::make_unique<market_file_source>(options_.path, options_.symbol);
  spdlog::info("replaying {} ({}{}) at {}", options_.path, to_string(source->format()),
               source->csv_symbol().empty() ? "" : ", " + source->csv_symbol(),
               options_.speed > 0 ? fmt::format("{}x", options_.speed) : std::string("full speed"));
  thread_ = std::thread([this, src = std::move(source)]() mutable { run(std::move(src)); });
}

void replay_feed::join() {
  if (thread_.joinable())
    thread_.join();
}

void replay_feed::run(std::unique_ptr<market_file_source> source) {
  using clock = std::chrono::steady_clock;
  caf::scoped_actor self{system_};
  std::map<std::string, std::vector<market_event>> pending;
  int64_t seq = 0;

  // The commit barrier sent `commit_lag_batches` batches ago, if its answer is still due.
  using barrier_handle = decltype(self->request(options_.persister, caf::infinite, flush_atom::value));
  std::optional<barrier_handle> barrier;
  auto await_barrier = [&] {
    if (!barrier)
      return;
    barrier->receive([](ok_atom) {}, [&](caf::error& err) {
      spdlog::error("replay: the persister's commit barrier failed: {}", system_.render(err));
    });
    barrier.reset();
  };
  auto send_batch = [&](const std::string& symbol, std::vector<market_event>& events) {
    if (events.empty())
      return;
    market_batch batch;
    batch.symbol = symbol;
    batch.seq = ++seq;
    batch.events = std::make_shared<const std::vector<market_event>>(std::move(events));
    events = {};
    stats_.events += static_cast<int64_t>(batch_size(batch));
    ++stats_.batches;
    // Waiting for the acknowledgement keeps the feed at most one batch ahead of the broadcaster.
    self->request(broadcaster_, caf::infinite, std::move(batch))
      .receive([](ok_atom) {}, [&](caf::error& err) {
        spdlog::error("broadcaster refused a batch: {}", system_.render(err));
      });
    if (options_.persister && options_.commit_lag_batches > 0 && stats_.batches % options_.commit_lag_batches == 0) {
      await_barrier();
      barrier.emplace(self->request(options_.persister, caf::infinite, flush_atom::value));
    }
  };
  auto flush_all = [&] {
    for (auto& [symbol, events] : pending)
      send_batch(symbol, events);
  };

  auto wall_start = clock::now();
  auto last_progress = wall_start;
  std::optional<int64_t> first_ts;
  std::string symbol;
  market_event ev;
  std::map<std::string, int64_t> seen; // events read per symbol, for `fast_forward_events`
  bool fast_forwarding = !options_.fast_forward_events.empty();
  trade_dedupe dedupe;
  while (!stop_requested_ && source->next(symbol, ev)) {
    if (options_.dedupe_trades && !dedupe.admit(symbol, ev))
      continue;
    if (!first_ts)
      first_ts = ev.ts_event_ms;
    if (fast_forwarding) {
      ++seen[symbol];
      bool any_left = false;
      for (auto& [sym, n] : options_.fast_forward_events)
        any_left = any_left || seen[sym] <= n;
      if (!any_left) {
        // The first event past every restored position: the pace starts here, it is due now.
        fast_forwarding = false;
        if (options_.speed > 0)
          wall_start = clock::now() - std::chrono::microseconds(static_cast<int64_t>(
                                          static_cast<double>(ev.ts_event_ms - *first_ts) * 1000.0 / options_.speed));
        spdlog::info("replay: {} events fed as fast as possible for restored sessions; pace from event time {} ms",
                     stats_.events + static_cast<int64_t>(pending[symbol].size()), ev.ts_event_ms);
      }
    }
    if (options_.speed > 0 && !fast_forwarding) {
      auto due = wall_start + std::chrono::microseconds(static_cast<int64_t>(
                                  static_cast<double>(ev.ts_event_ms - *first_ts) * 1000.0 / options_.speed));
      if (due > clock::now()) {
        flush_all(); // everything read so far is due now
        while (!stop_requested_ && clock::now() < due)
          std::this_thread::sleep_until(std::min(due, clock::now() + std::chrono::milliseconds(100)));
      }
    }
    auto& events = pending[symbol];
    events.push_back(std::move(ev));
    if (events.size() >= options_.max_batch)
      send_batch(symbol, events);
    auto now = clock::now();
    if (now - last_progress > std::chrono::seconds(5)) {
      last_progress = now;
      spdlog::info("replay: {} events in {} batches, event time {} ms, {} malformed, {} skipped", stats_.events,
                   stats_.batches, ev.ts_event_ms, source->counters().total_errors(),
                   source->counters().total_skipped());
    }
  }
  flush_all();
  stats_.completed = !stop_requested_;
  stats_.counters = source->counters();
  await_barrier();
  if (options_.send_end_data)
    self->request(broadcaster_, caf::infinite, end_data_atom::value)
      .receive([](ok_atom) {}, [&](caf::error& err) {
        spdlog::error("broadcaster did not take end of data: {}", system_.render(err));
      });
  spdlog::info("replay {}: {} events in {} batches from {} lines; {} skipped, {} malformed",
               stats_.completed ? "finished" : "stopped", stats_.events, stats_.batches, stats_.counters.lines,
               stats_.counters.total_skipped(), stats_.counters.total_errors());
  for (auto& [kind, n] : stats_.counters.errors)
    spdlog::warn("replay: {} line(s) skipped as malformed: {}", n, kind);
  finished_ = true;
}

} // namespace pt
