#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "web/api/server.hpp"

namespace pt {

/// What a request's credentials allow.
enum class api_role { none, read, admin };

/// Bearer-token check and per-token rate limit (a token bucket: `rate_per_s` refill, `burst`
/// capacity). Thread-safe.
class api_auth {
public:
  api_auth(const std::vector<api_token>& tokens, double rate_per_s, double burst);

  /// The role of an `Authorization` header value ("Bearer <token>"); `none` when it is
  /// missing, malformed or names an unknown token. Compares in constant time per token.
  api_role role_of(const std::string& authorization) const;

  /// Takes one request from the bucket of the token in `authorization`. 0 when allowed, else
  /// the seconds to wait before the next request may pass (for `Retry-After`, at least 1).
  int64_t take(const std::string& authorization);

private:
  struct bucket {
    double level = 0;
    std::chrono::steady_clock::time_point at;
  };
  std::unordered_map<std::string, api_role> roles_;
  double rate_per_s_, burst_;
  std::mutex mutex_;
  std::unordered_map<std::string, bucket> buckets_;
};

/// Reads the token stored in `path`, or creates it (32 random bytes as hex, mode 0600) when the
/// file does not exist, creating its folder when missing. Throws `std::runtime_error` (saying why)
/// when it can neither read nor create it.
std::string load_or_create_token_file(const std::string& path);

} // namespace pt
