#include "web/api/auth.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace pt {

namespace {

// Token bytes compared without an early exit, so timing does not reveal a matching prefix.
bool equal_constant_time(const std::string& a, const std::string& b) {
  if (a.size() != b.size())
    return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i)
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

std::string bearer_token(const std::string& authorization) {
  const std::string prefix = "Bearer ";
  if (authorization.size() <= prefix.size() || authorization.compare(0, prefix.size(), prefix) != 0)
    return {};
  return authorization.substr(prefix.size());
}

} // namespace

api_auth::api_auth(const std::vector<api_token>& tokens, double rate_per_s, double burst)
    : rate_per_s_(rate_per_s), burst_(std::max(1.0, burst)) {
  for (auto& t : tokens)
    if (!t.token.empty())
      roles_[t.token] = t.role == "admin" ? api_role::admin : api_role::read;
}

api_role api_auth::role_of(const std::string& authorization) const {
  auto token = bearer_token(authorization);
  if (token.empty())
    return api_role::none;
  api_role found = api_role::none;
  for (auto& [known, role] : roles_)
    if (equal_constant_time(known, token))
      found = role;
  return found;
}

int64_t api_auth::take(const std::string& authorization) {
  auto token = bearer_token(authorization);
  auto now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(mutex_);
  auto [it, fresh] = buckets_.try_emplace(token);
  auto& b = it->second;
  if (fresh) {
    b.level = burst_;
  } else {
    double seconds = std::chrono::duration<double>(now - b.at).count();
    b.level = std::min(burst_, b.level + seconds * rate_per_s_);
  }
  b.at = now;
  if (b.level >= 1) {
    b.level -= 1;
    return 0;
  }
  if (rate_per_s_ <= 0)
    return 60;
  return std::max<int64_t>(1, static_cast<int64_t>((1 - b.level) / rate_per_s_ + 0.999));
}

std::string load_or_create_token_file(const std::string& path) {
  if (std::ifstream in{path}) {
    std::string token;
    std::getline(in, token);
    if (!token.empty())
      return token;
  }
  std::random_device rd;
  std::string token;
  for (int i = 0; i < 32; ++i) {
    char hex[3];
    std::snprintf(hex, sizeof hex, "%02x", static_cast<unsigned>(rd() & 0xff));
    token += hex;
  }
  // The database's folder (e.g. data/ in a fresh clone) may not exist yet: the token file is the
  // first thing written beside the database.
  auto parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty())
    std::filesystem::create_directories(parent, ec);
  if (ec)
    throw std::runtime_error("cannot create the folder " + parent.string() + " for the API token file: " +
                             ec.message());
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0)
    throw std::runtime_error("cannot create the API token file " + path + ": " + std::strerror(errno));
  std::string line = token + "\n";
  bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ::fchmod(fd, 0600);
  ::close(fd);
  if (!ok)
    throw std::runtime_error("cannot write the API token file " + path);
  return token;
}

} // namespace pt
