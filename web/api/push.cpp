// The WebSocket push plumbing without Beast: messages, the per-client coalescing queue and the
// registry of clients and channels (web/api/push.hpp).

#include "web/api/push.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>

#include "wire/fill_settings_json.hpp"
#include "core/execution/exchange_order.hpp"
#include "web/api/json.hpp"
#include "web/api/routes/lifecycle.hpp"

namespace pt {

namespace {

constexpr const char* session_prefix = "session:";
constexpr const char* market_prefix = "market:";

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// Wall-clock time (µs since the Unix epoch) a message is rendered: clients measure their
// delivery lag against it (bench/ws_fanout.cpp).
int64_t server_now_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

std::string session_key(int64_t id) { return session_prefix + std::to_string(id); }

// What an order was sent as, with the names of `GET /sessions/{id}/orders`: time in force, limit
// and stop price (decimal strings), callback bps, OCO list and other leg; null where it does not apply.
void write_request(json_out& j, const order& o) {
  if (o.tif)
    j.str("time_in_force", to_string(*o.tif));
  else
    j.null("time_in_force");
  if (o.limit_px)
    j.decimal("limit_price", o.limit_px->raw());
  else
    j.null("limit_price");
  if (o.stop_px)
    j.decimal("stop_price", o.stop_px->raw());
  else
    j.null("stop_price");
  if (o.callback_bps)
    j.decimal("callback_bps", o.callback_bps->raw());
  else
    j.null("callback_bps");
  if (o.list_id > 0)
    j.i64("list_id", o.list_id);
  else
    j.null("list_id");
  if (o.linked_order_id > 0)
    j.i64("linked_order_id", o.linked_order_id);
  else
    j.null("linked_order_id");
}

} // namespace

std::string stamp_seq(const push_message& m, int64_t seq) {
  std::string out = "{\"seq\":" + std::to_string(seq);
  if (m.json.size() > 2)
    out += ",";
  out.append(m.json, 1, std::string::npos);
  return out;
}

void push_queue::push(push_ptr m) {
  if (!m)
    return;
  if (items_.size() >= capacity_) {
    auto same = items_.end();
    if (!m->key.empty())
      same = std::find_if(items_.begin(), items_.end(), [&](const push_ptr& p) { return p->key == m->key; });
    if (same != items_.end()) {
      items_.erase(same);
      ++coalesced_;
    } else {
      items_.pop_front();
      ++dropped_;
    }
  }
  items_.push_back(std::move(m));
}

push_ptr push_queue::pop() {
  if (items_.empty())
    return nullptr;
  auto m = std::move(items_.front());
  items_.pop_front();
  return m;
}

bool valid_channel(const std::string& channel) {
  if (channel == "sessions")
    return true;
  if (starts_with(channel, session_prefix)) {
    auto digits = channel.substr(std::char_traits<char>::length(session_prefix));
    int64_t id = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
    return ec == std::errc() && end == digits.data() + digits.size() && id > 0 && digits[0] != '0';
  }
  if (starts_with(channel, market_prefix)) {
    auto symbol = channel.substr(std::char_traits<char>::length(market_prefix));
    return !symbol.empty() && symbol.size() <= 20 && std::all_of(symbol.begin(), symbol.end(), [](char c) {
      return std::isupper(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c));
    });
  }
  return false;
}

push_ptr session_message(const session_summary& s) {
  auto body = summary_json(s);
  auto key = session_key(s.session_id);
  json_out j;
  j.w().StartObject();
  j.str("type", "session").str("channel", key).i64("server_ts_us", server_now_us()).key("session");
  j.w().RawValue(body.c_str(), body.size(), rapidjson::kObjectType);
  j.w().EndObject();
  return std::make_shared<const push_message>(push_message{key, j.text()});
}

