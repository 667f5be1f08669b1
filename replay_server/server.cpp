// The replay server: loads the recording into its shared state (replay_server/state.hpp), then
// accepts connections (web/http/listener.hpp) → http_session (REST, or upgrade) →
// websocket_session (the paced replay). Everything runs on one io_context thread.

#include "replay_server/server.hpp"

#include <utility> // before Asio (Boost 1.74)

#include <csignal>
#include <memory>
#include <stdexcept>
#include <string>

#include <boost/asio/signal_set.hpp>
#include <spdlog/spdlog.h>

#include "core/market/candle.hpp"
#include "replay_server/http_session.hpp"
#include "replay_server/state.hpp"
#include "web/http/listener.hpp"

namespace pt {

using namespace replay;

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
  std::shared_ptr<tcp_listener> server;
  try {
    server = std::make_shared<tcp_listener>(ioc, tcp::endpoint(address, options.port), false, "",
                                            [state](tcp::socket socket) {
                                              auto id = state->next_connection_id++;
                                              spdlog::info("connection {} from {}", id, endpoint_text(socket));
                                              std::make_shared<http_session>(std::move(socket), state, id)->run();
                                            });
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
