#include "web/binance_stream_client.hpp"

#include <utility> // before Asio, as Boost 1.74 needs

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <mutex>
#include <random>
#include <stdexcept>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/binance_parse.hpp"
#include "actors/messages.hpp"
#include "web/base_url.hpp"

namespace pt {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

namespace {

// "/stream?streams=btcusdt@trade/btcusdt@bookTicker"
std::string combined_target(const stream_client_options& o) {
  std::string target = "/stream?streams=";
  bool first = true;
  for (auto symbol : o.symbols) {
    std::transform(symbol.begin(), symbol.end(), symbol.begin(), [](char c) { return static_cast<char>(std::tolower(c)); });
    for (auto& s : o.streams) {
      target += (first ? "" : "/") + symbol + "@" + s;
      first = false;
    }
  }
  return target;
}

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

} // namespace

struct connection_base {
  virtual ~connection_base() = default;
  virtual void start() = 0;
  virtual void close() = 0;
};

struct stream_client_impl {
  caf::actor_system& system;
  caf::actor broadcaster;
  stream_client_options options;
  base_url url;
  std::string target;
  net::io_context ioc;
  ssl::context tls{ssl::context::tls_client};
  net::steady_timer retry_timer{ioc};
  std::shared_ptr<connection_base> connection;
  std::mt19937_64 rng{std::random_device{}()};
  int attempt = 0;
  bool stopping = false;
  std::atomic<bool>* ended = nullptr;

  // Counters, read by health() from other threads.
  mutable std::mutex mutex;
  feed_health health;
  int64_t last_message_ms = -1;
  std::map<std::string, int64_t> error_kinds;
  int64_t last_event_ms = 0; // for bookTicker, which carries no time
  int64_t seq = 0;

  stream_client_impl(caf::actor_system& sys, caf::actor b, stream_client_options o)
    : system(sys), broadcaster(std::move(b)), options(std::move(o)) {}

  void set_state(const char* s) {
    std::lock_guard<std::mutex> lock(mutex);
    health.state = s;
  }

  void connect();
  void on_lost(const beast::error_code& ec, bool normal_close);

  void on_message(const std::string& text) {
    if (options.on_raw_message) {
      using namespace std::chrono;
      options.on_raw_message(duration_cast<nanoseconds>(system_clock::now().time_since_epoch()).count(), text);
    }
    auto out = parse_stream_message(text, last_event_ms);
    std::lock_guard<std::mutex> lock(mutex);
    ++health.messages;
    last_message_ms = now_ms();
    if (out.result == parse_outcome::status::skipped) {
      ++health.skipped;
      return;
    }
    if (out.result == parse_outcome::status::error || out.symbol.empty()) {
      ++health.parse_errors;
      if (error_kinds[out.what]++ == 0)
        spdlog::warn("binance stream: malformed message ({}: {}); counting and skipping messages like it", out.what,
                     out.detail);
      return;
    }
    ++health.events;
    market_batch batch;
    batch.symbol = out.symbol;
    batch.seq = ++seq;
    batch.events = std::make_shared<const std::vector<market_event>>(1, std::move(out.event));
    if (broadcaster)
      caf::anon_send(broadcaster, std::move(batch));
  }
};

namespace {

// One connection attempt and its read loop, over a plain or a TLS stream.
template <bool Tls>
class ws_connection : public connection_base, public std::enable_shared_from_this<ws_connection<Tls>> {
public:
  using next_layer = std::conditional_t<Tls, beast::ssl_stream<beast::tcp_stream>, beast::tcp_stream>;

  explicit ws_connection(stream_client_impl& owner) : owner_(owner), resolver_(owner.ioc), ws_(make_stream()) {}

  void start() override {
    auto self = this->shared_from_this();
    resolver_.async_resolve(owner_.url.host, owner_.url.port,
                            [self](beast::error_code ec, tcp::resolver::results_type results) {
                              if (ec)
                                return self->fail(ec);
                              self->on_resolved(results);
                            });
  }

  void close() override {
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

private:
  websocket::stream<next_layer> make_stream() {
    if constexpr (Tls)
      return websocket::stream<next_layer>(owner_.ioc, owner_.tls);
    else
      return websocket::stream<next_layer>(owner_.ioc);
  }

  void fail(const beast::error_code& ec, bool normal_close = false) { owner_.on_lost(ec, normal_close); }

  void on_resolved(const tcp::resolver::results_type& results) {
    auto self = this->shared_from_this();
    beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(30));
    beast::get_lowest_layer(ws_).async_connect(results, [self](beast::error_code ec, tcp::endpoint) {
      if (ec)
        return self->fail(ec);
      if constexpr (Tls) {
        // SNI, then verify the certificate chain and the host name.
        if (!SSL_set_tlsext_host_name(self->ws_.next_layer().native_handle(), self->owner_.url.host.c_str()))
          return self->fail(beast::error_code(static_cast<int>(::ERR_get_error()), net::error::get_ssl_category()));
        self->ws_.next_layer().set_verify_callback(ssl::host_name_verification(self->owner_.url.host));
        self->ws_.next_layer().async_handshake(ssl::stream_base::client, [self](beast::error_code ec2) {
          if (ec2)
            return self->fail(ec2);
          self->websocket_handshake();
        });
      } else {
        self->websocket_handshake();
      }
    });
  }

