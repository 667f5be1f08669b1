#pragma once

// A small blocking WebSocket client for the push tests (Beast lives in
// tests/support/ws_client.cpp only). Every call is bounded by a timeout; 127.0.0.1 only.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pt::test {

struct ws_client_impl;

/// One WebSocket connection to 127.0.0.1.
class ws_client {
public:
  ws_client();
  ~ws_client();
  ws_client(const ws_client&) = delete;
  ws_client& operator=(const ws_client&) = delete;

  /// Connects to `port` and upgrades `target` ("/api/v1/ws?token=…"), with `Authorization:
  /// Bearer token` when `token` is not empty. True once upgraded; otherwise `http_status()` is
  /// the HTTP status of the refusal (0 when none came) and `error()` says why.
  bool connect(uint16_t port, const std::string& target, const std::string& token = "",
               std::chrono::milliseconds timeout = std::chrono::seconds(10));

  /// Sends one text message; false when the connection is gone.
  bool send(const std::string& text, std::chrono::milliseconds timeout = std::chrono::seconds(10));

  /// The next message, or nullopt when none came within `timeout` (the read stays pending for the
  /// next call) or the connection closed (`open()` is then false).
  std::optional<std::string> read(std::chrono::milliseconds timeout);

  /// Whether the connection is still open (no read or write failed).
  bool open() const;
  /// The HTTP status of a refused upgrade.
  int http_status() const;
  /// What went wrong last.
  std::string error() const;

private:
  std::unique_ptr<ws_client_impl> impl_;
};

} // namespace pt::test
