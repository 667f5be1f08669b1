// A WebSocket client of the push endpoint: client commands in, stamped push messages out, one
// write at a time from a bounded coalescing queue (web/api/websocket_session.hpp, docs/api.md).

#include "web/api/websocket_session.hpp"

#include <chrono>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "web/api/ws_command.hpp"
#include "web/api/ws_protocols.hpp"

namespace pt {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;

namespace {

constexpr size_t read_limit_bytes = 64 * 1024;

push_ptr error_message(const std::string& code, const std::string& message) {
  return plain_message("error", [&](json_out& j) {
    j.key("error");
    j.w().StartObject();
    j.str("code", code).str("message", message);
    j.w().EndObject();
  });
}

} // namespace

api_ws_session::api_ws_session(net::ip::tcp::socket&& socket, std::shared_ptr<push_registry> registry)
    : ws_(std::move(socket)), registry_(std::move(registry)), heartbeat_(ws_.get_executor()) {}

void api_ws_session::run(http::request<http::string_body> req) {
  beast::get_lowest_layer(ws_).expires_never();
  ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  // A browser that offered subprotocols refuses an answer that selects none of them.
  auto offer_text = req[http::field::sec_websocket_protocol];
  bool offered = parse_ws_offer(std::string_view(offer_text.data(), offer_text.size())).protocol;
  ws_.set_option(websocket::stream_base::decorator([offered](websocket::response_type& res) {
    res.set(http::field::server, "papertrader");
    if (offered)
      res.set(http::field::sec_websocket_protocol, std::string(ws_protocol));
  }));
  ws_.read_message_max(read_limit_bytes);
  upgrade_ = std::move(req);
  ws_.async_accept(upgrade_, [self = shared_from_this()](beast::error_code ec) { self->on_accept(ec); });
}

void api_ws_session::on_accept(beast::error_code ec) {
  if (ec) {
    spdlog::debug("api ws: accept failed: {}", ec.message());
    return;
  }
  open_ = true;
  ws_.text(true);
  client_ = registry_->add(weak_from_this());
  enqueue(plain_message("status", [](json_out& j) {
    j.str("state", "connected").i64("heartbeat_s", ws_heartbeat_s).i64("queue_limit", ws_queue_limit);
    j.key("channels");
    j.w().StartArray();
    j.w().EndArray();
  }));
  arm_heartbeat();
  do_read();
}

void api_ws_session::do_read() {
  ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, size_t n) { self->on_read(ec, n); });
}

void api_ws_session::on_read(beast::error_code ec, size_t) {
  if (ec) {
    close_down();
    return;
  }
  auto text = beast::buffers_to_string(buffer_.data());
  buffer_.consume(buffer_.size());
  try {
    handle(text);
  } catch (const std::exception& e) { // never out of a handler: the client hears of it instead
    enqueue(error_message("internal", e.what()));
  }
  do_read();
}

void api_ws_session::handle(const std::string& text) {
  auto command = read_ws_command(text, [](const std::string& c) { return valid_channel(c); });
  for (auto& e : command.errors)
    enqueue(error_message(e.code, e.message));
  if (command.op.empty())
    return;
  if (command.op == "ping") {
    enqueue(plain_message("pong"));
    return;
  }
  const auto& op = command.op;
  const auto& valid = command.channels;
  for (auto& name : valid)
    op == "subscribe" ? registry_->subscribe(client_, name) : registry_->unsubscribe(client_, name);
  // Ahead of the current summaries a subscribe delivers (those are posted to this strand).
  auto after = registry_->channels(client_);
  enqueue(plain_message("status", [&](json_out& j) {
    j.str("state", op == "subscribe" ? "subscribed" : "unsubscribed");
    j.key("channels");
    j.w().StartArray();
    for (auto& c : after)
      j.w().String(c.c_str(), static_cast<rapidjson::SizeType>(c.size()));
    j.w().EndArray();
  }));
}

void api_ws_session::deliver(push_ptr m) {
  net::post(ws_.get_executor(), [self = shared_from_this(), m = std::move(m)]() mutable {
    self->enqueue(std::move(m));
  });
}

void api_ws_session::enqueue(push_ptr m) {
  if (!open_ || closed_)
    return;
  queue_.push(std::move(m));
  if (!busy_)
    do_write();
}

void api_ws_session::do_write() {
  auto m = queue_.pop();
  if (!m) {
    busy_ = false;
    return;
  }
  busy_ = true;
  writing_ = stamp_seq(*m, ++seq_);
  ws_.async_write(net::buffer(writing_),
                  [self = shared_from_this()](beast::error_code ec, size_t n) { self->on_write(ec, n); });
}

void api_ws_session::on_write(beast::error_code ec, size_t) {
  if (ec) {
    close_down();
    return;
  }
  do_write();
}

void api_ws_session::arm_heartbeat() {
  heartbeat_.expires_after(std::chrono::seconds(ws_heartbeat_s));
  heartbeat_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || self->closed_)
      return;
    auto dropped = self->queue_.dropped(), coalesced = self->queue_.coalesced();
    self->enqueue(plain_message("heartbeat", [&](json_out& j) { j.i64("dropped", dropped).i64("coalesced", coalesced); }));
    self->arm_heartbeat();
  });
}

void api_ws_session::close_down() {
  if (closed_)
    return;
  closed_ = true;
  busy_ = false;
  registry_->remove(client_);
  beast::error_code ignored;
  heartbeat_.cancel(ignored);
}

} // namespace pt