  void websocket_handshake() {
    auto self = this->shared_from_this();
    beast::get_lowest_layer(ws_).expires_never(); // the websocket keeps its own timeouts
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    ws_.async_handshake(owner_.url.host + ":" + owner_.url.port, owner_.target, [self](beast::error_code ec) {
      if (ec)
        return self->fail(ec);
      self->owner_.attempt = 0;
      self->owner_.set_state("connected");
      spdlog::info("binance stream: connected to {}{}", self->owner_.options.base_url, self->owner_.target);
      self->read();
    });
  }

  void read() {
    auto self = this->shared_from_this();
    ws_.async_read(buffer_, [self](beast::error_code ec, std::size_t) {
      if (ec)
        return self->fail(ec, ec == websocket::error::closed &&
                                  self->ws_.reason().code == websocket::close_code::normal);
      self->owner_.on_message(beast::buffers_to_string(self->buffer_.data()));
      self->buffer_.consume(self->buffer_.size());
      self->read();
    });
  }

  stream_client_impl& owner_;
  tcp::resolver resolver_;
  websocket::stream<next_layer> ws_;
  beast::flat_buffer buffer_;
};

} // namespace

void stream_client_impl::connect() {
  if (stopping)
    return;
  set_state(attempt == 0 ? "connecting" : "reconnecting");
  if (url.tls)
    connection = std::make_shared<ws_connection<true>>(*this);
  else
    connection = std::make_shared<ws_connection<false>>(*this);
  connection->start();
}

void stream_client_impl::on_lost(const beast::error_code& ec, bool normal_close) {
  if (stopping)
    return;
  if (normal_close && options.end_on_normal_close) {
    set_state("ended");
    spdlog::info("binance stream: the server closed the stream normally; the feed ends");
    if (broadcaster)
      caf::anon_send(broadcaster, end_data_atom::value);
    ended->store(true);
    return;
  }
  ++attempt;
  {
    std::lock_guard<std::mutex> lock(mutex);
    ++health.reconnects;
  }
  int64_t cap = options.backoff_max_ms;
  int64_t delay = std::min<int64_t>(cap, static_cast<int64_t>(options.backoff_initial_ms) << std::min(attempt - 1, 16));
  // Full jitter in [delay/2, delay], so many clients do not reconnect in step.
  delay = std::uniform_int_distribution<int64_t>(delay / 2, delay)(rng);
  spdlog::warn("binance stream: {} ({}); reconnecting in {} ms (attempt {})", options.base_url,
               normal_close ? "closed by the server" : ec.message(), delay, attempt);
  set_state("reconnecting");
  retry_timer.expires_after(std::chrono::milliseconds(delay));
  retry_timer.async_wait([this](beast::error_code wait_ec) {
    if (!wait_ec)
      connect();
  });
}

binance_stream_client::binance_stream_client(caf::actor_system& system, caf::actor broadcaster,
                                             stream_client_options options)
  : impl_(std::make_unique<stream_client_impl>(system, std::move(broadcaster), std::move(options))) {
  impl_->ended = &ended_;
}

binance_stream_client::~binance_stream_client() { stop(); }

void binance_stream_client::start() {
  auto& i = *impl_;
  i.url = parse_base_url(i.options.base_url, "ws", "wss");
  if (i.options.symbols.empty())
    throw std::invalid_argument("the live feed needs at least one symbol (no session names one)");
  i.target = combined_target(i.options);
  if (i.url.tls) {
    i.tls.set_default_verify_paths();
    i.tls.set_verify_mode(ssl::verify_peer);
  }
  net::post(i.ioc, [&i] { i.connect(); });
  thread_ = std::thread([&i] { i.ioc.run(); });
}

void binance_stream_client::stop() {
  if (!thread_.joinable())
    return;
  net::post(impl_->ioc, [this] {
    impl_->stopping = true;
    impl_->retry_timer.cancel();
    if (impl_->connection)
      impl_->connection->close();
    impl_->set_state("stopped");
  });
  impl_->ioc.stop();
  thread_.join();
}

feed_health binance_stream_client::health() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  feed_health h = impl_->health;
  h.last_message_age_ms = impl_->last_message_ms < 0 ? -1 : now_ms() - impl_->last_message_ms;
  return h;
}

} // namespace pt
