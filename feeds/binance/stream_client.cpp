#include "feeds/binance/stream_client.hpp"

#include <utility> // before Asio, as Boost 1.74 needs

#include <chrono>
#include <stdexcept>

#include "feeds/binance/parse.hpp"
#include "core/symbol.hpp"
#include "feeds/binance/stream_connection.hpp"
#include "feeds/binance/stream_requests.hpp"

namespace pt {

namespace {

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

int64_t now_ns() {
  using namespace std::chrono;
  return duration_cast<nanoseconds>(system_clock::now().time_since_epoch()).count();
}

} // namespace

void stream_client_impl::connect() {
  if (stopping)
    return;
  if (symbols.empty()) {
    set_state("idle"); // connects again when a symbol is added
    connection.reset();
    return;
  }
  set_state(attempt == 0 ? "connecting" : "reconnecting");
  auto target = combined_stream_target(symbols, options.streams);
  if (url.tls)
    connection = std::make_shared<ws_connection<true>>(*this, target);
  else
    connection = std::make_shared<ws_connection<false>>(*this, target);
  connection->start();
}

void stream_client_impl::on_connected() {
  attempt = 0;
  connected = true;
  // A new connection's diffs start where the server starts them: every book starts over from a
  // new snapshot, and snapshots asked for on the old connection are dropped when they arrive.
  ++generation;
  if (fetcher)
    fetcher->drop_before(generation);
  books.reset_all();
  fetching.clear();
  if (options.on_connection)
    options.on_connection(now_ns());
  {
    std::lock_guard<std::mutex> lock(mutex);
    health.state = "connected";
    last_message_ms = now_ms(); // "stale" counts from the connection, not from an older one's last message
  }
  update_book_counters();
}

void stream_client_impl::on_lost(const beast::error_code& ec, bool normal_close) {
  bool was_open = connected;
  connected = false;
  if (stopping)
    return;
  books.reset_all(); // without the connection the books fall behind: not in sync until resynced
  ++generation;      // and snapshots asked for on it are dropped when they arrive
  if (fetcher)
    fetcher->drop_before(generation);
  fetching.clear();
  update_book_counters();
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
  int64_t delay = backoff_ms(attempt);
  spdlog::warn("binance stream: {} {} ({}); reconnecting in {} ms (attempt {})",
               was_open ? "lost the connection to" : "cannot connect to", options.base_url,
               normal_close ? "closed by the server" : ec.message(), delay, attempt);
  set_state("reconnecting");
  retry_timer_pending = true;
  retry_timer.expires_after(std::chrono::milliseconds(delay));
  retry_timer.async_wait([this](beast::error_code wait_ec) {
    retry_timer_pending = false;
    if (!wait_ec)
      connect();
  });
}

void stream_client_impl::on_message(const std::string& text) {
  if (options.on_raw_message)
    options.on_raw_message(now_ns(), text);
  auto out = parse_stream_message(text, last_event_ms);
  {
    std::lock_guard<std::mutex> lock(mutex);
    ++health.messages;
    last_message_ms = now_ms();
    rate.add(last_message_ms, 1);
    if (out.result == parse_outcome::status::error || (out.result == parse_outcome::status::event && out.symbol.empty())) {
      count_error(out.result == parse_outcome::status::error ? out.what : "message without symbol", out.detail);
      return;
    }
    if (out.result == parse_outcome::status::skipped && out.what != "depth update") {
      ++health.skipped;
      return;
    }
  }
  if (out.result == parse_outcome::status::skipped)
    on_depth(text, out.symbol);
  else
    deliver(out.symbol, std::move(out.event));
}

void stream_client_impl::on_depth(const std::string& text, const std::string& symbol) {
  if (std::find(symbols.begin(), symbols.end(), symbol) == symbols.end()) {
    std::lock_guard<std::mutex> lock(mutex);
    ++health.skipped; // a symbol just unsubscribed: its last diffs may still arrive
    return;
  }
  auto step = books.on_diff_message(text, symbol, last_event_ms);
  if (!step.error.empty()) {
    std::lock_guard<std::mutex> lock(mutex);
    count_error("bad depth update", step.error);
    return;
  }
  if (step.event) {
    deliver(symbol, std::move(*step.event)); // the top, or an empty one on a gap
  } else {
    std::lock_guard<std::mutex> lock(mutex);
    ++health.skipped; // buffered until the book has its snapshot
  }
  const l2_book* book = books.find(symbol);
  if (!book || !book->needs_snapshot())
    return;
  if (book->gaps() > gaps_logged[symbol]) {
    gaps_logged[symbol] = book->gaps();
    spdlog::warn("binance stream: {} depth diffs do not follow each other (gap {}); resynchronising its book from a "
                 "new snapshot",
                 symbol, book->gaps());
    update_book_counters();
  }
  if (book->has_buffered() && !fetching.count(symbol))
    request_snapshot(symbol, 0);
}

void stream_client_impl::request_snapshot(const std::string& symbol, int64_t delay_ms) {
  if (!fetcher)
    return; // no REST URL: books stay unsynced
  fetching.insert(symbol);
  fetcher->fetch(symbol, generation, delay_ms);
}

void stream_client_impl::on_snapshot(int64_t gen, const std::string& symbol, const std::string& body,
                                     const std::string& error) {
  if (stopping)
    return;
  if (gen != generation)
    return; // asked for on an older connection (or before an unsubscribe); a new request follows
  fetching.erase(symbol);
  const l2_book* book = books.find(symbol);
  if (!connected || std::find(symbols.begin(), symbols.end(), symbol) == symbols.end() || !book ||
      !book->needs_snapshot())
    return;
  auto retry = [&](const std::string& why) {
    int tries = ++snapshot_tries[symbol];
    int64_t delay = backoff_ms(tries);
    {
      std::lock_guard<std::mutex> lock(mutex);
      ++health.snapshot_failures;
    }
    spdlog::warn("binance stream: {} depth snapshot: {}; asking again in {} ms (attempt {})", symbol, why, delay, tries);
    request_snapshot(symbol, delay);
  };
  if (!error.empty())
    return retry(error);
  if (options.on_raw_message)
    options.on_raw_message(now_ns(), body); // a recording carries its snapshots, as Binance recordings do
  auto step = books.on_snapshot_message(body, last_event_ms, symbol);
  if (!step.error.empty())
    return retry("malformed answer (" + step.error + ")");
  if (!step.event)
    return retry("older than the diffs buffered since");
  book = books.find(symbol);
  snapshot_tries[symbol] = 0;
  const auto& top = std::get<book_depth>(step.event->data);
  spdlog::info("binance stream: {} order book in sync at update id {} (sync {})", symbol, top.update_id,
               book->syncs());
  update_book_counters();
  deliver(symbol, std::move(*step.event));
}

void stream_client_impl::add(const std::string& symbol) {
  if (stopping || std::find(symbols.begin(), symbols.end(), symbol) != symbols.end())
    return;
  if (!is_exchange_symbol(symbol)) {
    // Its stream names would go into the connection's URL and fail every reconnect, freezing
    // every symbol's data: it is never subscribed.
    spdlog::error("binance stream: '{}' is not an exchange symbol; not subscribing to it", symbol);
    return;
  }
  symbols.push_back(symbol);
  update_book_counters();
  spdlog::info("binance stream: subscribing to {}", symbol);
  if (!connection && !retry_timer_pending) {
    connect(); // idle: nothing was subscribed; the new connection names the symbol
    return;
  }
  queue_request(symbol, true);
}

void stream_client_impl::remove(const std::string& symbol) {
  auto it = std::find(symbols.begin(), symbols.end(), symbol);
  if (stopping || it == symbols.end())
    return;
  symbols.erase(it);
  books.drop(symbol);
  fetching.erase(symbol);
  snapshot_tries.erase(symbol);
  ++generation; // a snapshot in flight for it must not land on a later subscription's book
  if (fetcher)
    fetcher->drop_before(generation);
  fetching.clear();
  update_book_counters();
  spdlog::info("binance stream: unsubscribing from {}", symbol);
  if (connection)
    queue_request(symbol, false);
}

void stream_client_impl::queue_request(const std::string& symbol, bool subscribe) {
  auto& same = subscribe ? to_subscribe : to_unsubscribe;
  auto& other = subscribe ? to_unsubscribe : to_subscribe;
  auto undone = std::find(other.begin(), other.end(), symbol);
  if (undone != other.end())
    other.erase(undone); // added and removed again within one window: both cancel out
  else
    same.push_back(symbol);
  if (request_timer_armed)
    return;
  // Binance closes a connection that sends more than 5 messages a second: requests of a window
  // go out together, one SUBSCRIBE and one UNSUBSCRIBE at most.
  request_timer_armed = true;
  request_timer.expires_after(std::chrono::milliseconds(request_window_ms));
  request_timer.async_wait([this](boost::beast::error_code ec) {
    request_timer_armed = false;
    if (ec || stopping || !connection)
      return;
    for (auto [method, list] : {std::pair{"SUBSCRIBE", &to_subscribe}, std::pair{"UNSUBSCRIBE", &to_unsubscribe}}) {
      std::vector<std::string> names;
      for (auto& sym : *list)
        for (auto& n : stream_names(sym, options.streams))
          names.push_back(n);
      list->clear();
      if (!names.empty())
        connection->send(subscription_request(method, names, ++request_id));
    }
  });
}

binance_stream_client::binance_stream_client(caf::actor_system& system, market_sink_actor broadcaster,
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
  for (auto& s : i.options.symbols) {
    if (!is_exchange_symbol(s)) {
      spdlog::error("binance stream: '{}' is not an exchange symbol; not subscribing to it", s);
      continue;
    }
    if (std::find(i.symbols.begin(), i.symbols.end(), s) == i.symbols.end())
      i.symbols.push_back(s);
  }
  if (!i.options.rest_url.empty()) {
    i.fetcher = std::make_unique<snapshot_fetcher>(
      i.options.rest_url, i.options.depth_limit,
      [&i](const std::string& symbol, int64_t gen, const std::string& body, const std::string& error) {
        net::post(i.ioc, [&i, symbol, gen, body, error] { i.on_snapshot(gen, symbol, body, error); });
      });
  }
  if (i.url.tls) {
    i.tls.set_default_verify_paths();
    i.tls.set_verify_mode(ssl::verify_peer);
  }
  i.update_book_counters();
  i.work.emplace(i.ioc.get_executor()); // the I/O thread runs until stop(), idle or not
  net::post(i.ioc, [&i] { i.connect(); });
  thread_ = std::thread([&i] { i.ioc.run(); });
}

void binance_stream_client::stop() {
  if (!thread_.joinable())
    return;
  if (impl_->fetcher)
    impl_->fetcher->stop(); // no more snapshot answers posted
  // Close and stop on the I/O thread, in that order: stopping the io_context from here could
  // drop the close before it ran.
  net::post(impl_->ioc, [this] {
    impl_->stopping = true;
    impl_->retry_timer.cancel();
    impl_->request_timer.cancel();
    if (impl_->connection)
      impl_->connection->close();
    impl_->set_state("stopped");
    impl_->work.reset();
    impl_->ioc.stop();
  });
  thread_.join();
}

void binance_stream_client::add_symbol(const std::string& symbol) {
  net::post(impl_->ioc, [this, symbol] { impl_->add(symbol); });
}

void binance_stream_client::remove_symbol(const std::string& symbol) {
  net::post(impl_->ioc, [this, symbol] { impl_->remove(symbol); });
}

feed_health binance_stream_client::health() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  feed_health h = impl_->health;
  int64_t now = now_ms();
  h.last_message_age_ms = impl_->last_message_ms < 0 ? -1 : now - impl_->last_message_ms;
  h.messages_per_s = impl_->rate.per_second(now);
  int64_t quiet_ms = h.last_message_age_ms;
  if (h.state == "connected" && quiet_ms > impl_->options.stale_after_ms)
    h.state = "stale";
  return h;
}

} // namespace pt
