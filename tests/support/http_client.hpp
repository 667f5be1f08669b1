#pragma once

// A small HTTP/1.1 client for the API tests (Beast lives in tests/support/http_client.cpp only).
// Every call is bounded by a timeout; it talks to 127.0.0.1 only.

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace pt::test {

/// An HTTP answer; `status` 0 and `error` set when none came (refused, timed out, …).
struct http_result {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers; ///< names lower-case
  std::string error;

  /// A header's value, or "" when absent (`name` lower-case).
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

/// Sends one request on a new connection to 127.0.0.1:`port` and reads the answer.
http_result http_call(uint16_t port, const std::string& method, const std::string& target,
                      const std::string& body = "",
                      const std::vector<std::pair<std::string, std::string>>& headers = {},
                      std::chrono::milliseconds timeout = std::chrono::seconds(10));

/// `GET target` with `Authorization: Bearer token` (none when `token` is empty).
http_result http_get(uint16_t port, const std::string& target, const std::string& token);

/// Sends `bytes` as they are (for malformed requests) and reads one HTTP answer.
http_result http_raw(uint16_t port, const std::string& bytes,
                     std::chrono::milliseconds timeout = std::chrono::seconds(10));

/// Sends `bytes` as they are and returns every byte the server sends back until it closes the
/// connection (or `timeout` passes): several answers on one kept-alive connection, as sent.
std::string http_raw_stream(uint16_t port, const std::string& bytes,
                            std::chrono::milliseconds timeout = std::chrono::seconds(10));

} // namespace pt::test
