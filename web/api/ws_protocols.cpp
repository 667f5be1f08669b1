// The push endpoint's subprotocols: the token travels base64url-encoded in one of them.

#include "web/api/ws_protocols.hpp"

#include <boost/beast/core/detail/base64.hpp>

namespace pt {

namespace {

namespace base64 = boost::beast::detail::base64;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// base64url (no padding) → bytes; nullopt when a character is outside the alphabet or the length
// cannot be that of an encoding.
std::optional<std::string> decode_base64url(std::string_view text) {
  if (text.empty() || text.size() % 4 == 1)
    return std::nullopt;
  std::string standard(text);
  for (auto& c : standard) {
    if (c == '-')
      c = '+';
    else if (c == '_')
      c = '/';
    else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
      return std::nullopt;
  }
  // decoded_size() rounds down to whole groups of 4; a last, shorter group needs up to 2 more.
  std::string out(base64::decoded_size(standard.size()) + 3, '\0');
  auto [written, read] = base64::decode(out.data(), standard.data(), standard.size());
  if (read != standard.size() || written == 0)
    return std::nullopt;
  out.resize(written);
  return out;
}

} // namespace

ws_offer parse_ws_offer(std::string_view header) {
  ws_offer offer;
  while (!header.empty()) {
    auto comma = header.find(',');
    auto entry = trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    if (entry == ws_protocol)
      offer.protocol = true;
    else if (entry.substr(0, ws_token_protocol_prefix.size()) == ws_token_protocol_prefix && !offer.token)
      offer.token = decode_base64url(entry.substr(ws_token_protocol_prefix.size()));
  }
  return offer;
}

std::string ws_token_protocol(std::string_view token) {
  std::string out(base64::encoded_size(token.size()), '\0');
  out.resize(base64::encode(out.data(), token.data(), token.size()));
  while (!out.empty() && out.back() == '=')
    out.pop_back();
  for (auto& c : out)
    c = c == '+' ? '-' : c == '/' ? '_' : c;
  return std::string(ws_token_protocol_prefix) + out;
}

} // namespace pt
