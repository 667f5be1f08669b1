#include "feeds/base_url.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace pt {

base_url parse_base_url(const std::string& url, const std::string& plain_scheme, const std::string& tls_scheme) {
  base_url out;
  std::string rest;
  if (url.rfind(tls_scheme + "://", 0) == 0) {
    out.tls = true;
    rest = url.substr(tls_scheme.size() + 3);
  } else if (url.rfind(plain_scheme + "://", 0) == 0) {
    rest = url.substr(plain_scheme.size() + 3);
  } else {
    throw std::invalid_argument("URL must start with " + plain_scheme + ":// or " + tls_scheme + "://: '" + url + "'");
  }
  while (!rest.empty() && rest.back() == '/')
    rest.pop_back();
  if (rest.find('/') != std::string::npos)
    throw std::invalid_argument("URL is a base (scheme://host[:port]), without a path: '" + url + "'");
  auto colon = rest.rfind(':');
  out.host = colon == std::string::npos ? rest : rest.substr(0, colon);
  out.port = colon == std::string::npos ? (out.tls ? "443" : "80") : rest.substr(colon + 1);
  if (out.host.empty() || out.port.empty() ||
      !std::all_of(out.port.begin(), out.port.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
    throw std::invalid_argument("URL has no valid host and port: '" + url + "'");
  return out;
}

} // namespace pt
