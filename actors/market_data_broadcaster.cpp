#include "actors/market_data_broadcaster.hpp"

#include <algorithm>
#include <chrono>

#include <spdlog/spdlog.h>

#include "actors/fill_latency.hpp"
#include "actors/messages.hpp"

namespace pt {

namespace {

using self_ptr = caf::stateful_actor<broadcaster_state>*;

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
    .count();
}

void tell_watchers(self_ptr self, const std::string& symbol, bool wanted) {
  for (auto& w : self->state.watchers)
    self->send(w, symbol_demand{symbol, wanted});
}

void subscribe(self_ptr self, const std::string& symbol, caf::actor subscriber, std::vector<int64_t> timeframes_ms) {
  self->monitor(subscriber);
  auto& feed = self->state.symbols[symbol];
  bool first = feed.subscriptions().empty();
  feed.subscribe(std::move(subscriber), std::move(timeframes_ms));
  if (first)
    tell_watchers(self, symbol, true);
}

// Drops `who` from `symbol` (every symbol when null); tells watchers of symbols left without subscribers.
void unsubscribe(self_ptr self, const caf::actor_addr& who, const std::string* symbol) {
  for (auto& [name, feed] : self->state.symbols) {
    if (symbol && name != *symbol)
      continue;
    if (feed.unsubscribe(who) > 0 && feed.subscriptions().empty())
      tell_watchers(self, name, false);
  }
}

} // namespace

caf::behavior market_data_broadcaster(caf::stateful_actor<broadcaster_state>* self) {
  self->set_down_handler([self](const caf::down_msg& down) {
    auto& w = self->state.watchers;
    w.erase(std::remove_if(w.begin(), w.end(), [&](const caf::actor& a) { return a.address() == down.source; }),
            w.end());
    unsubscribe(self, down.source, nullptr);
  });
  return {
    [self](subscribe_atom, const std::string& symbol, caf::actor& subscriber) {
      subscribe(self, symbol, std::move(subscriber), {});
      return ok_atom::value;
    },
    [self](subscribe_atom, const std::string& symbol, caf::actor& subscriber, std::vector<int64_t>& timeframes_ms) {
      subscribe(self, symbol, std::move(subscriber), std::move(timeframes_ms));
      return ok_atom::value;
    },
    [self](unsub_atom, const std::string& symbol, const caf::actor& subscriber) {
      unsubscribe(self, subscriber.address(), &symbol);
      return ok_atom::value;
    },
    [self](watch_atom, caf::actor& watcher) {
      self->monitor(watcher);
      for (auto& [name, feed] : self->state.symbols)
        if (!feed.subscriptions().empty())
          self->send(watcher, symbol_demand{name, true});
      self->state.watchers.push_back(std::move(watcher));
      return ok_atom::value;
    },
    [self](market_batch& batch) {
      batch.arrival_ns = steady_now_ns();
      ++self->state.batches_in;
      auto& feed = self->state.symbols[batch.symbol];
      static const std::vector<market_event> no_events;
      batch.candles = feed.on_batch(batch.events ? *batch.events : no_events, wall_ms());
      const auto& subs = feed.subscriptions();
      if (!subs.empty()) {
        // One message, shared by every subscriber.
        auto msg = caf::make_message(std::move(batch));
        for (auto& sub : subs)
          self->send(sub.subscriber, msg);
        self->state.deliveries += static_cast<int64_t>(subs.size());
      }
      return ok_atom::value;
    },
    [self](end_data_atom) {
      std::vector<caf::actor> all;
      for (auto& [symbol, feed] : self->state.symbols)
        for (auto& sub : feed.subscriptions())
          all.push_back(sub.subscriber);
      std::sort(all.begin(), all.end());
      all.erase(std::unique(all.begin(), all.end()), all.end());
      for (auto& sub : all)
        self->send(sub, end_data_atom::value);
      spdlog::debug("broadcaster: end of data to {} subscriber(s) after {} batches, {} deliveries", all.size(),
                    self->state.batches_in, self->state.deliveries);
      return ok_atom::value;
    },
    [self](status_atom) {
      std::vector<symbol_stats> out;
      auto now = wall_ms();
      for (auto& [name, feed] : self->state.symbols)
        out.push_back({name, static_cast<int64_t>(feed.subscriptions().size()), feed.batches(), feed.events(),
                       feed.last_event_ms(), feed.rate().per_second(now)});
      std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.symbol < b.symbol; });
      return out;
    },
    [self](candles_atom, const std::string& symbol, int64_t timeframe_ms, int64_t n) -> caf::result<candle_history> {
      auto it = self->state.symbols.find(symbol);
      const timeframe_candles* c = it == self->state.symbols.end() ? nullptr : it->second.candles(timeframe_ms);
      if (!c)
        return caf::make_error(caf::sec::invalid_argument,
                               "no subscriber of " + symbol + " asks for " + format_timeframe(timeframe_ms) + " candles");
      candle_history h;
      h.symbol = symbol;
      h.timeframe_ms = timeframe_ms;
      auto take = static_cast<size_t>(std::clamp<int64_t>(n, 0, static_cast<int64_t>(c->recent.size())));
      h.closed.assign(c->recent.end() - static_cast<long>(take), c->recent.end());
      if (c->aggregator.forming()) {
        h.has_forming = true;
        h.forming = *c->aggregator.forming();
      }
      return h;
    },
  };
}

} // namespace pt
