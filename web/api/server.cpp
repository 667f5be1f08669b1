// The API server: an acceptor (web/http/listener.hpp) on its own io_context thread(s); each
// connection gets its own strand (web/api/http_session.cpp), the router does the rest.

#include "web/api/http_session.hpp"

#include <charconv>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include <boost/asio/strand.hpp>
#include <spdlog/spdlog.h>

#include "web/api/push.hpp"
#include "web/api/server.hpp"
#include "web/http/listener.hpp"

namespace pt {

/// The parts of a running server.
struct api_server_impl {
  api_options options;
  api_router router;
  net::io_context ioc;
  api_in_flight in_flight;
  std::shared_ptr<tcp_listener> listener;
  std::vector<std::thread> threads;
  uint16_t port = 0;
  bool stopped = false;
  caf::actor_system& system;
  supervisor_actor supervisor;
  broadcaster_actor broadcaster;
  std::shared_ptr<push_registry> registry; ///< WebSocket clients (`GET /api/v1/ws`)
  caf::actor hub;                          ///< feeds `registry`

  api_server_impl(api_options o, api_services s, caf::actor_system& sys, broadcaster_actor b)
      : options(o), router(std::move(o), s, sys, b), ioc(std::max(1, options.io_threads)), system(sys),
        supervisor(s.supervisor), broadcaster(std::move(b)) {}
};

api_server::api_server(api_options options, api_services services, caf::actor_system& system,
                       broadcaster_actor broadcaster)
    : impl_(std::make_unique<api_server_impl>(std::move(options), std::move(services), system, std::move(broadcaster))) {}

api_server::~api_server() { stop(); }

void api_server::start() {
  auto& o = impl_->options;
  beast::error_code ec;
  auto address = net::ip::make_address(o.host, ec);
  if (ec)
    throw std::runtime_error("api: listen address " + o.host + " is not an IP address: " + ec.message());
  try {
    // The hub is told of market channels' demand through its mailbox, in the order it changes.
    auto hub = std::make_shared<caf::actor>();
    impl_->registry = std::make_shared<push_registry>([hub](const std::string& symbol, bool wanted) {
      if (!*hub)
        return;
      if (wanted)
        caf::anon_send(*hub, subscribe_atom::value, symbol);
      else
        caf::anon_send(*hub, unsub_atom::value, symbol);
    });
    *hub = impl_->system.spawn(push_hub, impl_->registry, impl_->supervisor, impl_->broadcaster);
    impl_->hub = *hub;
    auto* impl = impl_.get();
    impl_->listener = std::make_shared<tcp_listener>(
      impl_->ioc, tcp::endpoint(address, o.port), true, "api: ", [impl, limit = o.body_limit_bytes](tcp::socket s) {
        std::make_shared<api_http_session>(std::move(s), impl->router, impl->in_flight, limit, impl->registry)->run();
      });
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error("api: cannot listen on " + o.host + ":" + std::to_string(o.port) + ": " +
                             e.code().message());
  }
  impl_->port = impl_->listener->local_endpoint().port();
  impl_->listener->run();
  for (int i = 0; i < std::max(1, o.io_threads); ++i)
    impl_->threads.emplace_back([this] { impl_->ioc.run(); });
  spdlog::info("api listening on {}:{}", o.host, impl_->port);
}

uint16_t api_server::port() const { return impl_->port; }

int64_t api_server::undeclared_answers() const { return impl_->router.undeclared_answers(); }

void api_server::stop() {
  if (!impl_ || impl_->stopped)
    return;
  impl_->stopped = true;
  if (impl_->listener)
    impl_->listener->stop();
  {
    // Answers still on their way post to the io_context: let them land (bounded) first.
    std::unique_lock<std::mutex> lock(impl_->in_flight.mutex);
    impl_->in_flight.idle.wait_for(lock, std::chrono::seconds(3), [this] { return impl_->in_flight.count == 0; });
  }
  if (impl_->hub) {
    // No push may be posted to the io_context once it is gone: the hub ends first.
    caf::scoped_actor self(impl_->system);
    self->monitor(impl_->hub);
    self->send_exit(impl_->hub, caf::exit_reason::user_shutdown);
    self->receive([](const caf::down_msg&) {}, caf::after(std::chrono::seconds(3)) >> [] {});
  }
  impl_->ioc.stop();
  for (auto& t : impl_->threads)
    t.join();
  impl_->router.stop();
}

std::optional<std::pair<std::string, uint16_t>> parse_listen_address(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size())
    return std::nullopt;
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  unsigned port = 0;
  auto digits = text.substr(colon + 1);
  auto [end, err] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (err != std::errc() || end != digits.data() + digits.size() || port > 65535)
    return std::nullopt;
  return std::make_pair(host, static_cast<uint16_t>(port));
}

} // namespace pt
