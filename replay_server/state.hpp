#pragma once

// What every connection of one replay server shares, and the Beast names its sessions use.

#include <utility> // before Asio (Boost 1.74)

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "replay_server/agg_trades.hpp"
#include "replay_server/recording.hpp"
#include "replay_server/rest_api.hpp"

namespace pt::replay {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using error_code = beast::error_code;

/// How long a connection may take to send a whole request.
inline constexpr auto http_read_timeout = std::chrono::seconds(30);
/// Largest request body accepted, bytes (Binance's REST requests carry none).
inline constexpr size_t http_body_limit = 64 * 1024;
/// The `Server` header of every answer and upgrade.
inline constexpr const char* server_name = "papertrader-replay";

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

/// `ip:port` of the socket's peer ("?" once it is gone).
inline std::string endpoint_text(const tcp::socket& socket) {
  error_code ec;
  auto ep = socket.remote_endpoint(ec);
  return ec ? std::string("?") : ep.address().to_string() + ":" + std::to_string(ep.port());
}

} // namespace pt::replay
