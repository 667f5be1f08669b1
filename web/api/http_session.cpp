#include "web/api/http_session.hpp"

#include <chrono>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <spdlog/spdlog.h>

#include "web/api/websocket_session.hpp"
#include "web/api/ws_protocols.hpp"

namespace pt {

namespace {

constexpr auto read_timeout = std::chrono::seconds(30);
constexpr unsigned header_limit_bytes = 16 * 1024;
constexpr size_t drain_limit_bytes = 64 * 1024 * 1024;
constexpr const char* server_name = "papertrader";

std::string header(const http::request<http::string_body>& req, http::field f) {
  auto it = req.find(f);
  return it == req.end() ? std::string() : std::string(it->value());
}

} // namespace

api_http_session::api_http_session(tcp::socket&& socket, api_router& router, api_in_flight& in_flight,
                                   size_t body_limit, std::shared_ptr<push_registry> registry)
    : stream_(std::move(socket)), router_(router), in_flight_(in_flight), body_limit_(body_limit),
      registry_(std::move(registry)) {}

void api_http_session::run() {
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->do_read(); });
}

void api_http_session::do_read() {
  parser_.emplace();
  parser_->body_limit(body_limit_);
  parser_->header_limit(header_limit_bytes);
  stream_.expires_after(read_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](beast::error_code ec, size_t bytes) { self->on_read(ec, bytes); });
}

void api_http_session::on_read(beast::error_code ec, size_t) {
  head_ = parser_->is_header_done() && parser_->get().method() == http::verb::head;
  if (ec == http::error::end_of_stream || ec == net::error::eof || ec == net::error::connection_reset ||
      ec == beast::error::timeout || ec == net::error::operation_aborted) {
    close();
    return;
  }
  if (ec == http::error::body_limit) {
    send(json_error(413, "body_too_large", "the body is larger than " + std::to_string(body_limit_) + " bytes"),
         false);
    return;
  }
  if (ec == http::error::header_limit) {
    send(json_error(431, "headers_too_large", "the request headers are too large"), false);
    return;
  }
  if (ec) {
    send(json_error(400, "bad_request", "malformed HTTP request: " + ec.message()), false);
    return;
  }
  auto req = parser_->release();
  version_ = req.version();
  bool keep_alive = req.keep_alive();
  auto parsed = parse_target(std::string(req.target()));
  if (!parsed) {
    send(json_error(400, "bad_request", "malformed request target"), keep_alive);
    return;
  }
  parsed->method = std::string(req.method_string());
  parsed->body = std::move(req.body());
  parsed->content_type = header(req, http::field::content_type);
  parsed->authorization = header(req, http::field::authorization);
  parsed->origin = header(req, http::field::origin);
  if (parsed->path == std::string(api_prefix) + "/ws" && beast::websocket::is_upgrade(req) && registry_) {
    parsed->websocket_upgrade = true;
    // Browsers cannot set Authorization on a WebSocket: the token comes as a subprotocol
    // (web/api/ws_protocols.hpp), or, from older clients, as ?token= in the URL.
    auto offer = parse_ws_offer(header(req, http::field::sec_websocket_protocol));
    auto token = parsed->query.find("token");
    if (parsed->authorization.empty() && offer.token)
      parsed->authorization = "Bearer " + *offer.token;
    else if (parsed->authorization.empty() && token != parsed->query.end())
      parsed->authorization = "Bearer " + token->second;
    upgrade_ = std::move(req);
  }
  in_flight_.add();
  // The answer may come from a worker or an actor thread: it is posted back to this strand.
  router_.handle(std::move(*parsed), [self = shared_from_this(), keep_alive](api_response res) {
    auto executor = self->stream_.get_executor();
    net::post(executor, [self = std::move(self), res = std::move(res), keep_alive]() mutable {
      self->in_flight_.done();
      if (res.status == 101 && self->upgrade_) { // allowed: this connection is a WebSocket from now on
        auto ws = std::make_shared<api_ws_session>(self->stream_.release_socket(), self->registry_);
        ws->run(std::move(*self->upgrade_));
        return;
      }
      self->upgrade_.reset();
      self->send(std::move(res), keep_alive);
    });
  });
}

void api_http_session::send(api_response answer, bool keep_alive) {
  auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(answer.status), version_);
  res->set(http::field::server, server_name);
  if (!answer.content_type.empty())
    res->set(http::field::content_type, answer.content_type);
  res->set(http::field::cache_control, "no-store");
  for (auto& [name, value] : answer.headers)
    res->set(name, value);
  res->keep_alive(keep_alive);
  res->body() = std::move(answer.body);
  res->prepare_payload();
  // An answer to HEAD has no body (RFC 9110 9.3.2); Content-Length still says what GET would
  // send. Writing one would be read as the start of the next answer on a kept-alive connection.
  if (head_)
    res->body().clear();
  http::async_write(stream_, *res, [self = shared_from_this(), res](beast::error_code ec, size_t) {
    if (ec) {
      self->close();
      return;
    }
    if (res->need_eof()) {
      self->close();
      self->drain(0);
      return;
    }
    self->do_read();
  });
}

void api_http_session::drain(size_t total) {
  // After an early answer (413) the client may still be sending its body: read and drop it for
  // a bounded time and size, so that it reads our answer instead of a connection reset.
  if (total > drain_limit_bytes)
    return;
  stream_.expires_after(std::chrono::seconds(5));
  drain_buffer_.resize(64 * 1024);
  stream_.async_read_some(net::buffer(drain_buffer_),
                          [self = shared_from_this(), total](beast::error_code ec, size_t n) {
                            if (!ec)
                              self->drain(total + n);
                          });
}

void api_http_session::close() {
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

} // namespace pt
