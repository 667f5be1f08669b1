// The registry of WebSocket clients and their channels, and the push hub actor that feeds it
// from the session supervisor and the market-data broadcaster (web/api/push.hpp).

#include "web/api/push.hpp"

#include <spdlog/spdlog.h>

namespace pt {

namespace {

constexpr const char* market_prefix = "market:";
constexpr auto broadcaster_timeout = std::chrono::seconds(10);

std::string symbol_of(const std::string& channel) {
  return channel.rfind(market_prefix, 0) == 0 ? channel.substr(std::char_traits<char>::length(market_prefix))
                                               : std::string();
}

} // namespace

int64_t push_registry::add(std::weak_ptr<push_sink> sink) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto id = next_id_++;
  clients_[id].sink = std::move(sink);
  return id;
}

void push_registry::remove(int64_t client) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = clients_.find(client);
  if (it == clients_.end())
    return;
  for (auto& ch : it->second.channels) {
    auto symbol = symbol_of(ch);
    if (!symbol.empty() && --market_subscribers_[symbol] == 0) {
      market_subscribers_.erase(symbol);
      on_demand_(symbol, false);
    }
  }
  clients_.erase(it);
}

void push_registry::subscribe(int64_t client, const std::string& channel) {
  std::vector<push_ptr> now;
  std::shared_ptr<push_sink> sink;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = clients_.find(client);
    if (it == clients_.end() || !valid_channel(channel) || !it->second.channels.insert(channel).second)
      return;
    auto symbol = symbol_of(channel);
    if (!symbol.empty() && ++market_subscribers_[symbol] == 1)
      on_demand_(symbol, true);
    sink = it->second.sink.lock();
    for (auto& [id, m] : latest_)
      if (channel == "sessions" || channel == m->key)
        now.push_back(m);
  }
  if (sink)
    for (auto& m : now)
      sink->deliver(m);
}

void push_registry::unsubscribe(int64_t client, const std::string& channel) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = clients_.find(client);
  if (it == clients_.end() || it->second.channels.erase(channel) == 0)
    return;
  auto symbol = symbol_of(channel);
  if (!symbol.empty() && --market_subscribers_[symbol] == 0) {
    market_subscribers_.erase(symbol);
    on_demand_(symbol, false);
  }
}

std::vector<std::string> push_registry::channels(int64_t client) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = clients_.find(client);
  if (it == clients_.end())
    return {};
  return {it->second.channels.begin(), it->second.channels.end()};
}

void push_registry::publish_session(const session_summary& s) {
  auto m = session_message(s);
  std::vector<std::shared_ptr<push_sink>> to;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    latest_[s.session_id] = m;
    for (auto& [id, c] : clients_)
      if (c.channels.count("sessions") || c.channels.count(m->key))
        if (auto sink = c.sink.lock())
          to.push_back(std::move(sink));
  }
  for (auto& sink : to)
    sink->deliver(m);
}

void push_registry::publish_activity(const session_activity& a) {
  auto messages = activity_messages(a);
  if (messages.empty())
    return;
  auto channel = "session:" + std::to_string(a.session_id);
  std::vector<std::shared_ptr<push_sink>> to;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [id, c] : clients_)
      if (c.channels.count(channel))
        if (auto sink = c.sink.lock())
          to.push_back(std::move(sink));
  }
  for (auto& sink : to)
    for (auto& m : messages)
      sink->deliver(m);
}

void push_registry::publish_market(const std::string& symbol, push_ptr m) {
  if (!m)
    return;
  std::vector<std::shared_ptr<push_sink>> to;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto channel = market_prefix + symbol;
    for (auto& [id, c] : clients_)
      if (c.channels.count(channel))
        if (auto sink = c.sink.lock())
          to.push_back(std::move(sink));
  }
  for (auto& sink : to)
    sink->deliver(m);
}

caf::behavior push_hub(caf::stateful_actor<push_hub_state>* self, std::shared_ptr<push_registry> registry,
                       supervisor_actor supervisor, broadcaster_actor broadcaster) {
  self->state.registry = std::move(registry);
  self->state.broadcaster = std::move(broadcaster);
  if (supervisor)
    self->request(supervisor, caf::infinite, watch_atom::value, caf::actor{self}, activity_atom::value)
      .then(
        [self](std::vector<session_summary>& now) {
          for (auto& s : now)
            self->state.registry->publish_session(s);
        },
        [self](caf::error& err) { spdlog::warn("push hub: cannot watch the sessions: {}", self->system().render(err)); });
  return {
    [self](session_summary& s) { self->state.registry->publish_session(s); },
    [self](session_activity& a) { self->state.registry->publish_activity(a); },
    [self](market_batch& b) { self->state.registry->publish_market(b.symbol, market_message(b)); },
    [self](subscribe_atom, const std::string& symbol) {
      if (!self->state.broadcaster)
        return;
      self->request(self->state.broadcaster, broadcaster_timeout, subscribe_atom::value, symbol, caf::actor{self})
        .then([](ok_atom) {},
              [self, symbol](caf::error& err) {
                spdlog::warn("push hub: cannot subscribe to {}: {}", symbol, self->system().render(err));
              });
    },
    [self](unsub_atom, const std::string& symbol) {
      if (!self->state.broadcaster)
        return;
      self->request(self->state.broadcaster, broadcaster_timeout, unsub_atom::value, symbol, caf::actor{self})
        .then([](ok_atom) {}, [](caf::error&) {});
    },
    [](end_data_atom) {}, // the feed ended: the last market message stays the last
  };
}

} // namespace pt