push_ptr market_message(const market_batch& b) {
  const book_ticker* top = nullptr;
  const book_depth* depth = nullptr;
  const trade* last = nullptr;
  int64_t top_ms = 0, trade_ms = 0, last_ms = 0;
  if (b.events)
    for (auto& ev : *b.events) {
      last_ms = ev.ts_event_ms;
      if (auto* t = std::get_if<book_ticker>(&ev.data)) {
        top = t, depth = nullptr, top_ms = ev.ts_event_ms;
      } else if (auto* d = std::get_if<book_depth>(&ev.data)) {
        if (!d->bids.empty() && !d->asks.empty())
          depth = d, top = nullptr, top_ms = ev.ts_event_ms;
      } else if (auto* tr = std::get_if<trade>(&ev.data)) {
        last = tr, trade_ms = ev.ts_event_ms;
      }
    }
  if (!top && !depth && !last)
    return nullptr;
  std::string key = market_prefix + b.symbol;
  json_out j;
  j.w().StartObject();
  j.str("type", "market").str("channel", key).str("symbol", b.symbol).i64("batch", b.seq);
  j.i64("events", static_cast<int64_t>(batch_size(b))).i64("ts_event_ms", last_ms).i64("server_ts_us", server_now_us());
  if (top)
    j.decimal("bid", top->bid_px.raw()).decimal("bid_qty", top->bid_qty.raw())
      .decimal("ask", top->ask_px.raw()).decimal("ask_qty", top->ask_qty.raw());
  else if (depth)
    j.decimal("bid", depth->bids[0].px.raw()).decimal("bid_qty", depth->bids[0].qty.raw())
      .decimal("ask", depth->asks[0].px.raw()).decimal("ask_qty", depth->asks[0].qty.raw());
  if (top || depth)
    j.i64("book_ts_ms", top_ms);
  if (last) {
    j.key("last_trade");
    j.w().StartObject();
    j.i64("id", last->trade_id).decimal("price", last->px.raw()).decimal("qty", last->qty.raw());
    j.str("aggressor", last->buyer_is_maker ? "sell" : "buy").i64("ts_event_ms", trade_ms);
    j.w().EndObject();
  }
  j.w().EndObject();
  return std::make_shared<const push_message>(push_message{key, j.text()});
}

std::vector<push_ptr> activity_messages(const session_activity& a) {
  std::vector<push_ptr> out;
  auto channel = session_key(a.session_id);
  auto message = [&](const char* type, const std::function<void(json_out&)>& item) {
    json_out j;
    j.w().StartObject();
    j.str("type", type).str("channel", channel).i64("session_id", a.session_id).key(type);
    j.w().StartObject();
    item(j);
    j.w().EndObject();
    j.w().EndObject();
    out.push_back(std::make_shared<const push_message>(push_message{"", j.text()}));
  };
  for (auto& d : a.decisions)
    message("decision", [&](json_out& j) {
      j.i64("ts_event_ms", d.ts_event_ms).str("rule", d.rule).str("inputs", d.inputs).str("action", d.action);
      if (d.order_id > 0)
        j.i64("order_id", d.order_id);
      else
        j.null("order_id");
    });
  for (auto& o : a.orders)
    message("order", [&](json_out& j) {
      j.i64("order_id", o.order_id).str("side", to_string(o.order_side)).str("type", to_string(o.type));
      write_request(j, o);
      j.decimal("qty", o.qty.raw()).str("status", to_string(o.status));
      if (o.reason == reject_reason::none)
        j.null("reject_reason");
      else
        j.str("reject_reason", to_string(o.reason));
      j.i64("updated_ms", o.ts_event_ms);
      if (o.report) {
        j.key("report");
        write_fill_report(j.w(), *o.report);
      }
    });
  for (auto& f : a.fills)
    message("fill", [&](json_out& j) {
      j.i64("fill_id", f.fill_id).i64("order_id", f.order_id).i64("ts_event_ms", f.ts_event_ms);
      j.str("side", to_string(f.fill_side)).decimal("price", f.px.raw()).decimal("qty", f.qty.raw());
      j.decimal("fee", f.fee.raw()).str("liquidity", to_string(f.role));
      if (f.reference_px.is_zero())
        j.null("reference_px");
      else
        j.decimal("reference_px", f.reference_px.raw());
    });
  return out;
}

push_ptr plain_message(const std::string& type, const std::function<void(json_out&)>& members) {
  json_out j;
  j.w().StartObject();
  j.str("type", type);
  if (members)
    members(j);
  j.w().EndObject();
  return std::make_shared<const push_message>(push_message{"", j.text()});
}

} // namespace pt
