#pragma once

// WebSocket push (`GET /api/v1/ws`, docs/api.md): the per-client coalescing queue, the registry
// of connected clients and their channels, and the push hub actor that feeds it. No Beast here:
// the WebSocket connection itself is web/api/websocket_session.cpp.

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/handles.hpp"
#include "actors/messages.hpp"
#include "actors/session_activity.hpp"
#include "web/api/json.hpp"

namespace pt {

/// One server → client message before its `seq` is stamped: `json` is a complete JSON object
/// without `seq` (rendered once, shared by every client it goes to). `key` is what it coalesces
/// with ("session:3", "market:BTCUSDT"); empty = never coalesced (errors, pongs, acks).
struct push_message {
  std::string key;
  std::string json;
};

/// A shared, immutable push message.
using push_ptr = std::shared_ptr<const push_message>;

/// `json` with `"seq":seq` as its first member: the text sent to the client.
std::string stamp_seq(const push_message& m, int64_t seq);

/// The pending messages of one client, at most `capacity` of them. When full, a new message
/// replaces the oldest pending one with the same key (coalescing: it is newer state of the same
/// thing); when none has its key, the oldest message is dropped. Both are counted. Not
/// thread-safe: it lives on its connection's strand.
class push_queue {
public:
  /// `capacity` ≥ 1.
  explicit push_queue(size_t capacity = 256) : capacity_(capacity < 1 ? 1 : capacity) {}

  /// Queues `m` (see the class comment for what happens when full).
  void push(push_ptr m);

  /// The oldest pending message, removed; null when empty.
  push_ptr pop();

  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  int64_t coalesced() const { return coalesced_; } ///< replaced by a newer one of the same key
  int64_t dropped() const { return dropped_; }     ///< the oldest, dropped to make room

private:
  size_t capacity_;
  std::deque<push_ptr> items_;
  int64_t coalesced_ = 0, dropped_ = 0;
};

/// A connected client as the registry sees it: `deliver` may be called from any thread and
/// must not block (the WebSocket session posts to its strand).
class push_sink {
public:
  virtual ~push_sink() = default;
  /// Queues `m` for the client.
  virtual void deliver(push_ptr m) = 0;
};

/// Whether `channel` is one a client may subscribe to: "sessions", "session:<id>" (a positive
/// integer) or "market:<SYMBOL>" (upper-case letters and digits, at most 20).
bool valid_channel(const std::string& channel);

/// The `session` message of a summary (key "session:<id>"), with `server_ts_us` (wall clock, µs
/// since the Unix epoch, when it was rendered).
push_ptr session_message(const session_summary& s);

/// The `market` message of one batch (key "market:<symbol>"): the batch's last best bid/ask
/// (from a book ticker or the top of a depth book) and last trade, and `server_ts_us` (wall clock,
/// µs since the Unix epoch, when it was rendered); null when it has neither.
push_ptr market_message(const market_batch& b);

/// The typed messages of one committed batch of a session (`session_activity`), cause first:
/// `decision` per decision-log row, then `order` per order update, then `fill` per fill; each
/// `{"type", "channel": "session:<id>", "session_id", "order"|"fill"|"decision": {…}}` whose
/// object has the members of one item of `GET /sessions/{id}/orders|fills|decisions` (decisions
/// without the row id). No coalescing key: each is an event, not a newer state of one.
std::vector<push_ptr> activity_messages(const session_activity& a);

/// A server → client message of a `type` with no coalescing key: `{"type":type, …}` where
/// `members` (may be empty) writes the other members.
push_ptr plain_message(const std::string& type, const std::function<void(json_out&)>& members = {});

/// The connected clients, their channels, and the latest summary of each session (sent to a
/// client when it subscribes). Thread-safe; fan-out copies the sinks under the lock and delivers
/// outside it. `on_demand(symbol, wanted)` is called (under the lock, so in order) when a market
/// channel gets its first subscriber or loses its last.
class push_registry {
public:
  explicit push_registry(std::function<void(const std::string& symbol, bool wanted)> on_demand)
      : on_demand_(std::move(on_demand)) {}

  /// Registers a client; returns its id.
  int64_t add(std::weak_ptr<push_sink> sink);
  /// Forgets a client and its channels.
  void remove(int64_t client);
  /// Adds a valid channel to a client's; the current summaries it covers are delivered at once.
  void subscribe(int64_t client, const std::string& channel);
  /// Removes a channel from a client's (not subscribed: no-op).
  void unsubscribe(int64_t client, const std::string& channel);
  /// A client's channels, sorted.
  std::vector<std::string> channels(int64_t client) const;
  /// Stores a session's latest summary and sends it to "sessions" and "session:<id>" subscribers.
  void publish_session(const session_summary& s);
  /// Sends `activity_messages(a)` to the subscribers of "session:<id>" (not to "sessions").
  void publish_activity(const session_activity& a);
  /// Sends a market message to the subscribers of "market:<symbol>".
  void publish_market(const std::string& symbol, push_ptr m);

private:
  struct client {
    std::weak_ptr<push_sink> sink;
    std::set<std::string> channels;
  };
  mutable std::mutex mutex_;
  std::function<void(const std::string&, bool)> on_demand_;
  std::map<int64_t, client> clients_;
  std::map<std::string, int64_t> market_subscribers_; ///< symbol → clients subscribed
  std::map<int64_t, push_ptr> latest_;                ///< session id → its latest `session` message
  int64_t next_id_ = 1;
};

/// The push hub's state.
struct push_hub_state {
  std::shared_ptr<push_registry> registry;
  broadcaster_actor broadcaster;
  static inline const char* name = "push_hub";
};

/// Feeds `registry`: watches `supervisor` (`(watch_atom, self, activity_atom)`) and turns every
/// `session_summary` into a `session` message and every `session_activity` into its typed
/// messages (`push_registry::publish_activity`); subscribes to `broadcaster` for a symbol on `(subscribe_atom, symbol)`
/// and unsubscribes on `(unsub_atom, symbol)` (the registry's demand callback sends these), and
/// turns each `market_batch` into one `market` message. Either actor may be invalid.
caf::behavior push_hub(caf::stateful_actor<push_hub_state>* self, std::shared_ptr<push_registry> registry,
                       supervisor_actor supervisor, broadcaster_actor broadcaster);

} // namespace pt
