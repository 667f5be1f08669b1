#include "app/record_command.hpp"

#include <chrono>
#include <mutex>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "feeds/line_writer.hpp"
#include "app/signal_block.hpp"
#include "feeds/binance/stream_client.hpp"

namespace pt {

int record_stream(const record_options& options) {
  signal_block signals;
  line_writer writer(options.out);
  std::mutex mutex; // the connector's thread writes, this one flushes
  std::string write_error;

  stream_client_options client_options;
  client_options.base_url = options.url;
  client_options.rest_url = options.rest_url;
  client_options.symbols = options.symbols;
  client_options.streams = options.streams;
  client_options.end_on_normal_close = options.exit_at_end;
  client_options.on_raw_message = [&](int64_t receive_ns, const std::string& json) {
    std::lock_guard<std::mutex> lock(mutex);
    if (!write_error.empty())
      return;
    try {
      writer.write(std::to_string(receive_ns) + " " + json);
    } catch (const std::exception& e) {
      write_error = e.what();
    }
  };

  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  binance_stream_client client(system, market_sink_actor{}, client_options);
  client.start();
  spdlog::info("recording {} symbol(s) from {} into {}", options.symbols.size(), options.url, options.out);

  auto last_flush = std::chrono::steady_clock::now();
  int exit_code = 0;
  while (true) {
    if (int sig = signals.wait(200)) {
      spdlog::info("{} received: finishing {}", strsignal(sig), options.out);
      break;
    }
    if (client.ended())
      break;
    std::lock_guard<std::mutex> lock(mutex);
    if (!write_error.empty()) {
      spdlog::error("{}", write_error);
      exit_code = 1;
      break;
    }
    if (std::chrono::steady_clock::now() - last_flush > std::chrono::seconds(5)) {
      last_flush = std::chrono::steady_clock::now();
      writer.flush();
      auto h = client.health();
      spdlog::info("recording: {} messages written, feed {}, {} reconnects", writer.lines(), h.state, h.reconnects);
    }
  }
  client.stop();
  std::lock_guard<std::mutex> lock(mutex);
  writer.close();
  spdlog::info("recorded {} messages into {}", writer.lines(), options.out);
  return exit_code;
}

} // namespace pt
