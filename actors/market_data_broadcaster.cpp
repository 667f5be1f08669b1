#include "actors/market_data_broadcaster.hpp"

#include <algorithm>
#include <chrono>

#include <spdlog/spdlog.h>

#include "actors/fill_latency.hpp"
#include "actors/messages.hpp"

namespace pt {

namespace {

using self_ptr = broadcaster_actor::stateful_pointer<broadcaster_state>;

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
    .count();
}

// A typed actor may only `send` to typed ones, and subscribers, watchers and feed controls are
// dynamically typed: they are sent to with CAF's `unsafe_send_as`, which enqueues with the
// broadcaster as sender on its own execution unit, exactly as `send` does.
void tell_watchers(self_ptr self, const std::string& symbol, bool wanted) {
  for (auto& w : self->state.watchers)
    caf::unsafe_send_as(self, w, symbol_demand{symbol, wanted});
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

// Sends events [from, to) of `batch` (all of it when that is the whole) to the symbol's subscribers.
void deliver(self_ptr self, symbol_feed& feed, const market_batch& batch, size_t from, size_t to) {
  static const std::vector<market_event> no_events;
  market_batch part;
  part.symbol = batch.symbol;
  part.seq = batch.seq;
  part.arrival_ns = batch.arrival_ns;
  size_t n = batch_size(batch);
  if (from == 0 && to == n)
    part.events = batch.events ? batch.events : std::make_shared<const std::vector<market_event>>();
  else
    part.events = std::make_shared<const std::vector<market_event>>(batch.events->begin() + static_cast<long>(from),
                                                                     batch.events->begin() + static_cast<long>(to));
  part.candles = feed.on_batch(part.events ? *part.events : no_events, wall_ms());
  const auto& subs = feed.subscriptions();
  if (subs.empty())
    return;
  // One message, shared by every subscriber.
  auto msg = caf::make_message(std::move(part));
  for (auto& sub : subs)
    caf::unsafe_send_as(self, sub.subscriber, msg);
  self->state.deliveries += static_cast<int64_t>(subs.size());
}

// Subscribes the deferred subscriptions of `symbol` due at the feed's position now.
void join_due(self_ptr self, const std::string& symbol, symbol_feed& feed) {
  auto& d = self->state.deferred;
  for (auto it = d.begin(); it != d.end();) {
    if (it->symbol != symbol || it->from_events > feed.events()) {
      ++it;
      continue;
    }
    subscribe(self, symbol, std::move(it->subscriber), std::move(it->timeframes_ms));
    it = d.erase(it);
  }
}

// The earliest position a deferred subscription of `symbol` waits for, or -1.
int64_t next_deferred(self_ptr self, const std::string& symbol) {
  int64_t out = -1;
  for (auto& d : self->state.deferred)
    if (d.symbol == symbol && (out < 0 || d.from_events < out))
      out = d.from_events;
  return out;
}

} // namespace

broadcaster_actor::behavior_type market_data_broadcaster(broadcaster_actor::stateful_pointer<broadcaster_state> self) {
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
    [self](subscribe_atom, const std::string& symbol, caf::actor& subscriber, std::vector<int64_t>& timeframes_ms,
           int64_t from_events) -> int64_t {
      auto& feed = self->state.symbols[symbol];
      if (from_events < 0 || from_events <= feed.events()) {
        if (from_events >= 0 && from_events < feed.events())
          spdlog::warn("broadcaster: a subscription to {} from event {} comes after {} events: it joins now", symbol,
                       from_events, feed.events());
        int64_t at = feed.events();
        if (from_events == join_now_or_end && self->state.ended) // it would wait for an end that has passed
          caf::unsafe_send_as(self, subscriber, end_data_atom::value);
        subscribe(self, symbol, std::move(subscriber), std::move(timeframes_ms));
        return at;
      }
      self->state.deferred.push_back({symbol, std::move(subscriber), std::move(timeframes_ms), from_events});
      return from_events;
    },
    [self](unsub_atom, const std::string& symbol, const caf::actor& subscriber) {
      auto& d = self->state.deferred;
      d.erase(std::remove_if(d.begin(), d.end(),
                             [&](const auto& x) { return x.symbol == symbol && x.subscriber == subscriber; }),
              d.end());
      unsubscribe(self, subscriber.address(), &symbol);
      return ok_atom::value;
    },
    [self](watch_atom, caf::actor& watcher) {
      self->monitor(watcher);
      for (auto& [name, feed] : self->state.symbols)
        if (!feed.subscriptions().empty())
          caf::unsafe_send_as(self, watcher, symbol_demand{name, true});
      self->state.watchers.push_back(std::move(watcher));
      return ok_atom::value;
    },
    [self](market_batch& batch) {
      batch.arrival_ns = steady_now_ns();
      ++self->state.batches_in;
      self->state.ended = false;
      auto& feed = self->state.symbols[batch.symbol];
      size_t n = batch_size(batch), from = 0;
      // A deferred subscription joins exactly at its position: the batch is cut there.
      for (int64_t due = next_deferred(self, batch.symbol);
           due >= 0 && due < feed.events() + static_cast<int64_t>(n - from);
           due = next_deferred(self, batch.symbol)) {
        size_t cut = from + static_cast<size_t>(std::max<int64_t>(0, due - feed.events()));
        if (cut > from)
          deliver(self, feed, batch, from, cut);
        from = cut;
        join_due(self, batch.symbol, feed);
      }
      if (from < n || n == 0)
        deliver(self, feed, batch, from, n);
      return ok_atom::value;
    },
    [self](end_data_atom) {
      self->state.ended = true;
      std::vector<caf::actor> all;
      for (auto& d : self->state.deferred) // the data ended before their position
        all.push_back(d.subscriber);
      self->state.deferred.clear();
      for (auto& [symbol, feed] : self->state.symbols)
        for (auto& sub : feed.subscriptions())
          all.push_back(sub.subscriber);
      std::sort(all.begin(), all.end());
      all.erase(std::unique(all.begin(), all.end()), all.end());
      for (auto& sub : all)
        caf::unsafe_send_as(self, sub, end_data_atom::value);
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
