#pragma once

// The replay server's HTTP role: one connection answering Binance's REST routes (keep-alive), or
// handing a `/stream` upgrade to a websocket_session.

#include <utility> // before Asio (Boost 1.74)

#include <memory>
#include <optional>
#include <string>

#include <spdlog/spdlog.h>

#include "replay_server/state.hpp"
#include "replay_server/websocket_session.hpp"

namespace pt::replay {

/// One HTTP connection: answers REST requests (keep-alive) or hands an upgrade to a websocket_session.
class http_session : public std::enable_shared_from_this<http_session> {
public:
  /// Takes an accepted socket; `id` numbers the connection in the log.
  http_session(tcp::socket&& socket, std::shared_ptr<server_state> state, uint64_t id)
      : stream_(std::move(socket)), state_(std::move(state)), id_(id) {}

  /// Starts reading requests; the session keeps itself alive until the connection closes.
  void run() { do_read(); }

private:
  void do_read() {
    parser_.emplace();
    parser_->body_limit(http_body_limit);
    stream_.expires_after(http_read_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](error_code ec, size_t) { self->on_read(ec); });
  }

  void on_read(error_code ec) {
    if (ec == http::error::end_of_stream || ec == net::error::eof || ec == net::error::connection_reset ||
        ec == beast::error::timeout || ec == net::error::operation_aborted) {
      close();
      return;
    }
    if (ec) {
      spdlog::info("connection {}: bad HTTP request: {}", id_, ec.message());
      http_answer bad{400, R"({"code":-1,"msg":"Bad request."})"};
      send(bad, 11, false);
      return;
    }
    auto req = parser_->release();
    std::string target(req.target());
    if (websocket::is_upgrade(req) && path_of_target(target) == "/stream") {
      spdlog::info("connection {}: websocket {}", id_, target);
      std::make_shared<websocket_session>(stream_.release_socket(), state_, id_)
        ->run(std::move(req), streams_of_target(target));
      return;
    }
    http_answer answer;
    if (path_of_target(target) == "/api/v3/aggTrades")
      answer = req.method() != http::verb::get
                 ? http_answer{405, binance_error_body(-1, "Method not allowed.")}
                 : answer_agg_trades(state_->recording, state_->agg_trades, target,
                                     state_->live_start ? std::optional<int64_t>(state_->now_ms()) : std::nullopt);
    else
      answer = answer_rest(state_->recording, std::string(req.method_string()), target, state_->now_ms(),
                           &state_->klines);
    spdlog::debug("connection {}: {} {} → {}", id_, std::string(req.method_string()), target, answer.status);
    send(answer, req.version(), req.keep_alive());
  }

  void send(const http_answer& answer, unsigned version, bool keep_alive) {
    auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(answer.status), version);
    res->set(http::field::server, server_name);
    res->set(http::field::content_type, "application/json;charset=UTF-8");
    res->keep_alive(keep_alive);
    res->body() = answer.body;
    res->prepare_payload();
    http::async_write(stream_, *res, [self = shared_from_this(), res](error_code ec, size_t) {
      if (ec || res->need_eof()) {
        self->close();
        return;
      }
      self->do_read();
    });
  }

  void close() {
    error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<server_state> state_;
  uint64_t id_;
};

} // namespace pt::replay
