#pragma once

// The replay server's WebSocket role: one client of `/stream`, replayed the recording, paced.

#include <utility> // before Asio (Boost 1.74)

#include <algorithm>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include "replay_server/state.hpp"

namespace pt::replay {

/// One WebSocket client: replays the recording from its start, paced, for the streams it asked for.
class websocket_session : public std::enable_shared_from_this<websocket_session> {
public:
  /// Takes the socket of an HTTP connection that asked for an upgrade; `id` numbers it in the log.
  websocket_session(tcp::socket&& socket, std::shared_ptr<server_state> state, uint64_t id)
      : ws_(std::move(socket)), timer_(ws_.get_executor()), state_(std::move(state)), id_(id),
        subscribed_(state_->recording.streams().size(), false) {}

  /// Answers the upgrade request, then subscribes to `streams` and starts when there are any.
  void run(http::request<http::string_body> req, std::vector<std::string> streams) {
    beast::get_lowest_layer(ws_).expires_never(); // the websocket stream has its own timeouts
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(http::field::server, server_name); }));
    ws_.text(true);
    ws_.async_accept(req, [self = shared_from_this(), streams = std::move(streams)](error_code ec) mutable {
      self->on_accept(ec, std::move(streams));
    });
  }

private:
  void on_accept(error_code ec, std::vector<std::string> streams) {
    if (ec) {
      spdlog::warn("connection {}: websocket handshake failed: {}", id_, ec.message());
      return;
    }
    subscribe(streams);
    do_read();
    pump();
  }

  void subscribe(const std::vector<std::string>& streams) {
    for (auto& name : streams) {
      if (std::find(names_.begin(), names_.end(), name) == names_.end())
        names_.push_back(name);
      if (auto i = state_->recording.stream_index(name))
        subscribed_[*i] = true;
      else
        spdlog::warn("connection {}: {} is not in the recording; nothing will be sent for it", id_, name);
    }
    if (!started_ && !names_.empty()) {
      started_ = true;
      start_ = std::chrono::steady_clock::now();
      if (state_->live_start) {
        // One replay for everybody: this connection joins it at the message due now.
        start_ = *state_->live_start;
        const auto& messages = state_->recording.messages();
        auto now = std::chrono::steady_clock::now();
        while (cursor_ < messages.size() &&
               start_ + std::chrono::nanoseconds(static_cast<int64_t>(
                          static_cast<double>(messages[cursor_].receive_ns - messages.front().receive_ns) /
                          state_->speed)) < now)
          ++cursor_;
        spdlog::info("connection {}: joins the replay at message {} of {}", id_, cursor_, messages.size());
      }
    }
  }

  void unsubscribe(const std::vector<std::string>& streams) {
    for (auto& name : streams) {
      names_.erase(std::remove(names_.begin(), names_.end(), name), names_.end());
      if (auto i = state_->recording.stream_index(name))
        subscribed_[*i] = false;
    }
  }

  void do_read() {
    ws_.async_read(read_buffer_, [self = shared_from_this()](error_code ec, size_t) { self->on_read(ec); });
  }

  void on_read(error_code ec) {
    if (ec) {
      if (ec == websocket::error::closed)
        spdlog::info("connection {}: closed after {} message(s)", id_, sent_);
      else if (!closing_)
        spdlog::info("connection {}: ended after {} message(s): {}", id_, sent_, ec.message());
      stop();
      return;
    }
    auto text = beast::buffers_to_string(read_buffer_.data());
    read_buffer_.consume(read_buffer_.size());
    auto outcome = answer_ws_request(text, names_);
    subscribe(outcome.subscribe);
    unsubscribe(outcome.unsubscribe);
    replies_.push_back(std::move(outcome.reply));
    pump();
    do_read();
  }

  void stop() {
    stopped_ = true;
    timer_.cancel();
  }

  // Sends the next thing due: a pending reply first, then the next recorded message of a
  // subscribed stream once its (scaled) receive time has come; closes at the end of the data.
  // One write at a time: each completion calls pump again.
  void pump() {
    if (stopped_ || writing_ || closing_)
      return;
    if (!replies_.empty()) {
      reply_ = std::move(replies_.front());
      replies_.pop_front();
      write(reply_);
      return;
    }
    if (!started_)
      return;
    const auto& messages = state_->recording.messages();
    auto now = std::chrono::steady_clock::now();
    while (cursor_ < messages.size()) {
      const auto& m = messages[cursor_];
      if (state_->speed > 0) {
        auto offset_ns = static_cast<double>(m.receive_ns - messages.front().receive_ns) / state_->speed;
        auto due = start_ + std::chrono::nanoseconds(static_cast<int64_t>(offset_ns));
        if (due > now) {
          wait_until(due);
          return;
        }
      }
      ++cursor_;
      if (subscribed_[m.stream]) {
        ++sent_;
        write(m.json);
        return;
      }
    }
    closing_ = true;
    spdlog::info("connection {}: end of data after {} message(s); closing (1000)", id_, sent_);
    ws_.async_close(websocket::close_code::normal, [self = shared_from_this()](error_code ec) {
      if (ec && ec != net::error::operation_aborted)
        spdlog::debug("connection {}: close: {}", self->id_, ec.message());
    });
  }

  void write(const std::string& text) {
    writing_ = true;
    ws_.async_write(net::buffer(text), [self = shared_from_this()](error_code ec, size_t) {
      self->writing_ = false;
      if (ec) {
        spdlog::info("connection {}: write failed after {} message(s): {}", self->id_, self->sent_, ec.message());
        self->stop();
        return;
      }
      self->pump();
    });
  }

  void wait_until(std::chrono::steady_clock::time_point due) {
    if (timer_armed_)
      return;
    timer_armed_ = true;
    timer_.expires_at(due);
    timer_.async_wait([self = shared_from_this()](error_code ec) {
      self->timer_armed_ = false;
      if (!ec)
        self->pump();
    });
  }

  websocket::stream<beast::tcp_stream> ws_;
  net::steady_timer timer_;
  std::shared_ptr<server_state> state_;
  uint64_t id_;
  std::vector<bool> subscribed_;  // by recording stream index
  std::vector<std::string> names_; // as the client asked, in order (LIST_SUBSCRIPTIONS)
  beast::flat_buffer read_buffer_;
  std::deque<std::string> replies_;
  std::string reply_; // the reply being written
  size_t cursor_ = 0;
  int64_t sent_ = 0;
  std::chrono::steady_clock::time_point start_;
  bool started_ = false;
  bool writing_ = false;
  bool closing_ = false;
  bool stopped_ = false;
  bool timer_armed_ = false;
};

} // namespace pt::replay
