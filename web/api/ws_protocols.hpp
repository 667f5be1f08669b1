#pragma once

// Credentials a browser can send on a WebSocket upgrade: browsers cannot set `Authorization` on a
// WebSocket, but they send the subprotocols asked for (`new WebSocket(url, protocols)`) in the
// `Sec-WebSocket-Protocol` header, which stays out of URLs, access logs and browser history.

#include <optional>
#include <string>
#include <string_view>

namespace pt {

/// The subprotocol of the push endpoint; a client that offers it gets it selected in the answer
/// (browsers refuse an upgrade whose answer selects none of the protocols they offered).
inline constexpr std::string_view ws_protocol = "papertrader.v1";

/// Prefix of the offered subprotocol that carries the API token: `papertrader.bearer.` followed by
/// the token in base64url without padding (RFC 4648 §5; its alphabet is valid in the header, any
/// token byte is not).
inline constexpr std::string_view ws_token_protocol_prefix = "papertrader.bearer.";

/// What a `Sec-WebSocket-Protocol` header offers.
struct ws_offer {
  bool protocol = false;              ///< `ws_protocol` is among the offered subprotocols
  std::optional<std::string> token;   ///< the token of a `papertrader.bearer.…` entry that decodes
};

/// Reads a `Sec-WebSocket-Protocol` header value (comma-separated subprotocols, spaces allowed).
/// A `papertrader.bearer.` entry that is not valid base64url (or decodes to nothing) gives no token;
/// nothing here throws.
ws_offer parse_ws_offer(std::string_view header);

/// `token` as the subprotocol entry `papertrader.bearer.<base64url>` (what the dashboard sends).
std::string ws_token_protocol(std::string_view token);

} // namespace pt
