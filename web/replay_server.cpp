// The Beast layer of the replay server: listener → http_session (REST, or upgrade) →
// websocket_session (the paced replay). Everything runs on one io_context thread.

#include "web/replay_server.hpp"

#include <utility> // before Asio (Boost 1.74)

#include <algorithm>
#include <chrono>
#include <csignal>
#include <deque>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <spdlog/spdlog.h>

#include "core/candle.hpp"
#include "web/replay_agg_trades.hpp"
#include "web/replay_api.hpp"
#include "web/replay_recording.hpp"

namespace pt {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using error_code = beast::error_code;

constexpr auto http_read_timeout = std::chrono::seconds(30);
constexpr size_t http_body_limit = 64 * 1024;
constexpr const char* server_name = "papertrader-replay";

/// What every session of one server shares (read-only once running).
struct server_state {
  replay_recording recording;
  kline_store klines;
  agg_trade_store agg_trades;
  int64_t clock_ms = 0; // the server's "now": the receive time of the recording's first message
  double speed = 1; ///< 0 = no pacing
  uint64_t next_connection_id = 1;
  /// `--live-clock`: when the replay started; connections join it where it is now.
  std::optional<std::chrono::steady_clock::time_point> live_start;

  /// The server's "now", ms since the epoch: the first message's receive time, moving on with the
  /// replay under `--live-clock`.
  int64_t now_ms() const {
    if (!live_start)
      return clock_ms;
    auto elapsed_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() -
                                                                           *live_start).count();
    return clock_ms + static_cast<int64_t>(static_cast<double>(elapsed_ns) * speed / 1e6);
  }
};

std::string endpoint_text(const tcp::socket& socket) {
  error_code ec;
  auto ep = socket.remote_endpoint(ec);
  return ec ? std::string("?") : ep.address().to_string() + ":" + std::to_string(ep.port());
}

/// One WebSocket client: replays the recording from its start, paced, for the streams it asked for.
class websocket_session : public std::enable_shared_from_this<websocket_session> {
public:
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

/// One HTTP connection: answers REST requests (keep-alive) or hands an upgrade to a websocket_session.
class http_session : public std::enable_shared_from_this<http_session> {
public:
  http_session(tcp::socket&& socket, std::shared_ptr<server_state> state, uint64_t id)
      : stream_(std::move(socket)), state_(std::move(state)), id_(id) {}

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

/// Accepts connections and starts an http_session for each.
class listener : public std::enable_shared_from_this<listener> {
public:
  listener(net::io_context& ioc, const tcp::endpoint& endpoint, std::shared_ptr<server_state> state)
      : acceptor_(ioc), state_(std::move(state)) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(net::socket_base::max_listen_connections);
  }

  tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }

  void run() { do_accept(); }

  void stop() {
    error_code ignored;
    acceptor_.close(ignored);
  }

private:
  void do_accept() {
    acceptor_.async_accept([self = shared_from_this()](error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted)
        return;
      if (ec) {
        spdlog::warn("accept failed: {}", ec.message());
      } else {
        auto id = self->state_->next_connection_id++;
        spdlog::info("connection {} from {}", id, endpoint_text(socket));
        std::make_shared<http_session>(std::move(socket), self->state_, id)->run();
      }
      self->do_accept();
    });
  }

  tcp::acceptor acceptor_;
  std::shared_ptr<server_state> state_;
};

} // namespace

int run_replay_server(const replay_server_options& options) {
  if (options.live_clock && options.speed <= 0)
    throw std::runtime_error("--live-clock needs a paced replay: give --speed N, not max");
  auto state = std::make_shared<server_state>();
  state->recording = replay_recording::load(options.data_path);
  state->speed = options.speed;
  const auto& rec = state->recording;
  state->clock_ms = rec.messages().front().receive_ns / 1'000'000;
  state->agg_trades = agg_trade_store::from_recording(rec);
  for (auto& path : options.klines_paths)
    state->klines.add_file(path);
  for (auto& [key, count] : state->klines.files())
    spdlog::info("klines: {} {} ({} rows) served on /api/v3/klines", key.first, format_timeframe(key.second), count);
  std::string streams;
  for (auto& s : rec.streams())
    streams += (streams.empty() ? "" : ", ") + s;
  spdlog::info("loaded {} message(s) of {} from {}; depth snapshot: {}", rec.messages().size(), streams,
               options.data_path, rec.depth_snapshot().empty() ? "none" : "yes");
  if (rec.skipped_lines() > 0)
    spdlog::warn("{} line(s) of {} were neither stream messages nor a depth snapshot", rec.skipped_lines(),
                 options.data_path);

  net::io_context ioc{1};
  // Signals are caught before the port is announced: a test may send one as soon as it reads it.
  net::signal_set signals(ioc, SIGINT, SIGTERM);
  error_code ec;
  auto address = net::ip::make_address(options.host, ec);
  if (ec)
    throw std::runtime_error("--host " + options.host + " is not an IP address: " + ec.message());
  std::shared_ptr<listener> server;
  try {
    server = std::make_shared<listener>(ioc, tcp::endpoint(address, options.port), state);
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error("cannot listen on " + options.host + ":" + std::to_string(options.port) + ": " +
                             e.code().message());
  }
  signals.async_wait([&](error_code wait_ec, int sig) {
    if (wait_ec)
      return;
    spdlog::info("signal {}: stopping the replay server", sig);
    server->stop();
    ioc.stop();
  });
  auto bound = server->local_endpoint();
  if (options.live_clock)
    state->live_start = std::chrono::steady_clock::now();
  server->run();
  if (options.speed > 0)
    spdlog::info("listening on {}:{} (speed {}x{})", bound.address().to_string(), bound.port(), options.speed,
                 options.live_clock ? ", live clock" : "");
  else
    spdlog::info("listening on {}:{} (speed max)", bound.address().to_string(), bound.port());
  ioc.run();
  return 0;
}

} // namespace pt
