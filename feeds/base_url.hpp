#pragma once

#include <string>

namespace pt {

/// A server's base URL split up: `wss://stream.binance.com:9443` → tls, host, port.
struct base_url {
  bool tls = false;
  std::string host;
  std::string port; ///< the scheme's default (80 / 443) when the URL names none
};

/// Parses `scheme://host[:port]` (a trailing '/' is allowed, a path is not) where the scheme is
/// `plain_scheme` or `tls_scheme` (e.g. "ws" / "wss", "http" / "https"). Throws
/// `std::invalid_argument` naming the URL and what is wrong.
base_url parse_base_url(const std::string& url, const std::string& plain_scheme, const std::string& tls_scheme);

} // namespace pt
